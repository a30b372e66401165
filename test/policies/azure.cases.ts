/**
 * Fixtures and the three cases (compliant, non-compliant, property left undefined) of every Azure
 * policy. The cases are run by azure.test.ts; pack.test.ts checks that every policy has them.
 */
import * as backups from "../../policies/azure/backups";
import * as encryption from "../../policies/azure/encryption";
import { TYPES } from "../../policies/lib/shapes";
import { FixtureResource, PolicyCases, named, setPath } from "./fixtures";

export const SUBNET =
    "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/data";

export const DB_ID =
    "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/db";

export const server = (): FixtureResource[] => [
    {
        type: TYPES.postgresServer,
        name: "db-server",
        protect: true,
        props: {
            version: "17",
            backup: { backupRetentionDays: 30, geoRedundantBackup: "Enabled" },
            highAvailability: { mode: "ZoneRedundant" },
            network: { publicNetworkAccess: "Disabled" },
            dataEncryption: {
                type: "AzureKeyVault",
                primaryKeyURI: "https://kv.vault.azure.net/keys/db/0123",
                geoBackupKeyURI: "https://kv-pair.vault.azure.net/keys/db/0123",
            },
        },
    },
    {
        type: TYPES.managementLock,
        name: "db-lock",
        props: { level: "CanNotDelete", scope: DB_ID },
        propertyDependencies: { scope: ["db-server"] },
    },
];

export const parameter = (): FixtureResource[] => [
    {
        type: TYPES.postgresConfiguration,
        name: "db-require-secure-transport",
        props: { configurationName: "require_secure_transport", value: "ON", source: "user-override" },
    },
];

export const redis = (): FixtureResource[] => [
    {
        type: TYPES.redisCluster,
        name: "cache-redis",
        protect: true,
        props: {
            sku: { name: "Balanced_B5" },
            minimumTlsVersion: "1.2",
            publicNetworkAccess: "Disabled",
            highAvailability: "Enabled",
            encryption: {
                customerManagedKeyEncryption: { keyEncryptionKeyUrl: "https://kv.vault.azure.net/keys/redis/1" },
            },
        },
    },
    {
        type: TYPES.redisDatabase,
        name: "cache-database",
        protect: true,
        props: { clientProtocol: "Encrypted", persistence: { aofEnabled: true, aofFrequency: "1s" } },
        propertyDependencies: { clusterName: ["cache-redis"] },
    },
];

export const storage = (): FixtureResource[] => [
    {
        type: TYPES.storageAccount,
        name: "account",
        protect: true,
        props: {
            accountName: "platformprodst1a2b",
            kind: "StorageV2",
            sku: { name: "Standard_ZRS" },
            enableHttpsTrafficOnly: true,
            minimumTlsVersion: "TLS1_2",
            allowBlobPublicAccess: false,
            encryption: {
                keySource: "Microsoft.Keyvault",
                keyVaultProperties: { keyName: "storage", keyVaultUri: "https://kv.vault.azure.net" },
                requireInfrastructureEncryption: true,
            },
        },
    },
    {
        type: TYPES.storageManagementPolicy,
        name: "lifecycle",
        props: {
            accountName: "platformprodst1a2b",
            policy: {
                rules: [
                    {
                        enabled: true,
                        name: "expire-noncurrent-versions",
                        type: "Lifecycle",
                        definition: { actions: { version: { delete: { daysAfterCreationGreaterThan: 30 } } } },
                    },
                ],
            },
        },
        propertyDependencies: { accountName: ["account"] },
    },
    {
        type: TYPES.blobServiceProperties,
        name: "blob-service",
        props: {
            accountName: "platformprodst1a2b",
            isVersioningEnabled: true,
            deleteRetentionPolicy: { enabled: true, days: 30 },
            containerDeleteRetentionPolicy: { enabled: true, days: 30 },
        },
        propertyDependencies: { accountName: ["account"] },
    },
];

