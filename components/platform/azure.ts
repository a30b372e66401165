import { Provider } from "@pulumi/azure-native/provider";
import { getClientConfigOutput } from "@pulumi/azure-native/authorization";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as resources from "@pulumi/azure-native/resources";
import { PlatformConfig } from "../shared/config";
import { Foundation } from ".";

/**
 * The Azure foundation: one explicit azure-native provider for the stack's location, the stack's
 * resource group (protected with the stack: deleting it deletes everything in it), the identity running
 * the deployment, and the Log Analytics workspace every diagnostic setting and Container Insights write
 * to (created here because the cluster needs its id at creation time).
 */
export function createAzureFoundation(config: PlatformConfig, tags: Record<string, string>): Foundation {
    const location = config.azureLocation;
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

    const context = {
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
        },
    };
    return { providers: [provider], context };
}
