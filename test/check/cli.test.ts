/**
 * The offline check command as users run it: a separate process, its stdout, stderr and exit code.
 */
import * as assert from "assert";
import { check, runStack, secretsOf } from "../harness";

describe("check command", function () {
    this.timeout(120000);

    describe("--json for prod", () => {
        let out: ReturnType<typeof check>;
        let doc: {
            stack: string;
            cloud: string;
            resources: Record<string, unknown>[];
            outputs: Record<string, Record<string, unknown>>;
        };
        before(() => {
            out = check("--stack", "prod", "--json");
            doc = JSON.parse(out.stdout);
        });

        it("exits 0 and prints exactly one JSON object on stdout", () => {
            assert.strictEqual(out.code, 0, out.stderr);
            assert.ok(out.stdout.trim().startsWith("{") && out.stdout.trim().endsWith("}"));
        });
        it("has the documented shape", () => {
            assert.deepStrictEqual(
                Object.keys(doc).filter((k) => k !== "violations"),
                ["stack", "cloud", "resources", "outputs"],
            );
            assert.deepStrictEqual([doc.stack, doc.cloud], ["prod", "aws"]);
            for (const r of doc.resources) {
                assert.deepStrictEqual(Object.keys(r), [
                    "urn",
                    "type",
                    "name",
                    "parent",
                    "provider",
                    "dependencies",
                    "protect",
                    "inputs",
                ]);
            }
            const rds = doc.resources.find((r) => r.type === "aws:rds/instance:Instance")!;
            assert.strictEqual(
                (rds.inputs as Record<string, unknown>).storageEncrypted,
                true,
                "inputs use the TypeScript names",
            );
            assert.strictEqual(rds.protect, true);
        });
        it('replaces every secret with "[secret]"', async () => {
            assert.strictEqual(doc.outputs.database.password, "[secret]");
            assert.strictEqual(doc.outputs.database.connectionString, "[secret]");
            assert.strictEqual(doc.outputs.cache.authToken, "[secret]");
            assert.strictEqual(doc.outputs.cluster.kubeconfig, "[secret]");
            const rds = doc.resources.find((r) => r.type === "aws:rds/instance:Instance")!;
            assert.strictEqual((rds.inputs as Record<string, unknown>).password, "[secret]");
            // No secret value of the same run appears anywhere in the output, in any form.
            const run = await runStack("prod", "aws");
            const secrets = secretsOf(run);
            assert.ok(secrets.length >= 5, "the run has secrets to look for");
            assert.ok(
                secrets.some((s) => s.startsWith("postgresql://")),
                "connection strings inside Kubernetes Secrets are searched for too",
            );
            for (const secret of secrets) {
                assert.ok(!out.stdout.includes(secret), "a secret leaked into the JSON output");
                assert.ok(!out.stdout.includes(JSON.stringify(secret).slice(1, -1)), "an escaped secret leaked");
            }
        });
    });

    it("prints a readable tree by component with resource counts", () => {
        const out = check("--stack", "dev");
        assert.strictEqual(out.code, 0, out.stderr);
        assert.match(out.stdout, /^stack dev \(cloud: aws\): \d+ resources/);
        assert.match(out.stdout, /platform-dev-db \(platform:database:Database\): \d+ resources/);
        assert.match(out.stdout, /1 × aws:rds\/instance:Instance/);
    });

    it("exits 2 on an unknown cloud, naming the key, the value and the allowed values, with empty stdout", () => {
        const out = check("--stack", "prod", "-c", "platform:cloud=gcp");
        assert.strictEqual(out.code, 2);
        assert.strictEqual(out.stdout, "");
        assert.match(out.stderr, /platform:cloud: got "gcp"; allowed: one of "aws", "azure"/);
    });

    it("exits 2 on an unknown stack", () => {
        const out = check("--stack", "qa");
        assert.strictEqual(out.code, 2);
        assert.strictEqual(out.stdout, "");
        assert.match(out.stderr, /Unknown stack "qa".*Known stacks: dev, prod, staging/s);
    });

    it("exits 2 on a missing --stack or an unknown argument", () => {
        for (const args of [[], ["--stack", "dev", "--yaml"]]) {
            const out = check(...args);
            assert.strictEqual(out.code, 2, args.join(" "));
            assert.strictEqual(out.stdout, "");
            assert.match(out.stderr, /usage: npm run check/);
        }
    });

    it("applies -c overrides without a namespace to the project's namespace, like pulumi -c", () => {
        const out = check("--stack", "dev", "-c", "backupRetentionDays=99");
        assert.strictEqual(out.code, 2);
        assert.match(out.stderr, /platform:backupRetentionDays: got 99/);
    });
});
