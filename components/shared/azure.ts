import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { createHash } from "crypto";
import { RandomString } from "@pulumi/random/randomString";
import { AZURE_CLUSTER_RANGES } from "./config";
import { PlatformContext, azurePlacement } from "./context";

/**
 * Helpers shared by the Azure implementations: the private DNS zones the network owns, private endpoints
 * registered in them, built-in role ids and names Azure wants in a particular shape.
 */

/**
 * Address ranges AKS (Azure CNI overlay) uses inside the cluster. They never appear on the VNet, but must
 * not overlap it: the config module owns them and rejects a `platform:network` cidrBlock that does.
 */
export const AKS_POD_CIDR = AZURE_CLUSTER_RANGES.podCidr;
export const AKS_SERVICE_CIDR = AZURE_CLUSTER_RANGES.serviceCidr;
/** The cluster DNS service's address, inside the service range. */
export const AKS_DNS_SERVICE_IP = "10.245.0.10";

/** Built-in Azure role definition ids (the same in every tenant). */
export const BUILT_IN_ROLES = {
    networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
    aksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
    /** Azure Kubernetes Service Cluster User Role: listClusterUserCredential, i.e. `az aks get-credentials`. */
    aksClusterUser: "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
    acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    acrPush: "8311e382-0749-4cb8-b61a-304f252e45ec",
    storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
    /**
     * Key Vault Crypto Service Encryption User: read a key's metadata, wrap and unwrap with it. The role
     * PostgreSQL, Storage and Managed Redis document for their customer-managed-key identity
     * (https://learn.microsoft.com/azure/key-vault/general/rbac-guide#azure-built-in-roles-for-key-vault-data-plane-operations).
     */
    keyVaultCryptoServiceEncryptionUser: "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    /**
     * Key Vault Crypto User: cryptographic operations (encrypt, decrypt) with a key. What the AKS KMS plugin's
     * identity needs on its key (MicrosoftDocs/azure-aks-docs@articles/aks/use-kms-etcd-encryption.md,
     * "Assign permissions for an RBAC private key vault").
     */
    keyVaultCryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
    /**
     * Key Vault Contributor: manage a vault (not its data). AKS needs it on a private vault to create the private
     * link between the vault and the cluster (same article, "Assign permissions to create a private link").
     */
    keyVaultContributor: "f25e0fa2-a7c8-4377-a976-54943a77a395",
    /**
     * Reader: view a resource. The AKS cluster identity needs it on the nodes' Disk Encryption Set ("the AKS
     * cluster identity has read access to the DiskEncryptionSet", MicrosoftDocs/azure-aks-docs@articles/aks/
     * azure-disk-customer-managed-keys.md; id from https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
     */
    reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
} as const;

