import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as storage from "@pulumi/azure-native/storage";
import { compactGlobalName, roleDefinitionId } from "../shared/azure";
import { dataStoreKey } from "../shared/azure-keys";
import { PlatformContext, azurePlacement, statefulOptions } from "../shared/context";

/**
 * VNet flow logs: Network Watcher records every flow in and out of the VNet (allowed and denied, with bytes and
 * packets) to a storage account, and traffic analytics aggregates them into the stack's Log Analytics
 * workspace every 10 minutes. This is the Azure side of the VPC flow logs on AWS (network/aws.ts). NSG flow
 * logs are not an option: "Starting June 30, 2025, you can no longer create new NSG flow logs", retired on
 * September 30, 2027, with VNet flow logs as the replacement (MicrosoftDocs/azure-docs@
 * articles/network-watcher/nsg-flow-logs-overview.md).
 *
 * The Network Watcher: a flow log is a child of the region's Network Watcher, of which a subscription has one
 * per region: "When you create or update a virtual network in your subscription, Network Watcher is
 * automatically enabled in your virtual network's region" (MicrosoftDocs/azure-docs@
 * articles/network-watcher/network-watcher-overview.md; network-watcher-create.md), as `NetworkWatcher_<region>`
 * in the `NetworkWatcherRG` resource group. The program uses that one (creating a second watcher in the region
 * fails) and waits for the VNet, whose creation enables it. A subscription that opted out of the automatic
 * enablement creates it once: `az network watcher configure --resource-group NetworkWatcherRG --locations
 * <region> --enabled true` (same article).
 *
 * The storage account is the network's own, not the stack's data account, because (1) Network Watcher writes
 * as a trusted Microsoft service, which needs the firewall form (`defaultAction: Deny` with the `AzureServices`
 * bypass) while the data account stays `publicNetworkAccess: Disabled`; (2) the flow log identity's write
 * access then reaches logs only, never application data; (3) flow records are blobs rewritten every minute of
 * the hour, which the data account's blob versioning would multiply. Like the data stores it is encrypted
 * with its own key in the stack's vault, accepts no shared keys (Network Watcher signs in with a user-assigned
 * identity holding Storage Blob Data Contributor on this account: MicrosoftDocs/azure-docs@
 * articles/network-watcher/vnet-flow-logs-managed-identity.md) and no anonymous access. Records are deleted
 * after `logRetentionDays` by the flow log's retention policy (Network Watcher writes its own lifecycle rule).
 * Requirements from articles/network-watcher/vnet-flow-logs-overview.md: same region as the VNet, a Standard
 * (not Premium) general-purpose v2 account.
 */

/** Traffic analytics processes the records every 10 minutes (the other allowed value is 60). */
export const TRAFFIC_ANALYTICS_INTERVAL_MINUTES = 10;

/** The flow log of `vnet`, its storage account and the identity Network Watcher writes with. */
export function vnetFlowLog(
    name: string,
    args: { context: PlatformContext; vnet: network.VirtualNetwork; retentionDays: number; zoneRedundant: boolean },
    parent: pulumi.Resource,
): network.FlowLog {
    const { context, vnet } = args;
    const { resourceGroupName, location, logAnalyticsWorkspaceId } = azurePlacement(context);
    const opts = { parent };
    const account = flowLogAccount(name, args, parent);
    const writer = new managedidentity.UserAssignedIdentity(
        `${name}-flow-logs-identity`,
        { resourceGroupName, location, tags: context.tags },
        opts,
    );
    const write = new authorization.RoleAssignment(
        `${name}-flow-logs-write`,
        {
            scope: account.id,
            principalId: writer.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: roleDefinitionId(context, "storageBlobDataContributor"),
            description: `Network Watcher writes ${name}'s VNet flow logs`,
        },
        opts,
    );
    return new network.FlowLog(
        `${name}-flow-log`,
        {
            resourceGroupName: "NetworkWatcherRG",
            networkWatcherName: `NetworkWatcher_${location}`,
            flowLogName: `${context.namePrefix}-vnet`,
            location,
            targetResourceId: vnet.id,
            storageId: account.id,
            enabled: true,
            format: { type: "JSON", version: 2 },
            retentionPolicy: { enabled: true, days: args.retentionDays },
            identity: { type: "UserAssigned", userAssignedIdentities: [writer.id] },
            flowAnalyticsConfiguration: {
                networkWatcherFlowAnalyticsConfiguration: {
                    enabled: true,
                    workspaceResourceId: logAnalyticsWorkspaceId,
                    workspaceRegion: location,
                    trafficAnalyticsInterval: TRAFFIC_ANALYTICS_INTERVAL_MINUTES,
                },
            },
            tags: context.tags,
        },
        { parent, dependsOn: [vnet, write] },
    );
}

/** The flow logs' storage account: own key, no shared keys, trusted services only, ZRS when highly available. */
function flowLogAccount(
    name: string,
    args: { context: PlatformContext; zoneRedundant: boolean },
    parent: pulumi.Resource,
): storage.StorageAccount {
    const { context } = args;
    const { resourceGroupName, location, keyVaults } = azurePlacement(context);
    const stateful = { parent, ...statefulOptions(context) };
    const cmk = dataStoreKey(
        `${name}-flow-logs`,
        { context, vault: keyVaults.primary, keyName: `${context.namePrefix}-flowlogs` },
        stateful,
    );
    return new storage.StorageAccount(
        `${name}-flow-logs`,
        {
            resourceGroupName,
            location,
            accountName: compactGlobalName(context, "fl", 24),
            kind: "StorageV2",
            sku: { name: args.zoneRedundant ? "Standard_ZRS" : "Standard_LRS" },
            accessTier: "Hot",
            enableHttpsTrafficOnly: true,
            minimumTlsVersion: "TLS1_2",
            allowBlobPublicAccess: false,
            allowSharedKeyAccess: false,
            defaultToOAuthAuthentication: true,
            allowCrossTenantReplication: false,
            // Network Watcher is a trusted service: it passes the firewall through the bypass; nothing else does.
            publicNetworkAccess: "Enabled",
            networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] },
            identity: { type: "UserAssigned", userAssignedIdentities: [cmk.identity.id] },
            encryption: {
                keySource: "Microsoft.Keyvault",
                keyVaultProperties: { keyVaultUri: cmk.vaultUri, keyName: cmk.keyName },
                encryptionIdentity: { encryptionUserAssignedIdentity: cmk.identity.id },
                requireInfrastructureEncryption: true,
                services: { blob: { enabled: true, keyType: "Account" } },
            },
            tags: context.tags,
        },
        { ...stateful, dependsOn: cmk.ready },
    );
}
