/**
 * AWS policies, each on a compliant fixture, with one property made weak, and with a property left
 * undefined (the verdict follows what AWS does by default). Plus the settings that change verdicts.
 */
import * as assert from "assert";
import * as backups from "../../policies/aws/backups";
import * as encryption from "../../policies/aws/encryption";
import { TYPES } from "../../policies/lib/shapes";
import { plain } from "../../check/runtime";
import { runStack } from "../harness";
import { AWS_CASES, KEY_ARN, bucket, cache, database, keyed } from "./aws.cases";
import type { Policy } from "@pulumi/policy";
import { FixtureResource, UNKNOWN_INPUT, describePolicies, evaluate, named, setPath } from "./fixtures";

describePolicies("AWS policies", AWS_CASES);

describe("AWS policy settings and edge cases", () => {
    it("fails when RDS storage uses the AWS-managed key, unless customer-managed keys are not required", async () => {
        const graph = database();
        setPath(named(graph, "db-instance").props, "kmsKeyId", undefined);
        assert.strictEqual((await evaluate(encryption.rdsStorageEncrypted, graph)).verdict, "fail");
        const relaxed = await evaluate(encryption.rdsStorageEncrypted, graph, { requireCustomerManagedKey: false });
        assert.strictEqual(relaxed.verdict, "pass");
    });

    it("fails when PostgreSQL 14 relies on the default rds.force_ssl, which is off before 15", async () => {
        const graph = database();
        named(graph, "db-params").props.family = "postgres14";
        named(graph, "db-params").props.parameters = [];
        assert.strictEqual((await evaluate(encryption.rdsParameterGroupForceSsl, graph)).verdict, "fail");
        const defaultGroup = database().slice(1, 2);
        setPath(defaultGroup[0].props, "parameterGroupName", undefined);
        setPath(defaultGroup[0].props, "engineVersion", "14.12");
        assert.strictEqual((await evaluate(encryption.rdsForceTls, defaultGroup)).verdict, "fail");
        setPath(defaultGroup[0].props, "engineVersion", "16.4");
        assert.strictEqual((await evaluate(encryption.rdsForceTls, defaultGroup)).verdict, "pass");
    });

    it("fails when the redis engine relies on the default at-rest encryption, which is off", async () => {
        const graph = cache();
        Object.assign(named(graph, "cache-rg").props, { engine: "redis", atRestEncryptionEnabled: undefined });
        setPath(named(graph, "cache-rg").props, "atRestEncryptionEnabled", undefined);
        assert.strictEqual((await evaluate(encryption.elastiCacheAtRestEncryption, graph)).verdict, "fail");
    });

    it('fails when transitEncryptionMode is "preferred", which still accepts plaintext', async () => {
        const graph = cache();
        named(graph, "cache-rg").props.transitEncryptionMode = "preferred";
        assert.strictEqual((await evaluate(encryption.elastiCacheInTransitEncryption, graph)).verdict, "fail");
    });

    it("reports one violation per bucket resource, against the resource to fix", async () => {
        const graph = bucket();
        named(graph, "public-access-block").props.ignorePublicAcls = false;
        const outcome = await evaluate(encryption.s3PublicAccessBlockSettings, graph);
        assert.strictEqual(outcome.messages.length, 1);
        assert.match(outcome.urns[0], /BucketPublicAccessBlock::public-access-block$/);
        assert.match(outcome.messages[0], /ignorePublicAcls/);
    });

    it("skips asymmetric KMS keys, which cannot rotate automatically", async () => {
        const outcome = await evaluate(encryption.kmsKeyRotation, [
            {
                type: TYPES.kmsKey,
                name: "signing",
                props: { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" },
            },
        ]);
        assert.strictEqual(outcome.verdict, "not applicable");
    });

    it("accepts a KMS-encrypted log group without retention", async () => {
        const outcome = await evaluate(encryption.logGroupEncryptionOrRetention, [
            { type: TYPES.logGroup, name: "audit", props: { kmsKeyId: KEY_ARN } },
        ]);
        assert.strictEqual(outcome.verdict, "pass");
    });

    it("applies the environment's minimum retention", async () => {
        const graph = database();
        named(graph, "db-instance").props.backupRetentionPeriod = 14;
        assert.strictEqual(
            (await evaluate(backups.rdsBackupRetention, graph, { minimumRetentionDays: 7 })).verdict,
            "pass",
        );
        assert.strictEqual(
            (await evaluate(backups.rdsBackupRetention, graph, { minimumRetentionDays: 30 })).verdict,
            "fail",
        );
    });

    it("uses the schema default when a setting is not configured", async () => {
        const graph = cache();
        named(graph, "cache-rg").props.snapshotRetentionLimit = 3;
        // minimumRetentionDays defaults to 7.
        assert.strictEqual((await evaluate(backups.elastiCacheSnapshotRetention, graph)).verdict, "fail");
    });

    it("does not apply where the environment does not require deletion safety, standbys or protect", async () => {
        const graph = database();
        Object.assign(named(graph, "db-instance").props, {
            deletionProtection: false,
            skipFinalSnapshot: true,
            multiAz: false,
        });
        for (const policy of [
            backups.rdsDeletionProtection,
            backups.rdsFinalSnapshot,
            backups.rdsMultiAz,
            backups.awsDataResourcesProtected,
        ]) {
            assert.strictEqual(
                (await evaluate(policy, graph, { required: false })).verdict,
                "not applicable",
                policy.name,
            );
        }
    });

    it("recognises a TLS-denying statement in a structured policy document too", () => {
        const document = {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Deny",
                    Principal: { AWS: "*" },
                    Action: ["s3:*"],
                    Resource: "arn:aws:s3:::b/*",
                    Condition: { Bool: { "aws:SecureTransport": false } },
                },
            ],
        };
        assert.ok(encryption.deniesInsecureTransport(document, "arn:aws:s3:::b") === false, "b/* alone is not enough");
        document.Statement[0].Resource = ["arn:aws:s3:::b", "arn:aws:s3:::b/*"] as unknown as string;
        assert.ok(encryption.deniesInsecureTransport(document, "arn:aws:s3:::b"));
        assert.ok(!encryption.deniesInsecureTransport("not json", "arn:aws:s3:::b"));
    });
});

