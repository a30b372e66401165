import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { Secret } from "@pulumi/kubernetes/core/v1";
import { azurePlacement } from "../../shared/context";
import { createFederatedIdentity } from "../identity/azure";
import {
    EXTERNAL_DNS_NAMESPACE,
    EXTERNAL_DNS_SERVICE_ACCOUNT,
    ExternalDnsArgs,
    ExternalDnsIdentityImplementation,
} from ".";

/**
 * Built-in role ids (https://learn.microsoft.com/en-us/azure/role-based-access-control/built-in-roles):
 * DNS Zone Contributor manages one zone's records; Reader lets external-dns list the zones of the zone's
 * resource group, which its Azure provider does with ZonesClient.ListByResourceGroup
 * (kubernetes-sigs/external-dns@v0.21.0 provider/azure/azure.go `zones`; docs/tutorials/azure.md assigns both).
 */
export const EXTERNAL_DNS_ROLES = {
    dnsZoneContributor: "befefa01-2a29-4197-83a8-272ff33ce314",
    reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
} as const;

/** The Secret external-dns reads as /etc/kubernetes/azure.json: ids only, no credential (workload identity). */
export const AZURE_CONFIG_SECRET = "external-dns-azure";

/**
 * A user-assigned identity federated with external-dns's ServiceAccount, holding DNS Zone Contributor on the
 * stack's zone only (and Reader on its resource group), with the chart's Azure provider reading azure.json
 * with `useWorkloadIdentityExtension` (docs/tutorials/azure.md, "Managed identity using Workload Identity").
 */
export const createExternalDnsAzureIdentity: ExternalDnsIdentityImplementation = (
    name: string,
    args: ExternalDnsArgs,
    parent: pulumi.Resource,
    namespace: pulumi.Output<string>,
) => {
    const { context } = args;
    const { subscriptionId, tenantId } = azurePlacement(context);
    const opts = { parent };
    const { identity, federation } = createFederatedIdentity(
        name,
        {
            context,
            oidcIssuerUrl: args.cluster.oidcIssuerUrl,
            subject: `system:serviceaccount:${EXTERNAL_DNS_NAMESPACE}:${EXTERNAL_DNS_SERVICE_ACCOUNT}`,
        },
        opts,
    );
    const role = (id: string) =>
        pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
    const zoneAccess = new authorization.RoleAssignment(
        `${name}-zone`,
        {
            scope: args.zone.zoneResourceId,
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: role(EXTERNAL_DNS_ROLES.dnsZoneContributor),
            description: "external-dns writes the stack's DNS zone only",
        },
        opts,
    );
    const listZones = new authorization.RoleAssignment(
        `${name}-zone-list`,
        {
            scope: pulumi.interpolate`/subscriptions/${subscriptionId}/resourceGroups/${args.zone.resourceGroupName}`,
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: role(EXTERNAL_DNS_ROLES.reader),
            description: "external-dns lists the zones of the zone's resource group (read only)",
        },
        opts,
    );
    const config = azureConfig(
        name,
        { tenantId, subscriptionId, resourceGroupName: args.zone.resourceGroupName },
        namespace,
        opts,
    );
    return {
        values: pulumi.all([identity.clientId, args.zone.zoneId]).apply(
            ([clientId, zoneId]): Record<string, unknown> => ({
                provider: { name: "azure" },
                serviceAccount: { annotations: { "azure.workload.identity/client-id": clientId } },
                podLabels: { "azure.workload.identity/use": "true" },
                extraVolumes: [{ name: "azure-config-file", secret: { secretName: AZURE_CONFIG_SECRET } }],
                extraVolumeMounts: [{ name: "azure-config-file", mountPath: "/etc/kubernetes", readOnly: true }],
                extraArgs: [`--zone-id-filter=${zoneId}`],
            }),
        ),
        ready: [federation, zoneAccess, listZones, config],
        principalId: identity.clientId,
    };
};

/** azure.json as a Secret in external-dns's namespace: the zone's subscription, tenant and resource group. */
function azureConfig(
    name: string,
    ids: {
        readonly tenantId: pulumi.Input<string>;
        readonly subscriptionId: pulumi.Input<string>;
        readonly resourceGroupName: pulumi.Input<string>;
    },
    namespace: pulumi.Output<string>,
    opts: pulumi.CustomResourceOptions,
): Secret {
    return new Secret(
        `${name}-azure-config`,
        {
            metadata: { name: AZURE_CONFIG_SECRET, namespace },
            stringData: {
                "azure.json": pulumi
                    .all([ids.tenantId, ids.subscriptionId, ids.resourceGroupName])
                    .apply(([tenant, subscription, group]) =>
                        JSON.stringify({
                            tenantId: tenant,
                            subscriptionId: subscription,
                            resourceGroup: group,
                            useWorkloadIdentityExtension: true,
                        }),
                    ),
            },
        },
        opts,
    );
}
