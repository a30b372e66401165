/**
 * AWS policies, each on a compliant fixture, with one property made weak, and with a property left
 * undefined (the verdict follows what AWS does by default). Plus the settings that change verdicts.
 */
import * as assert from "assert";
import * as backups from "../../policies/aws/backups";
import * as encryption from "../../policies/aws/encryption";
import { TYPES } from "../../policies/lib/shapes";
import { AWS_CASES, KEY_ARN, bucket, cache, database } from "./aws.cases";
import { describePolicies, evaluate, named, setPath } from "./fixtures";

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
        assert.strictEqual((await evaluate(encryption.rdsForceTls, graph)).verdict, "fail");
        const defaultGroup = database().slice(1);
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
        const outcome = await evaluate(encryption.s3PublicAccessBlock, graph);
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
        assert.ok(encryption.deniesInsecureTransport(document));
        assert.ok(!encryption.deniesInsecureTransport("not json"));
    });
});
