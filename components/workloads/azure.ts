import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { compactGlobalName, roleDefinitionId } from "../shared/azure";
import { azurePlacement } from "../shared/context";
import {
    AlertRouteArgs,
    AlertRouteOutputs,
    EgressDestination,
    RegistryArgs,
    RegistryOutputs,
    WorkloadIdentityArgs,
    WorkloadIdentityOutputs,
    WorkloadsCloudImplementation,
} from ".";

/**
 * Azure Container Registry: admin user and anonymous pull disabled (every pull and push is an Entra
 * identity), Premium with zone redundancy when highly available; the cluster's kubelet identity holds
 * AcrPull and the deployer AcrPush. One registry per stack, one repository per service.
 */
export function createAzureRegistry(name: string, args: RegistryArgs, parent: pulumi.Resource): RegistryOutputs {
    const { context } = args;
    const { resourceGroupName, location, deployerObjectId, deployerPrincipalType } = azurePlacement(context);
    const opts = { parent };
    const premium = context.environment === "prod";
    const registry = new containerregistry.Registry(
        `${name}-acr`,
        {
            resourceGroupName,
            location,
            registryName: compactGlobalName(context, "acr", 50),
            sku: { name: premium ? "Premium" : "Standard" },
            adminUserEnabled: false,
            anonymousPullEnabled: false,
            zoneRedundancy: premium ? "Enabled" : "Disabled",
            tags: context.tags,
        },
        opts,
    );
    new authorization.RoleAssignment(
        `${name}-acr-pull`,
        {
            scope: registry.id,
            principalId: args.nodeIdentityId,
            principalType: "ServicePrincipal",
            roleDefinitionId: roleDefinitionId(context, "acrPull"),
            description: "The cluster's kubelet identity pulls the stack's images",
        },
        opts,
    );
    new authorization.RoleAssignment(
        `${name}-acr-push`,
        {
            scope: registry.id,
            principalId: deployerObjectId,
            // azure-native would send "User" (the CI deployer is a service principal): ARM rejects a mismatch.
            principalType: deployerPrincipalType,
            roleDefinitionId: roleDefinitionId(context, "acrPush"),
            description: "The deployer pushes the images it builds",
        },
        opts,
    );
    return {
        server: registry.loginServer,
        repositoryUrls: registry.loginServer.apply((server) =>
            Object.fromEntries(args.repositories.map((repository) => [repository, `${server}/${repository}`])),
        ),
    };
}

/**
 * A user-assigned managed identity federated with the service's ServiceAccount through the cluster's OIDC
 * issuer (Microsoft Entra Workload ID), holding Storage Blob Data Contributor on the platform's container
 * only. No secrets: the workload identity webhook projects a token the SDKs exchange.
 */
export function createAzureIdentity(
    name: string,
    args: WorkloadIdentityArgs,
    parent: pulumi.Resource,
): WorkloadIdentityOutputs {
    const { context } = args;
    const { resourceGroupName, location } = azurePlacement(context);
    const opts = { parent };
    const identity = new managedidentity.UserAssignedIdentity(
        `${name}-identity`,
        { resourceGroupName, location, tags: context.tags },
        opts,
    );
    const federation = new managedidentity.FederatedIdentityCredential(
        `${name}-federation`,
        {
            resourceGroupName,
            resourceName: identity.name,
            issuer: args.cluster.oidcIssuerUrl,
            subject: pulumi.interpolate`system:serviceaccount:${args.namespace}:${args.serviceAccountName}`,
            audiences: ["api://AzureADTokenExchange"],
        },
        opts,
    );
    const storageAccess = new authorization.RoleAssignment(
        `${name}-storage`,
        {
            scope: pulumi.interpolate`${args.storage.resourceId}/blobServices/default/containers/${args.storage.bucketName}`,
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: roleDefinitionId(context, "storageBlobDataContributor"),
            description: `${args.serviceAccountName} reads and writes the platform's container only`,
        },
        opts,
    );
    return {
        serviceAccountAnnotations: identity.clientId.apply(
            (clientId): Record<string, string> => ({
                "azure.workload.identity/client-id": clientId,
            }),
        ),
        podLabels: pulumi.output<Record<string, string>>({ "azure.workload.identity/use": "true" }),
        principalId: identity.clientId,
        // A token exchange before the federated credential has propagated fails ("add a slight delay after
        // adding the federated identity credential":
        // https://learn.microsoft.com/en-us/azure/aks/workload-identity-deploy-cluster#create-the-federated-identity-credential).
        ready: [federation, storageAccess],
    };
}

/**
 * Azure Monitor action groups cannot receive from Alertmanager, so Alertmanager e-mails the alert address
 * itself through an SMTP relay in the cluster's reach (`smtp.<domain>` of the alert address, port 587,
 * STARTTLS). Replace the smarthost with the organisation's relay when it differs.
 */
export function createAzureAlertRoute(
    _name: string,
    args: AlertRouteArgs,
    _parent: pulumi.Resource,
): AlertRouteOutputs {
    const domain = args.alertEmail.split("@")[1] ?? "example.com";
    return {
        receiver: pulumi.output(args.alertEmail).apply(
            (to): Record<string, unknown> => ({
                name: "platform",
                email_configs: [
                    {
                        to,
                        from: `alertmanager@${domain}`,
                        smarthost: `smtp.${domain}:587`,
                        require_tls: true,
                        send_resolved: true,
                    },
                ],
            }),
        ),
        serviceAccountAnnotations: pulumi.output<Record<string, string>>({}),
    };
}

export const azureWorkloads: WorkloadsCloudImplementation = {
    createRegistry: createAzureRegistry,
    createIdentity: createAzureIdentity,
    createAlertRoute: createAzureAlertRoute,
    loadBalancerAnnotations: () => ({
        // Azure's load balancer probes the controller's health endpoint rather than a TCP port.
        "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path": "/healthz",
    }),
    cloudApiEgress: (): EgressDestination[] => [
        {
            cidr: "0.0.0.0/0",
            ports: [443],
            reason: "Blob storage (private endpoint in the VNet) and Microsoft Entra token exchange over HTTPS",
        },
    ],
};
