import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import type * as ec2 from "@pulumi/aws/ec2";
import * as elasticache from "@pulumi/aws/elasticache";
import type * as kms from "@pulumi/aws/kms";
import * as random from "@pulumi/random";
import { catalog } from "../shared/catalog";
import { CACHE_ENGINES } from "../shared/facts/engines";
import { customerManagedKey, dataStoreSecurityGroup, logsKey } from "../shared/aws";
import { awsPlacement, statefulOptions } from "../shared/context";
import { autonameFits, fitName } from "../shared/names";
import { securityOptOuts } from "../shared/security";
import { CacheArgs, CacheClientAccess, CacheOutputs, cacheSettings, redisConnectionString } from ".";
import { cacheUserGroup } from "./aws-auth";
import { DEFAULT_EVICTION_POLICY, EvictionPolicy } from "./eviction";

const PORT = 6379;

/**
 * ElastiCache replication group (Valkey by default): encrypted at rest with a customer-managed KMS key and
 * in transit (TLS required), daily snapshots, slow logs to CloudWatch; a replica in another zone with automatic
 * failover and Multi-AZ when highly available; sharded when cluster mode is on. Passwordless (the default): a
 * user group with a disabled `default` user, which each service joins as its own IAM user (aws-auth.ts,
 * clients/aws.ts), and no auth token; otherwise an auth token from `@pulumi/random` that clients share.
 */
export function createAwsCache(name: string, args: CacheArgs, parent: pulumi.Resource): CacheOutputs {
    const aws = args.aws ?? {};
    const settings = cacheSettings(args);
    const transitEncryption = aws.transitEncryption ?? true;
    const opts = { parent };
    const stateful = { parent, ...statefulOptions(args.context) };

    const key = customerManagedKey(name, `Encrypts the ${name} cache at rest`, stateful);
    const placement = cachePlacement(name, args, opts);
    // ElastiCache accepts 16-128 printable characters without "/", '"' or "@"; alphanumeric is safest.
    const engine = aws.engine ?? "valkey";
    const passwordless = settings.passwordless && transitEncryption;
    const authToken = passwordless
        ? undefined
        : new random.RandomPassword(`${name}-auth-token`, { length: 64, special: false }, opts);
    const userGroup = passwordless ? cacheUserGroup(name, engine, opts) : undefined;
    const slowLog = slowLogGroup(name, args, settings.logRetentionDays, parent);
    const parameterGroupName = engineParameters(name, engine, settings, opts);
    const parts = { key, ...placement, authToken, userGroup, slowLog, parameterGroupName };
    const group = replicationGroup(name, args, settings, parts, parent);

    const cluster = settings.clusterMode !== undefined;
    const endpoint = {
        // Cluster mode: the configuration endpoint, from which cluster-aware clients discover the shards.
        host: cluster ? group.configurationEndpointAddress : group.primaryEndpointAddress,
        port: pulumi.output(PORT),
        authToken: authToken ? pulumi.secret(authToken.result) : pulumi.secret(pulumi.output("")),
        tls: transitEncryption,
    };
    const clientAccess: pulumi.Output<CacheClientAccess> = userGroup
        ? pulumi.all([userGroup.userGroupId, group.arn, group.id]).apply(([userGroupId, arn, id]) => ({
              cloud: "aws" as const,
              userGroupId,
              replicationGroupArn: arn,
              replicationGroupId: id,
              engine,
          }))
        : pulumi.output<CacheClientAccess>({ cloud: "none" });
    return {
        ...endpoint,
        tls: pulumi.output(transitEncryption),
        auth: pulumi.output(passwordless ? ("aws-iam" as const) : ("password" as const)),
        cluster: pulumi.output(cluster),
        clientAccess,
        connectionString: redisConnectionString(endpoint),
        resourceId: group.arn,
        resourceName: group.id,
        highAvailability: pulumi.output(settings.highAvailability),
        securityOptOuts: pulumi.output(securityOptOuts("aws", aws, ["atRestEncryption", "transitEncryption"])),
    };
}

