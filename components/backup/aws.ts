import * as pulumi from "@pulumi/pulumi";
import * as backup from "@pulumi/aws/backup";
import * as iam from "@pulumi/aws/iam";
import * as kms from "@pulumi/aws/kms";
import { Provider } from "@pulumi/aws/provider";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { assumeRolePolicyFor } from "../shared/aws";
import { awsPlacement, statefulOptions } from "../shared/context";
import { fitName, iamRoleName } from "../shared/names";
import {
    BackupArgs,
    BackupOutputs,
    BackupSettings,
    COMPLIANCE_GRACE_DAYS,
    backupSettings,
    lockRetentionBounds,
} from ".";

/**
 * The AWS managed policies of the role AWS Backup assumes: snapshots and restores of RDS (the service-role
 * pair) and S3's own pair, which the generic policies do not cover.
 * Sources: https://docs.aws.amazon.com/aws-backup/latest/devguide/iam-service-roles.html (default service role:
 * AWSBackupServiceRolePolicyForBackup, AWSBackupServiceRolePolicyForRestores),
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSBackupServiceRolePolicyForS3Backup.html
 * and .../AWSBackupServiceRolePolicyForS3Restore.html (ARNs without the service-role/ path).
 */
export const BACKUP_ROLE_POLICIES = [
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
];

/**
 * When the rules run (UTC, EventBridge cron as AWS Backup takes it). After the RDS automated backup window
 * (02:00-03:00, components/database/aws.ts) and its maintenance window, so a snapshot never waits on them.
 */
export const BACKUP_SCHEDULES = {
    daily: "cron(0 5 * * ? *)",
    weekly: "cron(0 6 ? * SUN *)",
    monthly: "cron(0 7 1 * ? *)",
} as const;

/**
 * AWS Backup: a vault encrypted with a customer key whose policy admits the backup role, a plan with daily,
 * weekly and monthly rules, a copy of each to a vault in the backup region (its own key there) when
 * copying, a vault lock on both vaults when locking, and a selection of the database and the bucket.
 *
 * RDS's own automated backups stay as they are (components/database): they give point-in-time recovery
 * inside `platform:backupRetentionDays`; this plan adds the snapshots kept longer and off-region. The rules do
 * not set `enableContinuousBackup`, which would hand the instance's PITR retention to AWS Backup and fight
 * the database component's `backupRetentionPeriod`.
 */
export function createAwsBackup(name: string, args: BackupArgs, parent: pulumi.Resource): BackupOutputs {
    const { region } = awsPlacement(args.context);
    const settings = backupSettings(args);
    const stateful = { parent, ...statefulOptions(args.context) };
    const role = backupRole(name, parent);
    const vault = backupVault(
        name,
        { role: role.role, settings, forceDestroy: !args.context.protect, region },
        stateful,
    );
    const copy = settings.copy ? copyVault(name, args, role.role, settings, stateful) : undefined;
    const plan = new backup.Plan(
        `${name}-plan`,
        {
            name: fitName(`${name}-plan`, 50),
            rules: planRules(vault.name, settings, copy?.vault.arn),
            tags: args.context.tags,
        },
        { parent },
    );
    const resources = [args.targets.databaseId, args.targets.storageId];
    new backup.Selection(
        `${name}-selection`,
        { name: fitName(`${name}-selection`, 50), iamRoleArn: role.role.arn, planId: plan.id, resources },
        // The role's policies must be attached before AWS Backup validates the selection's role.
        { parent, dependsOn: role.attachments },
    );
    return {
        vaultId: vault.arn,
        vaultName: vault.name,
        copyRegions: pulumi.output(copy ? [copy.region] : []),
        protectedResourceIds: pulumi.output(resources),
        vaultLock: pulumi.output(settings.lock),
        retentionDays: pulumi.output({
            daily: settings.dailyDays,
            weekly: settings.weeklyDays,
            monthly: settings.monthlyDays,
        }),
    };
}

/** The role AWS Backup assumes, with the backup and restore managed policies for RDS and S3. */
function backupRole(name: string, parent: pulumi.Resource) {
    const role = new iam.Role(
        `${name}-role`,
        {
            ...iamRoleName(`${name}-role`),
            description: `AWS Backup backs up and restores the database and bucket of ${name}`,
            assumeRolePolicy: assumeRolePolicyFor("backup.amazonaws.com"),
        },
        { parent },
    );
    const attachments = BACKUP_ROLE_POLICIES.map(
        (policyArn) =>
            new iam.RolePolicyAttachment(
                `${name}-${policyArn.split("/").pop()}`,
                { role: role.name, policyArn },
                { parent },
            ),
    );
    return { role, attachments };
}

/**
 * A vault's key policy: the account administers the key through IAM (AWS's default statement), and the
 * backup role may use it only through AWS Backup (kms:ViaService), and create grants only for AWS resources.
 * Source: https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html (the vault key encrypts
 * backups of resources that AWS Backup fully manages, S3 among them; RDS snapshots keep the source's key).
 */
