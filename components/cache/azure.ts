import * as pulumi from "@pulumi/pulumi";
import * as redisenterprise from "@pulumi/azure-native/redisenterprise";
import { catalog } from "../shared/catalog";
import { privateEndpoint } from "../shared/azure";
import { DataStoreKey, dataStoreKey } from "../shared/azure-keys";
import { azurePlacement, statefulOptions } from "../shared/context";
import { securityOptOuts } from "../shared/security";
import { CacheArgs, CacheClientAccess, CacheOutputs, cacheSettings, redisConnectionString } from ".";
import { AZURE_EVICTION_POLICY } from "./eviction";

/** Azure Managed Redis serves its TLS endpoint on 10000. */
const PORT = 10000;

/** The persistence settings for each choice of the override bag. */
const PERSISTENCE = {
    aof: { aofEnabled: true, aofFrequency: "1s", rdbEnabled: false },
    rdb: { aofEnabled: false, rdbEnabled: true, rdbFrequency: "1h" },
    none: { aofEnabled: false, rdbEnabled: false },
} as const;

/**
 * Azure Managed Redis (`Microsoft.Cache/redisEnterprise`; Azure Cache for Redis Basic/Standard/Premium is
 * being retired and is not used): encrypted client protocol only (TLS, minimum 1.2), data encrypted at rest
 * by the service, public network access disabled and a private endpoint in the endpoint subnet registered
 * in the stack's private DNS zone, high availability (replicas spread over the region's zones) when highly
 * available, and persistence (AOF every second by default in protected stacks). Passwordless (the default):
 * access keys off and each service's managed identity holds an access policy assignment (clients/azure.ts),
 * authenticating with a Microsoft Entra token; keys stay on only for `keyClients` (KEDA), whose Secret alone
 * gets the key. Otherwise clients share the database's access key, published as the secret `authToken`.
 * Azure generates that key (it cannot be supplied), so it does not come from `@pulumi/random`.
 */
export function createAzureCache(name: string, args: CacheArgs, parent: pulumi.Resource): CacheOutputs {
    const { context } = args;
    const { resourceGroupName } = azurePlacement(context);
    const azure = args.azure ?? {};
    const { highAvailability, passwordless, clusterMode } = cacheSettings(args);
    const keysEnabled = !passwordless || args.keyClients === true;
    const stateful = { parent, ...statefulOptions(context) };
    // Persistence and OS disks under a customer-managed key, reached with a user-assigned identity (the only
    // kind Managed Redis supports), by a versioned key URL ("Key encryption key Url, versioned only":
    // https://learn.microsoft.com/dotnet/api/azure.resourcemanager.redisenterprise.models.armredisenterprisemodelfactory.redisenterprisecustomermanagedkeyencryption;
    // all tiers: https://learn.microsoft.com/azure/redis/how-to-encryption).
    const cmk = dataStoreKey(
        name,
        { context, vault: azurePlacement(context).keyVaults.primary, keyName: `${context.namePrefix}-cache` },
        stateful,
    );
    const cluster = redisCluster(name, args, cmk, stateful);
    const database = redisDatabase(name, args, { cluster, keysEnabled }, stateful);
    privateEndpoint(
        name,
        {
            context,
            subnetId: args.network.endpointSubnetIds.apply((ids) => ids[0]),
            targetId: cluster.id,
            groupId: "redisEnterprise",
            zone: "redis",
        },
        { parent },
    );
    // The key is read only while keys authenticate: with them off no client may hold one.
    const authToken = keysEnabled
        ? redisenterprise.listDatabaseKeysOutput(
              { resourceGroupName, clusterName: cluster.name, databaseName: database.name },
              { parent },
          ).primaryKey
        : pulumi.output("");
    const endpoint = {
        host: cluster.hostName,
        port: pulumi.output(PORT),
        authToken: pulumi.secret(authToken),
        tls: true,
    };
    const clientAccess: pulumi.Output<CacheClientAccess> = passwordless
        ? pulumi.all([resourceGroupName, cluster.name, database.name]).apply(([group, clusterName, databaseName]) => ({
              cloud: "azure" as const,
              resourceGroupName: group,
              clusterName,
              databaseName,
          }))
        : pulumi.output<CacheClientAccess>({ cloud: "none" });
    return {
        ...endpoint,
        tls: pulumi.output(true),
        auth: pulumi.output(passwordless ? ("entra" as const) : ("password" as const)),
        cluster: pulumi.output(clusterMode !== undefined),
        clientAccess,
        connectionString: redisConnectionString(endpoint),
        // The cluster's id, known only once its database exists: monitoring sets the database's diagnostic
        // setting on `${resourceId}/databases/default`, which ARM rejects while the database is still being
        // created (the id alone would let the setting race the database).
        resourceId: pulumi.all([cluster.id, database.id]).apply(([clusterId]) => clusterId),
        resourceName: cluster.name,
        highAvailability: pulumi.output(highAvailability),
        // Every control the Azure bag offers is a sizing or durability choice, not a security opt-out.
        securityOptOuts: pulumi.output(securityOptOuts("azure", azure, [])),
    };
}

