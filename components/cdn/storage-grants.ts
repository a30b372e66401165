import * as pulumi from "@pulumi/pulumi";
import type { CdnOutputs } from ".";

/**
 * The storage's grants to the CDN (AWS: the OAC statements of the bucket policy and of the bucket key's
 * policy), handed to the storage before the CDN exists. The storage is the CDN's static origin, so it is built
 * first, and S3 keeps one policy per bucket (components/storage/aws-policy.ts), which only the storage
 * writes; the statements name the distribution's ARN, known once the distribution is. A deferred output
 * (`pulumi.deferredOutput`, resolved by the platform right after the CDN) carries them over and keeps the
 * dependency on the distribution, so the engine orders bucket → distribution → policies, without a cycle.
 */
export interface StorageGrants {
    /** Statements for the bucket's single policy. */
    readonly bucket: pulumi.Output<Record<string, unknown>[]>;
    /** Statements for the bucket key's policy (beside the account's default statement). */
    readonly key: pulumi.Output<Record<string, unknown>[]>;
    /** Resolves both from the CDN, or to none when no CDN was built. Must be called once. */
    resolve(cdn: Pick<CdnOutputs, "storagePolicyStatements" | "storageKeyPolicyStatements"> | undefined): void;
}

export function deferredStorageGrants(): StorageGrants {
    const [bucket, resolveBucket] = pulumi.deferredOutput<Record<string, unknown>[]>();
    const [key, resolveKey] = pulumi.deferredOutput<Record<string, unknown>[]>();
    return {
        bucket,
        key,
        resolve(cdn) {
            const asRecords = (o: pulumi.Output<object[]>) => o as pulumi.Output<Record<string, unknown>[]>;
            resolveBucket(cdn ? asRecords(cdn.storagePolicyStatements) : pulumi.output([]));
            resolveKey(cdn ? asRecords(cdn.storageKeyPolicyStatements) : pulumi.output([]));
        },
    };
}
