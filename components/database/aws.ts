import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as rds from "@pulumi/aws/rds";
import * as random from "@pulumi/random";
import { Provider } from "@pulumi/aws/provider";
import { awsBackupRegionPairs, catalog } from "../shared/catalog";
import { DATABASE_INSIGHTS } from "../shared/facts/engines";
import { customerManagedKey, dataStoreSecurityGroup, logsKey } from "../shared/aws";
import { Environment, awsPlacement, statefulOptions } from "../shared/context";
import { fitName } from "../shared/names";
import { securityOptOuts } from "../shared/security";
import { DatabaseArgs, DatabaseOutputs, databaseSettings, postgresConnectionString } from ".";

const PORT = 5432;

/**
 * CloudWatch Database Insights (Performance Insights reached end of life on 2026-07-31; see
 * facts/engines.ts): Advanced mode in prod (execution plans, lock analysis; needs 465 days of Performance
 * Insights retention), Standard mode (7 days, no charge) elsewhere. The data is encrypted with the
 * database's customer-managed key either way. Off entirely when the override bag turns it off.
 */
function databaseInsights(enabled: boolean, environment: Environment, keyArn: pulumi.Input<string>) {
    if (!enabled) return { performanceInsightsEnabled: false };
    const { mode, retentionDays } = environment === "prod" ? DATABASE_INSIGHTS.advanced : DATABASE_INSIGHTS.standard;
    return {
        databaseInsightsMode: mode,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: keyArn,
        performanceInsightsRetentionPeriod: retentionDays,
    };
}

/**
 * RDS for PostgreSQL: storage encrypted with a customer-managed KMS key, TLS forced by a parameter
 * group, private subnets only, a security group that admits only the cluster's node subnets, automated
 * backups, CloudWatch Database Insights and log exports; Multi-AZ with high availability; deletion protection
 * and a final snapshot when protected.
 */
