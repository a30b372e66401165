import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { roleDefinitionId } from "../../shared/azure";
import { PlatformContext, azurePlacement } from "../../shared/context";
import { SecretAccess, WorkloadIdentityArgs, WorkloadIdentityOutputs } from ".";

/** A user-assigned managed identity and its federated credential for one Kubernetes ServiceAccount. */
export interface FederatedIdentity {
    readonly identity: managedidentity.UserAssignedIdentity;
    readonly federation: managedidentity.FederatedIdentityCredential;
}

/**
 * A user-assigned managed identity (`${name}-identity`) federated with a ServiceAccount through the cluster's
 * OIDC issuer (`${name}-federation`): Microsoft Entra Workload ID. Tokens the workload identity webhook
 * projects into the pod are exchanged for the identity's; no secret exists.
 */
export function createFederatedIdentity(
    name: string,
    args: {
        readonly context: PlatformContext;
        readonly oidcIssuerUrl: pulumi.Input<string>;
        /** `system:serviceaccount:<namespace>:<name>`. */
        readonly subject: pulumi.Input<string>;
    },
    opts: pulumi.CustomResourceOptions,
): FederatedIdentity {
    const { resourceGroupName, location } = azurePlacement(args.context);
    const identity = new managedidentity.UserAssignedIdentity(
        `${name}-identity`,
        { resourceGroupName, location, tags: args.context.tags },
        opts,
    );
    const federation = new managedidentity.FederatedIdentityCredential(
        `${name}-federation`,
        {
            resourceGroupName,
            resourceName: identity.name,
            issuer: args.oidcIssuerUrl,
            subject: args.subject,
            audiences: ["api://AzureADTokenExchange"],
        },
        opts,
    );
    return { identity, federation };
}

/**
 * A user-assigned managed identity federated with the service's ServiceAccount through the cluster's OIDC
 * issuer (Microsoft Entra Workload ID), holding Storage Blob Data Contributor on the platform's container
 * only (when it binds storage) and Key Vault Secrets User on its own secrets vault (when it has secrets). No secrets: the workload identity webhook projects a token the SDKs exchange.
 */
export function createAzureIdentity(
    name: string,
    args: WorkloadIdentityArgs,
    parent: pulumi.Resource,
): WorkloadIdentityOutputs {
    const { context } = args;
    const opts = { parent };
    const { identity, federation } = createFederatedIdentity(
        name,
        {
            context,
            oidcIssuerUrl: args.cluster.oidcIssuerUrl,
            subject: pulumi.interpolate`system:serviceaccount:${args.namespace}:${args.serviceAccountName}`,
        },
        opts,
    );
    const grants = [
        ...(args.storage ? [storageAccess(name, args, identity, opts)] : []),
        ...(args.secrets ? secretsAccess(name, args, identity, args.secrets, opts) : []),
    ];
    return {
        serviceAccountAnnotations: identity.clientId.apply(
            (clientId): Record<string, string> => ({
                "azure.workload.identity/client-id": clientId,
            }),
        ),
        podLabels: pulumi.output<Record<string, string>>({ "azure.workload.identity/use": "true" }),
        principalId: identity.clientId,
        objectId: identity.principalId,
        // A token exchange before the federated credential has propagated fails ("add a slight delay after
        // adding the federated identity credential":
        // https://learn.microsoft.com/en-us/azure/aks/workload-identity-deploy-cluster#create-the-federated-identity-credential).
        ready: [federation, ...grants],
    };
}

/** Storage Blob Data Contributor on the platform's container only. */
function storageAccess(
    name: string,
    args: WorkloadIdentityArgs,
    identity: managedidentity.UserAssignedIdentity,
    opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
    const storage = args.storage!;
    return new authorization.RoleAssignment(
        `${name}-storage`,
        {
            scope: pulumi.interpolate`${storage.resourceId}/blobServices/default/containers/${storage.bucketName}`,
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: roleDefinitionId(args.context, "storageBlobDataContributor"),
            description: `${args.serviceAccountName} reads and writes the platform's container only`,
        },
        opts,
    );
}

/**
 * Key Vault Secrets User ("read secret contents", built-in role 4633458b-17de-408a-b874-0445c86b69e6,
 * https://learn.microsoft.com/azure/key-vault/general/rbac-guide#azure-built-in-roles-for-key-vault-data-plane-operations)
 * on each scope: the service's own vault, which holds its secrets and nothing else.
 */
function secretsAccess(
    name: string,
    args: WorkloadIdentityArgs,
    identity: managedidentity.UserAssignedIdentity,
    access: SecretAccess,
    opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment[] {
    const { subscriptionId } = azurePlacement(args.context);
    return access.scopes.map(
        (scope, i) =>
            new authorization.RoleAssignment(
                `${name}-secrets${i === 0 ? "" : `-${i}`}`,
                {
                    scope,
                    principalId: identity.principalId,
                    principalType: "ServicePrincipal",
                    roleDefinitionId: pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_USER}`,
                    description: `${args.serviceAccountName} reads its own secrets only`,
                },
                opts,
            ),
    );
}

/** Key Vault Secrets User (not in shared/azure.ts BUILT_IN_ROLES, which K1 owns). */
export const KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
