/**
 * Application secrets (components/workloads/secrets/): stored per service in the cloud's secret store,
 * readable only by that service's identity, delivered to pods by the Secrets Store CSI driver by reference,
 * rotated without a redeploy, never in plain text in the graph.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { ServiceConfig } from "../../components/workloads";
import { ROOT } from "../../check/stack";
import { ProgramRun, ResourceRecord, plain, redact } from "../../check/runtime";
import { CLOUDS, expectConfigError, inputs, ofType, runStack } from "../harness";

const VALUE = "jwt-signing-key-value-that-must-never-appear";

function prodServices(): ServiceConfig[] {
    const file = parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")) as {
        config: Record<string, string>;
    };
    return JSON.parse(file.config["platform:services"]);
}

/** prod's services, the api with a file secret (valued in config) and an env secret (set out of band). */
function withSecrets(change?: (services: ServiceConfig[]) => void): string[] {
    const services = prodServices();
    services.find((s) => s.name === "api")!.secrets = ["JWT_PRIVATE_KEY", { name: "STRIPE_KEY", as: "env" }];
    services.find((s) => s.name === "worker")!.secrets = ["MAIL_PASSWORD"];
    change?.(services);
    return [`platform:services=${JSON.stringify(services)}`, `secrets:api.JWT_PRIVATE_KEY=${VALUE}`];
}

const named = (run: ProgramRun, type: string, name: string) =>
    ofType(run, type).filter((r) => inputs(r).metadata?.name === name);
const deployment = (run: ProgramRun, name: string) => inputs(named(run, "kubernetes:apps/v1:Deployment", name)[0]);
const isSecret = (v: unknown) => (v as Record<string, unknown>)?.[rpc.specialSigKey] === rpc.specialSecretSig;
const byUrnEnd = (run: ProgramRun, type: string, end: string): ResourceRecord[] =>
    ofType(run, type).filter((r) => r.urn.endsWith(end));

// RDS Proxy's login secrets (database/aws-proxy.ts, pooling in prod) live in Secrets Manager too; they are the
// database's, not the application's.
const isProxyLogin = (r: ResourceRecord) => /::[^:]*-proxy-[^:]*$/.test(r.urn);
const appSecrets = (run: ProgramRun) => ofType(run, "aws:secretsmanager/secret:Secret").filter((r) => !isProxyLogin(r));
// Reloader deletes and re-creates an annotated Job and starts a Job of an annotated CronJob at once
// (stakater/Reloader@v1.4.21 internal/pkg/callbacks/rolling_upgrade.go ReCreateJobFromjob, CreateJobFromCronjob).
describe("application secrets of run-to-completion pods", () => {
    it("leaves Reloader off migrations and cronjobs, so that a rotation neither re-runs a migration nor runs a job off schedule", async function () {
        this.timeout(300_000);
        const overrides = withSecrets((services) => {
            services.find((s) => s.name === "api")!.migrate = { command: ["npm", "run", "migrate"] };
            services.push({
                name: "nightly-report",
                kind: "cronjob",
                image: "ghcr.io/example-org/report:1.0.0",
                command: ["/report.sh"],
                cron: { schedule: "0 2 * * *" },
                secrets: ["SMTP_PASSWORD"],
            } as ServiceConfig);
        });
        const run = await runStack("prod", "aws", overrides);
        const reload = "secretproviderclass.reloader.stakater.com/reload";
        const cron = inputs(named(run, "kubernetes:batch/v1:CronJob", "nightly-report")[0]);
        const cronPod = cron.spec.jobTemplate.spec.template;
        assert.ok(
            cronPod.spec.volumes.some((v: { name: string }) => v.name === "app-secrets"),
            "it still mounts",
        );
        assert.strictEqual(cronPod.metadata.annotations?.[reload], undefined);
        const migration = ofType(run, "kubernetes:batch/v1:Job").find((r) =>
            String(inputs(r).metadata?.name).startsWith("api-migrate-"),
        );
        assert.ok(migration, "the api has a migration Job");
        const migrationPod = inputs(migration).spec.template;
        assert.ok(
            migrationPod.spec.volumes.some((v: { name: string }) => v.name === "app-secrets"),
            "it still mounts",
        );
        assert.strictEqual(migrationPod.metadata.annotations?.[reload], undefined);
        assert.strictEqual(deployment(run, "api").spec.template.metadata.annotations[reload], "api-app-secrets");
        const reloader = ofType(run, "kubernetes:helm.sh/v3:Release").find((r) => inputs(r).chart === "reloader");
        assert.strictEqual(inputs(reloader!).values.reloader.ignoreJobs, true);
        assert.strictEqual(inputs(reloader!).values.reloader.ignoreCronJobs, true);
    });
});

