/**
 * Velero (issue 15 item 2): cluster backups on both clouds with the pinned chart and plugin, a workload identity
 * limited to Velero's own bucket / account and to disk snapshots, the bucket's hardening, schedules with the
 * database backup plan's retentions per environment, and off in dev. Sources are cited next to the code
 * (components/workloads/backup/*, components/backup/velero-*.ts): vmware-tanzu/helm-charts@velero-12.1.0,
 * velero-io/velero@v1.18.2, velero-io/velero-plugin-for-aws@v1.14.2 README.md,
 * vmware-tanzu/velero-plugin-for-microsoft-azure@v1.14.0-rc.1 README.md.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { parse } from "yaml";
import type { ProgramRun, ResourceRecord } from "../../check/runtime";
import { CHART_PINS } from "../../components/workloads/charts";
import { VELERO_DISK_ACTIONS } from "../../components/workloads/backup/azure";
import { VELERO_PLUGINS } from "../../components/workloads/backup/plugins";
import { Cloud, inputs, ofType, runStack } from "../harness";

const T = {
    release: "kubernetes:helm.sh/v3:Release",
    namespace: "kubernetes:core/v1:Namespace",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    role: "aws:iam/role:Role",
    association: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    bucket: "aws:s3/bucket:Bucket",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    key: "aws:kms/key:Key",
    account: "azure-native:storage:StorageAccount",
    blobService: "azure-native:storage:BlobServiceProperties",
    federation: "azure-native:managedidentity:FederatedIdentityCredential",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    roleDefinition: "azure-native:authorization:RoleDefinition",
    resourceGroup: "azure-native:resources:ResourceGroup",
};

/** The one resource of `type` named `<stack prefix>-velero<suffix>`. */
function velero(run: ProgramRun, type: string, suffix = ""): ResourceRecord {
    const found = ofType(run, type).filter(
        (r) => /^platform-[a-z]+-velero/.test(r.name) && r.name.endsWith(`-velero${suffix}`),
    );
    assert.strictEqual(found.length, 1, `expected one ${type} *-velero${suffix}, found ${found.map((r) => r.name)}`);
    return found[0];
}
const release = (run: ProgramRun) => velero(run, T.release, "-release");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const values = (run: ProgramRun): any => inputs(release(run)).values;
const veleroResources = (run: ProgramRun) => run.resources.filter((r) => /-velero(-|$)/.test(r.name));

/** Every schedule's name and TTL in hours. */
function ttls(run: ProgramRun): Record<string, number> {
    const schedules = values(run).schedules as Record<string, { template: { ttl: string } }>;
    return Object.fromEntries(Object.entries(schedules).map(([k, s]) => [k, parseInt(s.template.ttl, 10)]));
}

/**
 * The chart's own schema and default values at the pinned tag, vendored unchanged from
 * vmware-tanzu/helm-charts@velero-12.1.0 charts/velero/values.schema.json and values.yaml (bump them with the pin).
 */
const FIXTURES = path.join(__dirname, "fixtures", "velero");
const SCHEMA = JSON.parse(fs.readFileSync(path.join(FIXTURES, "values.schema.json"), "utf8")) as {
    properties: Record<string, unknown>;
};
const DEFAULTS = parse(fs.readFileSync(path.join(FIXTURES, "values.yaml"), "utf8")) as Record<string, unknown>;

/** Helm's coalescing of user values over the chart's defaults: maps merge key by key, anything else replaces. */
function coalesce(defaults: unknown, user: unknown): unknown {
    const isMap = (v: unknown): v is Record<string, unknown> =>
        typeof v === "object" && v !== null && !Array.isArray(v);
    if (!isMap(defaults) || !isMap(user)) return user === undefined ? defaults : user;
    const out: Record<string, unknown> = { ...defaults };
    for (const [k, v] of Object.entries(user)) out[k] = coalesce(defaults[k], v);
    return out;
}

