import { catalog, isBurstableDatabaseSku } from "../shared/catalog";
import type { CheckContext } from "../shared/settings";

/**
 * Checks on the database's depth settings (`readReplicas`, `pooling`, `extensions` in platform:database):
 * what each cloud can run, with the defaults applied exactly as components/database/index.ts applies them.
 */

/** The part of the validated platform:database these checks read. */
export interface DepthConfig {
    readonly size?: string;
    readonly readReplicas?: number;
    readonly pooling?: boolean;
    readonly aws?: { readonly instanceClass?: string };
    readonly azure?: { readonly skuName?: string };
}

/** The replica count and pooling in force (prod: one replica and pooling; elsewhere neither). */
export function effectiveDepth(db: DepthConfig, ctx: CheckContext): { readReplicas: number; pooling: boolean } {
    const prod = ctx.settings.environment === "prod";
    return { readReplicas: db.readReplicas ?? (prod ? 1 : 0), pooling: db.pooling ?? prod };
}

/**
 * Azure's read replicas and built-in PgBouncer need the General Purpose or Memory Optimized tier: PgBouncer "is
 * supported on General Purpose and Memory Optimized compute tiers"
 * (https://learn.microsoft.com/azure/postgresql/connectivity/concepts-pgbouncer), and read replicas are not
 * offered on Burstable (https://learn.microsoft.com/azure/postgresql/read-replica/concepts-read-replicas). RDS
 * runs both on any class, so only Azure is checked.
 */
export function checkAzureDepthTier(db: DepthConfig, ctx: CheckContext): void {
    if (ctx.settings.cloud !== "azure") return;
    const size = (db.size ?? ctx.settings.size) as keyof typeof catalog.database;
    const sku = db.azure?.skuName ?? catalog.database[size].azure;
    if (!isBurstableDatabaseSku(sku)) return;
    const { readReplicas, pooling } = effectiveDepth(db, ctx);
    const fixSize = `set platform:size (or "size" in platform:database) to "medium" or "large"`;
    if (readReplicas > 0) {
        ctx.report(
            "database.readReplicas",
            readReplicas,
            `0 on a Burstable flexible server (${sku}): Azure offers read replicas on General Purpose and Memory Optimized only`,
            `Set "readReplicas": 0 in platform:database, or ${fixSize}.`,
        );
    }
    if (pooling) {
        ctx.report(
            "database.pooling",
            true,
            `false on a Burstable flexible server (${sku}): the built-in PgBouncer runs on General Purpose and Memory Optimized only`,
            `Set "pooling": false in platform:database, or ${fixSize}.`,
        );
    }
}

/**
 * RDS creates a read replica only from a source with automated backups ("Your source DB instance or cluster
 * must have backup retention enabled", https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html).
 */
export function checkReplicaBackups(db: DepthConfig, ctx: CheckContext): void {
    const { readReplicas } = effectiveDepth(db, ctx);
    if (ctx.settings.cloud !== "aws" || readReplicas === 0 || ctx.settings.backupRetentionDays > 0) return;
    // One problem per key: replicated backups may already have asked for the same days.
    if (ctx.problems.some((p) => p.key === "platform:backupRetentionDays")) return;
    ctx.report(
        "backupRetentionDays",
        0,
        "at least 1 day when the database has read replicas (RDS replicates only a source with automated backups)",
        `Set platform:backupRetentionDays to 1 or more, or "readReplicas": 0 in platform:database.`,
    );
}
