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
import { CacheArgs, CacheOutputs, cacheSettings, redisConnectionString } from ".";
import { DEFAULT_EVICTION_POLICY, EvictionPolicy } from "./eviction";

const PORT = 6379;

/**
 * ElastiCache replication group (Valkey by default): encrypted at rest with a customer-managed KMS key and
 * in transit (TLS required), an auth token from `@pulumi/random`, daily snapshots, slow logs to CloudWatch;
 * a replica in another zone with automatic failover and Multi-AZ when highly available.
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
    const authToken = new random.RandomPassword(`${name}-auth-token`, { length: 64, special: false }, opts);
    const slowLog = slowLogGroup(name, args, settings.logRetentionDays, parent);
    const parameterGroupName = engineParameters(name, aws.engine ?? "valkey", settings.evictionPolicy, opts);
    const parts = { key, ...placement, authToken, slowLog, parameterGroupName };
    const group = replicationGroup(name, args, settings, parts, parent);

    const endpoint = {
        host: group.primaryEndpointAddress,
        port: pulumi.output(PORT),
        authToken: pulumi.secret(authToken.result),
        tls: transitEncryption,
    };
    return {
        ...endpoint,
        tls: pulumi.output(transitEncryption),
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
    evictionPolicy: EvictionPolicy,
    opts: pulumi.CustomResourceOptions,
): pulumi.Input<string> {
    const family = CACHE_ENGINES[engine].parameterGroupFamily;
    if (evictionPolicy === DEFAULT_EVICTION_POLICY) return `default.${family}`;
    const group = new elasticache.ParameterGroup(
        `${name}-parameters`,
        {
            family,
            description: `Engine parameters of ${name} (eviction policy ${evictionPolicy})`,
            parameters: [{ name: "maxmemory-policy", value: evictionPolicy }],
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
    readonly authToken: random.RandomPassword;
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
    const { highAvailability } = settings;
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
            numCacheClusters: highAvailability ? 2 : 1,
            automaticFailoverEnabled: highAvailability,
            multiAzEnabled: highAvailability,
            subnetGroupName: parts.subnetGroup.name,
            securityGroupIds: [parts.securityGroup.id],
            atRestEncryptionEnabled: atRestEncryption,
            kmsKeyId: atRestEncryption ? parts.key.arn : undefined,
            transitEncryptionEnabled: transitEncryption,
            transitEncryptionMode: transitEncryption ? "required" : undefined,
            // An auth token needs TLS; without TLS the cache is reachable only from the node subnets.
            authToken: transitEncryption ? pulumi.secret(parts.authToken.result) : undefined,
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
