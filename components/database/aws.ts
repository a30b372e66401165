import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import type * as ec2 from "@pulumi/aws/ec2";
import type * as kms from "@pulumi/aws/kms";
import * as rds from "@pulumi/aws/rds";
import * as random from "@pulumi/random";
import { Provider } from "@pulumi/aws/provider";
import { awsBackupRegionPairs, catalog } from "../shared/catalog";
import { DATABASE_INSIGHTS } from "../shared/facts/engines";
import { customerManagedKey, dataStoreSecurityGroup, logsKey } from "../shared/aws";
import { Environment, awsPlacement, statefulOptions } from "../shared/context";
import { fitName } from "../shared/names";
import { securityOptOuts } from "../shared/security";
import { iamConnectPrefixes } from "./aws-iam";
import { createProxy } from "./aws-proxy";
import { createReadReplicas } from "./aws-replicas";
import { clientLoginPasswords, clientLoginsOutput } from "./roles";
import {
    AwsDatabaseOptions,
    DatabaseArgs,
    DatabaseRestore,
    DatabaseOutputs,
    NO_IAM_CONNECT_PREFIXES,
    databaseSettings,
    postgresConnectionString,
} from ".";

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
    const settings = databaseSettings(args);
    const aws = awsOptions(args.aws ?? {}, settings.highAvailability);
    const opts = { parent };
    const stateful = { parent, ...statefulOptions(args.context) };

    const key = customerManagedKey(name, `Encrypts the ${name} PostgreSQL storage and Performance Insights`, stateful);
    const subnetGroup = new rds.SubnetGroup(
        `${name}-subnets`,
        { subnetIds: args.network.dataSubnetIds, description: `Data subnets of ${name}` },
        opts,
    );
    const securityGroup = dataStoreSecurityGroup(name, args.network, PORT, "PostgreSQL", opts);
    const parameterGroup = tlsParameterGroup(name, settings.engineVersion, aws.forceSsl, opts);
    const password = masterPassword(name, opts);
    // RDS identifiers have at most 63 characters: the component name is kept while it fits.
    const identifier = fitName(name, 63);
    const logGroups = instanceLogGroups(
        name,
        identifier,
        { region, retentionInDays: settings.logRetentionDays },
        stateful,
    );
    const instance = postgresInstance(
        name,
        { identifier, settings, aws, key, subnetGroup, securityGroup, parameterGroup, password, logGroups },
        args,
        stateful,
    );
    if (aws.crossRegionBackup) {
        replicateBackups(name, instance, aws.backupRegion ?? awsBackupRegionPairs[region], settings, args, stateful);
    }
    const instanceClass = aws.instanceClass ?? catalog.database[settings.size].aws;
    const replicas = createReadReplicas(
        name,
        settings.readReplicas,
        instance,
        {
            identifier,
            instanceClass,
            maxStorageGiB: settings.maxStorageGiB,
            deletionProtection: settings.deletionProtection,
            performanceInsights: aws.performanceInsights,
            key,
            subnetGroup,
            securityGroup,
        },
        stateful,
    );
    // Passwordless logins have no password at all (RDS IAM tokens instead).
    const logins = settings.passwordless ? {} : clientLoginPasswords(name, settings.clientRoles, opts);
    // Nothing to pool without a client role: the proxy authenticates only the roles it has secrets for.
    const proxy =
        settings.pooling && settings.clientRoles.length > 0
            ? createProxy(
                  name,
                  {
                      instance,
                      key,
                      region,
                      network: args.network,
                      databaseSecurityGroup: securityGroup,
                      logins,
                      clientRoles: settings.clientRoles,
                      passwordless: settings.passwordless,
                  },
                  opts,
              )
            : undefined;
    return databaseOutputs(instance, password, region, settings, args, { replicas, logins, proxy });
}

/** What was built around the instance: replicas, client logins, the proxy. */
interface AroundInstance {
    readonly replicas: rds.Instance[];
    readonly logins: Record<string, random.RandomPassword>;
    readonly proxy?: rds.Proxy;
}

/**
 * RDS Proxy presents a certificate from AWS Certificate Manager, not the RDS CA: clients verifying it
 * (`sslmode=verify-full`) trust the Amazon root CAs ACM chains to ("RDS Proxy uses certificates from the AWS
 * Certificate Manager (ACM). If you are using RDS Proxy, you don't need to download Amazon RDS certificates",
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html).
 */
const AMAZON_ROOT_CA_URL = "https://www.amazontrust.com/repository/AmazonRootCA1.pem";

type Settings = ReturnType<typeof databaseSettings>;
type AwsSettings = ReturnType<typeof awsOptions>;

