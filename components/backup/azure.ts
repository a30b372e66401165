import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as dataprotection from "@pulumi/azure-native/dataprotection";
import type * as inputs from "@pulumi/azure-native/types/input";
import { PlatformContext, azurePlacement, statefulOptions } from "../shared/context";
import { pairedRegion } from "../shared/facts/azure-regions";
import { BackupArgs, BackupOutputs, BackupSettings, backupSettings } from ".";

/**
 * Built-in roles the Backup vault's identity needs, by definition id (the same in every subscription).
 * Sources: the Az.DataProtection manifests (AzureDatabaseForPGFlexServer.json: datasourcePermissions "PostgreSQL
 * Flexible Server Long Term Retention Backup Role" on the server, datasourceRGPermissions "Reader" on its
 * resource group; https://www.powershellgallery.com/packages/Az.DataProtection/3.1.1), and
 * https://learn.microsoft.com/azure/backup/blob-backup-configure-manage ("Storage Account Backup Contributor"
 * on the storage account); ids from https://learn.microsoft.com/azure/role-based-access-control/built-in-roles.
 */
export const BACKUP_VAULT_ROLES = {
    postgresLongTermRetention: "c088a766-074b-43ba-90d4-1fb21feae531",
    reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    storageAccountBackupContributor: "e5e2a7ff-d759-4cd2-bb51-3152d37e2eb1",
} as const;

/** The data source types of the two backups (ARM resource types as Azure Backup names them). */
export const DATASOURCE_TYPES = {
    postgres: "Microsoft.DBforPostgreSQL/flexibleServers",
    blobs: "Microsoft.Storage/storageAccounts/blobServices",
} as const;

/**
 * An Azure Backup vault (Microsoft.DataProtection) with a system identity: vaulted backups of the PostgreSQL
 * flexible server (long-term retention beyond the server's own 35 days of PITR) and of the blob container,
 * each on a policy with daily, weekly and monthly retention. In prod the vault is geo-redundant with
 * cross-region restore (the paired region) and immutable; soft delete keeps deleted backups 14 days.
 *
 * Azure Backup for PostgreSQL flexible server is GA in some regions and in preview in the others
 * (https://learn.microsoft.com/azure/backup/backup-azure-database-postgresql-flex-support-matrix); the vault
 * must be in the server's region, which it is. The server's own automated backups (PITR, geo-redundant when
 * highly available; components/database/azure.ts) stay as they are.
 */
export function createAzureBackup(name: string, args: BackupArgs, parent: pulumi.Resource): BackupOutputs {
    const { context } = args;
    const { resourceGroupName, location } = azurePlacement(context);
    const settings = backupSettings(args);
    const stateful = { parent, ...statefulOptions(context) };
    const vault = backupVault(name, context, settings, stateful);
    const principalId = vault.identity.apply((i) => i?.principalId ?? "");
    const grants = vaultRoles(name, context, principalId, args.targets, { parent });
    // A vaulted policy cannot be modified once created ("updating or modifying an existing policy isn't
    // supported", https://learn.microsoft.com/azure/backup/backup-azure-database-postgresql-flex-use-rest-api-create-update-policy):
    // a changed policy is a new one (auto-named, so created first), the instance is moved to it, then the old goes.
    const policyOpts = { parent, replaceOnChanges: ["properties"] };
    const postgres = new dataprotection.BackupPolicy(
        `${name}-postgres-policy`,
        { resourceGroupName, vaultName: vault.name, properties: policy("postgres", settings) },
        policyOpts,
    );
    const blobs = new dataprotection.BackupPolicy(
        `${name}-blob-policy`,
        { resourceGroupName, vaultName: vault.name, properties: policy("blobs", settings) },
        policyOpts,
    );
    const instances = { resourceGroupName, vault, location, grants: grants.all, parent };
    backupInstance(`${name}-postgres`, instances, postgresSource(args.targets.databaseId, location), postgres);
    backupInstance(`${name}-blobs`, instances, blobSource(args.targets.storageId, location), blobs, {
        backupDatasourceParametersList: [
            { objectType: "BlobBackupDatasourceParameters", containersList: [args.targets.storageContainer] },
        ],
    });
    const paired = pairedRegion(location);
    return {
        vaultId: vault.id,
        vaultName: vault.name,
        copyRegions: pulumi.output(settings.copy && paired ? [paired] : []),
        protectedResourceIds: pulumi.output([args.targets.databaseId, args.targets.storageId]),
        vaultLock: pulumi.output(settings.lock),
        retentionDays: pulumi.output({
            daily: settings.dailyDays,
            weekly: settings.weeklyDays,
            monthly: settings.monthlyDays,
        }),
    };
}

