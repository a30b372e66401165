/**
 * The restore drill's parts: the throwaway stack's configuration (run through the real program under the
 * mocks, so the restore it sets is one the program accepts and turns into an RDS point-in-time restore), its
 * policy config, the restore point read from the cloud's CLI, and the check Job.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { stringify } from "yaml";
import { runCheck } from "../../check";
import { hasMandatoryViolations } from "../../check/policy";
import { runProgram } from "../../check/runtime";
import { ROOT, loadStackConfig } from "../../check/stack";
import { CATALOG } from "../../policies/catalog";
import { EXIT, ExitError } from "../../scripts/lib/exit-codes";
import { CHECK_JOB, checkManifests, parseCheckLog, runCheckJob } from "../../scripts/lib/drill/check-job";
import { Exec, latestRestorePoint, rfc3339 } from "../../scripts/lib/drill/restore-point";
import {
    DRILL_ADVISORY_POLICIES,
    drillConfig,
    drillPolicyConfig,
    drillStackName,
} from "../../scripts/lib/drill/stack-config";

const toConfigMap = (c: Record<string, string>): ConfigMap =>
    Object.fromEntries(Object.entries(c).map(([k, value]) => [k, { value, secret: false }]));
const fromConfigMap = (c: ConfigMap) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v.value]));

/** An exec that answers from a table keyed by the command line, and records what it ran. */
function fakeExec(answers: Record<string, string | Error>) {
    const ran: { line: string; input?: string; env?: Readonly<Record<string, string>> }[] = [];
    const exec: Exec = async (command, args, options) => {
        const line = [command, ...args].join(" ");
        ran.push({ line, input: options?.input, env: options?.env });
        const key = Object.keys(answers).find((k) => line.startsWith(k));
        const answer = key === undefined ? new Error(`unexpected: ${line}`) : answers[key];
        if (answer instanceof Error) throw answer;
        return answer;
    };
    return { exec, ran };
}