export function createAwsDatabase(name: string, args: DatabaseArgs, parent: pulumi.Resource): DatabaseOutputs {
    const { region } = awsPlacement(args.context);
    const aws = args.aws ?? {};
    const {
        size,
        storageGiB,
        maxStorageGiB,
        engineVersion,
        databaseName,
        username,
        highAvailability,
        backupRetentionDays,
        deletionProtection,
        logRetentionDays,
    } = databaseSettings(args);
    const storageEncrypted = aws.storageEncrypted ?? true;
    const forceSsl = aws.forceSsl ?? true;
    const performanceInsights = aws.performanceInsights ?? true;
    // Config rejects an explicit crossRegionBackup without encryption; by default it follows both.
    const crossRegionBackup = (aws.crossRegionBackup ?? highAvailability) && storageEncrypted;
    const opts = { parent };
    const stateful = { parent, ...statefulOptions(args.context) };

    const key = customerManagedKey(name, `Encrypts the ${name} PostgreSQL storage and Performance Insights`, stateful);

    const subnetGroup = new rds.SubnetGroup(
        `${name}-subnets`,
        { subnetIds: args.network.dataSubnetIds, description: `Data subnets of ${name}` },
        opts,
    );

    const securityGroup = dataStoreSecurityGroup(name, args.network, PORT, "PostgreSQL", opts);

    const parameterGroup = new rds.ParameterGroup(
        `${name}-params`,
        {
            family: `postgres${engineVersion}`,
            description: `TLS-only PostgreSQL ${engineVersion} for ${name}`,
            parameters: [
                { name: "rds.force_ssl", value: forceSsl ? "1" : "0" },
                { name: "ssl_min_protocol_version", value: "TLSv1.2" },
                { name: "log_connections", value: "1" },
                { name: "log_disconnections", value: "1" },
                { name: "log_min_duration_statement", value: "1000" },
            ],
        },
        opts,
    );

    const password = new random.RandomPassword(
        `${name}-password`,
        // RDS forbids "/", "@", '"' and spaces in master passwords.
        { length: 32, special: true, overrideSpecial: "!#$%^&*()-_=+[]{}<>:?" },
        opts,
    );

    // The instance exports its logs to this group; created first so it has a retention and is owned here.
    // Fixed physical names (the log group names must be known before the instance exists), so both the
    // instance and its log groups are deleted before they are replaced. RDS identifiers have at most 63
    // characters: the component name is kept while it fits.
    const identifier = fitName(name, 63);
    const logs = logsKey(
        name,
        { region: awsPlacement(args.context).region, logGroupNames: [`/aws/rds/instance/${identifier}/*`] },
        stateful,
    );
    const logGroups = ["postgresql", "upgrade"].map(
        (log) =>
            new cloudwatch.LogGroup(
                `${name}-${log === "postgresql" ? "logs" : `${log}-logs`}`,
                {
                    name: `/aws/rds/instance/${identifier}/${log}`,
                    retentionInDays: logRetentionDays,
                    kmsKeyId: logs.arn,
                },
                { ...opts, deleteBeforeReplace: true },
            ),
    );

    const instance = new rds.Instance(
        `${name}-instance`,
        {
            identifier,
            engine: "postgres",
            engineVersion,
            instanceClass: aws.instanceClass ?? catalog.database[size].aws,
            allocatedStorage: storageGiB,
            maxAllocatedStorage: maxStorageGiB,
            storageType: "gp3",
            storageEncrypted,
            kmsKeyId: storageEncrypted ? key.arn : undefined,
            dbName: databaseName,
            username,
            password: pulumi.secret(password.result),
            port: PORT,
            dbSubnetGroupName: subnetGroup.name,
            vpcSecurityGroupIds: [securityGroup.id],
            publiclyAccessible: false,
            parameterGroupName: parameterGroup.name,
            caCertIdentifier: "rds-ca-rsa2048-g1",
            iamDatabaseAuthenticationEnabled: true,
            multiAz: highAvailability,
            backupRetentionPeriod: backupRetentionDays,
            backupWindow: "02:00-03:00",
            maintenanceWindow: "sun:03:30-sun:04:30",
            copyTagsToSnapshot: true,
            deleteAutomatedBackups: !deletionProtection,
            deletionProtection,
            skipFinalSnapshot: !deletionProtection,
            finalSnapshotIdentifier: deletionProtection ? `${identifier}-final` : undefined,
            ...databaseInsights(performanceInsights, args.context.environment, key.arn),
            enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
            autoMinorVersionUpgrade: true,
            applyImmediately: false,
        },
        { ...stateful, dependsOn: logGroups, deleteBeforeReplace: true },
    );

    if (crossRegionBackup) {
        // Backups replicated to a second region, encrypted there with a key of that region.
        const backupRegion = aws.backupRegion ?? awsBackupRegionPairs[region];
        const backupProvider = new Provider(
            `${name}-backup-region`,
            { region: backupRegion, defaultTags: { tags: args.context.tags } },
            opts,
        );
        const backupKey = customerManagedKey(
            `${name}-backup`,
            `Encrypts ${name}'s replicated backups in ${backupRegion}`,
            {
                ...stateful,
                provider: backupProvider,
            },
        );
        new rds.InstanceAutomatedBackupsReplication(
            `${name}-backup-replication`,
            { sourceDbInstanceArn: instance.arn, kmsKeyId: backupKey.arn, retentionPeriod: backupRetentionDays },
            { ...stateful, provider: backupProvider },
        );
    }

    const outputs = {
        host: instance.address,
        port: pulumi.output(PORT),
        databaseName: pulumi.output(databaseName),
        username: pulumi.output(username),
        password: pulumi.secret(password.result),
    };
    return {
        ...outputs,
        connectionString: postgresConnectionString(outputs),
        tlsCaBundleUrl: pulumi.output(`https://truststore.pki.rds.amazonaws.com/${region}/${region}-bundle.pem`),
        engineVersion: pulumi.output(engineVersion),
        resourceId: instance.arn,
        resourceName: instance.identifier,
        backupRetentionDays: pulumi.output(backupRetentionDays),
        highAvailability: pulumi.output(highAvailability),
        securityOptOuts: pulumi.output(
            securityOptOuts("aws", aws, ["storageEncrypted", "forceSsl", "crossRegionBackup"]),
        ),
    };
}
