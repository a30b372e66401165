/**
 * Encryption and private access on Azure: TLS-only PostgreSQL, Azure Managed Redis and Storage, no public
 * endpoints on the data stores, and AKS authorised through Microsoft Entra ID and Azure RBAC only.
 */
import { isSet, resourcePolicy } from "../lib/policy";
import {
    AksAgentPool,
    AksCluster,
    ContainerRegistry,
    PostgresConfiguration,
    PostgresServer,
    RedisCluster,
    RedisDatabase,
    StorageAccount,
    TYPES,
} from "../lib/shapes";

const OFF_VALUES = ["off", "0", "false", "no"];
const WEAK_POSTGRES_TLS = ["tlsv1", "tlsv1.0", "tlsv1.1"];

export const postgresSecureTransport = resourcePolicy({
    name: "azure-postgres-secure-transport",
    description:
        "PostgreSQL flexible server parameters never turn off require_secure_transport or allow TLS below 1.2.",
    severity: "high",
    types: [TYPES.postgresConfiguration],
    validate: (parameter: PostgresConfiguration, { args, report }) => {
        const name = (parameter.configurationName ?? "").toLowerCase();
        const value = (parameter.value ?? "").toLowerCase();
        if (name === "require_secure_transport") {
            // Not setting a value keeps the server default, ON.
            if (OFF_VALUES.includes(value)) {
                report(
                    `require_secure_transport is "${parameter.value}", so clients may connect without TLS. Fix: set it ` +
                        `to "ON" or remove the override (on this platform: remove "requireSecureTransport": false from ` +
                        `the azure bag of platform:database).`,
                );
            }
        } else if (name === "ssl_min_protocol_version") {
            if (WEAK_POSTGRES_TLS.includes(value)) {
                report(`ssl_min_protocol_version is "${parameter.value}". Fix: set it to "TLSv1.2" or higher.`);
            }
        } else {
            args.notApplicable("not a transport-security parameter");
        }
    },
});

export const postgresNoPublicAccess = resourcePolicy({
    name: "azure-postgres-no-public-access",
    description: "PostgreSQL flexible servers have public network access disabled.",
    severity: "high",
    types: [TYPES.postgresServer],
    validate: (server: PostgresServer, { report }) => {
        const network = server.network ?? {};
        // A VNet-integrated server (delegated subnet) cannot have public access; otherwise Azure enables it.
        const access =
            network.publicNetworkAccess ?? (isSet(network, "delegatedSubnetResourceId") ? "Disabled" : "Enabled");
        if (access !== "Disabled") {
            report(
                `Public network access is ${access}${network.publicNetworkAccess === undefined ? " (default without VNet integration)" : ""}. ` +
                    'Fix: integrate the server with a delegated subnet or set network.publicNetworkAccess: "Disabled" ' +
                    "and reach it through a private endpoint.",
            );
        }
    },
});

export const redisEncryptedClientProtocol = resourcePolicy({
    name: "azure-redis-encrypted-client-protocol",
    description: "Azure Managed Redis databases accept only TLS-encrypted client connections.",
    severity: "high",
    types: [TYPES.redisDatabase],
    validate: (database: RedisDatabase, { report }) => {
        // The API's default is "Encrypted".
        if ((database.clientProtocol ?? "Encrypted") !== "Encrypted") {
            report(
                `clientProtocol is "${database.clientProtocol}", so clients talk to Redis in plaintext. ` +
                    'Fix: set clientProtocol: "Encrypted" (or leave it unset).',
            );
        }
    },
});

const STRONG_REDIS_TLS = ["1.2", "1.3"];

export const redisMinimumTls = resourcePolicy({
    name: "azure-redis-minimum-tls",
    description: "Azure Managed Redis clusters accept TLS 1.2 or newer only.",
    severity: "high",
    types: [TYPES.redisCluster],
    validate: (cluster: RedisCluster, { report }) => {
        // The API's default minimum is "1.2".
        const version = cluster.minimumTlsVersion ?? "1.2";
        if (!STRONG_REDIS_TLS.includes(version)) {
            report(`minimumTlsVersion is "${version}". Fix: set minimumTlsVersion: "1.2" (or leave it unset).`);
        }
    },
});