/**
 * The S3 rules judge the separate configuration resources, never the bucket's inline sub-configurations:
 * those are deprecated outputs (@pulumi/aws 7.x s3/bucket.d.ts) that the provider fills from S3, and
 * AnalyzeStack receives outputs ("AnalyzeStack is called on the final outputs of each resource",
 * pulumi/pulumi pkg/resource/deploy/step_generator.go AnalyzeResources). S3 gives every new bucket SSE-S3
 * (AES256) since 2023-01-05 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html).
 */
describe("AWS S3 rules after the first real up (inline outputs computed by S3)", () => {
    const without = (graph: FixtureResource[], name: string) => graph.filter((r) => r.name !== name);

    it("passes when the bucket's computed output says AES256 but its separate configuration is aws:kms with the CMK, so that a compliant bucket stays compliant after the first up", async () => {
        const graph = bucket();
        const outcome = await evaluate(encryption.s3EncryptionAttached, graph);
        assert.strictEqual(outcome.verdict, "pass", outcome.messages.join("\n"));
    });

    it("fails when only the bucket's inline output says aws:kms and no separate configuration targets it", async () => {
        const graph = without(bucket(), "encryption");
        setPath(
            named(graph, "bucket").props,
            "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault",
            {
                sseAlgorithm: "aws:kms",
                kmsMasterKeyId: KEY_ARN,
            },
        );
        const outcome = await evaluate(encryption.s3EncryptionAttached, graph);
        assert.strictEqual(outcome.verdict, "fail");
        assert.match(outcome.messages[0], /no BucketServerSideEncryptionConfiguration targeting it/);
    });

    it("fails when the only KMS configuration targets another bucket", async () => {
        const graph = bucket();
        const config = named(graph, "encryption");
        graph.splice(graph.indexOf(config), 1, {
            ...config,
            props: { ...config.props, bucket: "other-bucket" },
            propertyDependencies: {},
        });
        assert.strictEqual((await evaluate(encryption.s3EncryptionAttached, graph)).verdict, "fail");
    });

    it("passes versioning on the separate BucketVersioning while the bucket's output still says unversioned", async () => {
        assert.strictEqual((await evaluate(backups.s3Versioning, bucket())).verdict, "pass");
    });

    it("fails versioning when only the bucket's inline output says enabled", async () => {
        const graph = without(bucket(), "versioning");
        setPath(named(graph, "bucket").props, "versioning.enabled", true);
        assert.strictEqual((await evaluate(backups.s3Versioning, graph)).verdict, "fail");
    });

    it("fails the TLS rule when only the bucket's inline policy output denies plain HTTP", async () => {
        const graph = bucket();
        named(graph, "bucket").props.policy = named(graph, "policy").props.policy;
        const outcome = await evaluate(encryption.s3DenyInsecureTransport, without(graph, "policy"));
        assert.strictEqual(outcome.verdict, "fail");
    });

    it("passes every S3 rule on the program's own AWS graph as the provider reports it, so that `npm run check` and `pulumi up` agree", async () => {
        const run = await runStack("prod", "aws");
        const names = new Map(run.resources.map((r) => [r.urn, r.name]));
        const graph: FixtureResource[] = run.resources.map((r) => ({
            type: r.type,
            name: r.name,
            props: plain(r.custom ? (r.state ?? r.inputs) : r.outputs) as Record<string, unknown>,
            protect: r.protect,
            propertyDependencies: Object.fromEntries(
                Object.entries(r.propertyDependencies).map(([k, urns]) => [k, urns.map((u) => names.get(u) ?? u)]),
            ),
        }));
        const s3 = graph.find((r) => r.type === TYPES.s3Buckets[0]);
        assert.strictEqual(
            (
                s3?.props as {
                    serverSideEncryptionConfiguration?: {
                        rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: string } };
                    };
                }
            ).serverSideEncryptionConfiguration?.rule.applyServerSideEncryptionByDefault.sseAlgorithm,
            "AES256",
            "the state models S3's default encryption on the bucket",
        );
        for (const policy of [
            encryption.s3EncryptionAttached,
            encryption.s3EncryptionConfigurationKms,
            encryption.s3DenyInsecureTransport,
            encryption.s3BucketPolicyDeniesInsecureTransport,
            encryption.customerManagedKeys,
            backups.s3Versioning,
            backups.s3VersioningEnabled,
        ]) {
            const outcome = await evaluate(policy, graph);
            assert.strictEqual(outcome.verdict, "pass", `${policy.name}: ${outcome.messages.join("\n")}`);
        }
    });
});

