import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
import { compactGlobalName, privateEndpoint } from "../shared/azure";
import { dataStoreKey } from "../shared/azure-keys";
import { AZURE_LOCATIONS } from "../shared/facts/regions";
import { PlatformContext, azurePlacement, statefulOptions } from "../shared/context";

/** Arguments of Velero's own storage account and container on Azure. */
export interface VeleroContainerArgs {
    readonly context: PlatformContext;
    /** The endpoint subnet the account's private endpoint goes in. */
    readonly endpointSubnetId: pulumi.Input<string>;
    /**
     * Days a deleted or overwritten blob stays recoverable (soft delete and versions): the longest schedule's TTL.
     */
    readonly retentionDays: number;
    /**
     * Keep a copy in the paired region (GZRS, or GRS where the location has no zones).
     * @default false
     */
    readonly geoRedundant?: boolean;
    /**
     * Zone-redundant (ZRS) when not geo-redundant.
     * @default false
     */
    readonly zoneRedundant?: boolean;
}

/** Velero's account, container and snapshot resource group. */
export interface VeleroContainer {
    readonly account: storage.StorageAccount;
    readonly container: storage.BlobContainer;
    /** The resource group Velero's disk snapshots go to: outside the cluster's node resource group. */
    readonly snapshotResourceGroup: resources.ResourceGroup;
    readonly ready: pulumi.Resource[];
}

/**
 * Velero's own StorageV2 account (decided over a container in the application's account: the application's
 * identities hold Storage Blob Data Contributor on their account and must not reach the cluster's backups;
 * and Velero's `velero backup logs/describe` need a user delegation key, which Azure grants at the account
 * scope, never a container's: https://learn.microsoft.com/rest/api/storageservices/get-user-delegation-key
 * "Permissions"). The same hardening as the platform's account: HTTPS and TLS 1.2, Entra only (no shared key,
 * the plugin's `useAAD`), no public network access (a private endpoint for blob), the stack's Key Vault key
 * with infrastructure encryption, versioning and soft delete for the longest TTL, zone/geo redundancy by
 * environment. One private container `velero`.
 *
 * Disk snapshots go to a resource group of their own: in the node resource group (the plugin's default) they
 * would be deleted with the cluster, the very loss they are for
 * (github:vmware-tanzu/velero-plugin-for-microsoft-azure@v1.14.0-rc.1 volumesnapshotlocation.md `resourceGroup`).
 */
export function createVeleroContainerAzure(
    name: string,
    args: VeleroContainerArgs,
    parent: pulumi.Resource,
): VeleroContainer {
    const { context } = args;
    const { resourceGroupName, location } = azurePlacement(context);
    const stateful = { parent, ...statefulOptions(context) };
    const cmk = dataStoreKey(
        name,
        { context, vault: azurePlacement(context).keyVaults.primary, keyName: `${context.namePrefix}-velero` },
        stateful,
    );
    const account = new storage.StorageAccount(
        `${name}-account`,
        {
            resourceGroupName,
            location,
            accountName: compactGlobalName(context, "velero", 24),
            kind: "StorageV2",
            sku: { name: `Standard_${veleroReplication(args, location)}` },
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
                requireInfrastructureEncryption: true,
                services: { blob: { enabled: true, keyType: "Account" }, file: { enabled: true, keyType: "Account" } },
            },
            tags: context.tags,
        },
        { ...stateful, dependsOn: cmk.ready },
    );
    const retention = veleroBlobRetention(name, { context, account, days: args.retentionDays }, parent);
    const container = new storage.BlobContainer(
        `${name}-container`,
        { resourceGroupName, accountName: account.name, containerName: "velero", publicAccess: "None" },
        stateful,
    );
    const endpoint = privateEndpoint(
        name,
        { context, subnetId: args.endpointSubnetId, targetId: account.id, groupId: "blob", zone: "blob" },
        { parent },
    );
    const snapshotResourceGroup = new resources.ResourceGroup(
        `${name}-snapshots`,
        { location, tags: context.tags },
        stateful,
    );
    return { account, container, snapshotResourceGroup, ready: [...retention, endpoint] };
}

/** GZRS (GRS without zones) when geo-redundant, else ZRS when zone-redundant, else LRS. */
export function veleroReplication(
    args: Pick<VeleroContainerArgs, "geoRedundant" | "zoneRedundant">,
    location: string,
): "LRS" | "ZRS" | "GRS" | "GZRS" {
    if (args.geoRedundant) return AZURE_LOCATIONS[location]?.zones === false ? "GRS" : "GZRS";
    return args.zoneRedundant ? "ZRS" : "LRS";
}

/** Versioning, blob and container soft delete, and older versions deleted after `days`. */
function veleroBlobRetention(
    name: string,
    args: { context: PlatformContext; account: storage.StorageAccount; days: number },
    parent: pulumi.Resource,
): pulumi.Resource[] {
    const { resourceGroupName } = azurePlacement(args.context);
    const service = new storage.BlobServiceProperties(
        `${name}-blob-service`,
        {
            resourceGroupName,
            accountName: args.account.name,
            blobServicesName: "default",
            isVersioningEnabled: true,
            deleteRetentionPolicy: { enabled: true, days: args.days },
            containerDeleteRetentionPolicy: { enabled: true, days: args.days },
        },
        { parent },
    );
    const lifecycle = new storage.ManagementPolicy(
        `${name}-lifecycle`,
        {
            resourceGroupName,
            accountName: args.account.name,
            managementPolicyName: "default",
            policy: {
                rules: [
                    {
                        name: "expire-noncurrent-versions",
                        enabled: true,
                        type: "Lifecycle",
                        definition: {
                            filters: { blobTypes: ["blockBlob"] },
                            actions: { version: { delete: { daysAfterCreationGreaterThan: args.days } } },
                        },
                    },
                ],
            },
        },
        { parent },
    );
    return [service, lifecycle];
}