/** Where the cache lives: a subnet group of the data subnets and a security group open to the nodes only. */
function cachePlacement(name: string, args: CacheArgs, opts: pulumi.CustomResourceOptions) {
    const subnetGroup = new elasticache.SubnetGroup(
        `${name}-subnets`,
        { subnetIds: args.network.dataSubnetIds, description: `Data subnets of ${name}` },
        opts,
    );
    const securityGroup = dataStoreSecurityGroup(name, args.network, PORT, "Redis", opts);
    return { subnetGroup, securityGroup };
}

/** The slow-log group, encrypted with its own logs key and kept for the log retention. */
function slowLogGroup(name: string, args: CacheArgs, retentionInDays: number, parent: pulumi.Resource) {
    // Auto-named (`${name}-slow-log-` plus a suffix), so the logs key admits that prefix.
    const slowLogKey = logsKey(
        name,
        { region: awsPlacement(args.context).region, logGroupNames: [`${name}-slow-log-*`] },
        { parent, ...statefulOptions(args.context) },
    );
    return new cloudwatch.LogGroup(`${name}-slow-log`, { retentionInDays, kmsKeyId: slowLogKey.arn }, { parent });
}

/**
 * The parameter group the nodes run with. With the engines' default eviction policy it is the engine's
 * default group (named so the family that goes with the version is explicit), so caches that do not set a
 * policy keep exactly the group they have. Any other policy needs a custom group of the same family: the
 * customer default groups "cannot be edited by the customer"
 * (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Tiers.html), a new group starts as
 * "an exact duplicate of the default parameter group for the CacheParameterGroupFamily" (valkey8 among the
 * families: https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheParameterGroup.html),
 * so only `maxmemory-policy` differs from the default
 * (https://docs.aws.amazon.com/whitepapers/latest/database-caching-strategies-using-redis/evictions.html).
 */
function engineParameters(
    name: string,
    engine: keyof typeof CACHE_ENGINES,
    settings: { evictionPolicy: EvictionPolicy; clusterMode?: object },
    opts: pulumi.CustomResourceOptions,
): pulumi.Input<string> {
    const { evictionPolicy } = settings;
    const family = CACHE_ENGINES[engine].parameterGroupFamily;
    const cluster = settings.clusterMode !== undefined;
    // Cluster mode needs a group with `cluster-enabled` yes: the family's `.cluster.on` default group
    // ("To enable cluster mode ... use a parameter group that has the parameter cluster-enabled set to true",
    // @pulumi/aws 7.48.0 elasticache/replicationGroup.d.ts parameterGroupName; default.valkey8.cluster.on among
    // the defaults, https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Engine.html).
    if (evictionPolicy === DEFAULT_EVICTION_POLICY)
        return cluster ? `default.${family}.cluster.on` : `default.${family}`;
    const group = new elasticache.ParameterGroup(
        `${name}-parameters`,
        {
            family,
            description: `Engine parameters of ${name} (eviction policy ${evictionPolicy})`,
            parameters: [
                { name: "maxmemory-policy", value: evictionPolicy },
                ...(cluster ? [{ name: "cluster-enabled", value: "yes" }] : []),
            ],
        },
        opts,
    );
    return group.name;
}

/** What the replication group is built from: its key, placement, auth token, slow-log and parameter groups. */
interface ReplicationGroupParts {
    readonly key: kms.Key;
    readonly subnetGroup: elasticache.SubnetGroup;
    readonly securityGroup: ec2.SecurityGroup;
    /** The shared auth token, when access is not passwordless. */
    readonly authToken?: random.RandomPassword;
    /** The user group, when access is passwordless. */
    readonly userGroup?: elasticache.UserGroup;
    readonly slowLog: cloudwatch.LogGroup;
    readonly parameterGroupName: pulumi.Input<string>;
}

