import * as pulumi from "@pulumi/pulumi";
import type * as ec2 from "@pulumi/aws/ec2";
import type * as kms from "@pulumi/aws/kms";
import * as rds from "@pulumi/aws/rds";
import { fitName } from "../shared/names";

/** What the replicas copy from the primary. */
export interface ReplicaParts {
    readonly identifier: string;
    readonly instanceClass: string;
    readonly maxStorageGiB: number;
    readonly deletionProtection: boolean;
    readonly performanceInsights: boolean;
    readonly key: kms.Key;
    readonly subnetGroup: rds.SubnetGroup;
    readonly securityGroup: ec2.SecurityGroup;
}

/**
 * `count` same-region read replicas of `source`, in the primary's data subnets and security group, with the
 * primary's class and TLS settings. What a replica may set follows RDS CreateDBInstanceReadReplica
 * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html):
 * - `replicateSourceDb` is the source's ARN because `dbSubnetGroupName` is given ("If specifying the
 *   dbSubnetGroupName in the same region, use the arn of the source DB", @pulumi/aws 7.48.0 rds/instance.d.ts).
 * - no `kmsKeyId`: "If you create an encrypted read replica in the same AWS Region as the source DB instance
 *   ..., don't specify a value for this parameter. A read replica in the same AWS Region is always encrypted
 *   with the same KMS key as the source DB instance."
 * - no parameter group: "Amazon RDS uses the DBParameterGroup of the source DB instance for a same Region read
 *   replica", and specifying one at creation is not supported for PostgreSQL; so the replica forces TLS too.
 * - no `databaseInsightsMode` ("This setting isn't supported" for a read replica); Performance Insights with
 *   the stack's key is. No `dbName`, `username`, `password`, `engine`: "Cannot be specified for a replica".
 * - no backups ("RDS creates read replicas with backups disabled") and no final snapshot ("Must not be
 *   provided when deleting a read replica"); Multi-AZ off: the primary's standby is the failover target, a
 *   replica is read capacity.
 */
export function createReadReplicas(
    name: string,
    count: number,
    source: rds.Instance,
    parts: ReplicaParts,
    opts: pulumi.CustomResourceOptions,
): rds.Instance[] {
    return Array.from({ length: count }, (_, i) => {
        const identifier = fitName(`${parts.identifier}-replica-${i + 1}`, 63);
        return new rds.Instance(
            `${name}-replica-${i + 1}`,
            {
                identifier,
                replicateSourceDb: source.arn,
                instanceClass: parts.instanceClass,
                maxAllocatedStorage: parts.maxStorageGiB,
                storageType: "gp3",
                storageEncrypted: true,
                dbSubnetGroupName: parts.subnetGroup.name,
                vpcSecurityGroupIds: [parts.securityGroup.id],
                publiclyAccessible: false,
                caCertIdentifier: "rds-ca-rsa2048-g1",
                iamDatabaseAuthenticationEnabled: true,
                multiAz: false,
                deletionProtection: parts.deletionProtection,
                skipFinalSnapshot: true,
                deleteAutomatedBackups: !parts.deletionProtection,
                ...(parts.performanceInsights
                    ? { performanceInsightsEnabled: true, performanceInsightsKmsKeyId: parts.key.arn }
                    : { performanceInsightsEnabled: false }),
                enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
                copyTagsToSnapshot: true,
                autoMinorVersionUpgrade: true,
                applyImmediately: false,
            },
            // A fixed identifier: a replacement must delete the old replica first, or the create fails with
            // DBInstanceAlreadyExists (as the primary does, components/database/aws.ts).
            { ...opts, dependsOn: [source], deleteBeforeReplace: true },
        );
    });
}
