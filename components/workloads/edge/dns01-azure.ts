import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { azurePlacement } from "../../shared/context";
import { createFederatedIdentity } from "../identity/azure";
import { EXTERNAL_DNS_ROLES } from "../dns/azure";
import { CERT_MANAGER_IDENTITY, CertManagerDns01, Dns01Args } from "./dns01";

/**
 * A user-assigned identity federated with cert-manager's ServiceAccount, holding DNS Zone Contributor on the
 * stack's zone only, used through `azureDNS.managedIdentity.clientID`; the controller's pods and ServiceAccount
 * carry `azure.workload.identity/use: "true"` so the workload identity webhook injects the token
 * (https://cert-manager.io/docs/configuration/acme/dns01/azuredns/#managed-identity-using-aad-workload-identity:
 * `podLabels` and `serviceAccount.labels` in the chart, the federated credential's subject
 * `system:serviceaccount:cert-manager:cert-manager`, "DNS Zone Contributor" scoped to the zone).
 */
export function azureDns01(name: string, args: Dns01Args, parent: pulumi.Resource): CertManagerDns01 {
    const { subscriptionId } = azurePlacement(args.context);
    const opts = { parent };
    const { namespace, serviceAccount } = CERT_MANAGER_IDENTITY;
    const { identity, federation } = createFederatedIdentity(
        `${name}-cert-manager-dns`,
        {
            context: args.context,
            oidcIssuerUrl: args.cluster.oidcIssuerUrl,
            subject: `system:serviceaccount:${namespace}:${serviceAccount}`,
        },
        opts,
    );
    const zoneAccess = new authorization.RoleAssignment(
        `${name}-cert-manager-dns-zone`,
        {
            scope: args.zone.zoneResourceId,
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${EXTERNAL_DNS_ROLES.dnsZoneContributor}`,
            description: "cert-manager writes DNS-01 challenge records in the stack's DNS zone only",
        },
        opts,
    );
    const label = { "azure.workload.identity/use": "true" };
    return {
        solver: {
            cloud: "azure",
            zoneName: args.zone.zoneName,
            subscriptionId,
            resourceGroupName: args.zone.resourceGroupName,
            managedIdentityClientId: identity.clientId,
        },
        values: { podLabels: label, serviceAccount: { labels: label } },
        ready: [federation, zoneAccess],
    };
}
