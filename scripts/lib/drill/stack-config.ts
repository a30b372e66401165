/**
 * The throwaway stack a drill restores into: its name, its configuration (the source stack's, with the
 * restore set and what would make it undestroyable or reach the outside world turned off) and its policy
 * config (the source environment's, with the rules a throwaway restore must break made advisory).
 */
import type { ConfigMap } from "@pulumi/pulumi/automation";
import type { RestorePoint } from "./restore-point";

/** `<stack>-drill-<yyyymmdd>-<hhmm>` in UTC: unique per run, sortable, valid in every cloud name. */
export function drillStackName(stack: string, now: Date): string {
    const iso = now.toISOString();
    return `${stack}-drill-${iso.slice(0, 10).replace(/-/g, "")}-${iso.slice(11, 16).replace(":", "")}`;
}

/**
 * The source stack's configuration for the throwaway stack:
 *  - `platform:database.restore.pointInTime` = the restore point (components/database/config.ts validates it);
 *  - `platform:deletionProtection: false`, so the drill can destroy what it made (protect/retainOnDelete and the
 *    clouds' deletion protection follow it: components/shared/context.ts);
 *  - `platform:services: []`: no application services, so no public routes, DNS records or jobs of the real
 *    stack run against the restored copy. The program has no database-only mode (components/platform/index.ts
 *    builds every capability), so network, cluster, cache, storage and monitoring are created too: the cluster
 *    is where the check Job runs, since the database accepts connections only from inside the network;
 *  - `platform:backup.vaultLock: "none"`: the throwaway's own backup vault must be deletable. A locked vault
 *    keeps any recovery point its plan takes during the drill: AWS refuses to delete recovery points before the
 *    lock's minimum retention (a compliance lock even after the lock is gone,
 *    https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html), and an immutable Azure vault refuses
 *    "stop protection with delete data" before the points expire
 *    (https://learn.microsoft.com/azure/backup/backup-azure-immutable-vault-concept). Its soft delete is off
 *    because the stack is unprotected (components/backup/azure.ts softDelete);
 *  - no `platform:dns` and `platform:cdn.enabled: false`: the real stack's hosts stay the real stack's. A second
 *    CloudFront distribution cannot claim an alternate domain name another distribution already has
 *    ("CNAMEAlreadyExists", https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/CNAMEs.html#alternate-domain-names-restrictions),
 *    a looked-up zone would receive the throwaway's records, and a created one is delegated nowhere, so its
 *    certificates would never validate.
 */
export function drillConfig(source: ConfigMap, point: RestorePoint): ConfigMap {
    const restore = { pointInTime: { source: point.source, time: point.time } };
    const kept = Object.fromEntries(Object.entries(source).filter(([key]) => key !== "platform:dns"));
    return {
        ...kept,
        "platform:database": plain({ ...parsedObject(source, "platform:database"), restore }),
        "platform:deletionProtection": { value: "false", secret: false },
        "platform:services": { value: "[]", secret: false },
        "platform:backup": plain({ ...parsedObject(source, "platform:backup"), vaultLock: "none" }),
        "platform:cdn": plain({ enabled: false }),
    };
}

/** A JSON object key of the source's config, parsed ({} when unset). */
function parsedObject(source: ConfigMap, key: string): Record<string, unknown> {
    const value = source[key]?.value;
    return value ? (JSON.parse(value) as Record<string, unknown>) : {};
}

const plain = (value: object) => ({ value: JSON.stringify(value), secret: false });

/**
 * Rules the throwaway stack breaks on purpose, made advisory for it (and only for it): they demand the
 * protection that would stop the drill from destroying the copy (deletion protection, a locked or immutable
 * backup vault), or (aws-rds-storage-encrypted-cmk) a key the
 * program cannot choose on a restore: RDS keeps the source's key (docs/configuration.md, "Restoring").
 */
export const DRILL_ADVISORY_POLICIES = [
    "aws-backup-vault-locked",
    "azure-backup-vault-immutable",
    "aws-rds-deletion-protection",
    "aws-rds-final-snapshot",
    "aws-data-resources-protected",
    "aws-data-store-keys-protected",
    "aws-rds-storage-encrypted-cmk",
    "platform-stateful-components-protected",
    "azure-delete-lock",
    // An unprotected stack empties its buckets on delete and drops the copy's automated backups
    // (components/storage/aws.ts forceDestroy, components/database/aws.ts deleteAutomatedBackups): a copy has
    // nothing worth keeping, and kept snapshots of it would outlive the drill.
    "aws-s3-bucket-force-destroy-off",
    "aws-rds-keep-automated-backups",
    "azure-data-resources-protected",
    // The throwaway's cache holds nothing; unprotected, it does not persist (components/cache/azure.ts).
    "azure-redis-persistence",
] as const;

/** The environment's policy config with {@link DRILL_ADVISORY_POLICIES} advisory and their settings kept. */
export function drillPolicyConfig(environmentConfig: Record<string, unknown>): Record<string, unknown> {
    const config: Record<string, unknown> = { ...environmentConfig };
    for (const name of DRILL_ADVISORY_POLICIES) {
        const current = config[name];
        const settings = typeof current === "object" && current !== null ? current : {};
        config[name] = { ...settings, enforcementLevel: "advisory" };
    }
    return config;
}
