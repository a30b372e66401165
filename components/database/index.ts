import * as pulumi from "@pulumi/pulumi";
import { PostgresVersion, catalog } from "../shared/catalog";
import { DEFAULT_POSTGRES_VERSION } from "../shared/facts/engines";
import type { PostgresExtension } from "./extensions";
import { PlatformContext, SizeProfile, CapabilityComponent } from "../shared/context";
import { NetworkOutputs } from "../network";

/** AWS-only tuning of the database (RDS for PostgreSQL). Security opt-outs are visible to the policy pack. */
export interface AwsDatabaseOptions {
    /**
     * RDS instance class, overriding the size profile.
     * @default the size profile's class (catalog.database)
     */
    instanceClass?: string;
    /**
     * Encrypt storage with the component's customer-managed KMS key. Turning this off is a security opt-out.
     * @default true
     */
    storageEncrypted?: boolean;
    /**
     * Force TLS for every connection (`rds.force_ssl = 1`). Turning this off is a security opt-out.
     * @default true
     */
    forceSsl?: boolean;
    /**
     * Enable CloudWatch Database Insights on Performance Insights data encrypted with the component's KMS key:
     * Advanced mode in prod, Standard elsewhere (Performance Insights itself reached end of life on 2026-07-31).
     * @default true
     */
    performanceInsights?: boolean;
    /**
     * Replicate automated backups (and their point-in-time recovery window) to a second region, encrypted
     * with a customer-managed key there: the AWS counterpart of Azure's geo-redundant backup. Needs
     * storageEncrypted and backups (backupRetentionDays >= 1). Turning it off is a backup opt-out.
     * @default the value of highAvailability (when storage is encrypted)
     */
    crossRegionBackup?: boolean;
    /**
     * Region that receives the replicated backups.
     * @default the region's pair in catalog.awsBackupRegionPairs
     */
    backupRegion?: string;
}

/** Azure-only tuning of the database (Azure Database for PostgreSQL flexible server). */
export interface AzureDatabaseOptions {
    /**
     * Flexible server SKU name, overriding the size profile (e.g. `Standard_D4ds_v5`); the tier follows
     * from the name.
     * @default the size profile's SKU (catalog.database)
     */
    skuName?: string;
    /**
     * Geo-redundant backups (to the paired region).
     * @default the value of highAvailability
     */
    geoRedundantBackup?: boolean;
    /**
     * Require TLS for every connection (`require_secure_transport = ON`). Turning this off is a security
     * opt-out.
     * @default true
     */
    requireSecureTransport?: boolean;
}

/**
 * Where a restored database comes from. Exactly one of the two. Restoring happens when the server is
 * created: set it on a new stack (or one whose database is being replaced); once the server exists, the
 * field is ignored by updates (changing it never replaces a running server).
 */
export interface DatabaseRestore {
    /**
     * RDS only: the DB snapshot (identifier, `rds:` automated snapshot, or ARN in the stack's region) to
     * create the instance from (`snapshotIdentifier`). Azure's flexible server has no snapshot restore.
     * @default none
     */
    fromSnapshot?: string;
    /**
     * Restore the source server's automated backups as of `time` (RFC 3339 UTC, inside the backup window):
     * RDS `restoreToPointInTime`; Azure `createMode: "PointInTimeRestore"`. `source` is an RDS instance
     * identifier or automated-backups ARN on AWS, a flexible server resource id on Azure.
     * @default none
     */
    pointInTime?: { source?: string; time?: string };
}