/**
 * The replication group: the pinned engine, encrypted at rest and in transit with the auth token, daily
 * snapshots, slow logs, and a second node in another zone with automatic failover when highly available.
 */
function replicationGroup(
    name: string,
    args: CacheArgs,
    settings: ReturnType<typeof cacheSettings>,
    parts: ReplicationGroupParts,
    parent: pulumi.Resource,
): elasticache.ReplicationGroup {
    const aws = args.aws ?? {};
    const atRestEncryption = aws.atRestEncryption ?? true;
    const transitEncryption = aws.transitEncryption ?? true;
    const engine = aws.engine ?? "valkey";
    // ElastiCache ids have at most 40 characters. Auto-naming (`${name}-rg-` + 7 characters) is kept while it
    // fits; a longer stack gets a fixed, shortened id, and a fixed id must be deleted before it is replaced.
    const fixedId = autonameFits(`${name}-rg`, 40) ? undefined : fitName(`${name}-rg`, 40).toLowerCase();
    return new elasticache.ReplicationGroup(
        `${name}-rg`,
        {
            replicationGroupId: fixedId,
            description: `Redis-compatible cache ${name}`,
            engine,
            engineVersion: CACHE_ENGINES[engine].version,
            parameterGroupName: parts.parameterGroupName,
            nodeType: aws.nodeType ?? catalog.cache[settings.size].aws,
            port: PORT,
            ...topology(settings),
            subnetGroupName: parts.subnetGroup.name,
            securityGroupIds: [parts.securityGroup.id],
            atRestEncryptionEnabled: atRestEncryption,
            kmsKeyId: atRestEncryption ? parts.key.arn : undefined,
            transitEncryptionEnabled: transitEncryption,
            transitEncryptionMode: transitEncryption ? "required" : undefined,
            // An auth token needs TLS; without TLS the cache is reachable only from the node subnets.
            authToken: transitEncryption && parts.authToken ? pulumi.secret(parts.authToken.result) : undefined,
            // Passwordless: RBAC through the user group ("Only a maximum of one (1) user group ID is valid").
            userGroupIds: parts.userGroup ? [parts.userGroup.userGroupId] : undefined,
            snapshotRetentionLimit: settings.backupRetentionDays,
            snapshotWindow: "03:00-04:00",
            maintenanceWindow: "sun:04:30-sun:05:30",
            autoMinorVersionUpgrade: true,
            applyImmediately: false,
            logDeliveryConfigurations: [
                {
                    destination: parts.slowLog.name,
                    destinationType: "cloudwatch-logs",
                    logFormat: "json",
                    logType: "slow-log",
                },
            ],
        },
        { parent, ...statefulOptions(args.context), deleteBeforeReplace: fixedId !== undefined },
    );
}

/**
 * How many nodes, and where: one primary with a replica in another zone when highly available; in cluster mode
 * `numNodeGroups` shards of `replicasPerNodeGroup` replicas each (both conflict with `numCacheClusters`), with
 * automatic failover, which "must be enabled for Redis (cluster mode enabled) replication groups" (@pulumi/aws
 * 7.48.0 elasticache/replicationGroup.d.ts), and Multi-AZ when every shard has a replica.
 */
function topology(settings: ReturnType<typeof cacheSettings>) {
    const { highAvailability, clusterMode } = settings;
    if (!clusterMode) {
        return {
            numCacheClusters: highAvailability ? 2 : 1,
            automaticFailoverEnabled: highAvailability,
            multiAzEnabled: highAvailability,
        };
    }
    return {
        clusterMode: "enabled",
        numNodeGroups: clusterMode.shards,
        replicasPerNodeGroup: clusterMode.replicasPerShard,
        automaticFailoverEnabled: true,
        multiAzEnabled: clusterMode.replicasPerShard > 0,
    };
}
