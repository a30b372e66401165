import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import type * as managedidentity from "@pulumi/azure-native/managedidentity";
import type { input as inputs } from "@pulumi/azure-native/types";
import { compactGlobalName, roleDefinitionId } from "../shared/azure";
import { createKeyVault, grantSettled } from "../shared/azure-keys";
import { PlatformContext, azurePlacement, statefulOptions } from "../shared/context";

/**
 * KMS v2 for the cluster's Kubernetes secrets: the API server envelope-encrypts every Secret written to etcd
 * with a key in a private Key Vault of the cluster's own (AKS configures KMS v2 from Kubernetes 1.27,
 * MicrosoftDocs/azure-aks-docs@articles/aks/use-kms-etcd-encryption.md, "KMS v2 support").
 *
 * What AKS requires, from that article:
 * - a user-assigned control-plane identity ("KMS etcd encryption doesn't work with system-assigned managed
 *   identity"), holding Key Vault Crypto User on the key, and Key Vault Contributor on a private vault so that
 *   AKS can create the private endpoint between the vault and the cluster in the node resource group;
 * - API Server VNet Integration for a private vault ("If a cluster has KMS turned on and has a private key
 *   vault, it must use the API Server VNet Integration tunnel. Konnectivity isn't supported"; see
 *   network/azure.ts for the delegated subnet);
 * - a versioned key id, and no expiry: "If the key is expired, the KMS plugin will fail to decrypt the existing
 *   secrets", and "Deleting the key, the key vault, or the associated identity isn't supported".
 *
 * Why a vault of its own: Key Vault Contributor lets its holder manage the vault (network rules included). On
 * a vault that holds only this key, that power reaches nothing but the cluster's own key; the data stores'
 * keys stay in the stack's vault, which no service identity can manage.
 *
 * Rotation: the vault rotates the key every 90 days and versions never expire, so the version AKS uses stays
 * valid. AKS follows a new version when `keyId` changes: the next `pulumi up --refresh` reads the new version
 * and updates the cluster, the documented rotation ("After you change the key ID (including ... the key
 * version), you can use the az aks update command"). Secrets written before are re-encrypted when rewritten
 * (`kubectl get secrets -A -o json | kubectl replace -f -`, same article), an operator step after rotation.
 * AKS's newer KMS experience (versionless keys, rotation followed automatically; articles/aks/
 * kms-data-encryption.md) is a preview feature (`KMSPMKPreview`) and is not used.
 */

/** The KMS key's rotation: a new version every 90 days; no expiry on any version (see above). */
export const KMS_KEY_ROTATION_POLICY: inputs.keyvault.RotationPolicyArgs = {
    lifetimeActions: [{ trigger: { timeAfterCreate: "P90D" }, action: { type: "rotate" } }],
};

/** What the managed cluster needs for KMS: its security profile entry, and what it must wait for. */
export interface ClusterKms {
    /** `securityProfile.azureKeyVaultKms` of the managed cluster. */
    readonly profile: inputs.containerservice.AzureKeyVaultKmsArgs;
    /** The grants (and their propagation) the cluster must wait for: AKS cannot check them on a private vault. */
    readonly ready: pulumi.Resource[];
    /** The cluster's key vault. */
    readonly vault: keyvault.Vault;
    /** The key that wraps the cluster's data-encryption keys. */
    readonly key: keyvault.Key;
}

/** The cluster's private key vault and KMS key, with the control-plane identity's two grants. */
export function clusterKms(
    name: string,
    context: PlatformContext,
    identity: managedidentity.UserAssignedIdentity,
    opts: pulumi.CustomResourceOptions,
): ClusterKms {
    const { resourceGroupName, location } = azurePlacement(context);
    const stateful = { ...opts, ...statefulOptions(context) };
    const vault = createKeyVault(
        `${name}-kms-vault`,
        { context, location, vaultName: compactGlobalName(context, "kms", 24) },
        stateful,
    );
    const key = new keyvault.Key(
        `${name}-kms-key`,
        {
            resourceGroupName,
            vaultName: vault.name,
            keyName: "kubernetes-secrets",
            properties: {
                // The KMS plugin encrypts and decrypts data-encryption keys with RSA-OAEP (Azure/kubernetes-kms).
                kty: "RSA",
                keySize: 2048,
                keyOps: ["encrypt", "decrypt"],
                attributes: { enabled: true },
                rotationPolicy: KMS_KEY_ROTATION_POLICY,
            },
            tags: context.tags,
        },
        stateful,
    );
    const grant = (
        role: string,
        scope: pulumi.Input<string>,
        definition: "keyVaultCryptoUser" | "keyVaultContributor",
    ) =>
        new authorization.RoleAssignment(
            `${name}-kms-${role}`,
            {
                scope,
                principalId: identity.principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: roleDefinitionId(context, definition),
                description: `${name}'s API server ${role === "crypto" ? "encrypts Kubernetes secrets with" : "links privately to"} its KMS key`,
            },
            opts,
        );
    const crypto = grant("crypto", pulumi.interpolate`${vault.id}/keys/${key.name}`, "keyVaultCryptoUser");
    const link = grant("private-link", vault.id, "keyVaultContributor");
    return {
        profile: {
            enabled: true,
            keyId: key.keyUriWithVersion,
            keyVaultNetworkAccess: "Private",
            keyVaultResourceId: vault.id,
        },
        ready: [crypto, link, grantSettled(`${name}-kms-crypto-wait`, crypto, opts)],
        vault,
        key,
    };
}
