/**
 * The policy pack run the way the engine runs it (its own process, the analyzer gRPC protocol) over
 * the program's real graphs: every stack file on every cloud is clean, turning a security or backup
 * setting off through an override bag is caught at the environment's level, and the graph (property
 * dependencies, protect) and secrets travel as they should.
 */
import * as assert from "assert";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { Violation } from "../../check";
import { PolicyPackProcess, loadPolicyConfig } from "../../check/policy";
import { ResourceRecord } from "../../check/runtime";
import { loadStackConfig } from "../../check/stack";
import { CLOUDS, Cloud, MATRIX, STACKS, runStack } from "../harness";
import { ADVISORY_UNTIL_MET } from "../../policies/all";

describe("policy pack over the program's graph", function () {
    this.timeout(600_000);
    let pack: PolicyPackProcess;

    before(async () => {
        pack = await PolicyPackProcess.start({ project: "platform", stack: "prod", config: {} });
    });
    after(async () => {
        await pack?.stop();
    });

    async function violations(
        stack: string,
        cloud: Cloud,
        overrides: string[] = [],
        edit?: (r: ResourceRecord) => ResourceRecord,
    ) {
        const run = await runStack(stack, cloud, overrides);
        const { config } = loadStackConfig(stack, [`platform:cloud=${cloud}`, ...overrides]);
        const resources = edit ? run.resources.map(edit) : run.resources;
        const result = await pack.evaluate(resources, {
            project: run.project,
            stack,
            config,
            policyConfig: loadPolicyConfig(stack),
        });
        assert.strictEqual(result.resources, run.resources.length);
        return result.violations;
    }

    const show = (vs: Violation[]) =>
        vs.map((v) => `${v.enforcementLevel} ${v.policy} ${v.urn}\n${v.message}`).join("\n");

    for (const { stack, cloud } of MATRIX) {
        it(`finds no violation at all in ${stack}'s own graph on ${cloud}`, async () => {
            // Not only no mandatory one: dev's pack is advisory, so only an empty list proves its graph complies.
            // Except the advisories of rules the program does not meet yet (policies/all.ts ADVISORY_UNTIL_MET).
            const found = (await violations(stack, cloud)).filter(
                (v) => !(ADVISORY_UNTIL_MET[v.policy] && v.enforcementLevel === "advisory"),
            );
            assert.deepStrictEqual(found, [], show(found));
        });
    }

    const optOuts: Record<Cloud, { overrides: string[]; policies: string[] }> = {
        aws: {
            overrides: [
                'platform:database={"aws":{"storageEncrypted":false}}',
                'platform:storage={"aws":{"versioning":false}}',
            ],
            policies: ["aws-rds-storage-encrypted-cmk", "aws-s3-versioning-enabled", "platform-no-security-opt-outs"],
        },
        azure: {
            overrides: [
                'platform:database={"azure":{"requireSecureTransport":false}}',
                'platform:storage={"azure":{"versioning":false}}',
            ],
            policies: [
                "azure-postgres-secure-transport",
                "azure-blob-service-versioning",
                "platform-no-security-opt-outs",
            ],
        },
    };
    for (const cloud of CLOUDS) {
        for (const stack of STACKS) {
            const level = stack === "dev" ? "advisory" : "mandatory";
            it(`catches encryption and versioning turned off through override bags as ${level} in ${stack} on ${cloud}`, async () => {
                const found = await violations(stack, cloud, optOuts[cloud].overrides);
                for (const policy of optOuts[cloud].policies) {
                    const hit = found.find((v) => v.policy === policy);
                    assert.ok(hit, `${policy} reported; found:\n${show(found)}`);
                    assert.strictEqual(hit.enforcementLevel, level, policy);
                    assert.strictEqual(hit.policyPack, "platform-policies");
                    assert.match(hit.urn, /^urn:pulumi:/);
                    assert.match(hit.message, /Fix: /);
                }
            });
        }
    }

    it("links each bucket to its settings through the property dependencies AnalyzeStack carries", async () => {
        // Without property dependencies the bucket's encryption, access block, policy and versioning
        // resources cannot be tied to it (the program passes bucket.id, an output, not a literal name).
        // The bucket's literal name is changed too: otherwise the rules' literal-name fallback finds them.
        const found = await violations("prod", "aws", [], (r) => ({
            ...r,
            propertyDependencies: {},
            state: r.type === "aws:s3/bucket:Bucket" ? { ...r.state, bucket: "another-bucket" } : r.state,
        }));
        const policies = new Set(found.map((v) => v.policy));
        for (const policy of [
            "aws-s3-kms-encryption",
            "aws-s3-public-access-block",
            "aws-s3-deny-insecure-transport",
            "aws-s3-versioning",
        ]) {
            assert.ok(policies.has(policy), `${policy} depends on the graph; found:\n${show(found)}`);
        }
    });

    it("sees protect on components and resources", async () => {
        const found = await violations("prod", "aws", [], (r) => ({ ...r, protect: false }));
        const policies = new Set(found.map((v) => v.policy));
        assert.ok(policies.has("platform-stateful-components-protected"), show(found));
        assert.ok(policies.has("aws-data-resources-protected"), show(found));
    });

    it("judges a preview's graph, where ARNs, names and tokens are still unknown, and says what it cannot verify", async () => {
        const unknown = rpc.unknownValue;
        const record = (
            type: string,
            name: string,
            inputs: Record<string, unknown>,
            propertyDependencies: Record<string, string[]> = {},
        ): ResourceRecord => ({
            urn: `urn:pulumi:prod::platform::${type}::${name}`,
            type,
            name,
            parent: null,
            provider: null,
            dependencies: Object.values(propertyDependencies).flat(),
            propertyDependencies,
            protect: true,
            retainOnDelete: true,
            custom: true,
            inputs,
            outputs: {},
        });
        const urn = (type: string, name: string) => `urn:pulumi:prod::platform::${type}::${name}`;
        const bucket = urn("aws:s3/bucket:Bucket", "bucket");
        const group = urn("aws:rds/parameterGroup:ParameterGroup", "params");
        const key = urn("aws:kms/key:Key", "key");
        const server = urn("azure-native:dbforpostgresql:Server", "server");
        const replica = urn("azure-native:dbforpostgresql:Server", "server-replica-1");
        const resources = [
            record("aws:rds/parameterGroup:ParameterGroup", "params", {
                family: "postgres17",
                parameters: [{ name: "rds.force_ssl", value: "1" }],
            }),
            record(
                "aws:rds/instance:Instance",
                "db",
                {
                    engine: "postgres",
                    engineVersion: "17",
                    storageEncrypted: true,
                    kmsKeyId: unknown,
                    parameterGroupName: unknown,
                    backupRetentionPeriod: 30,
                    deletionProtection: true,
                    skipFinalSnapshot: false,
                    finalSnapshotIdentifier: "db-final",
                    multiAz: true,
                    deleteAutomatedBackups: false,
                    // Identity and logging as the program sets them (policies/aws/identity.ts).
                    iamDatabaseAuthenticationEnabled: true,
                    enabledCloudwatchLogsExports: ["postgresql"],
                },
                { parameterGroupName: [group], kmsKeyId: [key] },
            ),
            // Prod's read replica (aws-rds-read-replicas) and the instance's AWS Backup selection
            // (aws-backup-plan-covers-database), as the database and Backup capabilities add them.
            record(
                "aws:rds/instance:Instance",
                "db-replica-1",
                {
                    replicateSourceDb: unknown,
                    storageEncrypted: true,
                    kmsKeyId: unknown,
                    parameterGroupName: unknown,
                    deletionProtection: true,
                    skipFinalSnapshot: true,
                    deleteAutomatedBackups: false,
                    iamDatabaseAuthenticationEnabled: true,
                    enabledCloudwatchLogsExports: ["postgresql"],
                },
                {
                    replicateSourceDb: [urn("aws:rds/instance:Instance", "db")],
                    parameterGroupName: [group],
                    kmsKeyId: [key],
                },
            ),
            record(
                "aws:backup/selection:Selection",
                "db-backup",
                { planId: unknown, iamRoleArn: unknown, resources: [unknown] },
                { resources: [urn("aws:rds/instance:Instance", "db")] },
            ),
            record(
                "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
                "db-backups",
                { sourceDbInstanceArn: unknown, kmsKeyId: unknown, retentionPeriod: 30 },
                { sourceDbInstanceArn: [urn("aws:rds/instance:Instance", "db")], kmsKeyId: [key] },
            ),
            record(
                "aws:elasticache/replicationGroup:ReplicationGroup",
                "cache",
                {
                    engine: "valkey",
                    atRestEncryptionEnabled: true,
                    kmsKeyId: unknown,
                    transitEncryptionEnabled: true,
                    authToken: { [rpc.specialSigKey]: rpc.specialSecretSig, value: unknown },
                    snapshotRetentionLimit: 7,
                    automaticFailoverEnabled: true,
                    multiAzEnabled: true,
                    numCacheClusters: 2,
                },
                { kmsKeyId: [key] },
            ),
            record("aws:s3/bucket:Bucket", "bucket", {}),
            record(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "encryption",
                {
                    bucket: unknown,
                    rules: [
                        { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: unknown } },
                    ],
                },
                { bucket: [bucket], rules: [key] },
            ),
            record(
                "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                "public-access-block",
                {
                    bucket: unknown,
                    blockPublicAcls: true,
                    blockPublicPolicy: true,
                    ignorePublicAcls: true,
                    restrictPublicBuckets: true,
                },
                { bucket: [bucket] },
            ),
            record(
                "aws:s3/bucketPolicy:BucketPolicy",
                "policy",
                { bucket: unknown, policy: unknown },
                { bucket: [bucket] },
            ),
            record(
                "aws:s3/bucketVersioning:BucketVersioning",
                "versioning",
                { bucket: unknown, versioningConfiguration: { status: "Enabled" } },
                { bucket: [bucket] },
            ),
            // Prod replicates the bucket to the second region (aws-s3-replicated-to-second-region); the
            // destination bucket lives in the replica region's provider, outside this fixture.
            record(
                "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
                "replication",
                {
                    bucket: unknown,
                    role: unknown,
                    rules: [{ status: "Enabled", destination: { bucket: unknown } }],
                },
                { bucket: [bucket] },
            ),
            // Key properties come from a key of the graph (aws-customer-managed-keys reads the dependency).
            record("aws:kms/key:Key", "key", { enableKeyRotation: true, deletionWindowInDays: 30 }),
            record(
                "aws:eks/cluster:Cluster",
                "eks",
                {
                    encryptionConfig: { provider: { keyArn: unknown }, resources: ["secrets"] },
                    vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false },
                    accessConfig: { authenticationMode: "API" },
                    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
                },
                { encryptionConfig: [key] },
            ),
            record("aws:cloudwatch/logGroup:LogGroup", "logs", { kmsKeyId: unknown }, { kmsKeyId: [key] }),
            record(
                "azure-native:authorization:ManagementLockByScope",
                "lock",
                { level: "CanNotDelete", scope: unknown },
                {
                    scope: [server],
                },
            ),
            record("azure-native:dbforpostgresql:Server", "server", {
                backup: { backupRetentionDays: 30, geoRedundantBackup: "Enabled" },
                highAvailability: { mode: "ZoneRedundant" },
                network: { delegatedSubnetResourceId: unknown },
                // Customer key (mandatory in prod): a known key URI, as the program sets one at creation.
                dataEncryption: {
                    type: "AzureKeyVault",
                    primaryKeyURI: "https://kv.vault.azure.net/keys/db",
                    primaryUserAssignedIdentityId: "/subscriptions/s/resourceGroups/g/providers/x/identities/db",
                    geoBackupKeyURI: "https://kv-pair.vault.azure.net/keys/db",
                },
                authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Enabled" },
            }),
            // Prod's read replica (azure-postgres-read-replicas) and the server's Backup vault instance
            // (azure-backup-covers-postgres), as the database and Backup capabilities add them.
            record(
                "azure-native:dbforpostgresql:Server",
                "server-replica-1",
                {
                    createMode: "Replica",
                    sourceServerResourceId: unknown,
                    highAvailability: { mode: "Disabled" },
                    network: { delegatedSubnetResourceId: unknown },
                    dataEncryption: {
                        type: "AzureKeyVault",
                        primaryKeyURI: "https://kv.vault.azure.net/keys/db",
                        primaryUserAssignedIdentityId: "/subscriptions/s/resourceGroups/g/providers/x/identities/db",
                    },
                    authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Enabled" },
                },
                { sourceServerResourceId: [server] },
            ),
            // The replica's lock and diagnostic setting, as components/database/azure-replicas.ts adds them.
            record(
                "azure-native:authorization:ManagementLockByScope",
                "replica-lock",
                { level: "CanNotDelete", scope: unknown },
                { scope: [replica] },
            ),
            record(
                "azure-native:monitor:DiagnosticSetting",
                "replica-diagnostics",
                { resourceUri: unknown, logs: [{ categoryGroup: "allLogs", enabled: true }] },
                { resourceUri: [replica] },
            ),
            record(
                "azure-native:dataprotection:BackupInstance",
                "server-backup",
                { properties: { dataSourceInfo: { resourceID: unknown }, policyInfo: { policyId: unknown } } },
                { properties: [server] },
            ),
            // The server's logs go to Log Analytics (azure-postgres-logs), as the monitoring component sends them.
            record(
                "azure-native:monitor:DiagnosticSetting",
                "db-diagnostics",
                { resourceUri: unknown, logs: [{ categoryGroup: "allLogs", enabled: true }] },
                { resourceUri: [server] },
            ),
        ];
        const result = await pack.evaluate(resources, {
            project: "platform",
            stack: "prod",
            config: {},
            policyConfig: loadPolicyConfig("prod"),
        });
        // A value only the deployment knows is reported as such (the analyzer's advisory "can't run ... during
        // preview"), never skipped silently: here the bucket policy's bucket and document are unknown. The Azure
        // keys rule is advisory until the program has them (policies/all.ts ADVISORY_UNTIL_MET).
        const preview = result.violations.filter((v) => /during preview/.test(v.message));
        assert.deepStrictEqual(
            preview.map((v) => [v.policy, v.enforcementLevel]),
            [["aws-s3-bucket-policy-denies-insecure-transport", "advisory"]],
            show(result.violations),
        );
        const found = result.violations.filter(
            (v) =>
                !/during preview/.test(v.message) &&
                !(ADVISORY_UNTIL_MET[v.policy] && v.enforcementLevel === "advisory"),
        );
        assert.deepStrictEqual(found, [], show(found));
    });

    it("never puts a secret value into a violation message", async () => {
        const secret = (value: string) => ({ [rpc.specialSigKey]: rpc.specialSecretSig, value });
        const resources: ResourceRecord[] = [
            {
                urn: "urn:pulumi:prod::platform::azure-native:dbforpostgresql:Configuration::tls",
                type: "azure-native:dbforpostgresql:Configuration",
                name: "tls",
                parent: null,
                provider: null,
                dependencies: [],
                propertyDependencies: {},
                protect: false,
                retainOnDelete: false,
                custom: true,
                inputs: { configurationName: "ssl_min_protocol_version", value: secret("TLSv1.1") },
                outputs: {},
            },
        ];
        const result = await pack.evaluate(resources, { project: "platform", stack: "prod", config: {} });
        const hit = result.violations.find((v) => v.policy === "azure-postgres-secure-transport");
        assert.ok(hit, show(result.violations));
        assert.ok(!hit.message.includes("TLSv1.1"), hit.message);
        assert.match(hit.message, /\[secret\]/);
    });
});