export function vaultKeyPolicy(accountId: string, region: string, roleArn: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministersThroughIam",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${accountId}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "BackupRoleThroughAwsBackup",
                Effect: "Allow",
                Principal: { AWS: roleArn },
                Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                Resource: "*",
                Condition: { StringEquals: { "kms:ViaService": `backup.${region}.amazonaws.com` } },
            },
            {
                Sid: "BackupRoleGrantsForAwsResources",
                Effect: "Allow",
                Principal: { AWS: roleArn },
                Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                Resource: "*",
                Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
            },
        ],
    });
}

/** A vault with its own customer key and, when locking, its lock. `opts.provider` places it in a region. */
function backupVault(
    name: string,
    v: { role: iam.Role; settings: BackupSettings; forceDestroy: boolean; region: string },
    opts: pulumi.CustomResourceOptions,
): backup.Vault {
    const accountId = getCallerIdentityOutput({}, opts).accountId;
    const key = new kms.Key(
        `${name}-vault-kms`,
        {
            description: `Encrypts the backup vault ${name}`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: pulumi
                .all([accountId, v.role.arn])
                .apply(([account, roleArn]) => vaultKeyPolicy(account, v.region, roleArn)),
        },
        opts,
    );
    new kms.Alias(`${name}-vault-kms-alias`, { name: `alias/${name}-vault`, targetKeyId: key.keyId }, opts);
    const vault = new backup.Vault(
        `${name}-vault`,
        // Locked recovery points cannot be deleted however forceDestroy is set; unlocked dev vaults empty on delete.
        { name: fitName(`${name}-vault`, 50), kmsKeyArn: key.arn, forceDestroy: v.forceDestroy },
        opts,
    );
    vaultLock(name, vault, v.settings, opts);
    return vault;
}

/**
 * The vault lock. Governance mode is a lock without `changeableForDays`: it can be removed by whoever holds
 * backup:DeleteBackupVaultLockConfiguration. Compliance mode sets `changeableForDays`; after those days the
 * lock and every recovery point's retention are immutable, for everyone. min/max bound every future backup's
 * and copy's retention, so jobs outside them fail: min is the shortest rule, max leaves a year's room.
 * Source: @pulumi/aws 7.48.0 backup/vaultLockConfiguration.d.ts; https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html.
 */
function vaultLock(name: string, vault: backup.Vault, s: BackupSettings, opts: pulumi.CustomResourceOptions): void {
    if (s.lock === "none") return;
    const { minDays, maxDays } = lockRetentionBounds(s);
    new backup.VaultLockConfiguration(
        `${name}-vault-lock`,
        {
            backupVaultName: vault.name,
            minRetentionDays: minDays,
            maxRetentionDays: maxDays,
            changeableForDays: s.lock === "compliance" ? COMPLIANCE_GRACE_DAYS : undefined,
        },
        opts,
    );
}

/** The vault in the backup region, through an explicit provider for that region, with its own key. */
function copyVault(
    name: string,
    args: BackupArgs,
    role: iam.Role,
    settings: BackupSettings,
    stateful: pulumi.CustomResourceOptions,
): { vault: backup.Vault; region: string } {
    const region = args.backupRegion;
    if (region === undefined) {
        throw new Error(
            `${name}: copies to a second region need args.backupRegion (platform:backup.aws.backupRegion).`,
        );
    }
    const provider = new Provider(
        `${name}-backup-region`,
        { region, defaultTags: { tags: args.context.tags } },
        { parent: stateful.parent },
    );
    const vault = backupVault(
        `${name}-copy`,
        { role, settings, forceDestroy: !args.context.protect, region },
        { ...stateful, provider },
    );
    return { vault, region };
}

/**
 * The daily, weekly and monthly rules (a rule with 0 retention is left out), each copied to the backup
 * region's vault with the same retention when copying.
 * Source: @pulumi/aws 7.48.0 types/input.d.ts backup.PlanRule / PlanRuleCopyAction.
 */
export function planRules(
    vaultName: pulumi.Input<string>,
    s: BackupSettings,
    copyVaultArn: pulumi.Input<string> | undefined,
): backup.PlanArgs["rules"] {
    const rules = [
        { ruleName: "daily", schedule: BACKUP_SCHEDULES.daily, days: s.dailyDays },
        { ruleName: "weekly", schedule: BACKUP_SCHEDULES.weekly, days: s.weeklyDays },
        { ruleName: "monthly", schedule: BACKUP_SCHEDULES.monthly, days: s.monthlyDays },
    ];
    return rules
        .filter((r) => r.days > 0)
        .map((r) => ({
            ruleName: r.ruleName,
            targetVaultName: vaultName,
            schedule: r.schedule,
            scheduleExpressionTimezone: "Etc/UTC",
            startWindow: 60,
            completionWindow: 360,
            lifecycle: { deleteAfter: r.days },
            recoveryPointTags: { rule: r.ruleName },
            copyActions: copyVaultArn
                ? [{ destinationVaultArn: copyVaultArn, lifecycle: { deleteAfter: r.days } }]
                : undefined,
        }));
}