/** The full role definition id of a built-in role in the stack's subscription. */
export function roleDefinitionId(context: PlatformContext, role: keyof typeof BUILT_IN_ROLES): pulumi.Output<string> {
    const { subscriptionId } = azurePlacement(context);
    return pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES[role]}`;
}

/**
 * The private DNS zones of the stack. The network creates and links them to the VNet; the data stores
 * register their private endpoints (or, for PostgreSQL, their VNet-integrated server) in them.
 */
export function privateDnsZoneNames(context: PlatformContext) {
    return {
        // Flexible server with VNet integration needs a zone ending in .postgres.database.azure.com.
        postgres: `${context.namePrefix}.private.postgres.database.azure.com`,
        redis: "privatelink.redis.azure.net",
        blob: "privatelink.blob.core.windows.net",
        // Key Vault's private link zone (https://learn.microsoft.com/azure/private-link/private-endpoint-dns#security).
        vault: "privatelink.vaultcore.azure.net",
    } as const;
}
export type PrivateDnsZoneRole = keyof ReturnType<typeof privateDnsZoneNames>;

/** Resource id of one of the stack's private DNS zones (created by the network in the stack's resource group). */
export function privateDnsZoneId(context: PlatformContext, role: PrivateDnsZoneRole): pulumi.Output<string> {
    const { subscriptionId, resourceGroupName } = azurePlacement(context);
    return pulumi.interpolate`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.Network/privateDnsZones/${privateDnsZoneNames(context)[role]}`;
}

/**
 * A private endpoint for `targetId` in the endpoint subnet, registered in the matching private DNS zone so
 * the service's usual host name resolves to the private address inside the VNet.
 */
export function privateEndpoint(
    name: string,
    args: {
        context: PlatformContext;
        subnetId: pulumi.Input<string>;
        targetId: pulumi.Input<string>;
        groupId: string;
        zone: PrivateDnsZoneRole;
    },
    opts: pulumi.CustomResourceOptions,
): network.PrivateEndpoint {
    const { resourceGroupName, location } = azurePlacement(args.context);
    const endpoint = new network.PrivateEndpoint(
        `${name}-pe`,
        {
            resourceGroupName,
            location,
            subnet: { id: args.subnetId },
            privateLinkServiceConnections: [
                { name: `${name}-${args.groupId}`, privateLinkServiceId: args.targetId, groupIds: [args.groupId] },
            ],
            tags: args.context.tags,
        },
        opts,
    );
    new network.PrivateDnsZoneGroup(
        `${name}-pe-dns`,
        {
            resourceGroupName,
            privateEndpointName: endpoint.name,
            privateDnsZoneGroupName: "default",
            privateDnsZoneConfigs: [{ name: args.zone, privateDnsZoneId: privateDnsZoneId(args.context, args.zone) }],
        },
        opts,
    );
    return endpoint;
}

/** A stable GUID derived from text, for resources whose name must be a GUID (workbooks). */
export function stableGuid(text: string): string {
    const h = createHash("sha256").update(text).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A globally unique, deterministic name of lowercase letters and digits (storage accounts: 3–24
 * characters): the stack's prefix, shortened, plus a digest of the prefix and subscription.
 */
export function compactGlobalName(context: PlatformContext, role: string, maxLength: number): pulumi.Output<string> {
    const { subscriptionId } = azurePlacement(context);
    return pulumi.output(subscriptionId).apply((subscription) => {
        const digest = createHash("sha256")
            .update(`${subscription}/${context.namePrefix}/${role}`)
            .digest("hex")
            .slice(0, 8);
        const base = `${context.namePrefix}${role}`.toLowerCase().replace(/[^a-z0-9]/g, "");
        return `${base.slice(0, maxLength - digest.length)}${digest}`;
    });
}

/** Characters of the random suffix in {@link renewableVaultName}: 36^6 (about 2·10^9) names per prefix. */
export const VAULT_NAME_SUFFIX_LENGTH = 6;

/**
 * A Key Vault name (3-24 characters, letters, digits and hyphens, starting with a letter: resource-name-rules,
 * Microsoft.KeyVault/vaults) that is new each time the vault is created anew: the stack's prefix and `role`,
 * then a random suffix kept in state by a `RandomString` child (`${name}-name-suffix`, keeper `role`).
 *
 * Why not a name derived from the stack (compactGlobalName): a deleted vault stays soft-deleted, its name taken,
 * for the retention period (90 days here), and with purge protection nobody can purge it earlier
 * (https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview, "Purge protection": "the vault or
 * the object in the deleted state cannot be purged until the retention period has passed", and vault names are
 * globally unique). A service removed and added again would ask for the same name and fail until then; with the
 * suffix, its new vault gets a new name, and the old one expires on its own.
 */
export function renewableVaultName(
    name: string,
    context: PlatformContext,
    role: string,
    opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
    const suffix = new RandomString(
        `${name}-name-suffix`,
        {
            length: VAULT_NAME_SUFFIX_LENGTH,
            lower: true,
            upper: false,
            numeric: true,
            special: false,
            keepers: { role },
        },
        opts,
    );
    const base = `${context.namePrefix}${role}`.toLowerCase().replace(/[^a-z0-9]/g, "");
    const start = /^[a-z]/.test(base) ? base : `v${base}`;
    return pulumi.interpolate`${start.slice(0, 24 - VAULT_NAME_SUFFIX_LENGTH)}${suffix.result}`;
}
