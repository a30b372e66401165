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
 *    is where the check Job runs, since the database accepts connections only from inside the network.
 */
export function drillConfig(source: ConfigMap, point: RestorePoint): ConfigMap {
    const database = source["platform:database"]?.value;
    const parsed = database ? (JSON.parse(database) as Record<string, unknown>) : {};
    const restore = { pointInTime: { source: point.source, time: point.time } };
    return {
        ...source,
        "platform:database": { value: JSON.stringify({ ...parsed, restore }), secret: false },
        "platform:deletionProtection": { value: "false", secret: false },
        "platform:services": { value: "[]", secret: false },
    };
}

/**
 * Rules the throwaway stack breaks on purpose, made advisory for it (and only for it): they demand the
 * protection that would stop the drill from destroying the copy, or (aws-rds-storage-encrypted-cmk) a key the
 * program cannot choose on a restore: RDS keeps the source's key (docs/configuration.md, "Restoring").
 */
export const DRILL_ADVISORY_POLICIES = [
    "aws-rds-deletion-protection",
    "aws-rds-final-snapshot",
    "aws-data-resources-protected",
    "aws-data-store-keys-protected",
    "aws-rds-storage-encrypted-cmk",
    "platform-stateful-components-protected",
    "azure-delete-lock",
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
