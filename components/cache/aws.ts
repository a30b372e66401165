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
    const group = replicationGroup(name, args, settings, { key, ...placement, authToken, slowLog }, parent);

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

/** What the replication group is built from: its key, placement, auth token and slow-log group. */
interface ReplicationGroupParts {
    readonly key: kms.Key;
    readonly subnetGroup: elasticache.SubnetGroup;
    readonly securityGroup: ec2.SecurityGroup;
    readonly authToken: random.RandomPassword;
    readonly slowLog: cloudwatch.LogGroup;
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
            // The engine's default group, named so the family that goes with the version is explicit.
            parameterGroupName: `default.${CACHE_ENGINES[engine].parameterGroupFamily}`,
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