// A secret scheduled for deletion keeps its name: CreateSecret of that name fails until the window ends
// (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html, InvalidRequestException).
describe("application secrets when a stack is destroyed", () => {
    it("deletes an unprotected stack's secrets at once, so that bringing the stack up again does not collide with them", async function () {
        this.timeout(300_000);
        const unprotected = await runStack("prod", "aws", [...withSecrets(), "platform:deletionProtection=false"]);
        for (const s of appSecrets(unprotected)) assert.strictEqual(inputs(s).recoveryWindowInDays, 0, s.name);
        const prod = await runStack("prod", "aws", withSecrets());
        for (const s of appSecrets(prod)) assert.strictEqual(inputs(s).recoveryWindowInDays, 30, s.name);
    });
});

for (const cloud of CLOUDS) {
    describe(`application secrets on ${cloud}`, () => {
        let run: ProgramRun;
        before(async function () {
            this.timeout(240_000);
            run = await runStack("prod", cloud, withSecrets());
        });

        // The CSI volume names the SecretProviderClass; env values come from the Secret the driver syncs
        // (kubernetes-sigs/secrets-store-csi-driver@v1.6.0 apis/v1/secretproviderclass_types.go secretObjects).
        it("delivers secrets by reference so that no value is in the Deployment", () => {
            const pod = deployment(run, "api").spec.template;
            const volume = pod.spec.volumes.find((v: { name: string }) => v.name === "app-secrets");
            assert.deepStrictEqual(volume.csi, {
                driver: "secrets-store.csi.k8s.io",
                readOnly: true,
                volumeAttributes: { secretProviderClass: "api-app-secrets" },
            });
            const [container] = pod.spec.containers;
            assert.ok(
                container.volumeMounts.some(
                    (m: { mountPath: string; readOnly: boolean }) => m.mountPath === "/run/secrets/app" && m.readOnly,
                ),
            );
            const stripe = container.env.find((e: { name: string }) => e.name === "STRIPE_KEY");
            assert.deepStrictEqual(stripe.valueFrom, { secretKeyRef: { name: "api-app-secrets", key: "STRIPE_KEY" } });
            // File secrets are files only: no variable of that name.
            assert.ok(!container.env.some((e: { name: string }) => e.name === "JWT_PRIVATE_KEY"));
            const spc = inputs(
                named(run, "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass", "api-app-secrets")[0],
            );
            assert.strictEqual(spc.spec.provider, cloud);
            assert.deepStrictEqual(spc.spec.secretObjects, [
                {
                    secretName: "api-app-secrets",
                    type: "Opaque",
                    labels: spc.metadata.labels,
                    data: [{ objectName: "STRIPE_KEY", key: "STRIPE_KEY" }],
                },
            ]);
            assert.match(spc.spec.parameters.objects, /objectAlias: "JWT_PRIVATE_KEY"/);
        });

        it("keeps the configured value a secret so that the graph and state never hold it in plain text", () => {
            const wire = JSON.stringify(redact([run.outputs, ...run.resources.map((r) => r.inputs)]));
            assert.ok(!wire.includes(VALUE), "the secret value appears unredacted in the graph");
            const holders = run.resources.filter((r) => JSON.stringify(r.inputs).includes(VALUE));
            assert.ok(holders.length === 1, `one resource holds the value, found ${holders.map((h) => h.type)}`);
            const field =
                cloud === "aws"
                    ? holders[0].inputs.secretString
                    : (holders[0].inputs.properties as Record<string, unknown>).value;
            assert.ok(isSecret(field), "the value is not a secret input");
        });

        // Reloader's CSI integration rolls the annotated workload when SecretProviderClassPodStatus changes
        // (stakater/Reloader@chart-v2.2.16 README "Secrets Store CSI Driver").
        it("restarts the pods when a mounted secret rotates, without a redeploy", () => {
            const pod = deployment(run, "api").spec.template;
            assert.strictEqual(
                pod.metadata.annotations["secretproviderclass.reloader.stakater.com/reload"],
                "api-app-secrets",
            );
            const reloader = ofType(run, "kubernetes:helm.sh/v3:Release").find((r) => inputs(r).chart === "reloader");
            assert.ok(reloader, "no Reloader release");
            assert.strictEqual(inputs(reloader).version, "2.2.16");
            assert.strictEqual(inputs(reloader).values.reloader.enableCSIIntegration, true);
            assert.deepStrictEqual(inputs(reloader).values.reloader.namespaces, ["platform-prod"]);
            if (cloud === "aws") {
                const driver = ofType(run, "kubernetes:helm.sh/v3:Release").find(
                    (r) => inputs(r).chart === "secrets-store-csi-driver-provider-aws",
                );
                assert.ok(driver, "no CSI driver release on EKS");
                assert.deepStrictEqual(inputs(driver).values["secrets-store-csi-driver"], {
                    syncSecret: { enabled: true },
                    enableSecretRotation: true,
                    rotationPollInterval: "2m",
                });
            } else {
                const cluster = inputs(ofType(run, "azure-native:containerservice:ManagedCluster")[0]);
                assert.deepStrictEqual(cluster.addonProfiles.azureKeyvaultSecretsProvider, {
                    enabled: true,
                    config: { enableSecretRotation: "true", rotationPollInterval: "2m" },
                });
            }
        });

        if (cloud === "aws") {
            it("stores one KMS-encrypted Secrets Manager secret per name and versions only configured values", () => {
                const secrets = appSecrets(run).map((r) => inputs(r));
                assert.deepStrictEqual(secrets.map((s) => s.name).sort(), [
                    "platform-prod/api/JWT_PRIVATE_KEY",
                    "platform-prod/api/STRIPE_KEY",
                    "platform-prod/worker/MAIL_PASSWORD",
                ]);
                for (const s of secrets) assert.ok(s.kmsKeyId, `${s.name} has no customer-managed key`);
                const versions = ofType(run, "aws:secretsmanager/secretVersion:SecretVersion").filter(
                    (r) => !isProxyLogin(r),
                );
                assert.strictEqual(versions.length, 1);
            });

            // ASCP reads with the pod's own role (usePodIdentity), which may read exactly its own secret ARNs.
            it("lets each service's role read its own secrets and no other's", () => {
                const policyOf = (service: string) =>
                    JSON.parse(
                        inputs(
                            byUrnEnd(run, "aws:iam/rolePolicy:RolePolicy", `workloads-${service}-identity-storage`)[0],
                        ).policy,
                    );
                const api = policyOf("api").Statement.find((s: { Sid: string }) => s.Sid === "ReadOwnSecrets");
                const worker = policyOf("worker").Statement.find((s: { Sid: string }) => s.Sid === "ReadOwnSecrets");
                const arnsOf = (service: string) =>
                    appSecrets(run)
                        .filter((r) => inputs(r).name.startsWith(`platform-prod/${service}/`))
                        .map((r) => (plain(r.state) as { arn: string }).arn)
                        .sort();
                assert.deepStrictEqual([...api.Resource].sort(), arnsOf("api"));
                assert.strictEqual(api.Resource.length, 2);
                assert.deepStrictEqual(worker.Resource, arnsOf("worker"));
                const spc = inputs(
                    named(run, "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass", "api-app-secrets")[0],
                );
                assert.strictEqual(spc.spec.parameters.usePodIdentity, "true");
            });
        } else {
            it("keeps each service's secrets in a private Key Vault of its own, read only by its identity", () => {
                const vaults = ofType(run, "azure-native:keyvault:Vault").filter((r) => /-secrets-vault$/.test(r.urn));
                assert.strictEqual(vaults.length, 2);
                for (const v of vaults) {
                    const p = inputs(v).properties;
                    assert.strictEqual(p.enableRbacAuthorization, true);
                    assert.strictEqual(p.enablePurgeProtection, true);
                    assert.strictEqual(p.publicNetworkAccess, "Disabled");
                }
                const grants = ofType(run, "azure-native:authorization:RoleAssignment").filter((r) =>
                    /identity-secrets$/.test(r.urn),
                );
                assert.strictEqual(grants.length, 2);
                const apiVault = vaults.find((v) => v.urn.includes("workloads-api-"))!;
                const apiGrant = grants.find((g) => g.urn.includes("workloads-api-"))!;
                assert.strictEqual(inputs(apiGrant).scope, apiVault.id);
                assert.match(inputs(apiGrant).roleDefinitionId, /4633458b-17de-408a-b874-0445c86b69e6$/);
                assert.strictEqual(ofType(run, "azure-native:keyvault:Secret").length, 1);
            });
        }
    });
}

