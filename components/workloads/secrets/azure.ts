import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { privateEndpoint, renewableVaultName } from "../../shared/azure";
import { createKeyVault } from "../../shared/azure-keys";
import { azurePlacement } from "../../shared/context";
import type { ResolvedSecret } from ".";
import type { SecretStore, SecretStoreArgs } from "./store";
import { objectLines } from "./store";

/** Key Vault secret names allow letters, digits and "-" only: `JWT_PRIVATE_KEY` is stored as `JWT-PRIVATE-KEY`. */
export const keyVaultSecretName = (secret: ResolvedSecret) => secret.name.replace(/_/g, "-");

/**
 * A Key Vault per service holding its secrets, one per name: Microsoft's guidance is "a vault per application
 * per environment" (https://learn.microsoft.com/azure/key-vault/general/best-practices#use-separate-key-vaults),
 * and with Azure RBAC on the vault the service's identity reads its own secrets and no other's, including
 * secrets set later out of band. The vault is the house's (shared/azure-keys.ts createKeyVault: RBAC, purge
 * protection, 90-day soft delete, no public network access, audit logs) with a private endpoint in the
 * endpoint subnet, registered in privatelink.vaultcore.azure.net, through which the AKS add-on's provider on
 * the nodes reads it. Key Vault encrypts secrets with its own HSM-protected keys; a customer-managed key
 * is not offered for secrets (only for Managed HSM).
 *
 * Values given in stack config are written through Azure Resource Manager (`Microsoft.KeyVault/vaults/secrets`),
 * which a private vault accepts (the management plane is not subject to its network rules, see
 * shared/azure-keys.ts); the value is a secret input and Resource Manager never returns it.
 */
export function createAzureSecretStore(name: string, args: SecretStoreArgs, parent: pulumi.Resource): SecretStore {
    const { context, service } = args;
    const { resourceGroupName, location, tenantId } = azurePlacement(context);
    const opts = { parent };
    const vault = createKeyVault(
        `${name}-vault`,
        // A new name whenever the vault is created anew (a soft-deleted vault keeps its name for 90 days); vaults
        // created before the suffix keep their name (ignoreChanges), rather than being replaced with their secrets.
        { context, location, vaultName: renewableVaultName(`${name}-vault`, context, `s-${service.name}`, opts) },
        { ...opts, ignoreChanges: ["vaultName"] },
    );
    privateEndpoint(
        `${name}-vault`,
        {
            context,
            subnetId: args.network.endpointSubnetIds.apply((ids) => ids[0]),
            targetId: vault.id,
            groupId: "vault",
            zone: "vault",
        },
        opts,
    );
    for (const secret of service.secrets) {
        const value = args.values[secret.name];
        if (!value) continue;
        new keyvault.Secret(
            `${name}-${secret.name}`,
            { resourceGroupName, vaultName: vault.name, secretName: keyVaultSecretName(secret), properties: { value } },
            opts,
        );
    }
    const objects = ["array:", ...service.secrets.map((s) => objectsEntry(s))].join("\n");
    return {
        access: { scopes: [vault.id] },
        provider: "azure",
        parameters: (principalId) =>
            pulumi.all([vault.name, tenantId, principalId]).apply(
                ([keyvaultName, tenant, clientID]): Record<string, string> => ({
                    // Workload identity: the provider exchanges the pod's ServiceAccount token for this client's
                    // (https://learn.microsoft.com/azure/aks/csi-secrets-store-identity-access#access-with-a-microsoft-entra-workload-id).
                    usePodIdentity: "false",
                    clientID,
                    keyvaultName,
                    tenantId: tenant,
                    objects,
                }),
            ),
        setCommands: vault.id.apply((id) =>
            Object.fromEntries(
                service.secrets.map((s) => [
                    s.name,
                    // The data plane (`az keyvault secret set`) is private; Resource Manager is not.
                    `az rest --method put --url "https://management.azure.com${id}/secrets/${keyVaultSecretName(s)}?api-version=2024-11-01" --body @value.json  # {"properties":{"value":"..."}}`,
                ]),
            ),
        ),
    };
}

/** One `array` entry of the Azure provider's `objects` parameter (a YAML block per object). */
function objectsEntry(secret: ResolvedSecret): string {
    const [first, ...rest] = objectLines(secret, keyVaultSecretName(secret), "secret").map((l) =>
        l.replace(/^- /, "").replace(/^ {2}/, ""),
    );
    return ["  - |", `    ${first}`, ...rest.map((l) => `    ${l}`)].join("\n");
}