export const redisNoPublicAccess = resourcePolicy({
    name: "azure-redis-no-public-access",
    description: "Azure Managed Redis clusters have public network access disabled.",
    severity: "high",
    types: [TYPES.redisCluster],
    validate: (cluster: RedisCluster, { report }) => {
        if (cluster.publicNetworkAccess !== "Disabled") {
            report(
                `publicNetworkAccess is ${cluster.publicNetworkAccess ?? "not set (older API versions keep a public endpoint)"}. ` +
                    'Fix: set publicNetworkAccess: "Disabled" and connect through a private endpoint.',
            );
        }
    },
});

export const storageHttpsOnly = resourcePolicy({
    name: "azure-storage-https-only",
    description: "Storage accounts accept HTTPS traffic only.",
    severity: "high",
    types: [TYPES.storageAccount],
    validate: (account: StorageAccount, { report }) => {
        // HTTPS-only has been the default since API version 2019-04-01.
        if (account.enableHttpsTrafficOnly === false) {
            report(
                "enableHttpsTrafficOnly is false, so the account accepts plain HTTP. Fix: set it to true (or leave it unset).",
            );
        }
    },
});

const STRONG_STORAGE_TLS = ["TLS1_2", "TLS1_3"];

export const storageMinimumTls = resourcePolicy({
    name: "azure-storage-minimum-tls",
    description: "Storage accounts require TLS 1.2 or newer.",
    severity: "high",
    types: [TYPES.storageAccount],
    validate: (account: StorageAccount, { report }) => {
        // The API interprets an unset minimum as TLS 1.0.
        const version = account.minimumTlsVersion ?? "TLS1_0";
        if (!STRONG_STORAGE_TLS.includes(version)) {
            report(
                `minimumTlsVersion is ${account.minimumTlsVersion ?? "not set (Azure then accepts TLS1_0)"}. ` +
                    'Fix: set minimumTlsVersion: "TLS1_2".',
            );
        }
    },
});

export const storageInfrastructureEncryption = resourcePolicy({
    name: "azure-storage-infrastructure-encryption",
    description: "Storage accounts encrypt data twice: service-level and infrastructure-level encryption.",
    severity: "medium",
    types: [TYPES.storageAccount],
    validate: (account: StorageAccount, { report }) => {
        if (account.encryption?.requireInfrastructureEncryption !== true) {
            report(
                `Infrastructure encryption is ${
                    account.encryption?.requireInfrastructureEncryption === false ? "off" : "not set (off by default)"
                }. Fix: set encryption.requireInfrastructureEncryption: true when creating the account (on this ` +
                    'platform: remove "infrastructureEncryption": false from the azure bag of platform:storage).',
            );
        }
    },
});

export const storageNoPublicBlobAccess = resourcePolicy({
    name: "azure-storage-no-public-blob-access",
    description: "Storage accounts do not allow anonymous public access to blobs or containers.",
    severity: "critical",
    types: [TYPES.storageAccount],
    validate: (account: StorageAccount, { report }) => {
        // Unset means false since API version 2023-01-01.
        if (account.allowBlobPublicAccess === true) {
            report(
                "allowBlobPublicAccess is true, so containers can be made public. Fix: set it to false (or leave it unset).",
            );
        }
    },
});

export const aksAzureRbac = resourcePolicy({
    name: "azure-aks-azure-rbac",
    description: "AKS clusters authenticate with Microsoft Entra ID and authorise with Azure RBAC.",
    severity: "high",
    types: [TYPES.aksCluster],
    validate: (cluster: AksCluster, { report }) => {
        const aad = cluster.aadProfile;
        if (cluster.enableRBAC === false) {
            report("Kubernetes RBAC is off (enableRBAC: false). Fix: leave enableRBAC unset or true.");
        }
        if (aad?.managed !== true || aad?.enableAzureRBAC !== true) {
            report(
                `Azure RBAC for Kubernetes authorisation is ${aad ? "not fully enabled" : "not set (no aadProfile)"}. ` +
                    "Fix: set aadProfile { managed: true, enableAzureRBAC: true } and grant access with Azure role assignments.",
            );
        }
    },
});