/**
 * The false passes of pack v1 (issue 17), each as the adversarial input that used to pass. AWS reserves
 * `alias/aws/*` for AWS-managed keys (https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html),
 * and an S3 TLS deny must name the bucket and its objects: bucket-level calls are made on the bucket's ARN
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html).
 */
describe("AWS false passes of pack v1, now caught", () => {
    const managed: [string, () => FixtureResource[], string, string, Policy][] = [
        ["RDS storage", database, "db-instance", "kmsKeyId", encryption.rdsStorageEncrypted],
        [
            "Database Insights",
            database,
            "db-instance",
            "performanceInsightsKmsKeyId",
            encryption.rdsDatabaseInsightsCmk,
        ],
        ["ElastiCache", cache, "cache-rg", "kmsKeyId", encryption.elastiCacheAtRestEncryption],
        ["replicated backups", database, "db-backup-replication", "kmsKeyId", backups.rdsBackupReplication],
    ];
    for (const [what, fixture, name, property, policy] of managed) {
        for (const alias of [
            "alias/aws/rds",
            "alias/aws/elasticache",
            "arn:aws:kms:eu-west-1:123456789012:alias/aws/rds",
        ]) {
            it(`fails ${what} under the AWS-managed ${alias}, so that a customer key is really required`, async () => {
                const graph = fixture();
                setPath(named(graph, name).props, property, alias);
                const outcome = await evaluate(policy, graph, { minimumRetentionDays: 7 });
                assert.strictEqual(outcome.verdict, "fail");
                assert.match(outcome.messages.join("\n"), /AWS-managed/);
            });
        }
    }

    it("fails S3 default encryption under alias/aws/s3", async () => {
        const graph = bucket();
        setPath(named(graph, "encryption").props, "rules", [
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/aws/s3" } },
        ]);
        assert.strictEqual((await evaluate(encryption.s3EncryptionConfigurationKms, graph)).verdict, "fail");
    });

    it("fails a key property that is neither a key of the stack nor a key ARN (a customer alias can be repointed)", async () => {
        const graph = keyed();
        const sns = named(graph, "alerts");
        sns.props.kmsMasterKeyId = "alias/team-key";
        const outcome = await evaluate(encryption.customerManagedKeys, graph);
        assert.strictEqual(outcome.verdict, "fail");
        assert.match(outcome.urns.join(), /alerts$/);
    });

    it("reports an unknown key property that comes from no KMS key as unverifiable in preview, never passes it", async () => {
        const graph = keyed();
        const db = named(graph, "db-instance");
        graph.splice(1, 1, {
            ...db,
            props: { ...db.props, kmsKeyId: UNKNOWN_INPUT },
            propertyDependencies: { performanceInsightsKmsKeyId: ["db-key"] },
        });
        assert.strictEqual((await evaluate(encryption.customerManagedKeys, graph)).verdict, "unverifiable");
    });

    it("fails the TLS deny when it names another bucket", async () => {
        const graph = bucket();
        const props = named(graph, "policy").props;
        props.policy = String(props.policy).replace(/data-1a2b/g, "other-bucket");
        assert.strictEqual((await evaluate(encryption.s3BucketPolicyDeniesInsecureTransport, graph)).verdict, "fail");
    });

    it("fails the TLS deny when it covers only bucket/*, so that bucket-level calls cannot go over plain HTTP", async () => {
        const graph = bucket();
        const props = named(graph, "policy").props;
        props.policy = String(props.policy).replace('"arn:aws:s3:::data-1a2b",', "");
        assert.strictEqual((await evaluate(encryption.s3BucketPolicyDeniesInsecureTransport, graph)).verdict, "fail");
    });

    it("says the TLS deny cannot be verified in preview when the document is unknown, instead of skipping it", async () => {
        const graph = bucket();
        named(graph, "policy").props.policy = UNKNOWN_INPUT;
        assert.strictEqual(
            (await evaluate(encryption.s3BucketPolicyDeniesInsecureTransport, graph)).verdict,
            "unverifiable",
        );
    });

    it("says the parameter group cannot be verified in preview when its name is unknown and not from the graph", async () => {
        const graph = database();
        const db = named(graph, "db-instance");
        graph.splice(1, 1, {
            ...db,
            props: { ...db.props, parameterGroupName: UNKNOWN_INPUT },
            propertyDependencies: {},
        });
        assert.strictEqual((await evaluate(encryption.rdsForceTls, graph)).verdict, "unverifiable");
    });
});