/**
 * The vault: GeoRedundant storage with cross-region restore when copying (the paired region; the redundancy
 * cannot change once a backup is protected), else zone- or locally-redundant; immutability "Unlocked"
 * (governance: can be turned off) or "Locked" (compliance: irreversible), soft delete for 14 days ("AlwaysOn",
 * irreversible, with a compliance lock). Source: @pulumi/azure-native 3.28.0 dataprotection/backupVault.d.ts,
 * types/input.d.ts dataprotection.BackupVaultArgs / SecuritySettingsArgs / FeatureSettingsArgs;
 * https://learn.microsoft.com/azure/backup/backup-vault-overview (cross-region restore needs GeoRedundant).
 */
function backupVault(
    name: string,
    context: PlatformContext,
    s: BackupSettings,
    opts: pulumi.CustomResourceOptions,
): dataprotection.BackupVault {
    const { resourceGroupName, location } = azurePlacement(context);
    const immutability = { none: "Disabled", governance: "Unlocked", compliance: "Locked" }[s.lock];
    return new dataprotection.BackupVault(
        `${name}-vault`,
        {
            resourceGroupName,
            location,
            identity: { type: "SystemAssigned" },
            properties: {
                storageSettings: [{ datastoreType: "VaultStore", type: s.copy ? "GeoRedundant" : "LocallyRedundant" }],
                featureSettings: s.copy ? { crossRegionRestoreSettings: { state: "Enabled" } } : undefined,
                securitySettings: {
                    immutabilitySettings: { state: immutability },
                    softDeleteSettings: softDelete(context, s),
                },
            },
            tags: context.tags,
        },
        opts,
    );
}

/**
 * Soft delete keeps a deleted backup instance and its recovery points for 14 days, and while any are kept the
 * vault cannot be deleted ("You can't delete a vault that contains backup data in the soft deleted state",
 * https://learn.microsoft.com/azure/backup/backup-azure-delete-vault; Backup vaults likewise,
 * https://learn.microsoft.com/azure/backup/backup-vault-overview#delete-a-backup-vault). So it is on where
 * stateful resources are protected, irreversibly ("AlwaysOn") with a compliance lock, and off in a stack
 * meant to be torn down (`platform:deletionProtection: false`: dev, the restore drill's throwaway stack), whose
 * `pulumi destroy` would otherwise fail on the vault for two weeks.
 */
export function softDelete(context: PlatformContext, s: BackupSettings): inputs.dataprotection.SoftDeleteSettingsArgs {
    if (s.lock === "compliance") return { state: "AlwaysOn", retentionDurationInDays: 14 };
    return context.protect ? { state: "On", retentionDurationInDays: 14 } : { state: "Off" };
}