/** Neutral arguments of the Database capability (PostgreSQL). */
export interface DatabaseArgs {
    /** The stack's context: cloud, environment, tags, placement, protection. */
    readonly context: PlatformContext;
    /** The network the database is placed in (data subnets) and admits clients from (node subnets). */
    readonly network: NetworkOutputs;
    /**
     * Size profile, mapped to an instance class / SKU per cloud.
     * @default "small"
     */
    readonly size?: SizeProfile;
    /**
     * Allocated storage in GiB. Storage grows automatically beyond it (up to maxStorageGiB on AWS;
     * auto-grow on Azure).
     * @default the size profile's storage (32, 128 or 512 GiB)
     */
    readonly storageGiB?: number;
    /**
     * Upper bound for storage autoscaling on AWS, in GiB.
     * @default 4 × storageGiB
     */
    readonly maxStorageGiB?: number;
    /**
     * PostgreSQL major version.
     * @default "18", the newest in standard support on both clouds (facts/engines.ts)
     */
    readonly engineVersion?: PostgresVersion;
    /**
     * Name of the application database created on the server.
     * @default "app"
     */
    readonly databaseName?: string;
    /**
     * Administrator user name. The password is generated with `@pulumi/random` and is always secret.
     * @default "platform_admin"
     */
    readonly username?: string;
    /**
     * Run a synchronous standby in another zone (RDS Multi-AZ; Azure zone-redundant HA).
     * Needs a non-burstable size.
     * @default false
     */
    readonly highAvailability?: boolean;
    /**
     * Days of automated backups (point-in-time recovery window).
     * @default 7
     */
    readonly backupRetentionDays?: number;
    /**
     * Turn on the cloud's deletion protection and take a final snapshot on deletion.
     * @default context.protect
     */
    readonly deletionProtection?: boolean;
    /**
     * Retention of the database's log group, in days.
     * @default 30
     */
    readonly logRetentionDays?: number;
    /**
     * Create the server from a snapshot or a point in time instead of empty.
     * @default none: an empty server
     */
    readonly restore?: DatabaseRestore;
    /**
     * Read replicas of the server in the same region (RDS read replicas; Azure flexible server replicas),
     * which `DATABASE_READ_URL` spreads services over. Needs a non-burstable size on Azure.
     * @default 1 in prod, 0 elsewhere
     */
    readonly readReplicas?: number;
    /**
     * Connection pooling in front of the server: RDS Proxy on AWS, the flexible server's built-in PgBouncer
     * (port 6432) on Azure. `DATABASE_URL` then goes through the pooler. Needs a non-burstable size on Azure.
     * @default true in prod, false elsewhere
     */
    readonly pooling?: boolean;
    /**
     * Extensions allowed on the server (Azure's `azure.extensions`) and created by the role bootstrap Job.
     * @default [] (none)
     */
    readonly extensions?: readonly PostgresExtension[];
    /**
     * The login roles the platform's clients use (one per service that binds the database,
     * components/database/roles.ts). Each gets a generated password (secret); with pooling on AWS, also a
     * Secrets Manager secret the proxy authenticates it with. The roles themselves are created in the
     * database by the bootstrap Job (components/workloads/database).
     * @default [] (none)
     */
    readonly clientRoles?: readonly string[];
    /**
     * Passwordless logins for the client roles: each service logs in with a short-lived token of its own cloud
     * identity (RDS IAM database authentication, through RDS Proxy's end-to-end IAM when pooling; Microsoft Entra
     * on Azure) instead of a password. No login password is generated, stored or handed out; the roles, schemas
     * and grants are the same either way (components/database/roles.ts). Turning it off is a security opt-out.
     * @default true
     */
    readonly passwordless?: boolean;
    /** AWS-only tuning. */
    readonly aws?: AwsDatabaseOptions;
    /** Azure-only tuning. */
    readonly azure?: AzureDatabaseOptions;
}

/** Where clients connect for reads and writes, and the CA bundle that verifies that endpoint's certificate. */
export interface ClientEndpoint {
    readonly host: string;
    readonly port: number;
    readonly tlsCaBundleUrl: string;
    /**
     * Whether the endpoint presents a certificate of its own rather than the server's (RDS Proxy's comes from
     * ACM, so clients also trust the roots ACM chains to: components/database/ca.ts awsProxyCa).
     */
    readonly ownCertificate: boolean;
}