/**
 * The Managed Redis cluster: the profile's SKU, TLS 1.2 minimum, no public network access, zone-spread
 * replicas when highly available, and its disks under the data store's key (once the key's grant applies).
 */
function redisCluster(
    name: string,
    args: CacheArgs,
    cmk: DataStoreKey,
    stateful: pulumi.CustomResourceOptions,
): redisenterprise.RedisEnterprise {
    const { resourceGroupName, location } = azurePlacement(args.context);
    const { size, highAvailability } = cacheSettings(args);
    return new redisenterprise.RedisEnterprise(
        `${name}-redis`,
        {
            resourceGroupName,
            location,
            sku: { name: args.azure?.skuName ?? catalog.cache[size].azure },
            minimumTlsVersion: "1.2",
            publicNetworkAccess: "Disabled",
            highAvailability: highAvailability ? "Enabled" : "Disabled",
            identity: { type: "UserAssigned", userAssignedIdentities: [cmk.identity.id] },
            encryption: {
                customerManagedKeyEncryption: {
                    keyEncryptionKeyUrl: cmk.versionedKeyUri,
                    keyEncryptionKeyIdentity: {
                        identityType: "userAssignedIdentity",
                        userAssignedIdentityResourceId: cmk.identity.id,
                    },
                },
            },
            tags: args.context.tags,
        },
        { ...stateful, dependsOn: cmk.ready },
    );
}

/**
 * The cluster's one database: encrypted client protocol, the clustering policy, the eviction policy,
 * persistence, and access keys only when a client needs one.
 */
function redisDatabase(
    name: string,
    args: CacheArgs,
    parts: { cluster: redisenterprise.RedisEnterprise; keysEnabled: boolean },
    stateful: pulumi.CustomResourceOptions,
): redisenterprise.Database {
    const { cluster } = parts;
    const persistence = args.azure?.persistence ?? (args.context.protect ? "aof" : "none");
    return new redisenterprise.Database(
        `${name}-database`,
        {
            resourceGroupName: azurePlacement(args.context).resourceGroupName,
            clusterName: cluster.name,
            // Azure Managed Redis has exactly one database, named "default".
            databaseName: "default",
            clientProtocol: "Encrypted",
            port: PORT,
            // Without cluster mode, one endpoint for clients that are not cluster-aware (like an ElastiCache primary
            // endpoint); with it, the Redis Cluster protocol, which "requires all clients to support redis
            // clustering" and gives them every shard directly (@pulumi/azure-native 3.28.0
            // types/enums/redisenterprise ClusteringPolicy; https://learn.microsoft.com/azure/redis/architecture#cluster-policies).
            // The policy "cannot be updated without deleting the database" once OSSCluster or EnterpriseCluster.
            clusteringPolicy: cacheSettings(args).clusterMode ? "OSSCluster" : "EnterpriseCluster",
            // The neutral policy in the enum's spelling; VolatileLRU (the service default) when unset. No module
            // is enabled, so nothing requires NoEviction (RediSearch would, with Enterprise clustering:
            // https://learn.microsoft.com/azure/redis/plan-redis-modules); the policy can be updated in place.
            evictionPolicy: AZURE_EVICTION_POLICY[cacheSettings(args).evictionPolicy],
            // Keys off: Microsoft Entra only ("Azure Managed Redis caches use Microsoft Entra ID by default",
            // https://learn.microsoft.com/azure/redis/entra-for-authentication); "can be updated even after
            // database is created" (AccessKeysAuthentication, @pulumi/azure-native 3.28.0).
            accessKeysAuthentication: parts.keysEnabled ? "Enabled" : "Disabled",
            persistence: PERSISTENCE[persistence],
            deferUpgrade: "NotDeferred",
        },
        stateful,
    );
}