describe("application secrets: configuration", () => {
    const cases: { title: string; overrides: string[]; key: string; message: RegExp }[] = [
        {
            title: "fails when a secret name is not in capitals",
            overrides: withSecrets((s) => (s[0].secrets = ["jwt_key"])).slice(0, 1),
            key: "platform:services[0].secrets[0].name",
            message: /capitals/,
        },
        {
            title: "fails when a secret is named like a binding's variable",
            overrides: withSecrets((s) => (s[0].secrets = ["DATABASE_URL"])).slice(0, 1),
            key: "platform:services[0].secrets[0].name",
            message: /DATABASE_URL.*does not set itself/,
        },
        {
            title: "fails when a secret is listed twice",
            overrides: withSecrets((s) => (s[0].secrets = ["A_KEY", { name: "A_KEY", as: "env" }])).slice(0, 1),
            key: "platform:services[0].secrets[1]",
            message: /each secret once/,
        },
        {
            title: "fails when a secret is also a plain env variable",
            overrides: withSecrets((s) => (s[0].secrets = ["NODE_ENV"])).slice(0, 1),
            key: "platform:services[0].secrets[0]",
            message: /not also in "env"/,
        },
        {
            title: "fails on a delivery other than file or env",
            overrides: withSecrets((s) => (s[0].secrets = [{ name: "A_KEY", as: "volume" as "env" }])).slice(0, 1),
            key: "platform:services[0].secrets[0].as",
            message: /"file"/,
        },
        {
            title: "fails on a value for a secret no service declares, without echoing the value",
            overrides: [...withSecrets().slice(0, 1), "secrets:api.UNKNOWN_KEY=hunter2-hunter2"],
            key: "secrets:api.UNKNOWN_KEY",
            message: /got "\[redacted\]".*secrets:api\.JWT_PRIVATE_KEY/,
        },
        {
            title: "points a secret-looking env variable at secrets",
            overrides: withSecrets((s) => (s[0].env = { ...s[0].env, API_TOKEN: "x" })).slice(0, 1),
            key: "platform:services[0].env.API_TOKEN",
            message: /to its "secrets"/,
        },
    ];
    for (const c of cases) {
        it(c.title, async function () {
            this.timeout(60_000);
            const err = await expectConfigError("prod", "aws", c.overrides, c.key, c.message);
            assert.ok(!err.message.includes("hunter2"), "the value was echoed");
        });
    }
});