for (const cloud of ["aws", "azure"] as Cloud[]) {
    describe(`Velero on ${cloud === "aws" ? "EKS" : "AKS"}: chart, plugin and schedules`, () => {
        it("installs the pinned chart 12.1.0 with server v1.18.2, so two deploys of one commit install the same Velero", async () => {
            const r = inputs(release(await runStack("prod", cloud)));
            assert.deepStrictEqual(
                [r.chart, r.version, r.repositoryOpts.repo],
                ["velero", "12.1.0", CHART_PINS.velero.repo],
            );
            assert.strictEqual(r.values.image.tag, "v1.18.2");
            assert.strictEqual(CHART_PINS.velero.appVersion, "v1.18.2");
        });

        it("loads the cloud's plugin v1.14.2, the line the plugin's README pairs with Velero 1.18", async () => {
            const init = values(await runStack("prod", cloud)).initContainers as { name: string; image: string }[];
            const expected =
                cloud === "aws" ? "velero-plugin-for-aws:v1.14.2" : "velero-plugin-for-microsoft-azure:v1.14.2";
            assert.deepStrictEqual(
                init.map((c) => c.image),
                [`docker.io/velero/${expected}`],
            );
            // The plugin line and the server must be the same Velero minor (README "Compatibility").
            assert.ok(CHART_PINS.velero.appVersion.startsWith(`v${VELERO_PLUGINS[cloud].veleroMinor}.`));
        });

        it("passes the chart's values.schema.json and sets no key the chart does not know (Helm ignores those silently)", async () => {
            const v = values(await runStack("prod", cloud));
            // Helm validates the coalesced values against the schema (helm/helm v3 pkg/chartutil/jsonschema.go
            // ValidateAgainstSchema, on the values pkg/chartutil ToRenderValues coalesced with the defaults).
            const validate = new Ajv({ strict: false, allErrors: true }).compile(SCHEMA);
            assert.ok(validate(coalesce(DEFAULTS, v)), JSON.stringify(validate.errors));
            const unknown = Object.keys(v).filter((k) => !(k in SCHEMA.properties));
            assert.deepStrictEqual(unknown, []);
        });

        it("keeps 7 daily, 4 weekly and 3 monthly backups in prod, as the database's backup plan does", async () => {
            assert.deepStrictEqual(ttls(await runStack("prod", cloud)), { daily: 168, weekly: 672, monthly: 2232 });
        });

        it("keeps 7 daily, 4 weekly and 1 monthly backups in staging, as the database's backup plan does", async () => {
            assert.deepStrictEqual(ttls(await runStack("staging", cloud)), { daily: 168, weekly: 672, monthly: 744 });
        });

        it("follows platform:backup's retention overrides instead of a second table of its own", async () => {
            const run = await runStack("staging", cloud, [
                'platform:backup={"dailyRetentionDays":14,"monthlyRetentionMonths":0}',
            ]);
            assert.deepStrictEqual(ttls(run), { daily: 336, weekly: 672 });
        });

        it("is off in dev, where the cluster holds nothing the program and the database backups do not rebuild", async () => {
            const run = await runStack("dev", cloud);
            assert.deepStrictEqual(
                veleroResources(run).map((r) => r.name),
                [],
            );
        });

        it("runs in dev when platform:backup.velero turns it on, with dev's 3 daily backups only", async () => {
            const run = await runStack("dev", cloud, ['platform:backup={"velero":true}']);
            assert.deepStrictEqual(ttls(run), { daily: 72 });
        });

        it("skips the namespaces with nothing to restore and snapshots the volumes, in UTC", async () => {
            const schedules = Object.values(values(await runStack("prod", cloud)).schedules) as {
                schedule: string;
                template: { excludedNamespaces: string[]; snapshotVolumes: boolean; includedNamespaces: string[] };
            }[];
            for (const s of schedules) {
                assert.ok(s.schedule.startsWith("CRON_TZ=Etc/UTC "), s.schedule);
                assert.deepStrictEqual(s.template.includedNamespaces, ["*"]);
                for (const ns of ["kube-system", "kube-public", "kube-node-lease", "velero"]) {
                    assert.ok(s.template.excludedNamespaces.includes(ns), ns);
                }
                assert.ok(
                    !s.template.excludedNamespaces.includes("platform-prod"),
                    "the application namespace is backed up",
                );
                assert.strictEqual(s.template.snapshotVolumes, true);
            }
        });

        it("runs in a restricted Pod Security namespace behind a default-deny NetworkPolicy, without the node agent", async () => {
            const run = await runStack("prod", cloud);
            const ns = inputs(velero(run, T.namespace, "-namespace"));
            assert.strictEqual(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
            const deny = inputs(velero(run, T.networkPolicy, "-default-deny"));
            assert.deepStrictEqual(deny.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
            const v = values(run);
            assert.strictEqual(v.deployNodeAgent, false);
            assert.strictEqual(v.podSecurityContext.runAsNonRoot, true);
            assert.deepStrictEqual(v.containerSecurityContext.capabilities, { drop: ["ALL"] });
            assert.ok(v.resources.requests.cpu && v.resources.limits.memory);
            // The release waits for the policies, so the first backup never runs before they apply.
            const dependsOn = release(run).dependencies;
            assert.ok(dependsOn.includes(velero(run, T.networkPolicy, "-allow").urn));
        });
    });
}

describe("Velero on EKS: bucket and identity", () => {
    it("writes a bucket of its own with its own KMS key, versioning, the four public-access blocks and a TLS-only policy", async () => {
        const run = await runStack("prod", "aws");
        const bucket = velero(run, T.bucket, "-bucket-bucket");
        const v = values(run);
        assert.ok(String(v.configuration.backupStorageLocation[0].bucket).startsWith(`${bucket.name}-`));
        const storageBucket = ofType(run, T.bucket).find((b) => b.name.endsWith("-storage-bucket"))!;
        assert.notStrictEqual(bucket.urn, storageBucket.urn, "not the application's bucket");
        const key = velero(run, T.key, "-bucket-kms");
        const enc = velero(run, T.encryption, "-bucket-encryption");
        assert.ok(enc.propertyDependencies.rules.includes(key.urn), "SSE-KMS with Velero's key");
        assert.strictEqual(inputs(enc).rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
        assert.strictEqual(
            inputs(velero(run, T.versioning, "-bucket-versioning")).versioningConfiguration.status,
            "Enabled",
        );
        const pab = inputs(velero(run, T.publicAccess, "-bucket-public-access-block"));
        assert.deepStrictEqual(
            [pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets],
            [true, true, true, true],
        );
        const policy = JSON.parse(inputs(velero(run, T.bucketPolicy, "-bucket-policy")).policy);
        assert.deepStrictEqual(policy.Statement[0].Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.strictEqual(policy.Statement[0].Effect, "Deny");
        // The server encrypts with the same key (BSL kmsKeyId).
        assert.ok(/^arn:aws:kms:/.test(v.configuration.backupStorageLocation[0].config.kmsKeyId));
    });

    it("keeps a deleted backup's objects for the longest TTL (93 days in prod, 31 in staging) and never expires current ones", async () => {
        for (const [stack, days] of [
            ["prod", 93],
            ["staging", 31],
        ] as const) {
            const rules = inputs(velero(await runStack(stack, "aws"), T.lifecycle, "-bucket-lifecycle")).rules as {
                noncurrentVersionExpiration?: { noncurrentDays: number };
                expiration?: unknown;
            }[];
            assert.strictEqual(
                rules.find((r) => r.noncurrentVersionExpiration)!.noncurrentVersionExpiration!.noncurrentDays,
                days,
                stack,
            );
            assert.ok(
                rules.every((r) => r.expiration === undefined),
                "current objects (the Kopia repository) are Velero's to delete",
            );
        }
    });

    it("replicates the backups to the backup region in prod only", async () => {
        assert.strictEqual(
            ofType(await runStack("prod", "aws"), T.replication).filter((r) => r.name.includes("-velero-")).length,
            1,
        );
        assert.strictEqual(
            ofType(await runStack("staging", "aws"), T.replication).filter((r) => r.name.includes("-velero-")).length,
            0,
        );
    });

    it("binds an EKS Pod Identity role to velero/velero, with no credentials Secret", async () => {
        const run = await runStack("prod", "aws");
        const association = inputs(velero(run, T.association, "-pod-identity"));
        assert.deepStrictEqual([association.namespace, association.serviceAccount], ["velero", "velero"]);
        const trust = JSON.parse(inputs(velero(run, T.role, "-role")).assumeRolePolicy);
        assert.strictEqual(trust.Statement[0].Principal.Service, "pods.eks.amazonaws.com");
        const v = values(run);
        assert.strictEqual(v.credentials.useSecret, false);
        assert.strictEqual(v.serviceAccount.server.name, "velero");
    });

    it("limits the role to Velero's bucket and key, and deletes only snapshots Velero tagged", async () => {
        const run = await runStack("prod", "aws");
        const bucketName = values(run).configuration.backupStorageLocation[0].bucket as string;
        assert.ok(bucketName.startsWith(`${velero(run, T.bucket, "-bucket-bucket").name}-`));
        const statements = JSON.parse(inputs(velero(run, T.rolePolicy, "-backups")).policy).Statement as {
            Sid: string;
            Action: string | string[];
            Resource: string | string[];
            Condition?: unknown;
        }[];
        const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
        const bucketArn = `arn:aws:s3:::${bucketName}`;
        assert.deepStrictEqual(bySid.BackupObjects.Resource, [`${bucketArn}/*`]);
        assert.deepStrictEqual(bySid.ListBackups.Resource, [bucketArn]);
        assert.ok(!JSON.stringify(bySid.BucketKey.Resource).includes("*"), "only the bucket's key");
        assert.deepStrictEqual(bySid.DeleteVeleroSnapshotsOnly.Condition, {
            StringLike: { "aws:ResourceTag/velero.io/backup": "*" },
        });
        assert.deepStrictEqual(bySid.TagOnlyWhatItCreates.Condition, {
            StringEquals: { "ec2:CreateAction": ["CreateSnapshot", "CreateVolume"] },
        });
        // `*` only where IAM offers nothing narrower (EC2 Describe* take no resource).
        const wildcards = statements.filter((s) => s.Resource === "*").map((s) => s.Sid);
        assert.deepStrictEqual(wildcards, ["DescribeVolumesAndSnapshots"]);
        assert.ok(
            statements.every((s) => !JSON.stringify(s.Action).includes("*")),
            "no wildcard action",
        );
    });
});

describe("Velero on AKS: account and identity", () => {
    const veleroAccount = (run: ProgramRun) => velero(run, T.account, "-storage-account");

    it("writes an account of its own: Entra only, no public network, the stack's key, GZRS in prod", async () => {
        const run = await runStack("prod", "azure");
        const a = inputs(veleroAccount(run));
        assert.strictEqual(a.allowSharedKeyAccess, false);
        assert.strictEqual(a.allowBlobPublicAccess, false);
        assert.strictEqual(a.publicNetworkAccess, "Disabled");
        assert.strictEqual(a.minimumTlsVersion, "TLS1_2");
        assert.strictEqual(a.encryption.keySource, "Microsoft.Keyvault");
        assert.strictEqual(a.sku.name, "Standard_GZRS");
        assert.strictEqual(
            inputs(velero(await runStack("staging", "azure"), T.account, "-storage-account")).sku.name,
            "Standard_ZRS",
        );
        const service = inputs(velero(run, T.blobService, "-storage-blob-service"));
        assert.strictEqual(service.isVersioningEnabled, true);
        assert.strictEqual(service.deleteRetentionPolicy.days, 93);
    });

    it("federates a managed identity with velero/velero and uses it for blobs (useAAD) with no account key", async () => {
        const run = await runStack("prod", "azure");
        assert.strictEqual(
            inputs(velero(run, T.federation, "-federation")).subject,
            "system:serviceaccount:velero:velero",
        );
        const v = values(run);
        assert.strictEqual(v.podLabels["azure.workload.identity/use"], "true");
        assert.ok(v.serviceAccount.server.annotations["azure.workload.identity/client-id"]);
        const bsl = v.configuration.backupStorageLocation[0];
        assert.strictEqual(bsl.config.useAAD, "true");
        assert.ok(bsl.config.storageAccountURI, "the blob endpoint is given, so no Reader on the account is needed");
        // The credentials file holds ids only.
        assert.ok(!/SECRET|KEY=/.test(v.credentials.secretContents.cloud), v.credentials.secretContents.cloud);
        assert.match(
            v.credentials.secretContents.cloud,
            /^AZURE_SUBSCRIPTION_ID=.+\nAZURE_RESOURCE_GROUP=MC_.+\nAZURE_CLOUD_NAME=AzurePublicCloud\n$/,
        );
    });

    it("grants Storage Blob Data Contributor on Velero's account only, not the application's", async () => {
        const run = await runStack("prod", "azure");
        const blobs = velero(run, T.roleAssignment, "-blobs");
        assert.ok(blobs.propertyDependencies.scope.includes(veleroAccount(run).urn));
        assert.match(inputs(blobs).roleDefinitionId, /ba92f5b4-2d11-453d-a403-e96b0029c9fe$/);
    });

    it("snapshots disks with the plugin's documented actions, on the node and snapshot resource groups only", async () => {
        const run = await runStack("prod", "azure");
        const role = inputs(velero(run, T.roleDefinition, "-disk-snapshots"));
        assert.deepStrictEqual(role.permissions[0].actions, [...VELERO_DISK_ACTIONS]);
        assert.strictEqual(role.assignableScopes.length, 2);
        assert.match(role.assignableScopes[0], /\/resourceGroups\/MC_/);
        const snapshotGroup = velero(run, T.resourceGroup, "-storage-snapshots");
        const onSnapshots = velero(run, T.roleAssignment, "-disk-snapshots-snapshots");
        assert.ok(onSnapshots.propertyDependencies.scope.includes(snapshotGroup.urn));
        assert.match(inputs(velero(run, T.roleAssignment, "-disk-snapshots-nodes")).scope, /\/resourceGroups\/MC_/);
        // Snapshots land outside the node resource group, which is deleted with the cluster.
        const vsl = values(run).configuration.volumeSnapshotLocation[0];
        assert.ok(String(vsl.config.resourceGroup).startsWith(`${snapshotGroup.name}-`), vsl.config.resourceGroup);
    });
});
