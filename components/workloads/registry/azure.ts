import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import type { input as inputs } from "@pulumi/azure-native/types";
import { compactGlobalName, roleDefinitionId } from "../../shared/azure";
import { DataStoreKey, createKeyVault, dataStoreKey, keyVaultRef } from "../../shared/azure-keys";
import { PlatformContext, azurePlacement, statefulOptions } from "../../shared/context";
import { RegistryArgs, RegistryOutputs } from ".";

/**
 * Azure Container Registry: admin user and anonymous pull disabled (every pull and push is an Entra
 * identity); in prod Premium with zone redundancy and a customer-managed key, elsewhere Standard on
 * Microsoft's key (the stated exception: a customer key needs Premium, "This feature is available in the
 * Premium service tier", MicrosoftDocs/azure-docs@articles/container-registry/tutorial-customer-managed-keys.md;
 * the `azure-acr-cmk` exemptions in policies/config/{dev,staging}.json); the cluster's kubelet identity holds
 * AcrPull and the deployer AcrPush. One registry per stack, one repository per service.
 */
export function createAzureRegistry(name: string, args: RegistryArgs, parent: pulumi.Resource): RegistryOutputs {
    const { context } = args;
    const { resourceGroupName, location, deployerObjectId, deployerPrincipalType } = azurePlacement(context);
    const opts = { parent };
    const premium = context.environment === "prod";
    const cmk = premium ? registryKey(name, context, parent) : undefined;
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
            ...(cmk ? customerKey(cmk) : {}),
            tags: context.tags,
        },
        // The key is set at creation and cannot be added or removed later (tutorial-customer-managed-keys.md).
        { ...opts, dependsOn: cmk?.ready ?? [] },
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
 * The registry's key, in a vault of the registry's own that accepts public network traffic (data access still
 * needs an Entra identity with a role on the key): a customer key can only be set when the registry is created,
 * with a user-assigned identity, and "an Azure container registry can only bypass the firewall when using its
 * system-managed identity", which exists only after creation; the documented path for a firewalled vault is a
 * second, manual key rotation (MicrosoftDocs/azure-docs@articles/container-registry/
 * tutorial-enable-customer-managed-keys.md, "Advanced scenario: Key Vault firewall"). The stack's private
 * vault therefore cannot hold this key. RBAC, purge protection and audit logs as for every vault.
 */
function registryKey(name: string, context: PlatformContext, parent: pulumi.Resource): DataStoreKey {
    const { location } = azurePlacement(context);
    const stateful = { parent, ...statefulOptions(context) };
    const vault = createKeyVault(
        `${name}-acr-vault`,
        { context, location, vaultName: compactGlobalName(context, "acrkv", 24), publicNetwork: true },
        stateful,
    );
    return dataStoreKey(
        `${name}-acr`,
        { context, vault: keyVaultRef(vault, location), keyName: `${context.namePrefix}-acr` },
        stateful,
    );
}

/**
 * Encryption with the registry's key through its user-assigned identity (Key Vault Crypto Service Encryption
 * User on the key: get, wrapKey, unwrapKey, what the ACR docs grant). The versionless key id lets the registry
 * follow the vault's rotation: "Azure Container Registry regularly checks the key vault for a new key version
 * and updates the customer-managed key within one hour" (tutorial-customer-managed-keys.md).
 */
function customerKey(cmk: DataStoreKey): Pick<containerregistry.RegistryArgs, "identity" | "encryption"> {
    const encryption: inputs.containerregistry.EncryptionPropertyArgs = {
        status: "enabled",
        keyVaultProperties: { keyIdentifier: cmk.keyUri, identity: cmk.identity.clientId },
    };
    // This API version keys user-assigned identities by resource id (a dictionary, not a list).
    const userAssignedIdentities = cmk.identity.id.apply((id) => ({ [id]: {} }));
    return { identity: { type: "UserAssigned", userAssignedIdentities }, encryption };
}