export const aks = (): FixtureResource[] => [
    {
        type: TYPES.aksCluster,
        name: "aks",
        props: {
            enableRBAC: true,
            disableLocalAccounts: true,
            diskEncryptionSetID:
                "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des",
            aadProfile: { managed: true, enableAzureRBAC: true },
            securityProfile: {
                azureKeyVaultKms: { enabled: true, keyVaultNetworkAccess: "Private" },
                workloadIdentity: { enabled: true },
            },
            agentPoolProfiles: [{ name: "system", enableEncryptionAtHost: true }],
        },
    },
];

export const registry = (): FixtureResource[] => [
    {
        type: TYPES.containerRegistry,
        name: "acr",
        props: {
            sku: { name: "Premium" },
            encryption: {
                status: "enabled",
                keyVaultProperties: { keyIdentifier: "https://kv.vault.azure.net/keys/acr", identity: "client-id" },
            },
        },
    },
];

export const agentPool = (): FixtureResource[] => [
    { type: TYPES.aksAgentPool, name: "pool", props: { enableEncryptionAtHost: true } },
];

const set = (name: string, path: string, value: unknown) => (graph: FixtureResource[]) =>
    setPath(named(graph, name).props, path, value);
const without = (name: string) => (graph: FixtureResource[]) =>
    graph.splice(
        graph.findIndex((r) => r.name === name),
        1,
    );

