import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as monitor from "@pulumi/azure-native/monitor";
import type { input as inputs } from "@pulumi/azure-native/types";
import { BUILT_IN_ROLES } from "./azure";
import { PlatformContext, azurePlacement } from "./context";

/**
 * Customer-managed keys on Azure: the stack's Key Vault (one in the stack's location, and one in the paired
 * region when PostgreSQL keeps geo-redundant backups), and a key per data store with its own user-assigned
 * identity holding the least role on that key only.
 *
 * How the deployer creates keys in a vault whose public network access is off: keys are created through
 * Azure Resource Manager (`Microsoft.KeyVault/vaults/keys`, which is what azure-native's `keyvault.Key`
 * calls), not through the vault's data plane. Management-plane operations are authorized by ARM RBAC
 * (`Microsoft.KeyVault/vaults/keys/write`, part of Contributor) and are not subject to the vault's network
 * rules or data-plane roles (https://gist.github.com/maskati/0fe868f62dba0c13f7983ab98c0656d2, "Key Vault
 * secrets can be set through ... the management plane", which holds for keys alike;
 * https://learn.microsoft.com/azure/templates/microsoft.keyvault/vaults/keys). So the vault needs no IP rule
 * for the CI runner, and the deployer needs no Key Vault Crypto Officer grant, hence no data-plane RBAC
 * propagation wait before creating keys. The data stores reach the vault as trusted Microsoft services:
 * with `publicNetworkAccess: Disabled`, "all traffic except private endpoint traffic and that that originates
 * from trusted services will be blocked" (Key Vault REST API, VaultProperties.publicNetworkAccess), so the
 * `AzureServices` bypass stays on (PostgreSQL: "Lock down Key Vault by selecting Disable public access and
 * Allow trusted Microsoft services to bypass this firewall", MicrosoftDocs/azure-databases-docs@
 * articles/postgresql/security/security-data-encryption.md, Recommendations).
 */

/** Where a stack's Key Vault is and how keys in it are addressed. */
export interface KeyVaultRef {
    /** ARM resource id of the vault. */
    readonly id: pulumi.Input<string>;
    /** The vault's name (3–24 characters, globally unique). */
    readonly name: pulumi.Input<string>;
    /** The vault's data-plane URI, `https://<name>.vault.azure.net/`. */
    readonly uri: pulumi.Input<string>;
    /** The Azure location the vault (and the identities that use it) live in. */
    readonly location: string;
}

/** Soft-deleted vaults and keys are kept for the longest window Azure allows (PostgreSQL recommends 90 days). */
export const SOFT_DELETE_RETENTION_DAYS = 90;

/**
 * Key rotation: a new version every 90 days, each version valid for two years (so the previous version is
 * still valid while a service re-wraps with the new one), and a notification 30 days before expiry. The
 * data stores use versionless key URIs and pick up new versions themselves (PostgreSQL "Automatic key
 * version updates", security-data-encryption.md; Storage "automatically update the key version",
 * https://learn.microsoft.com/azure/storage/common/customer-managed-keys-overview#update-the-key-version).
 */
export const KEY_ROTATION_POLICY: inputs.keyvault.RotationPolicyArgs = {
    attributes: { expiryTime: "P2Y" },
    lifetimeActions: [
        { trigger: { timeAfterCreate: "P90D" }, action: { type: "rotate" } },
        { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "notify" } },
    ],
};

/**
 * How long a new Key Vault role assignment may take to apply: "it will take up to 10 minutes (600 seconds)
 * after role assignments is changed for role to be applied" (MicrosoftDocs/azure-docs@
 * articles/key-vault/general/rbac-guide.md, "Known limits and performance").
 */
export const KEY_VAULT_RBAC_PROPAGATION_SECONDS = 600;

/**
 * A Key Vault for the stack: Azure RBAC authorization (no access policies), soft delete for 90 days and
 * purge protection, public network access disabled with only trusted Azure services bypassing the
 * firewall (its private endpoint is created by the network, see network/azure.ts), not usable for VM
 * deployment or template secrets, and its audit logs sent to the stack's Log Analytics workspace.
 */
export function createKeyVault(
    name: string,
    args: {
        context: PlatformContext;
        location: string;
        vaultName: pulumi.Input<string>;
        /**
         * Accept data-plane traffic from every network (still only for Entra identities holding a role). Only for
         * a service that cannot reach a firewalled vault with the identity it must use (ACR, see
         * workloads/registry/azure.ts).
         * @default false: public network access disabled, trusted Azure services only
         */
        publicNetwork?: boolean;
    },
    opts: pulumi.CustomResourceOptions,
): keyvault.Vault {
    const { resourceGroupName, tenantId, logAnalyticsWorkspaceId } = azurePlacement(args.context);
    const vault = new keyvault.Vault(
        name,
        {
            resourceGroupName,
            location: args.location,
            vaultName: args.vaultName,
            properties: {
                tenantId,
                sku: { family: "A", name: "standard" },
                enableRbacAuthorization: true,
                enableSoftDelete: true,
                softDeleteRetentionInDays: SOFT_DELETE_RETENTION_DAYS,
                enablePurgeProtection: true,
                enabledForDeployment: false,
                enabledForDiskEncryption: false,
                enabledForTemplateDeployment: false,
                publicNetworkAccess: args.publicNetwork ? "Enabled" : "Disabled",
                networkAcls: {
                    defaultAction: args.publicNetwork ? "Allow" : "Deny",
                    bypass: "AzureServices",
                    ipRules: [],
                    virtualNetworkRules: [],
                },
            },
            tags: args.context.tags,
        },
        opts,
    );
    new monitor.DiagnosticSetting(
        `${name}-diagnostics`,
        {
            name: `${args.context.namePrefix}-to-log-analytics`,
            resourceUri: vault.id,
            workspaceId: logAnalyticsWorkspaceId,
            logs: [{ categoryGroup: "audit", enabled: true }],
            metrics: [{ category: "AllMetrics", enabled: true }],
        },
        { ...opts, protect: false, retainOnDelete: false },
    );
    return vault;
}

