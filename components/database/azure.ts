import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as random from "@pulumi/random";
import { azureDatabaseTier, catalog } from "../shared/catalog";
import { privateDnsZoneId } from "../shared/azure";
import { dataStoreKey } from "../shared/azure-keys";
import { PlatformContext, azurePlacement, statefulOptions } from "../shared/context";
import { securityOptOuts } from "../shared/security";
import {
    DatabaseArgs,
    DatabaseOutputs,
    DatabaseRestore,
    NO_IAM_CONNECT_PREFIXES,
    databaseSettings,
    postgresConnectionString,
} from ".";
import { createAzureReplicas } from "./azure-replicas";
import { azureExtensionsValue } from "./extensions";
import { clientLoginPasswords, clientLoginsOutput } from "./roles";

const PORT = 5432;
/**
 * The flexible server's built-in PgBouncer listens on 6432 on the server's own host name ("PgBouncer runs on
 * port 6432 on the database server", https://learn.microsoft.com/azure/postgresql/connectivity/concepts-pgbouncer;
 * turned on with the server parameter `pgbouncer.enabled` = true, no restart; "supported on General Purpose
 * and Memory Optimized compute tiers", so config rejects pooling on Burstable).
 */
const PGBOUNCER_PORT = 6432;

/**
 * The root the flexible server's TLS certificate chains to (DigiCert Global Root G2, alongside Microsoft
 * RSA Root CA 2017), as Azure documents for `sslmode=verify-full`.
 */
const TLS_CA_BUNDLE_URL = "https://cacerts.digicert.com/DigiCertGlobalRootG2.crt.pem";

/**
 * Azure Database for PostgreSQL flexible server: VNet-integrated in the delegated data subnet with public
 * network access disabled and its name in the stack's private DNS zone; TLS 1.2+ required
 * (`require_secure_transport`); storage encrypted at rest with the stack's customer-managed key (and the
 * paired region's for geo-redundant backups) on Premium SSD with auto-grow; automated backups with the configured retention, geo-redundant when highly
 * available; zone-redundant high availability; Microsoft Entra and password authentication; connection
 * logging. With deletion protection, a CanNotDelete management lock guards the server (Azure's equivalent
 * of RDS deletion protection).
 */
export function createAzureDatabase(name: string, args: DatabaseArgs, parent: pulumi.Resource): DatabaseOutputs {
    const { context } = args;
    const azure = args.azure ?? {};
    const settings = databaseSettings(args);
    const geoRedundantBackup = azure.geoRedundantBackup ?? settings.highAvailability;
    const stateful = { parent, ...statefulOptions(context) };

    const password = administratorPassword(name, { parent });
    const encryption = serverEncryption(name, context, geoRedundantBackup, stateful);
    const server = flexibleServer(name, { settings, geoRedundantBackup, password, encryption }, args, stateful);
    const lastParameter = serverParameters(name, server, serverParameterValues(settings, azure), context, parent);
    const database = new dbforpostgresql.Database(
        `${name}-database`,
        {
            resourceGroupName: azurePlacement(context).resourceGroupName,
            serverName: server.name,
            databaseName: settings.databaseName,
            charset: "UTF8",
            collation: "en_US.utf8",
        },
        { parent, dependsOn: [lastParameter] },
    );
    if (settings.deletionProtection) {
        deletionLock(name, server, database, parent);
    }
    const skuName = azure.skuName ?? catalog.database[settings.size].azure;
    const replicas = createAzureReplicas(
        name,
        settings.readReplicas,
        server,
        {
            skuName,
            storageGiB: settings.storageGiB,
            deletionProtection: settings.deletionProtection,
            encryption: {
                identity: encryption.identity,
                primaryKeyURI: encryption.dataEncryption.primaryKeyURI,
                primaryUserAssignedIdentityId: encryption.dataEncryption.primaryUserAssignedIdentityId,
            },
        },
        args,
        { ...stateful, dependsOn: [lastParameter] },
    );
    // Passwordless logins are Microsoft Entra principals (the services' managed identities): no password at all.
    const logins = settings.passwordless ? {} : clientLoginPasswords(name, settings.clientRoles, { parent });
    return databaseOutputs(server, database, password, settings, args, {
        readHosts: pulumi.all(replicas.map((r) => r.fullyQualifiedDomainName)),
        clientLogins: clientLoginsOutput(logins),
        clientAuthentication: settings.passwordless ? "entra" : "password",
        iamConnectPrefixes: pulumi.output(NO_IAM_CONNECT_PREFIXES),
    });
}

/**
 * The server parameters this program sets, in order: TLS 1.2+ required, connection and slow-statement
 * logging, the extension allow-list (`azure.extensions`, only when one is configured) and PgBouncer (only with
 * pooling).
 */
