/**
 * Object storage replicated to a second region in prod (issue 15 item 2): S3 replication to a versioned,
 * private bucket in the backup region encrypted with a replica key there, through a least-privilege role,
 * with SSE-KMS objects selected (S3 skips them otherwise) and delete markers not replicated; on Azure a
 * geo-zone-redundant account. Sources: components/storage/aws-replication.ts and azure.ts
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html,
 * https://learn.microsoft.com/azure/storage/common/storage-redundancy).
 */
import * as assert from "assert";
import { inputs, ofType, outputs, runStack } from "../harness";
import type { ProgramRun, ResourceRecord } from "../../check/runtime";

/** The stack's data storage account (the network's VNet flow-log account is the other one on Azure). */
function dataAccount(run: ProgramRun): ResourceRecord {
    return ofType(run, "azure-native:storage:StorageAccount").find((r) => !r.name.endsWith("-flow-logs"))!;
}

const REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";
const BUCKET = "aws:s3/bucket:Bucket";
const named = (run: ProgramRun, type: string, suffix: string): ResourceRecord => {
    const found = ofType(run, type).filter((r) => r.name.endsWith(suffix));
    assert.strictEqual(found.length, 1, `expected one ${type} named *${suffix}, found ${found.map((r) => r.name)}`);
    return found[0];
};
const providerRegion = (run: ProgramRun, r: ResourceRecord) =>
    inputs(run.resources.find((p) => r.provider?.startsWith(p.urn))!).region;

describe("object storage replication", () => {
    it("replicates the prod bucket to a bucket in the backup region, re-encrypted with a replica key there", async () => {
        const run = await runStack("prod", "aws");
        const config = named(run, REPLICATION, "-storage-replication");
        const replica = named(run, BUCKET, "storage-replica");
        const replicaKey = named(run, "aws:kms/key:Key", "storage-replica-kms");
        assert.strictEqual(providerRegion(run, replica), "eu-central-1");
        assert.strictEqual(replicaKey.provider, replica.provider);
        const [rule] = inputs(config).rules;
        assert.deepStrictEqual(rule.sourceSelectionCriteria, { sseKmsEncryptedObjects: { status: "Enabled" } });
        // A delete in the primary must not hide the object in the recovery copy.
        assert.deepStrictEqual(rule.deleteMarkerReplication, { status: "Disabled" });
        assert.strictEqual(rule.status, "Enabled");
        assert.ok(config.propertyDependencies.rules.includes(replicaKey.urn), "replicaKmsKeyId is the replica key");
        assert.ok(config.propertyDependencies.rules.includes(replica.urn), "the destination is the replica bucket");
        assert.deepStrictEqual(config.propertyDependencies.bucket, [named(run, BUCKET, "storage-bucket").urn]);
    });

    it("versions, blocks and TLS-guards the replica bucket, and waits for both buckets' versioning", async () => {
        const run = await runStack("prod", "aws");
        const replica = named(run, BUCKET, "storage-replica");
        const versioning = named(run, "aws:s3/bucketVersioning:BucketVersioning", "storage-replica-versioning");
        assert.strictEqual(inputs(versioning).versioningConfiguration.status, "Enabled");
        assert.deepStrictEqual(versioning.propertyDependencies.bucket, [replica.urn]);
        const block = named(
            run,
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "-storage-replica-public-access-block",
        );
        assert.strictEqual(inputs(block).restrictPublicBuckets, true);
        const policy = JSON.parse(
            inputs(named(run, "aws:s3/bucketPolicy:BucketPolicy", "storage-replica-policy")).policy,
        );
        assert.strictEqual(policy.Statement[0].Sid, "DenyInsecureTransport");
        const config = named(run, REPLICATION, "-storage-replication");
        assert.ok(config.dependencies.includes(versioning.urn));
        assert.ok(
            config.dependencies.includes(
                named(run, "aws:s3/bucketVersioning:BucketVersioning", "storage-versioning").urn,
            ),
        );
        assert.strictEqual(inputs(replica).forceDestroy, false, "the prod replica is not emptied on delete");
    });

    it("gives the replication role only reads of the source, writes of replicas and each key through S3", async () => {
        const run = await runStack("prod", "aws");
        const policy = JSON.parse(inputs(named(run, "aws:iam/rolePolicy:RolePolicy", "storage-replication")).policy);
        const actions = policy.Statement.flatMap((s: { Action: string[] }) => s.Action).sort();
        assert.deepStrictEqual(actions, [
            "kms:Decrypt",
            "kms:Encrypt",
            "kms:GenerateDataKey",
            "s3:GetObjectVersionAcl",
            "s3:GetObjectVersionForReplication",
            "s3:GetObjectVersionTagging",
            "s3:GetReplicationConfiguration",
            "s3:ListBucket",
            "s3:ReplicateDelete",
            "s3:ReplicateObject",
            "s3:ReplicateTags",
        ]);
        const byId = Object.fromEntries(policy.Statement.map((s: { Sid: string }) => [s.Sid, s]));
        assert.strictEqual(
            byId.EncryptWithReplicaKey.Condition.StringLike["kms:ViaService"],
            "s3.eu-central-1.amazonaws.com",
        );
        assert.strictEqual(
            byId.DecryptWithSourceKey.Condition.StringLike["kms:ViaService"],
            "s3.eu-west-1.amazonaws.com",
        );
        assert.ok(!JSON.stringify(policy).includes('"*"'), "no wildcard resource");
    });

    it("does not replicate in dev or staging", async () => {
        for (const stack of ["dev", "staging"]) {
            const run = await runStack(stack, "aws");
            assert.strictEqual(ofType(run, REPLICATION).length, 0, stack);
            // Velero's bucket (staging) is not replicated either: no bucket in the stack has a replica.
            assert.deepStrictEqual(
                ofType(run, BUCKET)
                    .filter((r) => r.name.endsWith("-replica"))
                    .map((r) => r.name),
                [],
                stack,
            );
            named(run, BUCKET, "-storage-bucket");
        }
    });

    it("makes the prod storage account geo-zone-redundant (GZRS) on Azure, zone-redundant in staging", async () => {
        const sku = async (stack: string) => inputs(dataAccount(await runStack(stack, "azure"))).sku.name;
        assert.strictEqual(await sku("prod"), "Standard_GZRS");
        assert.strictEqual(await sku("staging"), "Standard_ZRS");
    });

    it("publishes where backups are copied as a stack output on both clouds (eu-central-1; westeurope's pair)", async () => {
        assert.deepStrictEqual(outputs(await runStack("prod", "aws")).backup.copyRegions, ["eu-central-1"]);
        assert.deepStrictEqual(outputs(await runStack("prod", "azure")).backup.copyRegions, ["northeurope"]);
        assert.deepStrictEqual(outputs(await runStack("dev", "aws")).backup.copyRegions, []);
    });
});
