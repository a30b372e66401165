import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as compute from "@pulumi/azure-native/compute";
import * as keyvault from "@pulumi/azure-native/keyvault";
import type * as managedidentity from "@pulumi/azure-native/managedidentity";
import { roleDefinitionId } from "../shared/azure";
import { KEY_ROTATION_POLICY, grantSettled } from "../shared/azure-keys";
import { PlatformContext, azurePlacement, statefulOptions } from "../shared/context";

/**
 * The nodes' OS disks under a customer-managed key: a Disk Encryption Set on an RSA key in the stack's Key Vault,
 * named by the managed cluster's `diskEncryptionSetID` (MicrosoftDocs/azure-aks-docs@articles/aks/
 * azure-disk-customer-managed-keys.md, "Bring your own keys (BYOK) with Azure managed disks in AKS").
 *
 * What that article and the managed-disks article require:
 * - "Encryption of an OS disk with customer-managed keys can only be enabled when creating an AKS cluster": an
 *   existing cluster refuses the new `diskEncryptionSetID`; it takes effect on clusters created from now on (the
 *   same rule as PostgreSQL's data encryption, components/database/azure.ts).
 * - The vault has soft delete and purge protection (the stack's vault has both), is in the cluster's region, and
 *   the set's identity may get, wrap and unwrap with the key: here its system-assigned identity holds Key Vault
 *   Crypto Service Encryption User on this key only (RBAC vault; the article's access policy has the same three
 *   permissions). The set is created with a system-assigned identity, as the article does: user-assigned
 *   identities on a set are documented for Ultra and Premium SSD v2 disks only (MicrosoftDocs/azure-compute-docs@
 *   articles/virtual-machines/includes/virtual-machines-managed-disks-customer-managed-keys-restrictions.md).
 * - "the AKS cluster identity has read access to the DiskEncryptionSet": the control-plane identity holds Reader
 *   on the set.
 * - The vault refuses public traffic; "Azure Disk Storage, when configured with a Disk Encryption Set" is one of
 *   Key Vault's trusted services (MicrosoftDocs/azure-docs@articles/key-vault/general/
 *   overview-vnet-service-endpoints.md), which the stack's vault lets through (shared/azure-keys.ts).
 * - Rotation: the vault rotates the key every 90 days; the set follows the newest version within an hour
 *   (`rotationToLatestKeyVersionEnabled`, "Automatic rotation of customer-managed keys", azure-compute-docs@
 *   articles/virtual-machines/disk-encryption.md). The set takes a versioned key URL ("Version segment of the Url
 *   is required regardless of rotationToLatestKeyVersionEnabled value", @pulumi/azure-native 3.28.0
 *   KeyForDiskEncryptionSetArgs.keyUrl).
 *
 * With encryption at host (on for every pool), the OS disk's host cache is encrypted with the disk's key as well:
 * "if a disk is encrypted with customer-managed keys, then the cache for the disk is encrypted with
 * customer-managed keys" (disk-encryption.md, "Encryption at host"); temp disks stay on platform keys.
 */

/** What the managed cluster needs for customer-key OS disks: the set's id, and what to wait for. */
export interface NodeDiskEncryption {
    /** The managed cluster's `diskEncryptionSetID`. */
    readonly diskEncryptionSetId: pulumi.Output<string>;
    /** The set's grant on the key (and its propagation) and the cluster identity's read access to the set. */
    readonly ready: pulumi.Resource[];
    readonly set: compute.DiskEncryptionSet;
    readonly key: keyvault.Key;
}

/** The nodes' OS-disk key in the stack's vault, its Disk Encryption Set, and both grants. */
export function nodeDiskEncryption(
    name: string,
    context: PlatformContext,
    clusterIdentity: managedidentity.UserAssignedIdentity,
    opts: pulumi.CustomResourceOptions,
): NodeDiskEncryption {
    const { resourceGroupName, location, keyVaults } = azurePlacement(context);
    const vault = keyVaults.primary;
    // Deleting the key (or the set) stops every node whose disk it encrypts: protected like the data stores' keys.
    const stateful = { ...opts, ...statefulOptions(context) };
    const key = new keyvault.Key(
        `${name}-node-disks-key`,
        {
            resourceGroupName,
            vaultName: vault.name,
            keyName: "node-disks",
            properties: {
                kty: "RSA",
                keySize: 4096,
                keyOps: ["wrapKey", "unwrapKey"],
                attributes: { enabled: true },
                rotationPolicy: KEY_ROTATION_POLICY,
            },
            tags: context.tags,
        },
        stateful,
    );
    const set = new compute.DiskEncryptionSet(
        `${name}-node-disks`,
        {
            resourceGroupName,
            location,
            identity: { type: "SystemAssigned" },
            encryptionType: "EncryptionAtRestWithCustomerKey",
            activeKey: { keyUrl: key.keyUriWithVersion, sourceVault: { id: vault.id } },
            rotationToLatestKeyVersionEnabled: true,
            tags: context.tags,
        },
        stateful,
    );
    const keyAccess = new authorization.RoleAssignment(
        `${name}-node-disks-key-access`,
        {
            scope: pulumi.interpolate`${vault.id}/keys/${key.name}`,
            principalId: set.identity.apply((i) => i?.principalId ?? ""),
            principalType: "ServicePrincipal",
            roleDefinitionId: roleDefinitionId(context, "keyVaultCryptoServiceEncryptionUser"),
            description: `${name}'s disk encryption set wraps and unwraps the nodes' disk keys`,
        },
        opts,
    );
    const clusterReads = new authorization.RoleAssignment(
        `${name}-node-disks-reader`,
        {
            scope: set.id,
            principalId: clusterIdentity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: roleDefinitionId(context, "reader"),
            description: `${name}'s control plane reads the disk encryption set of its nodes`,
        },
        opts,
    );
    return {
        diskEncryptionSetId: set.id,
        ready: [keyAccess, clusterReads, grantSettled(`${name}-node-disks-key-wait`, keyAccess, opts)],
        set,
        key,
    };
}