export const aksLocalAccountsDisabled = resourcePolicy({
    name: "azure-aks-local-accounts-disabled",
    description: "AKS clusters have local accounts (the static cluster-admin credential) disabled.",
    severity: "high",
    types: [TYPES.aksCluster],
    validate: (cluster: AksCluster, { report }) => {
        if (cluster.disableLocalAccounts !== true) {
            report(
                `Local accounts are ${cluster.disableLocalAccounts === false ? "enabled" : "not disabled (enabled by default)"}, ` +
                    "so a static admin kubeconfig bypasses Entra ID. Fix: set disableLocalAccounts: true.",
            );
        }
    },
});

/**
 * Customer-managed keys on Azure. Advisory in every environment until the platform's Azure keys land
 * (the stack configs set their enforcementLevel; `AWAITING_AZURE_KEYS` in policies/all.ts lists them), then
 * mandatory in prod: remove the "enforcementLevel": "advisory" entries from policies/config/prod.json.
 */
function azureCmk<Props>(
    name: string,
    what: string,
    type: string,
    problem: (props: Props) => string | undefined,
    fix: string,
) {
    return resourcePolicy({
        name,
        description: `${what} are encrypted with a customer-managed key in Key Vault.`,
        severity: "medium",
        types: [type],
        validate: (props: Props, { report }) => {
            const found = problem(props);
            if (found) report(`${found} Fix: ${fix}`);
        },
    });
}

export const postgresCmk = azureCmk<PostgresServer>(
    "azure-postgres-cmk",
    "PostgreSQL flexible servers",
    TYPES.postgresServer,
    (server) =>
        server.dataEncryption?.type !== "AzureKeyVault" || !isSet(server.dataEncryption, "primaryKeyURI")
            ? `dataEncryption.type is ${server.dataEncryption?.type ?? "not set (SystemManaged)"}, so data is under Microsoft's key.`
            : undefined,
    'set dataEncryption { type: "AzureKeyVault", primaryKeyURI, primaryUserAssignedIdentityId } at creation ' +
        "(geoBackupKeyURI too when backups are geo-redundant).",
);

export const storageCmk = azureCmk<StorageAccount>(
    "azure-storage-cmk",
    "Storage accounts",
    TYPES.storageAccount,
    (account) =>
        (account.encryption?.keySource ?? "Microsoft.Storage") !== "Microsoft.Keyvault"
            ? `encryption.keySource is ${account.encryption?.keySource ?? "not set (Microsoft.Storage)"}, a Microsoft-managed key.`
            : undefined,
    'set encryption { keySource: "Microsoft.Keyvault", keyVaultProperties: { keyName, keyVaultUri }, encryptionIdentity }.',
);

export const redisCmk = azureCmk<RedisCluster>(
    "azure-redis-cmk",
    "Azure Managed Redis clusters",
    TYPES.redisCluster,
    (cluster) =>
        !isSet(cluster.encryption?.customerManagedKeyEncryption, "keyEncryptionKeyUrl")
            ? "encryption.customerManagedKeyEncryption is not set, so the disks are under Microsoft's key."
            : undefined,
    "set encryption.customerManagedKeyEncryption { keyEncryptionKeyUrl, keyEncryptionKeyIdentity }.",
);

export const aksEtcdKms = azureCmk<AksCluster>(
    "azure-aks-etcd-kms",
    "AKS Kubernetes secrets (etcd)",
    TYPES.aksCluster,
    (cluster) => {
        const kms = cluster.securityProfile?.azureKeyVaultKms;
        if (kms?.enabled !== true) {
            return "securityProfile.azureKeyVaultKms is not enabled, so Kubernetes secrets are not envelope-encrypted with your key.";
        }
        // "Public" (the API's default) needs a key vault that accepts traffic from every network.
        return kms.keyVaultNetworkAccess !== "Private"
            ? `keyVaultNetworkAccess is ${kms.keyVaultNetworkAccess ?? "not set (Public)"}, so the key vault must accept public traffic.`
            : undefined;
    },
    'set securityProfile.azureKeyVaultKms { enabled: true, keyId, keyVaultNetworkAccess: "Private", keyVaultResourceId }.',
);