/** The AWS override bag with its secure defaults applied. */
function awsOptions(aws: AwsDatabaseOptions, highAvailability: boolean) {
    const storageEncrypted = aws.storageEncrypted ?? true;
    return {
        instanceClass: aws.instanceClass,
        backupRegion: aws.backupRegion,
        storageEncrypted,
        forceSsl: aws.forceSsl ?? true,
        performanceInsights: aws.performanceInsights ?? true,
        // Config rejects an explicit crossRegionBackup without encryption; by default it follows both.
        crossRegionBackup: (aws.crossRegionBackup ?? highAvailability) && storageEncrypted,
    };
}

/** The parameter group that forces TLS 1.2+ and logs connections and slow statements. */
function tlsParameterGroup(
    name: string,
    engineVersion: string,
    forceSsl: boolean,
    opts: pulumi.CustomResourceOptions,
): rds.ParameterGroup {
    return new rds.ParameterGroup(
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
}

/** The master password, generated from the characters RDS accepts. */
function masterPassword(name: string, opts: pulumi.CustomResourceOptions): random.RandomPassword {
    return new random.RandomPassword(
        `${name}-password`,
        // RDS forbids "/", "@", '"' and spaces in master passwords.
        { length: 32, special: true, overrideSpecial: "!#$%^&*()-_=+[]{}<>:?" },
        opts,
    );
}

/**
 * The log groups the instance exports to, with their key: created first so they have a retention and are
 * owned here. Fixed physical names (the log group names must be known before the instance exists), so both
 * the instance and its log groups are deleted before they are replaced.
 */
function instanceLogGroups(
    name: string,
    identifier: string,
    logs: { region: string; retentionInDays: number },
    stateful: pulumi.CustomResourceOptions,
): cloudwatch.LogGroup[] {
    const key = logsKey(name, { region: logs.region, logGroupNames: [`/aws/rds/instance/${identifier}/*`] }, stateful);
    return ["postgresql", "upgrade"].map(
        (log) =>
            new cloudwatch.LogGroup(
                `${name}-${log === "postgresql" ? "logs" : `${log}-logs`}`,
                {
                    name: `/aws/rds/instance/${identifier}/${log}`,
                    retentionInDays: logs.retentionInDays,
                    kmsKeyId: key.arn,
                },
                { parent: stateful.parent, deleteBeforeReplace: true },
            ),
    );
}

/** What the instance is built from: its identifier, settings and the resources made for it. */
interface InstanceParts {
    readonly identifier: string;
    readonly settings: Settings;
    readonly aws: AwsSettings;
    readonly key: kms.Key;
    readonly subnetGroup: rds.SubnetGroup;
    readonly securityGroup: ec2.SecurityGroup;
    readonly parameterGroup: rds.ParameterGroup;
    readonly password: random.RandomPassword;
    readonly logGroups: cloudwatch.LogGroup[];
}

/** The private, TLS-only, encrypted PostgreSQL instance with its backups, insights and log exports. */
function postgresInstance(
    name: string,
    { identifier, settings, aws, key, subnetGroup, securityGroup, parameterGroup, password, logGroups }: InstanceParts,
    args: DatabaseArgs,
    stateful: pulumi.CustomResourceOptions,
): rds.Instance {
    const { deletionProtection, engineVersion, storageGiB, maxStorageGiB } = settings;
    return new rds.Instance(
        `${name}-instance`,
        {
            identifier,
            engine: "postgres",
            engineVersion,
            instanceClass: aws.instanceClass ?? catalog.database[settings.size].aws,
            allocatedStorage: storageGiB,
            maxAllocatedStorage: maxStorageGiB,
            storageType: "gp3",
            storageEncrypted: aws.storageEncrypted,
            // A restored instance keeps its source's key: RestoreDBInstanceFromDBSnapshot and
            // RestoreDBInstanceToPointInTime take no KmsKeyId (only the cluster restores do), and ModifyDBInstance
            // cannot change it (hashicorp/terraform-provider-aws#15390). Naming this stack's key would make the
            // next up replace — with deleteBeforeReplace, first delete — the restored database.
            kmsKeyId: aws.storageEncrypted && !args.restore ? key.arn : undefined,
            dbName: settings.databaseName,
            username: settings.username,
            password: pulumi.secret(password.result),
            port: PORT,
            dbSubnetGroupName: subnetGroup.name,
            vpcSecurityGroupIds: [securityGroup.id],
            publiclyAccessible: false,
            parameterGroupName: parameterGroup.name,
            caCertIdentifier: "rds-ca-rsa2048-g1",
            iamDatabaseAuthenticationEnabled: true,
            multiAz: settings.highAvailability,
            backupRetentionPeriod: settings.backupRetentionDays,
            backupWindow: "02:00-03:00",
            maintenanceWindow: "sun:03:30-sun:04:30",
            copyTagsToSnapshot: true,
            deleteAutomatedBackups: !deletionProtection,
            deletionProtection,
            skipFinalSnapshot: !deletionProtection,
            finalSnapshotIdentifier: deletionProtection ? `${identifier}-final` : undefined,
            ...databaseInsights(aws.performanceInsights, args.context.environment, key.arn),
            enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
            autoMinorVersionUpgrade: true,
            applyImmediately: false,
            ...restoreInputs(args.restore),
        },
        { ...stateful, dependsOn: logGroups, deleteBeforeReplace: true, ...restoreOptions(args.restore) },
    );
}

/**
 * Where the instance is created from: a DB snapshot (`snapshotIdentifier`) or a point in time of another
 * instance's automated backups (`restoreToPointInTime` with `sourceDbInstanceIdentifier`, or
 * `sourceDbInstanceAutomatedBackupsArn` for retained/replicated backups, and `restoreTime` in UTC).
 * Source: @pulumi/aws 7.48.0 rds/instance.d.ts (`snapshotIdentifier`, `restoreToPointInTime`, which "requires
 * the identifier argument to be set") and types/input.d.ts `InstanceRestoreToPointInTime`. Config has
 * checked the source's form and that the time is inside the backup window (components/database/config.ts).
 */
function restoreInputs(restore: DatabaseRestore | undefined): Partial<rds.InstanceArgs> {
    if (restore?.fromSnapshot !== undefined) return { snapshotIdentifier: restore.fromSnapshot };
    const pointInTime = restore?.pointInTime;
    if (pointInTime?.source === undefined) return {};
    const byArn = pointInTime.source.startsWith("arn:");
    return {
        restoreToPointInTime: {
            ...(byArn
                ? { sourceDbInstanceAutomatedBackupsArn: pointInTime.source }
                : { sourceDbInstanceIdentifier: pointInTime.source }),
            restoreTime: pointInTime.time,
        },
    };
}

/**
 * A restore is how the instance is created, not a setting of the running one: the provider creates a new
 * instance when either changes (they are create-time inputs), so once restored, edits to them are ignored (a later edit must never delete the
 * restored database). Without a restore the options are unchanged.
 */
function restoreOptions(restore: DatabaseRestore | undefined): pulumi.CustomResourceOptions {
    return restore === undefined ? {} : { ignoreChanges: ["snapshotIdentifier", "restoreToPointInTime"] };
}

/** Automated backups replicated to a second region, encrypted there with a key of that region. */
function replicateBackups(
    name: string,
    instance: rds.Instance,
    backupRegion: string,
    settings: Settings,
    args: DatabaseArgs,
    stateful: pulumi.CustomResourceOptions,
): void {
    const backupProvider = new Provider(
        `${name}-backup-region`,
        { region: backupRegion, defaultTags: { tags: args.context.tags } },
        { parent: stateful.parent },
    );
    const backupKey = customerManagedKey(`${name}-backup`, `Encrypts ${name}'s replicated backups in ${backupRegion}`, {
        ...stateful,
        provider: backupProvider,
    });
    new rds.InstanceAutomatedBackupsReplication(
        `${name}-backup-replication`,
        { sourceDbInstanceArn: instance.arn, kmsKeyId: backupKey.arn, retentionPeriod: settings.backupRetentionDays },
        { ...stateful, provider: backupProvider },
    );
}

/** The neutral outputs: connection details (password and connection string secret) and what policy checks. */
function databaseOutputs(
    instance: rds.Instance,
    password: random.RandomPassword,
    region: string,
    settings: Settings,
    args: DatabaseArgs,
    around: AroundInstance,
): DatabaseOutputs {
    const { databaseName, username, engineVersion, backupRetentionDays, highAvailability } = settings;
    const serverCa = `https://truststore.pki.rds.amazonaws.com/${region}/${region}-bundle.pem`;
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
        tlsCaBundleUrl: pulumi.output(serverCa),
        clientEndpoint: around.proxy
            ? around.proxy.endpoint.apply((host) => ({
                  host,
                  port: PORT,
                  tlsCaBundleUrl: AMAZON_ROOT_CA_URL,
                  ownCertificate: true,
              }))
            : instance.address.apply((host) => ({ host, port: PORT, tlsCaBundleUrl: serverCa, ownCertificate: false })),
        readHosts: pulumi.all(around.replicas.map((r) => r.address)),
        extensions: pulumi.output(settings.extensions),
        clientLogins: clientLoginsOutput(around.logins),
        clientAuthentication: settings.passwordless ? "aws-iam" : "password",
        iamConnectPrefixes: settings.passwordless
            ? iamConnectPrefixes(instance, around.replicas, around.proxy)
            : pulumi.output(NO_IAM_CONNECT_PREFIXES),
        engineVersion: pulumi.output(engineVersion),
        resourceId: instance.arn,
        resourceName: instance.identifier,
        backupRetentionDays: pulumi.output(backupRetentionDays),
        highAvailability: pulumi.output(highAvailability),
        securityOptOuts: pulumi.output([
            ...securityOptOuts("aws", args.aws ?? {}, ["storageEncrypted", "forceSsl", "crossRegionBackup"]),
            ...(settings.passwordless ? [] : ["passwordless"]),
        ]),
    };
}
