import { Exactly, Infer, bool, int, key, obj, oneOf } from "../shared/schema";
import { CapabilityConfig } from "../shared/settings";
import type { AwsStorageOptions, AzureStorageOptions } from ".";

/**
 * `platform:storage`: the object store's overrides (noncurrent version retention and the per-cloud bags
 * `aws` and `azure`). Every rule on it is a field's own shape, so it has no cross-checks yet. Composed
 * with every other capability's by components/shared/config.ts.
 */

const awsStorage = obj({ kmsEncryption: bool(), denyInsecureTransport: bool(), versioning: bool() });
const azureStorage = obj({
    replication: oneOf(["LRS", "ZRS", "GRS", "GZRS", "RAGZRS"]),
    infrastructureEncryption: bool(),
    versioning: bool(),
});
const contractsMatch: [
    Exactly<Infer<typeof awsStorage>, AwsStorageOptions>,
    Exactly<Infer<typeof azureStorage>, AzureStorageOptions>,
] = [true, true];
void contractsMatch;

const storageField = obj({ noncurrentVersionRetentionDays: int(1, 365, "days"), aws: awsStorage, azure: azureStorage });

/** The validated `platform:storage` object. */
export type StorageConfig = Infer<typeof storageField>;

export const STORAGE_CONFIG: CapabilityConfig<typeof storageField> = {
    key: key(storageField, {}, "JSON: storage overrides {noncurrentVersionRetentionDays, aws, azure}."),
    checks: [],
};