/** The vault identity's roles: LTR backup on the server, Reader on its group, backup on the storage account. */
function vaultRoles(
    name: string,
    context: PlatformContext,
    principalId: pulumi.Output<string>,
    targets: BackupArgs["targets"],
    opts: pulumi.CustomResourceOptions,
) {
    const { subscriptionId, resourceGroupName } = azurePlacement(context);
    const role = (id: string) =>
        pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
    const assign = (suffix: string, scope: pulumi.Input<string>, id: string) =>
        new authorization.RoleAssignment(
            `${name}-${suffix}`,
            { principalId, principalType: "ServicePrincipal", roleDefinitionId: role(id), scope },
            opts,
        );
    const group = pulumi.interpolate`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}`;
    const all = [
        assign("postgres-ltr-role", targets.databaseId, BACKUP_VAULT_ROLES.postgresLongTermRetention),
        assign("postgres-group-reader", group, BACKUP_VAULT_ROLES.reader),
        assign("storage-backup-role", targets.storageId, BACKUP_VAULT_ROLES.storageAccountBackupContributor),
    ];
    return { all };
}

/**
 * How each data source's vaulted backups may be scheduled, as Azure Backup's own client declares it (the
 * Az.DataProtection manifests, github:Azure/azure-powershell src/DataProtection/DataProtection.Autorest/custom/manifests,
 * `policySettings.supportedBackupFrequency` and `defaultPolicy.policyRules[].backupParameters.backupType`):
 *  - PostgreSQL flexible server (AzureDatabaseForPGFlexServer.json): frequency "Weekly" or "Monthly" only, a
 *    "full" backup. A daily point is therefore a weekly schedule on each of the seven days: one `R/<day>/P1W`
 *    interval per weekday, the shape Microsoft shows for "multiple days per week"
 *    (https://learn.microsoft.com/azure/backup/backup-azure-database-postgresql-flex-use-powershell, "Modify the
 *    schedule"; the REST guide: "supports a backup per day"). A `P1D` interval is a Daily frequency, which the
 *    service does not offer for this data source.
 *  - Blobs (AzureBlob.json): "Daily" or "Weekly", and the vaulted backup type is "Discrete" (a "Full" backup is
 *    not a blob backup type).
 */
export const VAULTED_SCHEDULES = {
    postgres: { backupType: "Full", frequency: "weekly-on-every-day" },
    blobs: { backupType: "Discrete", frequency: "daily" },
} as const;
export type VaultedSource = keyof typeof VAULTED_SCHEDULES;

/** The first backup's day: a Sunday (2026-11-29), then each following day of that week. */
const SCHEDULE_ANCHOR_DAYS = [
    "2026-11-29",
    "2026-11-30",
    "2026-12-01",
    "2026-12-02",
    "2026-12-03",
    "2026-12-04",
    "2026-12-05",
];
const BACKUP_TIME = "T05:00:00+00:00";

/** The ISO 8601 repeating intervals of a data source's daily backup at 05:00 UTC (see {@link VAULTED_SCHEDULES}). */
export function repeatingIntervals(source: VaultedSource): string[] {
    return VAULTED_SCHEDULES[source].frequency === "daily"
        ? [`R/${SCHEDULE_ANCHOR_DAYS[0]}${BACKUP_TIME}/P1D`]
        : SCHEDULE_ANCHOR_DAYS.map((day) => `R/${day}${BACKUP_TIME}/P1W`);
}

/**
 * A backup policy of the vault store: a daily backup at 05:00 UTC tagged Default (kept `dailyDays`), the
 * first of each week tagged Weekly and the first of each month tagged Monthly (kept their weeks and months);
 * a tag with 0 retention is left out. PostgreSQL and blob vaulted policies take the retention tags Weekly,
 * Monthly and Yearly (the manifests' `supportedRetentionTags`); the schedule and backup type per data source
 * are {@link VAULTED_SCHEDULES}'. Source: @pulumi/azure-native 3.28.0 types/input.d.ts
 * dataprotection.BackupPolicyArgs, AzureBackupRuleArgs, AzureRetentionRuleArgs, TaggingCriteriaArgs.
 */