/** How the client login roles authenticate: a password, or a token of the service's cloud identity. */
export type ClientAuthentication = "password" | "aws-iam" | "entra";

/**
 * AWS with IAM authentication: the `rds-db:connect` resource prefixes
 * (`arn:<partition>:rds-db:<region>:<account>:dbuser:<resource id>`, to which `/<user>` is appended) of the
 * endpoints clients connect to (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html).
 */
export interface IamConnectPrefixes {
    /** The client endpoint's: RDS Proxy's (`prx-…`) when pooling, the instance's (`db-…`) otherwise. */
    readonly client: string;
    /** Each read replica's, in the order of `readHosts`. */
    readonly replicas: string[];
}

/** iamConnectPrefixes when services do not connect with RDS IAM: no endpoint, no replica. */
export const NO_IAM_CONNECT_PREFIXES: IamConnectPrefixes = { client: "", replicas: [] };

/** The outputs every Database has, on every cloud. */
export interface DatabaseOutputs {
    /** Private DNS name of the server. */
    readonly host: pulumi.Output<string>;
    /** TCP port. */
    readonly port: pulumi.Output<number>;
    /** Name of the application database. */
    readonly databaseName: pulumi.Output<string>;
    /** Administrator user name. */
    readonly username: pulumi.Output<string>;
    /** Administrator password (secret). */
    readonly password: pulumi.Output<string>;
    /** `postgresql://user:password@host:port/db?sslmode=verify-full` (secret). */
    readonly connectionString: pulumi.Output<string>;
    /** Where clients fetch the CA bundle that verifies the server's TLS certificate. */
    readonly tlsCaBundleUrl: pulumi.Output<string>;
    /** PostgreSQL major version. */
    readonly engineVersion: pulumi.Output<string>;
    /** Cloud resource id of the server (ARN / Azure resource id). */
    readonly resourceId: pulumi.Output<string>;
    /** Cloud resource name of the server (RDS identifier / Azure server name), used by monitoring. */
    readonly resourceName: pulumi.Output<string>;
    /** Days of automated backups in force. */
    readonly backupRetentionDays: pulumi.Output<number>;
    /** Whether a zone-redundant standby runs. */
    readonly highAvailability: pulumi.Output<boolean>;
    /**
     * Where clients connect for reads and writes: the pooler (RDS Proxy endpoint / the server on 6432) when
     * pooling is on, otherwise the server itself.
     */
    readonly clientEndpoint: pulumi.Output<ClientEndpoint>;
    /** The read replicas' private DNS names, in order (empty without replicas). */
    readonly readHosts: pulumi.Output<string[]>;
    /** The extensions allowed on the server, which the bootstrap Job creates. */
    readonly extensions: pulumi.Output<string[]>;
    /** The client login roles and their generated passwords (secret); empty when logins are passwordless. */
    readonly clientLogins: pulumi.Output<Record<string, string>>;
    /** How the client login roles authenticate (known from the arguments, so wiring can branch on it). */
    readonly clientAuthentication: ClientAuthentication;
    /**
     * With `aws-iam`: what a service's IAM policy names to connect. Otherwise (password logins, or Entra on Azure)
     * NO_IAM_CONNECT_PREFIXES, so that the output is there on every cloud (the same outputs everywhere).
     */
    readonly iamConnectPrefixes: pulumi.Output<IamConnectPrefixes>;
    /** Security controls turned off through the override bag (e.g. `aws.storageEncrypted`). */
    readonly securityOptOuts: pulumi.Output<string[]>;
}

