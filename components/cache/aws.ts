import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as elasticache from "@pulumi/aws/elasticache";
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
    const { size, highAvailability, backupRetentionDays, logRetentionDays } = cacheSettings(args);
    const atRestEncryption = aws.atRestEncryption ?? true;
    const transitEncryption = aws.transitEncryption ?? true;
    const engine = aws.engine ?? "valkey";
    const opts = { parent };
    const stateful = { parent, ...statefulOptions(args.context) };

    const key = customerManagedKey(name, `Encrypts the ${name} cache at rest`, stateful);
    const subnetGroup = new elasticache.SubnetGroup(
        `${name}-subnets`,
        { subnetIds: args.network.dataSubnetIds, description: `Data subnets of ${name}` },
        opts,
    );
    const securityGroup = dataStoreSecurityGroup(name, args.network, PORT, "Redis", opts);
    // ElastiCache accepts 16-128 printable characters without "/", '"' or "@"; alphanumeric is safest.
    const authToken = new random.RandomPassword(`${name}-auth-token`, { length: 64, special: false }, opts);
    // Auto-named (`${name}-slow-log-` plus a suffix), so the logs key admits that prefix.
    const slowLogKey = logsKey(
        name,
        { region: awsPlacement(args.context).region, logGroupNames: [`${name}-slow-log-*`] },
        stateful,
    );
    const slowLog = new cloudwatch.LogGroup(
        `${name}-slow-log`,
        { retentionInDays: logRetentionDays, kmsKeyId: slowLogKey.arn },
        opts,
    );

    // ElastiCache ids have at most 40 characters. Auto-naming (`${name}-rg-` + 7 characters) is kept while it
    // fits; a longer stack gets a fixed, shortened id, and a fixed id must be deleted before it is replaced.
    const fixedId = autonameFits(`${name}-rg`, 40) ? undefined : fitName(`${name}-rg`, 40).toLowerCase();
    const group = new elasticache.ReplicationGroup(
        `${name}-rg`,
        {
            replicationGroupId: fixedId,
            description: `Redis-compatible cache ${name}`,
            engine,
            engineVersion: CACHE_ENGINES[engine].version,
            // The engine's default group, named so the family that goes with the version is explicit.
            parameterGroupName: `default.${CACHE_ENGINES[engine].parameterGroupFamily}`,
            nodeType: aws.nodeType ?? catalog.cache[size].aws,
            port: PORT,
            numCacheClusters: highAvailability ? 2 : 1,
            automaticFailoverEnabled: highAvailability,
            multiAzEnabled: highAvailability,
            subnetGroupName: subnetGroup.name,
            securityGroupIds: [securityGroup.id],
            atRestEncryptionEnabled: atRestEncryption,
            kmsKeyId: atRestEncryption ? key.arn : undefined,
            transitEncryptionEnabled: transitEncryption,
            transitEncryptionMode: transitEncryption ? "required" : undefined,
            // An auth token needs TLS; without TLS the cache is reachable only from the node subnets.
            authToken: transitEncryption ? pulumi.secret(authToken.result) : undefined,
            snapshotRetentionLimit: backupRetentionDays,
            snapshotWindow: "03:00-04:00",
            maintenanceWindow: "sun:04:30-sun:05:30",
            autoMinorVersionUpgrade: true,
            applyImmediately: false,
            logDeliveryConfigurations: [
                {
                    destination: slowLog.name,
                    destinationType: "cloudwatch-logs",
                    logFormat: "json",
                    logType: "slow-log",
                },
            ],
        },
        { ...stateful, deleteBeforeReplace: fixedId !== undefined },
    );

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
        highAvailability: pulumi.output(highAvailability),
        securityOptOuts: pulumi.output(securityOptOuts("aws", aws, ["atRestEncryption", "transitEncryption"])),
    };
}