function serverParameterValues(settings: Settings, azure: NonNullable<DatabaseArgs["azure"]>): [string, string][] {
    return [
        ["require_secure_transport", (azure.requireSecureTransport ?? true) ? "on" : "off"],
        ["ssl_min_protocol_version", "TLSv1.2"],
        ["log_connections", "on"],
        ["log_disconnections", "on"],
        ["log_min_duration_statement", "1000"],
        ...(settings.extensions.length > 0
            ? [["azure.extensions", azureExtensionsValue(settings.extensions)] as [string, string]]
            : []),
        ...(settings.pooling ? [["pgbouncer.enabled", "true"] as [string, string]] : []),
    ];
}

type Settings = ReturnType<typeof databaseSettings>;

/** The administrator password, meeting Azure's complexity rule. */
function administratorPassword(name: string, opts: pulumi.CustomResourceOptions): random.RandomPassword {
    return new random.RandomPassword(
        `${name}-password`,
        {
            length: 32,
            special: true,
            overrideSpecial: "!#$%^&*()-_=+[]{}<>:?",
            // Azure requires three of: upper case, lower case, digits, symbols.
            minUpper: 1,
            minLower: 1,
            minNumeric: 1,
            minSpecial: 1,
        },
        opts,
    );
}

/** What the server is built from besides the component's arguments. */
interface ServerParts {
    readonly settings: Settings;
    readonly geoRedundantBackup: boolean;
    readonly password: random.RandomPassword;
    readonly encryption: ReturnType<typeof serverEncryption>;
}

/** The VNet-integrated, customer-key-encrypted flexible server with its backups and high availability. */
function flexibleServer(
    name: string,
    { settings, geoRedundantBackup, password, encryption }: ServerParts,
    args: DatabaseArgs,
    stateful: pulumi.CustomResourceOptions,
): dbforpostgresql.Server {
    const { context } = args;
    const { resourceGroupName, location, tenantId } = azurePlacement(context);
    const { backupRetentionDays, highAvailability } = settings;
    const skuName = args.azure?.skuName ?? catalog.database[settings.size].azure;
    return new dbforpostgresql.Server(
        `${name}-server`,
        {
            resourceGroupName,
            location,
            version: settings.engineVersion,
            sku: { name: skuName, tier: azureDatabaseTier(skuName) },
            administratorLogin: settings.username,
            administratorLoginPassword: pulumi.secret(password.result),
            authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Enabled", tenantId },
            identity: encryption.identity,
            dataEncryption: encryption.dataEncryption,
            // Auto-grow needs Premium SSD.
            storage: { storageSizeGB: settings.storageGiB, autoGrow: "Enabled", type: "Premium_LRS" },
            backup: { backupRetentionDays, geoRedundantBackup: geoRedundantBackup ? "Enabled" : "Disabled" },
            highAvailability: { mode: highAvailability ? "ZoneRedundant" : "Disabled" },
            network: {
                delegatedSubnetResourceId: args.network.dataSubnetIds.apply((ids) => ids[0]),
                privateDnsZoneArmResourceId: privateDnsZoneId(context, "postgres"),
                publicNetworkAccess: "Disabled",
            },
            maintenanceWindow: { customWindow: "Enabled", dayOfWeek: 0, startHour: 3, startMinute: 30 },
            tags: context.tags,
            ...restoreInputs(args.restore),
        },
        // The encryption mode is chosen at creation and can never change; Azure refuses the update, so an
        // existing server keeps running until it is restored into a new one (see serverEncryption).
        { ...stateful, dependsOn: encryption.ready, ...restoreOptions(args.restore) },
    );
}

/**
 * A server created from another flexible server's automated backups as of a point in time:
 * `createMode: "PointInTimeRestore"` with `sourceServerResourceId` and `pointInTimeUTC` ("required when
 * 'createMode' is 'PointInTimeRestore', 'GeoRestore', or 'ReviveDropped'"; @pulumi/azure-native 3.28.0
 * dbforpostgresql/server.d.ts `ServerArgs`). The restored server lands in the source's region; Azure has no
 * snapshot restore, which config rejects (components/database/config.ts).
 */
function restoreInputs(restore: DatabaseRestore | undefined): Partial<dbforpostgresql.ServerArgs> {
    const pointInTime = restore?.pointInTime;
    if (pointInTime?.source === undefined) return {};
    return {
        createMode: dbforpostgresql.CreateMode.PointInTimeRestore,
        sourceServerResourceId: pointInTime.source,
        pointInTimeUTC: pointInTime.time,
    };
}

/** Restore inputs only matter when the server is created: later edits to them are ignored. */
function restoreOptions(restore: DatabaseRestore | undefined): pulumi.CustomResourceOptions {
    return restore === undefined ? {} : { ignoreChanges: ["createMode", "sourceServerResourceId", "pointInTimeUTC"] };
}

/**
 * The server parameters that require TLS 1.2+ and log connections and slow statements, chained because
 * Azure applies one change at a time per server; returns the last, which later children wait for.
 */