export const AZURE_CASES: PolicyCases[] = [
    {
        policy: encryption.postgresSecureTransport,
        compliant: parameter,
        nonCompliant: {
            what: 'require_secure_transport is "OFF"',
            change: set("db-require-secure-transport", "value", "OFF"),
        },
        undefinedProperty: {
            what: "the parameter's value",
            remove: set("db-require-secure-transport", "value", undefined),
            verdict: "pass",
            because: "the server default is ON",
        },
    },
    {
        policy: encryption.postgresNoPublicAccess,
        compliant: server,
        nonCompliant: {
            what: 'publicNetworkAccess is "Enabled"',
            change: set("db-server", "network.publicNetworkAccess", "Enabled"),
        },
        undefinedProperty: {
            what: "network.publicNetworkAccess without VNet integration",
            remove: set("db-server", "network.publicNetworkAccess", undefined),
            verdict: "fail",
            because: "Azure enables public access for a server outside a delegated subnet",
        },
    },
    {
        policy: encryption.redisEncryptedClientProtocol,
        compliant: redis,
        nonCompliant: {
            what: 'clientProtocol is "Plaintext"',
            change: set("cache-database", "clientProtocol", "Plaintext"),
        },
        undefinedProperty: {
            what: "clientProtocol",
            remove: set("cache-database", "clientProtocol", undefined),
            verdict: "pass",
            because: "the API defaults to Encrypted",
        },
    },
    {
        policy: encryption.redisMinimumTls,
        compliant: redis,
        nonCompliant: { what: 'minimumTlsVersion is "1.0"', change: set("cache-redis", "minimumTlsVersion", "1.0") },
        undefinedProperty: {
            what: "minimumTlsVersion",
            remove: set("cache-redis", "minimumTlsVersion", undefined),
            verdict: "pass",
            because: "the API defaults to 1.2",
        },
    },
    {
        policy: encryption.redisNoPublicAccess,
        compliant: redis,
        nonCompliant: {
            what: 'publicNetworkAccess is "Enabled"',
            change: set("cache-redis", "publicNetworkAccess", "Enabled"),
        },
        undefinedProperty: {
            what: "publicNetworkAccess",
            remove: set("cache-redis", "publicNetworkAccess", undefined),
            verdict: "fail",
            because: "older API versions keep a public endpoint",
        },
    },
    {
        policy: encryption.storageHttpsOnly,
        compliant: storage,
        nonCompliant: {
            what: "enableHttpsTrafficOnly is false",
            change: set("account", "enableHttpsTrafficOnly", false),
        },
        undefinedProperty: {
            what: "enableHttpsTrafficOnly",
            remove: set("account", "enableHttpsTrafficOnly", undefined),
            verdict: "pass",
            because: "HTTPS-only is the default since API 2019-04-01",
        },
    },
    {
        policy: encryption.storageMinimumTls,
        compliant: storage,
        nonCompliant: { what: 'minimumTlsVersion is "TLS1_1"', change: set("account", "minimumTlsVersion", "TLS1_1") },
        undefinedProperty: {
            what: "minimumTlsVersion",
            remove: set("account", "minimumTlsVersion", undefined),
            verdict: "fail",
            because: "the API then accepts TLS 1.0",
        },
    },
    {
        policy: encryption.storageInfrastructureEncryption,
        compliant: storage,
        nonCompliant: {
            what: "requireInfrastructureEncryption is false",
            change: set("account", "encryption.requireInfrastructureEncryption", false),
        },
        undefinedProperty: {
            what: "encryption.requireInfrastructureEncryption",
            remove: set("account", "encryption.requireInfrastructureEncryption", undefined),
            verdict: "fail",
            because: "infrastructure encryption is off by default",
        },
    },
    {
        policy: encryption.storageNoPublicBlobAccess,
        compliant: storage,
        nonCompliant: { what: "allowBlobPublicAccess is true", change: set("account", "allowBlobPublicAccess", true) },
        undefinedProperty: {
            what: "allowBlobPublicAccess",
            remove: set("account", "allowBlobPublicAccess", undefined),
            verdict: "pass",
            because: "it means false since API 2023-01-01",
        },
    },
    {
        policy: encryption.aksAzureRbac,
        compliant: aks,
        nonCompliant: { what: "enableAzureRBAC is false", change: set("aks", "aadProfile.enableAzureRBAC", false) },
        undefinedProperty: {
            what: "aadProfile",
            remove: set("aks", "aadProfile", undefined),
            verdict: "fail",
            because: "the cluster then has no Entra ID integration",
        },
    },
    {
        policy: encryption.aksLocalAccountsDisabled,
        compliant: aks,
        nonCompliant: { what: "disableLocalAccounts is false", change: set("aks", "disableLocalAccounts", false) },
        undefinedProperty: {
            what: "disableLocalAccounts",
            remove: set("aks", "disableLocalAccounts", undefined),
            verdict: "fail",
            because: "local accounts are enabled by default",
        },
    },
    {
        policy: backups.postgresBackupRetention,
        config: { minimumRetentionDays: 14 },
        compliant: server,
        nonCompliant: { what: "backupRetentionDays is 7", change: set("db-server", "backup.backupRetentionDays", 7) },
        undefinedProperty: {
            what: "backup.backupRetentionDays",
            remove: set("db-server", "backup.backupRetentionDays", undefined),
            verdict: "fail",
            because: "Azure keeps 7 days, below this environment's 14",
        },
    },
    {
        policy: backups.postgresGeoRedundantBackup,
        config: { required: true },
        compliant: server,
        nonCompliant: {
            what: 'geoRedundantBackup is "Disabled"',
            change: set("db-server", "backup.geoRedundantBackup", "Disabled"),
        },
        undefinedProperty: {
            what: "backup.geoRedundantBackup",
            remove: set("db-server", "backup.geoRedundantBackup", undefined),
            verdict: "fail",
            because: "geo-redundant backup is disabled by default",
        },
    },
    {
        policy: backups.postgresHighAvailability,
        config: { required: true },
        compliant: server,
        nonCompliant: {
            what: 'the HA mode is "SameZone"',
            change: set("db-server", "highAvailability.mode", "SameZone"),
        },
        undefinedProperty: {
            what: "highAvailability",
            remove: set("db-server", "highAvailability", undefined),
            verdict: "fail",
            because: "a server runs without a standby by default",
        },
    },
    {
        policy: backups.redisPersistence,
        config: { required: true },
        compliant: redis,
        nonCompliant: { what: "aofEnabled is false", change: set("cache-database", "persistence.aofEnabled", false) },
        undefinedProperty: {
            what: "persistence",
            remove: set("cache-database", "persistence", undefined),
            verdict: "fail",
            because: "persistence is off by default",
        },
    },
    {
        policy: backups.blobVersioning,
        compliant: storage,
        nonCompliant: { what: "no BlobServiceProperties targets the account", change: without("blob-service") },
        undefinedProperty: {
            what: "the blob service properties",
            remove: without("blob-service"),
            verdict: "fail",
            because: "versioning and soft delete are off by default",
        },
    },
    {
        policy: backups.blobServiceVersioning,
        compliant: storage,
        nonCompliant: {
            what: "isVersioningEnabled is false",
            change: set("blob-service", "isVersioningEnabled", false),
        },
        undefinedProperty: {
            what: "isVersioningEnabled",
            remove: set("blob-service", "isVersioningEnabled", undefined),
            verdict: "fail",
            because: "blob versioning is off by default",
        },
    },
    {
        policy: backups.blobSoftDelete,
        config: { minimumRetentionDays: 7 },
        compliant: storage,
        nonCompliant: {
            what: "blobs are soft-deleted for 1 day",
            change: set("blob-service", "deleteRetentionPolicy.days", 1),
        },
        undefinedProperty: {
            what: "containerDeleteRetentionPolicy",
            remove: set("blob-service", "containerDeleteRetentionPolicy", undefined),
            verdict: "fail",
            because: "container soft delete is off by default",
        },
    },
    {
        policy: backups.blobVersionExpiry,
        config: { minimumDays: 30 },
        compliant: storage,
        nonCompliant: {
            what: "previous versions are deleted after 1 day",
            change: set(
                "lifecycle",
                "policy.rules.0.definition.actions.version.delete.daysAfterCreationGreaterThan",
                1,
            ),
        },
        undefinedProperty: {
            what: "the version delete action",
            remove: set("lifecycle", "policy.rules.0.definition.actions.version", undefined),
            verdict: "pass",
            because: "previous versions are then kept",
        },
    },
    {
        policy: backups.storageGeoRedundant,
        config: { required: true },
        compliant: () => {
            const graph = storage();
            setPath(named(graph, "account").props, "sku.name", "Standard_GZRS");
            return graph;
        },
        nonCompliant: { what: "the SKU is Standard_ZRS", change: set("account", "sku.name", "Standard_ZRS") },
        undefinedProperty: {
            what: "sku",
            remove: set("account", "sku", undefined),
            verdict: "fail",
            because: "no geo-redundant replication is chosen",
        },
    },
    {
        policy: backups.redisHighAvailability,
        config: { required: true },
        compliant: redis,
        nonCompliant: {
            what: "highAvailability is Disabled",
            change: set("cache-redis", "highAvailability", "Disabled"),
        },
        undefinedProperty: {
            what: "highAvailability",
            remove: set("cache-redis", "highAvailability", undefined),
            verdict: "pass",
            because: "the API's default is Enabled",
        },
    },
    {
        policy: backups.deleteLock,
        config: { required: true },
        compliant: server,
        nonCompliant: {
            what: "the lock level is NotSpecified (no restriction)",
            change: set("db-lock", "level", "NotSpecified"),
        },
        undefinedProperty: {
            what: "the lock",
            remove: without("db-lock"),
            verdict: "fail",
            because: "Azure resources carry no lock by default",
        },
    },
    {
        policy: encryption.postgresCmk,
        compliant: server,
        nonCompliant: {
            what: "dataEncryption is SystemManaged",
            change: set("db-server", "dataEncryption", { type: "SystemManaged" }),
        },
        undefinedProperty: {
            what: "dataEncryption",
            remove: set("db-server", "dataEncryption", undefined),
            verdict: "fail",
            because: "the server then uses a Microsoft-managed key",
        },
    },
    {
        policy: encryption.storageCmk,
        compliant: storage,
        nonCompliant: {
            what: "keySource is Microsoft.Storage",
            change: set("account", "encryption.keySource", "Microsoft.Storage"),
        },
        undefinedProperty: {
            what: "keySource",
            remove: set("account", "encryption.keySource", undefined),
            verdict: "fail",
            because: "the default is Microsoft.Storage",
        },
    },
    {
        policy: encryption.redisCmk,
        compliant: redis,
        nonCompliant: {
            what: "the key URL is empty",
            change: set("cache-redis", "encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl", ""),
        },
        undefinedProperty: {
            what: "encryption",
            remove: set("cache-redis", "encryption", undefined),
            verdict: "fail",
            because: "the disks are then under Microsoft's key",
        },
    },
    {
        policy: encryption.aksEtcdKms,
        compliant: aks,
        nonCompliant: {
            what: "KMS etcd encryption is off",
            change: set("aks", "securityProfile.azureKeyVaultKms.enabled", false),
        },
        undefinedProperty: {
            what: "securityProfile",
            remove: set("aks", "securityProfile", undefined),
            verdict: "fail",
            because: "AKS does not envelope-encrypt secrets with your key by default",
        },
    },
    {
        policy: encryption.acrCmk,
        compliant: registry,
        nonCompliant: { what: "encryption is disabled", change: set("acr", "encryption.status", "disabled") },
        undefinedProperty: {
            what: "encryption",
            remove: set("acr", "encryption", undefined),
            verdict: "fail",
            because: "a registry created without a key stays on Microsoft's key",
        },
    },
    {
        policy: encryption.aksOsDiskCmk,
        compliant: aks,
        nonCompliant: {
            what: "the cluster names an empty disk encryption set",
            change: set("aks", "diskEncryptionSetID", ""),
        },
        undefinedProperty: {
            what: "diskEncryptionSetID",
            remove: set("aks", "diskEncryptionSetID", undefined),
            verdict: "fail",
            because: "AKS encrypts OS disks with Microsoft's key unless a disk encryption set is named at creation",
        },
        unknownProperty: {
            verdict: "pass",
            because: "the set's id is unknown in the preview of the update that creates the set with the cluster",
        },
    },
    {
        policy: encryption.aksEncryptionAtHost,
        compliant: aks,
        nonCompliant: {
            what: "the system pool has encryption at host off",
            change: set("aks", "agentPoolProfiles.0.enableEncryptionAtHost", false),
        },
        undefinedProperty: {
            what: "enableEncryptionAtHost on the system pool",
            remove: set("aks", "agentPoolProfiles.0.enableEncryptionAtHost", undefined),
            verdict: "fail",
            because: "AKS leaves encryption at host off unless asked, and cannot turn it on later",
        },
    },
    {
        policy: backups.storageZoneRedundant,
        config: { required: true },
        compliant: storage,
        nonCompliant: { what: "the SKU is Standard_LRS", change: set("account", "sku.name", "Standard_LRS") },
        undefinedProperty: {
            what: "sku",
            remove: set("account", "sku", undefined),
            verdict: "fail",
            because: "no zone-redundant replication is chosen",
        },
    },
    {
        policy: backups.azureDataResourcesProtected,
        config: { required: true },
        compliant: storage,
        nonCompliant: {
            what: "the storage account is not protected",
            change: (graph) => graph.splice(0, 1, { ...named(graph, "account"), protect: false }),
        },
        undefinedProperty: {
            what: "the protect option",
            remove: (graph) => {
                const { protect, ...rest } = named(graph, "account");
                void protect;
                graph.splice(0, 1, rest);
            },
            verdict: "fail",
            because: "Pulumi does not protect resources by default",
        },
    },
];
