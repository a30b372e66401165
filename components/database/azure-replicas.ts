import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as monitor from "@pulumi/azure-native/monitor";
import { azureDatabaseTier } from "../shared/catalog";
import { privateDnsZoneId } from "../shared/azure";
import { azurePlacement } from "../shared/context";
import type { DatabaseArgs } from ".";

/** What a replica copies from the primary. */
export interface AzureReplicaParts {
    readonly skuName: string;
    readonly storageGiB: number;
    readonly deletionProtection: boolean;
    readonly encryption: {
        readonly identity: dbforpostgresql.ServerArgs["identity"];
        readonly primaryKeyURI: pulumi.Input<string>;
        readonly primaryUserAssignedIdentityId: pulumi.Input<string>;
    };
}

/**
 * `count` read replicas of `source` in the same region: `createMode: "Replica"` with `sourceServerResourceId`
 * ("Required when 'createMode' is 'PointInTimeRestore', 'GeoRestore', 'Replica', or 'ReviveDropped'",
 * @pulumi/azure-native 3.28.0 dbforpostgresql/server.d.ts), the primary's SKU, storage, delegated subnet and
 * private DNS zone, public access disabled, and the primary's customer-managed key through the same
 * identity, Entra and password sign-in like the primary. A replica takes no administrator login, version or
 * backup settings: it inherits them from the primary
 * (https://learn.microsoft.com/azure/postgresql/read-replica/concepts-read-replicas). Replicas need the General
 * Purpose or Memory Optimized tier, which config enforces (components/database/config.ts). Each replica sends its
 * server logs to the stack's workspace, and carries a CanNotDelete lock when the database is protected.
 */
export function createAzureReplicas(
    name: string,
    count: number,
    source: dbforpostgresql.Server,
    parts: AzureReplicaParts,
    args: DatabaseArgs,
    opts: pulumi.CustomResourceOptions,
): dbforpostgresql.Server[] {
    const { context } = args;
    const { resourceGroupName, location, tenantId } = azurePlacement(context);
    return Array.from({ length: count }, (_, i) => {
        const replica = new dbforpostgresql.Server(
            `${name}-replica-${i + 1}`,
            {
                resourceGroupName,
                location,
                createMode: dbforpostgresql.CreateMode.Replica,
                sourceServerResourceId: source.id,
                sku: { name: parts.skuName, tier: azureDatabaseTier(parts.skuName) },
                identity: parts.encryption.identity,
                authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Enabled", tenantId },
                dataEncryption: {
                    type: "AzureKeyVault",
                    primaryKeyURI: parts.encryption.primaryKeyURI,
                    primaryUserAssignedIdentityId: parts.encryption.primaryUserAssignedIdentityId,
                },
                storage: { storageSizeGB: parts.storageGiB, autoGrow: "Enabled", type: "Premium_LRS" },
                highAvailability: { mode: "Disabled" },
                network: {
                    delegatedSubnetResourceId: args.network.dataSubnetIds.apply((ids) => ids[0]),
                    privateDnsZoneArmResourceId: privateDnsZoneId(context, "postgres"),
                    publicNetworkAccess: "Disabled",
                },
                tags: context.tags,
            },
            { ...opts, dependsOn: [source] },
        );
        replicaSafeguards(`${name}-replica-${i + 1}`, replica, parts, args, opts);
        return replica;
    });
}

/** The replica's diagnostic setting (logs and metrics to the workspace) and, when protected, its delete lock. */
function replicaSafeguards(
    name: string,
    replica: dbforpostgresql.Server,
    parts: AzureReplicaParts,
    args: DatabaseArgs,
    opts: pulumi.CustomResourceOptions,
): void {
    const { logAnalyticsWorkspaceId } = azurePlacement(args.context);
    new monitor.DiagnosticSetting(
        `${name}-diagnostics`,
        {
            name: `${args.context.namePrefix}-to-log-analytics`,
            resourceUri: replica.id,
            workspaceId: logAnalyticsWorkspaceId,
            logs: [{ categoryGroup: "allLogs", enabled: true }],
            metrics: [{ category: "AllMetrics", enabled: true }],
        },
        { parent: opts.parent },
    );
    if (parts.deletionProtection) {
        new authorization.ManagementLockByScope(
            `${name}-lock`,
            {
                scope: replica.id,
                level: "CanNotDelete",
                notes: `Deletion protection for ${name}: remove this lock (platform:deletionProtection=false) first.`,
            },
            { parent: opts.parent },
        );
    }
}