export function policy(source: VaultedSource, s: BackupSettings): inputs.dataprotection.BackupPolicyArgs {
    const store = { dataStoreType: "VaultStore", objectType: "DataStoreInfoBase" };
    const tags = [
        { tagName: "Weekly", duration: `P${s.weeks}W`, absolute: "FirstOfWeek", priority: 20, keep: s.weeks > 0 },
        { tagName: "Monthly", duration: `P${s.months}M`, absolute: "FirstOfMonth", priority: 15, keep: s.months > 0 },
    ].filter((t) => t.keep);
    const retention = (ruleName: string, duration: string, isDefault: boolean) => ({
        objectType: "AzureRetentionRule" as const,
        name: ruleName,
        isDefault,
        lifecycles: [
            { deleteAfter: { objectType: "AbsoluteDeleteOption" as const, duration }, sourceDataStore: store },
        ],
    });
    return {
        objectType: "BackupPolicy",
        datasourceTypes: [DATASOURCE_TYPES[source]],
        policyRules: [
            {
                objectType: "AzureBackupRule",
                name: "BackupDaily",
                dataStore: store,
                backupParameters: { objectType: "AzureBackupParams", backupType: VAULTED_SCHEDULES[source].backupType },
                trigger: {
                    objectType: "ScheduleBasedTriggerContext",
                    schedule: { repeatingTimeIntervals: repeatingIntervals(source), timeZone: "UTC" },
                    taggingCriteria: [
                        { isDefault: true, taggingPriority: 99, tagInfo: { tagName: "Default" } },
                        ...tags.map((t) => ({
                            isDefault: false,
                            taggingPriority: t.priority,
                            tagInfo: { tagName: t.tagName },
                            criteria: [
                                { objectType: "ScheduleBasedBackupCriteria" as const, absoluteCriteria: [t.absolute] },
                            ],
                        })),
                    ],
                },
            },
            retention("Default", `P${s.dailyDays}D`, true),
            ...tags.map((t) => retention(t.tagName, t.duration, false)),
        ],
    };
}

/** What a backup instance is made in: the vault, its location, the role grants it waits for. */
interface InstanceParts {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly vault: dataprotection.BackupVault;
    readonly location: string;
    readonly grants: pulumi.Resource[];
    readonly parent: pulumi.Resource;
}

/** The data source of the flexible server. */
function postgresSource(serverId: pulumi.Input<string>, location: string): inputs.dataprotection.DatasourceArgs {
    return {
        objectType: "Datasource",
        datasourceType: DATASOURCE_TYPES.postgres,
        resourceType: DATASOURCE_TYPES.postgres,
        resourceID: serverId,
        resourceUri: serverId,
        resourceName: pulumi.output(serverId).apply((id) => id.split("/").pop() ?? ""),
        resourceLocation: location,
    };
}

/** The data source of the storage account's blobs. */
function blobSource(accountId: pulumi.Input<string>, location: string): inputs.dataprotection.DatasourceArgs {
    return {
        objectType: "Datasource",
        datasourceType: DATASOURCE_TYPES.blobs,
        resourceType: "Microsoft.Storage/storageAccounts",
        resourceID: accountId,
        resourceUri: accountId,
        resourceName: pulumi.output(accountId).apply((id) => id.split("/").pop() ?? ""),
        resourceLocation: location,
    };
}

/**
 * A protected item. It waits for the vault identity's role assignments: Azure Backup validates its access
 * when the instance is created. Source: @pulumi/azure-native 3.28.0 dataprotection/backupInstance.d.ts.
 */
function backupInstance(
    name: string,
    parts: InstanceParts,
    dataSourceInfo: inputs.dataprotection.DatasourceArgs,
    backupPolicy: dataprotection.BackupPolicy,
    policyParameters?: inputs.dataprotection.PolicyParametersArgs,
): dataprotection.BackupInstance {
    const { resourceGroupName } = parts;
    return new dataprotection.BackupInstance(
        `${name}-instance`,
        {
            resourceGroupName,
            vaultName: parts.vault.name,
            properties: {
                objectType: "BackupInstance",
                dataSourceInfo,
                policyInfo: { policyId: backupPolicy.id, policyParameters },
            },
        },
        { parent: parts.parent, dependsOn: parts.grants },
    );
}