describe("restore drill: the throwaway stack", function () {
    this.timeout(300_000);

    it("is named <stack>-drill-<UTC date>-<time>", () => {
        assert.strictEqual(drillStackName("prod", new Date("2026-12-01T03:07:59Z")), "prod-drill-20261201-0307");
    });

    it("restores the source's latest point, unprotected and without services, in a configuration the program accepts (AWS)", async () => {
        const source = loadStackConfig("prod", [], undefined).config;
        const time = rfc3339(new Date(Date.now() - 10 * 60_000));
        const point = { source: "platform-prod-db", time, reported: true, how: "RDS LatestRestorableTime" };
        const config = fromConfigMap(drillConfig(toConfigMap(source), point));
        assert.deepStrictEqual(JSON.parse(config["platform:database"]), {
            ...JSON.parse(source["platform:database"]),
            restore: { pointInTime: { source: "platform-prod-db", time } },
        });
        const run = await runProgram({ project: "platform", stack: "prod-drill-20261201-0300", config });
        const db = run.resources.find((r) => r.type === "aws:rds/instance:Instance");
        assert.ok(db, "the database is registered");
        assert.deepStrictEqual(db.inputs.restoreToPointInTime, {
            sourceDbInstanceIdentifier: "platform-prod-db",
            restoreTime: time,
        });
        assert.strictEqual(db.inputs.deletionProtection, false, "the drill must be able to destroy it");
        assert.ok(!db.protect, "no Pulumi protect on the throwaway database");
        assert.ok(
            !run.resources.some((r) => r.type === "kubernetes:apps/v1:Deployment" && /-api$|frontend/.test(r.name)),
        );
    });

    // A locked AWS vault keeps recovery points to the lock's minimum (docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html),
    // an immutable Azure vault refuses to delete them early (learn.microsoft.com/azure/backup/backup-azure-immutable-vault-concept),
    // and a second CloudFront distribution cannot take the real stack's hosts (CNAMEAlreadyExists,
    // docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/CNAMEs.html#alternate-domain-names-restrictions).
    // The drill previews with the pack and ups only if no mandatory rule fails (automation.ts deploy), so the
    // throwaway of prod must pass prod's pack under the drill's policy config (drillPolicyConfig).
    it("unlocks the throwaway's vault, leaves out the real DNS zone and CDN, and passes prod's pack as the drill configures it, so that its preview, up and destroy succeed", async () => {
        const source = loadStackConfig("prod", [], undefined).config;
        assert.ok(source["platform:dns"], "prod names a zone (the case this protects)");
        const time = rfc3339(new Date(Date.now() - 10 * 60_000));
        const sources = {
            aws: "platform-prod-db",
            azure: "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/platform-prod-rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/platform-prod-db",
        };
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-test-"));
        const policyConfig = path.join(dir, "policy-config.json");
        const prodPolicies = JSON.parse(fs.readFileSync(path.join(ROOT, "policies/config/prod.json"), "utf8"));
        fs.writeFileSync(policyConfig, JSON.stringify(drillPolicyConfig(prodPolicies)));
        try {
            for (const [cloud, id] of Object.entries(sources)) {
                const locked = {
                    ...source,
                    "platform:cloud": cloud,
                    "platform:backup": '{"vaultLock":"compliance","dailyRetentionDays":9}',
                };
                const point = { source: id, time, reported: true, how: "" };
                const config = fromConfigMap(drillConfig(toConfigMap(locked), point));
                assert.deepStrictEqual(JSON.parse(config["platform:backup"]), {
                    vaultLock: "none",
                    dailyRetentionDays: 9,
                });
                assert.strictEqual(config["platform:dns"], undefined);
                assert.deepStrictEqual(JSON.parse(config["platform:cdn"]), { enabled: false });
                const stackFile = path.join(dir, "prod-drill-20261201-0300.yaml");
                fs.writeFileSync(stackFile, stringify({ config }));
                const result = await runCheck({ stack: "prod-drill-20261201-0300", stackFile, policyConfig });
                const mandatory = result.violations.filter((v) => hasMandatoryViolations([v]));
                assert.deepStrictEqual(
                    mandatory.map((v) => `${v.phase}: ${v.policy}: ${v.urn}`),
                    [],
                    `${cloud}: the drill's preview would stop here`,
                );
                const types = new Set(result.run.resources.map((r) => r.type));
                for (const t of [
                    "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
                    "aws:cloudfront/distribution:Distribution",
                    "aws:route53/zone:Zone",
                    "azure-native:cdn:Profile",
                    "azure-native:dns:Zone",
                ]) {
                    assert.ok(!types.has(t), `${cloud}: the throwaway has no ${t}`);
                }
                const vault = result.run.resources.find((r) => r.type === "azure-native:dataprotection:BackupVault");
                assert.strictEqual(vault !== undefined, cloud === "azure");
                if (vault) {
                    const security = (
                        vault.inputs.properties as { securitySettings: Record<string, { state: string }> }
                    ).securitySettings;
                    assert.strictEqual(security.immutabilitySettings.state, "Disabled");
                    assert.strictEqual(security.softDeleteSettings.state, "Off");
                }
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("keeps secret config values secret when it copies them", () => {
        const source: ConfigMap = { "platform:alertEmail": { value: "oncall@acme.internal", secret: true } };
        const point = { source: "db", time: "2026-12-01T02:55:00Z", reported: true, how: "" };
        assert.deepStrictEqual(drillConfig(source, point)["platform:alertEmail"], source["platform:alertEmail"]);
    });

    it("makes advisory only the protection rules it must break, which all exist in the pack, keeping their settings", () => {
        for (const name of DRILL_ADVISORY_POLICIES) assert.ok(CATALOG[name], `${name} is a policy of the pack`);
        const env = {
            all: "mandatory",
            "aws-rds-deletion-protection": { required: true },
            "aws-rds-multi-az": { required: true },
        };
        const config = drillPolicyConfig(env);
        assert.deepStrictEqual(config["aws-rds-deletion-protection"], { required: true, enforcementLevel: "advisory" });
        assert.deepStrictEqual(config["aws-rds-multi-az"], { required: true }, "other rules keep their level");
        assert.strictEqual(config.all, "mandatory");
    });
});

describe("restore drill: the restore point", () => {
    // https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBInstance.html (LatestRestorableTime)
    it("reads RDS's LatestRestorableTime with the aws CLI", async () => {
        const { exec, ran } = fakeExec({
            "aws rds describe-db-instances": JSON.stringify({
                DBInstances: [{ LatestRestorableTime: "2026-12-01T02:55:12.345000+00:00" }],
            }),
        });
        const point = await latestRestorePoint("aws", "platform-prod-db", "eu-west-1", exec, new Date());
        assert.deepStrictEqual(point, {
            source: "platform-prod-db",
            time: "2026-12-01T02:55:12Z",
            reported: true,
            how: "RDS LatestRestorableTime",
        });
        assert.deepStrictEqual(
            ran.map((r) => r.line),
            [
                "aws rds describe-db-instances --db-instance-identifier platform-prod-db --region eu-west-1 --output json",
            ],
        );
    });

    it("exits 2, before anything is created, when the cloud's CLI is not installed", async () => {
        const { exec } = fakeExec({ aws: Object.assign(new Error("spawn aws ENOENT"), { code: "ENOENT" }) });
        await assert.rejects(
            latestRestorePoint("aws", "db", "eu-west-1", exec, new Date()),
            (err: ExitError) => err.code === EXIT.usage && /aws CLI, which is not on PATH/.test(err.message),
        );
    });

    it("restores an Azure flexible server to the drill's start, which it does not report as a measured RPO", async () => {
        const id =
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/platform-prod-db";
        const { exec, ran } = fakeExec({ "az postgres flexible-server show": JSON.stringify({ state: "Ready" }) });
        const point = await latestRestorePoint("azure", id, "westeurope", exec, new Date("2026-12-01T03:00:00.500Z"));
        assert.strictEqual(point.time, "2026-12-01T03:00:00Z");
        assert.strictEqual(point.reported, false);
        assert.strictEqual(ran[0].line, `az postgres flexible-server show --ids ${id} --output json`);
    });
});

describe("restore drill: the check Job", () => {
    const target = {
        connectionString: "postgresql://u:hunter2@db:5432/app?sslmode=verify-full",
        tlsCaBundleUrl: "https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem",
        engineVersion: "17",
    };

    it("queries the database from inside the cluster, non-root, with the connection string only in a Secret", () => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const list = checkManifests(target, 3600) as { items: Record<string, any>[] };
        const job = list.items.find((i) => i.kind === "Job")!;
        const pod = job.spec.template.spec;
        assert.strictEqual(pod.containers[0].image, "postgres:17-alpine");
        assert.strictEqual(pod.securityContext.runAsNonRoot, true);
        assert.strictEqual(pod.containers[0].securityContext.readOnlyRootFilesystem, true);
        assert.match(pod.containers[0].command[2], /pg_isready[\s\S]*psql/);
        assert.ok(!JSON.stringify(job).includes("hunter2"), "the password is not in the Job");
        assert.strictEqual(list.items.find((i) => i.kind === "Secret")!.stringData.url, target.connectionString);
    });

    it("applies it from stdin, waits until it succeeds, and takes the ready time and the answer from its log", async () => {
        let looks = 0;
        const { exec, ran } = fakeExec({
            "kubectl apply -f -": "",
            [`kubectl get job ${CHECK_JOB}`]: "",
            [`kubectl logs job/${CHECK_JOB}`]: "ready=2026-12-01T03:40:00Z\ntables=12\n",
        });
        const polling: Exec = async (command, args, options) => {
            if (args[0] === "get") return JSON.stringify({ status: ++looks < 3 ? {} : { succeeded: 1 } });
            return exec(command, args, options);
        };
        const env = { KUBECONFIG: "/tmp/kubeconfig" };
        const sleep = async () => undefined;
        const result = await runCheckJob(polling, env, target, { deadlineSeconds: 60, pollMs: 10, sleep });
        assert.deepStrictEqual(result, { readyAt: new Date("2026-12-01T03:40:00Z"), answer: "tables=12" });
        assert.strictEqual(looks, 3);
        assert.ok(ran[0].input!.includes(target.connectionString), "the Secret goes on stdin");
        assert.ok(!ran[0].line.includes("hunter2"), "never in the arguments");
        assert.deepStrictEqual(ran[0].env, env);
    });

    it("fails with the Job's log when it fails, and when the log has no answer", async () => {
        const failing: Exec = async (_c, args) =>
            args[0] === "get"
                ? JSON.stringify({ status: { failed: 1 } })
                : args[0] === "logs"
                  ? "FATAL: no pg_hba.conf entry"
                  : "";
        const options = { deadlineSeconds: 60, pollMs: 10, sleep: async () => undefined };
        await assert.rejects(runCheckJob(failing, {}, target, options), /The check Job failed:\nFATAL: no pg_hba/);
        assert.throws(() => parseCheckLog("ready=2026-12-01T03:40:00Z\n"), /without the query's answer/);
    });
});