export const acrCmk = azureCmk<ContainerRegistry>(
    "azure-acr-cmk",
    "Container registries",
    TYPES.containerRegistry,
    (registry) =>
        // ACR's API reports "enabled" / "disabled" (lower case).
        (registry.encryption?.status ?? "disabled").toLowerCase() !== "enabled" ||
        !isSet(registry.encryption?.keyVaultProperties, "keyIdentifier")
            ? `encryption is ${registry.encryption?.status ?? "not set (disabled)"}, so the images are under Microsoft's key.`
            : undefined,
    'create the registry (Premium) with encryption { status: "enabled", keyVaultProperties: { keyIdentifier, identity } } ' +
        "and a user-assigned identity; it cannot be added later.",
);

/**
 * The nodes' OS disks under a customer-managed key: the cluster names a Disk Encryption Set
 * (`diskEncryptionSetID`), which AKS accepts at cluster creation only (MicrosoftDocs/azure-aks-docs@articles/aks/
 * azure-disk-customer-managed-keys.md, "Limitations").
 */
export const aksOsDiskCmk = azureCmk<AksCluster>(
    "azure-aks-os-disk-cmk",
    "AKS node OS disks",
    TYPES.aksCluster,
    (cluster) =>
        !isSet(cluster, "diskEncryptionSetID")
            ? "diskEncryptionSetID is not set, so the nodes' OS disks are under Microsoft's key."
            : undefined,
    "create the cluster with diskEncryptionSetID naming a disk encryption set on a Key Vault key (its identity " +
        "needs wrapKey, unwrapKey and get on the key; the cluster identity needs Reader on the set); it cannot be added later.",
);

/**
 * Encryption at host on every AKS node pool: temp disks and the OS and data disks' caches are encrypted on the
 * VM host, which AKS sets only when a pool is created (MicrosoftDocs/azure-aks-docs@articles/aks/
 * enable-host-encryption.md, "Limitations"). Checkov CKV_AZURE_227.
 */
export const aksEncryptionAtHost = resourcePolicy({
    name: "azure-aks-encryption-at-host",
    description: "Every AKS node pool encrypts its temp disks and disk caches on the VM host (encryption at host).",
    severity: "medium",
    types: [TYPES.aksCluster, TYPES.aksAgentPool],
    validate: (resource: AksCluster | AksAgentPool, { args, report }) => {
        const pools =
            args.type === TYPES.aksCluster
                ? ((resource as AksCluster).agentPoolProfiles ?? [])
                : [{ name: "this node pool", ...(resource as AksAgentPool) }];
        const off = pools.filter((p) => p.enableEncryptionAtHost !== true).map((p) => p.name);
        if (off.length > 0) {
            report(
                `Encryption at host is off on ${off.join(", ")}, so temp disks and disk caches are not encrypted on the ` +
                    "host. Fix: set enableEncryptionAtHost: true when creating the pool (it cannot be changed later; the " +
                    "subscription needs `az feature register --namespace Microsoft.Compute --name EncryptionAtHost` once).",
            );
        }
    },
});

export const azureEncryptionPolicies = [
    postgresSecureTransport,
    postgresNoPublicAccess,
    redisEncryptedClientProtocol,
    redisMinimumTls,
    redisNoPublicAccess,
    storageHttpsOnly,
    storageMinimumTls,
    storageInfrastructureEncryption,
    storageNoPublicBlobAccess,
    aksAzureRbac,
    aksLocalAccountsDisabled,
    postgresCmk,
    storageCmk,
    redisCmk,
    aksEtcdKms,
    aksOsDiskCmk,
    aksEncryptionAtHost,
    acrCmk,
];