function serverParameters(
    name: string,
    server: dbforpostgresql.Server,
    parameters: [string, string][],
    context: PlatformContext,
    parent: pulumi.Resource,
): pulumi.Resource {
    const { resourceGroupName } = azurePlacement(context);
    let previous: pulumi.Resource = server;
    for (const [parameter, value] of parameters) {
        previous = new dbforpostgresql.Configuration(
            `${name}-${parameter.replace(/[_.]/g, "-")}`,
            {
                resourceGroupName,
                serverName: server.name,
                configurationName: parameter,
                value,
                source: "user-override",
            },
            { parent, dependsOn: [previous] },
        );
    }
    return previous;
}

/** A CanNotDelete lock on the server: Azure's equivalent of RDS deletion protection. */
function deletionLock(
    name: string,
    server: dbforpostgresql.Server,
    database: dbforpostgresql.Database,
    parent: pulumi.Resource,
): void {
    new authorization.ManagementLockByScope(
        `${name}-lock`,
        {
            scope: server.id,
            level: "CanNotDelete",
            notes: `Deletion protection for ${name}: remove this lock (platform:deletionProtection=false) first.`,
        },
        { parent, dependsOn: [database] },
    );
}

/** The neutral outputs: connection details (password and connection string secret) and what policy checks. */
function databaseOutputs(
    server: dbforpostgresql.Server,
    database: dbforpostgresql.Database,
    password: random.RandomPassword,
    { username, engineVersion, backupRetentionDays, highAvailability, pooling, extensions }: Settings,
    args: DatabaseArgs,
    around: Pick<DatabaseOutputs, "readHosts" | "clientLogins" | "clientAuthentication" | "iamConnectPrefixes">,
): DatabaseOutputs {
    const outputs = {
        host: server.fullyQualifiedDomainName,
        port: pulumi.output(PORT),
        databaseName: database.name,
        username: pulumi.output(username),
        password: pulumi.secret(password.result),
    };
    return {
        ...outputs,
        connectionString: postgresConnectionString(outputs),
        tlsCaBundleUrl: pulumi.output(TLS_CA_BUNDLE_URL),
        // PgBouncer runs on the server and presents the server's certificate.
        clientEndpoint: server.fullyQualifiedDomainName.apply((host) => ({
            host,
            port: pooling ? PGBOUNCER_PORT : PORT,
            tlsCaBundleUrl: TLS_CA_BUNDLE_URL,
            ownCertificate: false,
        })),
        extensions: pulumi.output(extensions),
        ...around,
        engineVersion: pulumi.output(engineVersion),
        resourceId: server.id,
        resourceName: server.name,
        backupRetentionDays: pulumi.output(backupRetentionDays),
        highAvailability: pulumi.output(highAvailability),
        securityOptOuts: pulumi.output([
            ...securityOptOuts("azure", args.azure ?? {}, ["requireSecureTransport"]),
            ...(args.passwordless === false ? ["passwordless"] : []),
        ]),
    };
}

/**
 * Data encryption with customer-managed keys: the server's key in the stack's vault, and, with geo-redundant
 * backups, a second key in the paired region's vault reached by a second identity in that region ("You can't
 * use the same user-managed identity to authenticate for the primary database's Key Vault instance and the
 * Key Vault instance that holds the encryption key for geo-redundant backup"). Keys are versionless, so the
 * server follows the vault's rotations. CMK can only be chosen when the server is created and never undone
 * (MicrosoftDocs/azure-databases-docs@articles/postgresql/security/security-data-encryption.md, "Limitations
 * of customer-managed keys"); that page lists no compute-tier restriction, so Burstable dev servers use it too.
 */
function serverEncryption(
    name: string,
    context: PlatformContext,
    geoRedundantBackup: boolean,
    opts: pulumi.CustomResourceOptions,
) {
    const { keyVaults } = azurePlacement(context);
    const primary = dataStoreKey(
        name,
        { context, vault: keyVaults.primary, keyName: `${context.namePrefix}-db` },
        opts,
    );
    if (geoRedundantBackup && !keyVaults.paired) {
        throw new Error(
            `${name}: geo-redundant backups need the paired-region key vault, which the foundation did not create.`,
        );
    }
    const geo =
        geoRedundantBackup && keyVaults.paired
            ? dataStoreKey(
                  `${name}-geo`,
                  { context, vault: keyVaults.paired, keyName: `${context.namePrefix}-db-geo` },
                  opts,
              )
            : undefined;
    const identities = [primary.identity, ...(geo ? [geo.identity] : [])];
    return {
        identity: {
            type: "UserAssigned",
            userAssignedIdentities: pulumi
                .all(identities.map((i) => i.id))
                .apply((ids) => Object.fromEntries(ids.map((id) => [id, {}]))),
        },
        dataEncryption: {
            type: "AzureKeyVault",
            primaryKeyURI: primary.keyUri,
            primaryUserAssignedIdentityId: primary.identity.id,
            ...(geo ? { geoBackupKeyURI: geo.keyUri, geoBackupUserAssignedIdentityId: geo.identity.id } : {}),
        },
        ready: [...primary.ready, ...(geo?.ready ?? [])],
    };
}
