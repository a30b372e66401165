import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import { compactGlobalName, privateEndpoint } from "../shared/azure";
import { DataStoreKey, dataStoreKey } from "../shared/azure-keys";
import { azurePlacement, statefulOptions } from "../shared/context";
import { securityOptOuts } from "../shared/security";
import { AZURE_LOCATIONS } from "../shared/facts/regions";
import { pairedRegion } from "../shared/facts/azure-regions";
import { StorageArgs, StorageOutputs, storageSettings } from ".";

/**
 * A StorageV2 account with one blob container: HTTPS only, TLS 1.2 minimum, service encryption plus
 * infrastructure (double) encryption, no anonymous blob access, shared-key and SAS-by-key access off
 * (clients use Microsoft Entra identities, e.g. workload identity), public network access disabled with a
 * private endpoint for blob in the endpoint subnet, blob versioning, blob and container soft delete for
 * `noncurrentVersionRetentionDays`, a lifecycle rule that deletes older versions after the same window,
 * and zone-redundant replication when highly available.
 */
export function createAzureStorage(name: string, args: StorageArgs, parent: pulumi.Resource): StorageOutputs {
    const { context } = args;
    const { resourceGroupName, location } = azurePlacement(context);
    const azure = args.azure ?? {};
    const opts = { parent };
    const stateful = { parent, ...statefulOptions(context) };
    // Customer-managed key (identity-based, versionless: Storage follows the key's rotations itself;
    // https://learn.microsoft.com/azure/storage/common/customer-managed-keys-configure-existing-account).
    const cmk = dataStoreKey(
        name,
        { context, vault: azurePlacement(context).keyVaults.primary, keyName: `${context.namePrefix}-storage` },
        stateful,
    );
    const account = storageAccount(name, args, cmk, stateful);
    blobRetention(name, args, account, opts);
    const container = new storage.BlobContainer(
        `${name}-container`,
        { resourceGroupName, accountName: account.name, containerName: "data", publicAccess: "None" },
        stateful,
    );
    privateEndpoint(
        name,
        {
            context,
            subnetId: args.network.endpointSubnetIds.apply((ids) => ids[0]),
            targetId: account.id,
            groupId: "blob",
            zone: "blob",
        },
        opts,
    );

    return {
        bucketName: container.name,
        endpoint: pulumi.interpolate`${account.primaryEndpoints.blob}${container.name}`,
        region: pulumi.output(location),
        resourceId: account.id,
        securityOptOuts: pulumi.output(securityOptOuts("azure", azure, ["infrastructureEncryption", "versioning"])),
        replicaRegions: pulumi.output(
            /^(RA)?G/.test(accountReplication(args)) ? [pairedRegion(location) ?? "paired"] : [],
        ),
    };
}

/**
 * The StorageV2 account: HTTPS and TLS 1.2 only, Entra authentication only (no shared key, no anonymous
 * blobs), no public network access, the data store's key with infrastructure encryption, ZRS when highly
 * available.
 */
function storageAccount(
    name: string,
    args: StorageArgs,
    cmk: DataStoreKey,
    stateful: pulumi.CustomResourceOptions,
): storage.StorageAccount {
    const { context } = args;
    const { resourceGroupName, location } = azurePlacement(context);
    const replication = accountReplication(args);
    return new storage.StorageAccount(
        `${name}-account`,
        {
            resourceGroupName,
            location,
            // 3–24 lowercase letters and digits, unique across Azure.
            accountName: compactGlobalName(context, "st", 24),
            kind: "StorageV2",
            sku: { name: `Standard_${replication}` },
            accessTier: "Hot",
            enableHttpsTrafficOnly: true,
            minimumTlsVersion: "TLS1_2",
            allowBlobPublicAccess: false,
            allowSharedKeyAccess: false,
            defaultToOAuthAuthentication: true,
            allowCrossTenantReplication: false,
            publicNetworkAccess: "Disabled",
            networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" },
            identity: { type: "UserAssigned", userAssignedIdentities: [cmk.identity.id] },
            encryption: {
                keySource: "Microsoft.Keyvault",
                keyVaultProperties: { keyVaultUri: cmk.vaultUri, keyName: cmk.keyName },
                encryptionIdentity: { encryptionUserAssignedIdentity: cmk.identity.id },
                requireInfrastructureEncryption: args.azure?.infrastructureEncryption ?? true,
                services: { blob: { enabled: true, keyType: "Account" }, file: { enabled: true, keyType: "Account" } },
            },
            tags: context.tags,
        },
        { ...stateful, dependsOn: cmk.ready },
    );
}

/**
 * The account's replication: the override, else geo-redundant when replicating across regions (GZRS, zones
 * plus the paired region, where the location has zones; GRS where it has none: GZRS needs zones,
 * https://learn.microsoft.com/azure/storage/common/storage-redundancy#geo-zone-redundant-storage and the zone
 * facts in shared/facts/regions.ts), else ZRS when highly available, else LRS. Chosen over object replication,
 * which needs a second account, change feed and versioning on both, and replicates asynchronously per policy;
 * GZRS is one setting, covers every container, and a ZRS account converts to GZRS in place.
 */
export function accountReplication(args: StorageArgs): "LRS" | "ZRS" | "GRS" | "GZRS" | "RAGZRS" {
    const settings = storageSettings(args);
    if (args.azure?.replication) return args.azure.replication;
    if (settings.crossRegionReplication) {
        return AZURE_LOCATIONS[azurePlacement(args.context).location]?.zones === false ? "GRS" : "GZRS";
    }
    return settings.highAvailability ? "ZRS" : "LRS";
}

/**
 * What deleted and overwritten blobs are kept for: versioning, blob and container soft delete for the
 * retention window, and a lifecycle rule that deletes older versions after the same window.
 */
function blobRetention(
    name: string,
    args: StorageArgs,
    account: storage.StorageAccount,
    opts: pulumi.CustomResourceOptions,
) {
    const { resourceGroupName } = azurePlacement(args.context);
    const retentionDays = storageSettings(args).noncurrentVersionRetentionDays;
    new storage.BlobServiceProperties(
        `${name}-blob-service`,
        {
            resourceGroupName,
            accountName: account.name,
            blobServicesName: "default",
            isVersioningEnabled: args.azure?.versioning ?? true,
            deleteRetentionPolicy: { enabled: true, days: retentionDays },
            containerDeleteRetentionPolicy: { enabled: true, days: retentionDays },
        },
        opts,
    );
    new storage.ManagementPolicy(
        `${name}-lifecycle`,
        {
            resourceGroupName,
            accountName: account.name,
            managementPolicyName: "default",
            policy: {
                rules: [
                    {
                        name: "expire-noncurrent-versions",
                        enabled: true,
                        type: "Lifecycle",
                        definition: {
                            filters: { blobTypes: ["blockBlob"] },
                            actions: { version: { delete: { daysAfterCreationGreaterThan: retentionDays } } },
                        },
                    },
                ],
            },
        },
        opts,
    );
}
