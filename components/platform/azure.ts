import { Provider } from "@pulumi/azure-native/provider";
import { getClientConfigOutput } from "@pulumi/azure-native/authorization";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as resources from "@pulumi/azure-native/resources";
import { compactGlobalName } from "../shared/azure";
import { KeyVaultRef, createKeyVault, keyVaultRef } from "../shared/azure-keys";
import { ConfigError, PlatformConfig } from "../shared/config";
import { PlatformContext, statefulOptions } from "../shared/context";
import { pairedRegion } from "../shared/facts/azure-regions";
import { Foundation } from ".";

/**
 * The Azure foundation: one explicit azure-native provider for the stack's location, the stack's
 * resource group (protected with the stack: deleting it deletes everything in it), the identity running
 * the deployment, and the Log Analytics workspace every diagnostic setting and Container Insights write
 * to (created here because the cluster needs its id at creation time), and the stack's Key Vaults (the data
 * stores need their keys at creation time; see shared/azure-keys.ts).
 */
export function createAzureFoundation(config: PlatformConfig, tags: Record<string, string>): Foundation {
    const location = config.azureLocation;
    const geoBackupRegion = geoBackupKeyRegion(config);
    const namePrefix = `${config.project}-${config.stack}`;
    const protect = config.deletionProtection;
    const provider = new Provider("azure-native", { location });
    const client = getClientConfigOutput({ provider });

    const group = new resources.ResourceGroup(
        `${namePrefix}-rg`,
        { resourceGroupName: `${namePrefix}-rg`, location, tags },
        // The same options statefulOptions(context) gives stateful resources; the context needs this group first.
        { provider, ...(protect ? { protect: true, retainOnDelete: true } : {}) },
    );

    const workspace = new operationalinsights.Workspace(
        `${namePrefix}-logs`,
        {
            resourceGroupName: group.name,
            location,
            sku: { name: "PerGB2018" },
            retentionInDays: config.monitoring.logRetentionDays ?? 30,
            // Access follows Azure RBAC on the resources the logs come from; no workspace shared keys.
            features: { enableLogAccessUsingOnlyResourcePermissions: true, disableLocalAuth: true },
            tags,
        },
        { provider },
    );

    const base = {
        cloud: "azure" as const,
        environment: config.environment,
        namePrefix,
        tags,
        protect,
        azure: {
            location,
            resourceGroupName: group.name,
            subscriptionId: client.subscriptionId,
            tenantId: client.tenantId,
            deployerObjectId: client.objectId,
            deployerPrincipalType: config.cluster.azure?.deployerPrincipalType ?? "ServicePrincipal",
            logAnalyticsWorkspaceId: workspace.id,
            keyVaults: { primary: undefined as unknown as KeyVaultRef },
        },
    };
    const keyVaults = createStackKeyVaults(base, geoBackupRegion, provider);
    const context: PlatformContext = { ...base, azure: { ...base.azure, keyVaults } };
    return { providers: [provider], context };
}

/**
 * The region of PostgreSQL's geo-redundant backups when they are on (they go to the paired region), so that
 * its key vault can be created there. Refuses, before any resource is registered, a location without a pair.
 */
function geoBackupKeyRegion(config: PlatformConfig): string | undefined {
    const geoRedundant = config.database.azure?.geoRedundantBackup ?? config.highAvailability;
    if (!geoRedundant) {
        return undefined;
    }
    const paired = pairedRegion(config.azureLocation);
    if (!paired) {
        throw new ConfigError([
            {
                key: "platform:azureLocation",
                received: config.azureLocation,
                allowed:
                    "a location with an Azure region pair when PostgreSQL keeps geo-redundant backups (their " +
                    "customer-managed key must live in the paired region; components/shared/facts/azure-regions.ts)",
                fix:
                    'choose a paired location, or set "geoRedundantBackup": false in the azure bag of platform:database ' +
                    `in Pulumi.${config.stack}.yaml`,
            },
        ]);
    }
    return paired;
}

/** The stack's Key Vault, and the paired-region vault for the geo-redundant backup key when needed. */
function createStackKeyVaults(
    context: PlatformContext,
    pairedLocation: string | undefined,
    provider: Provider,
): NonNullable<PlatformContext["azure"]>["keyVaults"] {
    const opts = { provider, ...statefulOptions(context) };
    const location = context.azure!.location;
    const vault = (role: string, at: string) =>
        keyVaultRef(
            createKeyVault(
                `${context.namePrefix}-${role}`,
                { context, location: at, vaultName: compactGlobalName(context, role, 24) },
                opts,
            ),
            at,
        );
    return {
        primary: vault("kv", location),
        ...(pairedLocation ? { paired: vault("kvgeo", pairedLocation) } : {}),
    };
}