/** The neutral settings with their defaults applied, in one place for every cloud. */
export function databaseSettings(args: DatabaseArgs) {
    const size = args.size ?? "small";
    const storageGiB = args.storageGiB ?? catalog.database[size].storageGiB;
    return {
        size,
        storageGiB,
        maxStorageGiB: args.maxStorageGiB ?? storageGiB * 4,
        engineVersion: args.engineVersion ?? DEFAULT_POSTGRES_VERSION,
        databaseName: args.databaseName ?? "app",
        username: args.username ?? "platform_admin",
        highAvailability: args.highAvailability ?? false,
        backupRetentionDays: args.backupRetentionDays ?? 7,
        deletionProtection: args.deletionProtection ?? args.context.protect,
        logRetentionDays: args.logRetentionDays ?? 30,
        readReplicas: args.readReplicas ?? (args.context.environment === "prod" ? 1 : 0),
        pooling: args.pooling ?? args.context.environment === "prod",
        extensions: [...new Set(args.extensions ?? [])],
        clientRoles: [...new Set(args.clientRoles ?? [])],
        passwordless: args.passwordless ?? true,
    };
}

export type DatabaseImplementation = (name: string, args: DatabaseArgs, parent: pulumi.Resource) => DatabaseOutputs;

/**
 * Builds the neutral connection string, `sslmode=verify-full` always; the result is secret. With `sslRootCert`
 * (the CA file a pod has mounted) the URL names it (`sslrootcert`, which libpq, node-postgres' connection string
 * parser and pgx all read: https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNECT-SSLROOTCERT).
 * Without a password (passwordless login) the URL has none: the client adds a token as the password.
 */
export function postgresConnectionString(o: {
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    databaseName: pulumi.Input<string>;
    username: pulumi.Input<string>;
    password?: pulumi.Input<string>;
    sslRootCert?: string;
}): pulumi.Output<string> {
    const password =
        o.password === undefined ? "" : pulumi.output(o.password).apply((p) => `:${encodeURIComponent(p)}`);
    const rootCert = o.sslRootCert === undefined ? "" : `&sslrootcert=${encodeURIComponent(o.sslRootCert)}`;
    return pulumi.secret(
        pulumi.interpolate`postgresql://${o.username}${password}@${o.host}:${o.port}/${o.databaseName}?sslmode=verify-full${rootCert}`,
    );
}

/** A managed PostgreSQL server: private, encrypted, TLS-only, backed up. */
export class Database extends CapabilityComponent<DatabaseArgs, DatabaseOutputs> implements DatabaseOutputs {
    declare public readonly host: pulumi.Output<string>;
    declare public readonly port: pulumi.Output<number>;
    declare public readonly databaseName: pulumi.Output<string>;
    declare public readonly username: pulumi.Output<string>;
    declare public readonly password: pulumi.Output<string>;
    declare public readonly connectionString: pulumi.Output<string>;
    declare public readonly tlsCaBundleUrl: pulumi.Output<string>;
    declare public readonly engineVersion: pulumi.Output<string>;
    declare public readonly resourceId: pulumi.Output<string>;
    declare public readonly resourceName: pulumi.Output<string>;
    declare public readonly backupRetentionDays: pulumi.Output<number>;
    declare public readonly highAvailability: pulumi.Output<boolean>;
    declare public readonly clientEndpoint: pulumi.Output<ClientEndpoint>;
    declare public readonly readHosts: pulumi.Output<string[]>;
    declare public readonly extensions: pulumi.Output<string[]>;
    declare public readonly clientLogins: pulumi.Output<Record<string, string>>;
    declare public readonly clientAuthentication: ClientAuthentication;
    declare public readonly iamConnectPrefixes: pulumi.Output<IamConnectPrefixes>;
    declare public readonly securityOptOuts: pulumi.Output<string[]>;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "platform:database:Database",
            name,
            args,
            {
                // Loaded lazily: a stack only loads the provider SDK of its own cloud.
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                aws: () => (require("./aws") as typeof import("./aws")).createAwsDatabase,
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                azure: () => (require("./azure") as typeof import("./azure")).createAzureDatabase,
            },
            opts,
        );
    }
}
