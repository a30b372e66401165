/**
 * `npm run check` with the policy pack, as users run it: exit codes, the "violations" array of --json,
 * the readable report, --policy-config, and no secret in the output.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { check, runStack, secretsOf } from "../harness";
import { ADVISORY_UNTIL_MET } from "../../policies/all";

interface JsonViolation {
    policyPack: string;
    policy: string;
    enforcementLevel: string;
    urn: string;
    message: string;
    phase: string;
    /** Set when the pack could not decide the rule on preview's unknowns (check/preview.ts). */
    undecidable?: { level: string };
}

describe("check command with the policy pack", function () {
    this.timeout(300_000);

    it('prints "violations" for prod with only the advisories the program does not meet yet, and exits 0', () => {
        const out = check("--stack", "prod", "--json");
        assert.strictEqual(out.code, 0, out.stderr);
        const found = (JSON.parse(out.stdout) as { violations: JsonViolation[] }).violations;
        // policies/all.ts ADVISORY_UNTIL_MET: advisory in prod until the program gets the keys / endpoints.
        assert.deepStrictEqual(
            // Rules the preview cannot decide on unknowns are reported as such, not as violations.
            found.filter((v) => !v.undecidable && !(ADVISORY_UNTIL_MET[v.policy] && v.enforcementLevel === "advisory")),
            [],
        );
    });

    it("exits 1 with a 1-day backup retention in prod and names the policies in the JSON, secrets redacted", async () => {
        const out = check("--stack", "prod", "-c", "platform:backupRetentionDays=1", "--json");
        assert.strictEqual(out.code, 1, out.stderr);
        const doc = JSON.parse(out.stdout) as { violations: JsonViolation[]; resources: unknown[] };
        assert.ok(doc.resources.length > 0, "the graph is still printed");
        const decided = doc.violations.filter((v) => !v.undecidable);
        const policies = decided.map((v) => v.policy);
        // Retention is a literal input: decided the same in preview and in update (check/preview.ts); rules
        // that read computed values (key policies, bucket names) are undecidable in preview, not violations.
        for (const phase of ["preview", "update"]) {
            const inPhase = decided.filter((v) => v.phase === phase).map((v) => v.policy);
            assert.deepStrictEqual([...new Set(inPhase)].sort(), [...new Set(policies)].sort(), phase);
        }
        for (const policy of [
            "aws-rds-backup-retention",
            "aws-elasticache-snapshot-retention",
            "platform-database-backups",
        ]) {
            assert.ok(policies.includes(policy), `${policy} in ${policies.join(", ")}`);
        }
        for (const v of decided) {
            assert.deepStrictEqual(Object.keys(v), [
                "policyPack",
                "policy",
                "enforcementLevel",
                "urn",
                "message",
                "phase",
            ]);
            // Only the rules the program does not meet yet are advisory in prod (policies/all.ts ADVISORY_UNTIL_MET).
            assert.strictEqual(v.enforcementLevel, ADVISORY_UNTIL_MET[v.policy] ? "advisory" : "mandatory");
            assert.strictEqual(v.policyPack, "platform-policies");
            assert.match(v.urn, /^urn:pulumi:prod::platform::/);
        }
        const run = await runStack("prod", "aws", ["platform:backupRetentionDays=1"]);
        const secrets = secretsOf(run);
        assert.ok(secrets.length >= 3, "the run has secrets to look for");
        for (const secret of secrets) assert.ok(!out.stdout.includes(secret), "a secret leaked into the output");
    });

    it("exits 1 when an override bag turns encryption off in prod, printing pack, policy, level, URN and message", () => {
        const out = check("--stack", "prod", "-c", 'platform:database={"aws":{"storageEncrypted":false}}');
        assert.strictEqual(out.code, 1, out.stderr);
        assert.match(
            out.stdout,
            /^policy pack platform-policies@\d+\.\d+\.\d+ \(policies\/config\/prod\.json\): .* \d+ violations \(6 mandatory\)/m,
        );
        // The same three mandatory ones, found in each phase of the run (plus one advisory of
        // ADVISORY_UNTIL_MET); in preview, the rules that read computed values are undecidable.
        assert.match(out.stdout, /^preview \(.*\): 4 violations \(3 mandatory\), \d+ undecidable \(.*\)$/m);
        assert.match(out.stdout, /^update \(.*\): 4 violations \(3 mandatory\)$/m);
        assert.match(
            out.stdout,
            /✗ \[mandatory\] platform-policies: aws-rds-storage-encrypted-cmk\n {4}urn:pulumi:prod::platform::.*aws:rds\/instance:Instance::platform-prod-db-instance\n/,
        );
        assert.match(out.stdout, /✗ \[mandatory\] platform-policies: platform-no-security-opt-outs/);
        // Unencrypted storage also drops the cross-region backup replication (it needs a key in the backup region).
        assert.match(out.stdout, /✗ \[mandatory\] platform-policies: aws-rds-backup-replication-present/);
        assert.match(out.stdout, /storageEncrypted is false\. Fix: /);
    });

    it("reports the same setting as advisory in dev and exits 0", () => {
        const out = check("--stack", "dev", "-c", 'platform:database={"aws":{"storageEncrypted":false}}');
        assert.strictEqual(out.code, 0, out.stderr);
        assert.match(out.stdout, /! \[advisory\] platform-policies: aws-rds-storage-encrypted-cmk/);
        assert.doesNotMatch(out.stdout, /\[mandatory\]/);
    });

    it("applies --policy-config instead of the stack's file", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-")), "strict.json");
        fs.writeFileSync(
            file,
            JSON.stringify({ all: "mandatory", "aws-rds-backup-retention": { minimumRetentionDays: 30 } }),
        );
        const out = check("--stack", "dev", "--policy-config", file);
        assert.strictEqual(out.code, 1, out.stderr);
        assert.match(out.stdout, /✗ \[mandatory\] platform-policies: aws-rds-backup-retention/);
        assert.match(out.stdout, /Automated backups are kept 7 day\(s\); this environment requires at least 30/);
    });

    it("exits 2 with nothing on stdout when the policy config file is missing or invalid", () => {
        const missing = check("--stack", "prod", "--policy-config", "policies/config/qa.json");
        assert.strictEqual(missing.code, 2);
        assert.strictEqual(missing.stdout, "");
        assert.match(missing.stderr, /Invalid policy config policies\/config\/qa\.json.*cannot be read/s);

        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-")), "typo.json");
        fs.writeFileSync(file, JSON.stringify({ "aws-rds-backup-retenton": { minimumRetentionDays: 30 } }));
        const typo = check("--stack", "dev", "--policy-config", file);
        assert.strictEqual(typo.code, 2);
        assert.strictEqual(typo.stdout, "");
        assert.match(typo.stderr, /aws-rds-backup-retenton: no policy of this name in the pack/);
    });
});