/** The stack's vault (and the paired-region vault, when there is one) as the platform context carries them. */
export function keyVaultRef(vault: keyvault.Vault, location: string): KeyVaultRef {
    return {
        id: vault.id,
        name: vault.name,
        uri: vault.properties.apply((p) => p.vaultUri ?? ""),
        location,
    };
}

/** What a data store needs to encrypt with its own key. */
export interface DataStoreKey {
    readonly key: keyvault.Key;
    /** The key's versionless URI, `https://<vault>.vault.azure.net/keys/<name>`: new versions are picked up. */
    readonly keyUri: pulumi.Output<string>;
    /** The current version's URI, for services that accept only a versioned key (Azure Managed Redis). */
    readonly versionedKeyUri: pulumi.Output<string>;
    /** The key's name in the vault. */
    readonly keyName: pulumi.Output<string>;
    /** The vault's data-plane URI. */
    readonly vaultUri: pulumi.Input<string>;
    /** The user-assigned identity the data store reaches the key with. */
    readonly identity: managedidentity.UserAssignedIdentity;
    /** Resolves once the identity's role on the key has had time to apply; the data store waits for it. */
    readonly ready: pulumi.Resource[];
}

/**
 * A key for one data store: RSA 4096 (the size PostgreSQL recommends), usable only to wrap and unwrap
 * data-encryption keys, rotated by the vault's policy; and a user-assigned identity for that data store
 * holding Key Vault Crypto Service Encryption User (read the key, wrap, unwrap: the role every service that
 * encrypts at rest with a customer key documents) on this key only, not the vault. The data store waits
 * until the grant can have applied, since ARM accepting the assignment does not mean Key Vault honours it.
 */
export function dataStoreKey(
    name: string,
    args: { context: PlatformContext; vault: KeyVaultRef; keyName: string },
    opts: pulumi.CustomResourceOptions,
): DataStoreKey {
    const { resourceGroupName, subscriptionId } = azurePlacement(args.context);
    const key = new keyvault.Key(
        `${name}-key`,
        {
            resourceGroupName,
            vaultName: args.vault.name,
            keyName: args.keyName,
            properties: {
                kty: "RSA",
                keySize: 4096,
                keyOps: ["wrapKey", "unwrapKey"],
                attributes: { enabled: true },
                rotationPolicy: KEY_ROTATION_POLICY,
            },
            tags: args.context.tags,
        },
        opts,
    );
    const identity = new managedidentity.UserAssignedIdentity(
        `${name}-key-identity`,
        { resourceGroupName, location: args.vault.location, tags: args.context.tags },
        opts,
    );
    const grant = new authorization.RoleAssignment(
        `${name}-key-access`,
        {
            scope: pulumi.interpolate`${args.vault.id}/keys/${key.name}`,
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.keyVaultCryptoServiceEncryptionUser}`,
            description: `${name} wraps and unwraps its data-encryption key with ${args.keyName}`,
        },
        opts,
    );
    const settled = grantSettled(`${name}-key-access-wait`, grant, opts);
    return {
        key,
        keyUri: key.keyUri,
        versionedKeyUri: key.keyUriWithVersion,
        keyName: key.name,
        vaultUri: args.vault.uri,
        identity,
        ready: [grant, settled],
    };
}

/**
 * A resource that exists once a new Key Vault role assignment can have applied (the documented bound, in a
 * real `pulumi up` only); what uses the key depends on it. Never protected: it holds nothing.
 */
export function grantSettled(
    name: string,
    grant: authorization.RoleAssignment,
    opts: pulumi.CustomResourceOptions,
): pulumi.Resource {
    return new GrantPropagation(
        name,
        { grantId: grant.id, seconds: KEY_VAULT_RBAC_PROPAGATION_SECONDS },
        { ...opts, protect: false, retainOnDelete: false },
    );
}

/** The inputs of {@link GrantPropagation}. */
interface GrantPropagationInputs {
    readonly grantId: string;
    readonly seconds: number;
}

/**
 * Waits, in a real `pulumi up` only (dynamic providers never run in a preview or under the offline check's
 * mocks), for a new role assignment to apply. The vault is private, so its data plane cannot be probed from
 * the deployer's machine the way the AKS grant is (cluster/azure-access.ts); the documented bound is waited
 * instead, once per grant.
 */
export const grantPropagationProvider: dynamic.ResourceProvider = {
    async create(inputs: GrantPropagationInputs) {
        await new Promise((resolve) => setTimeout(resolve, inputs.seconds * 1000));
        return { id: inputs.grantId.split("/").pop() ?? inputs.grantId, outs: inputs };
    },
    async diff(_id: string, olds: GrantPropagationInputs, news: GrantPropagationInputs) {
        const replaces = olds.grantId !== news.grantId ? ["grantId"] : [];
        return { changes: replaces.length > 0, replaces };
    },
};

class GrantPropagation extends dynamic.Resource {
    constructor(
        name: string,
        args: { grantId: pulumi.Input<string>; seconds: number },
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(grantPropagationProvider, name, args, opts);
    }
}
