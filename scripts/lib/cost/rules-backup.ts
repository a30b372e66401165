/**
 * Pricing rules for backups and the database's companions: AWS Backup selections (what they protect, at
 * what size, in which regions), Azure Backup instances, and the RDS Proxy. Backup storage depends on change
 * rates and retention the graph does not know, so the rules use a stated upper bound: each protected database
 * at its allocated size, once per vault that holds a copy (docs/cost.md, "Backups").
 */
import type { ResourceRecord } from "../../../check/runtime";
import { plain } from "../../../check/runtime";
import { ASSUMPTIONS } from "./assumptions";
import type { Item, Rule, RuleContext } from "./items";
import { arnRegion, gibMonths, hourly, monthly, num, str } from "./items";

const inputsOf = (r: ResourceRecord) => plain(r.inputs) as Record<string, unknown>;

/** The RDS instance an ARN `arn:aws:rds:<region>:<account>:db:<identifier>` names, if it is in the graph. */
export function rdsInstanceByArn(arn: string, all: readonly ResourceRecord[]): Record<string, unknown> | undefined {
    const id = /:db:([^:]+)$/.exec(arn)?.[1];
    const r = all.find((x) => x.type === "aws:rds/instance:Instance" && inputsOf(x).identifier === id);
    return r ? inputsOf(r) : undefined;
}

/** The regions AWS Backup plans copy recovery points to (their copy actions' destination vaults). */
function copyRegions(all: readonly ResourceRecord[]): string[] {
    const regions = all
        .filter((x) => x.type === "aws:backup/plan:Plan")
        .flatMap((p) => (inputsOf(p).rules as { copyActions?: { destinationVaultArn?: string }[] }[] | undefined) ?? [])
        .flatMap((rule) => rule.copyActions ?? [])
        .map((c) => arnRegion(c.destinationVaultArn))
        .filter((x): x is string => x !== undefined);
    return [...new Set(regions)];
}

const UPPER_BOUND =
    "backup storage priced at the protected database's allocated size in each vault (an upper bound: incremental snapshots of a database that is not full hold less)";

/** One protected resource of a selection, in its own region and in each copy region. */
function protectedItems(arn: string, ctx: RuleContext): Item[] {
    const home = arnRegion(arn) ?? ctx.region;
    const regions = [home, ...copyRegions(ctx.all).filter((r) => r !== home)];
    if (/^arn:aws:rds:/.test(arn)) {
        const db = rdsInstanceByArn(arn, ctx.all);
        const gib = num(db?.allocatedStorage);
        const id = str(db?.identifier) ?? arn;
        // AWS Backup stores RDS recovery points as RDS snapshots, billed at the RDS snapshot rate
        // (https://www.factualminds.com/blog/aws-backup-pricing-vaults-cross-region-restores/).
        return regions.map((region) =>
            gibMonths(`snapshots of ${id} in ${region}: up to ${gib} GiB`, gib, "aws.rds.backup-gib-month", {
                region,
                assumption: UPPER_BOUND,
            }),
        );
    }
    if (/^arn:aws:s3:/.test(arn)) {
        const gib = ASSUMPTIONS.objectStorageGiB;
        return regions.map((region) =>
            gibMonths(`backup of ${arn.split(":").pop()} in ${region}: ${gib} GiB`, gib, "aws.backup.s3-gib-month", {
                region,
                assumption: `${gib} GiB held in object storage`,
            }),
        );
    }
    return [];
}

/**
 * vCPUs of the RDS instance classes the stacks use: db.t4g.medium 2 (https://infratally.com/articles/aws-rds-pricing-explained-2026.html,
 * "db.t4g.medium | 2 | 4 GiB"), db.r7g.xlarge 4 (AWS RDS User Guide, instance class table: "db.r7g.xlarge | 4 | 32").
 * A class not listed is counted under a price key that is never recorded, so it stays unpriced rather than free.
 */
export const RDS_VCPUS: Readonly<Record<string, number>> = {
    "db.t4g.medium": 2,
    "db.r7g.xlarge": 4,
};

export const BACKUP_RULES: Record<string, Rule> = {
    "aws:backup/selection:Selection": (_r, i, ctx) =>
        ((i.resources as string[] | undefined) ?? []).flatMap((arn) => protectedItems(arn, ctx)),
    // RDS Proxy is an add-on billed per vCPU-hour of the database it fronts ("add-on services per vCPU-hour",
    // https://selfhost.dev/blog/aws-rds-cost-breakdown-2026/); no per-vCPU rate was found to record, so the line
    // stays unpriced with its quantity. The primary's vCPUs are counted, not its Multi-AZ standby's (an assumption).
    "aws:rds/proxy:Proxy": (_r, _i, ctx) => {
        const primary = ctx.all
            .filter((x) => x.type === "aws:rds/instance:Instance")
            .map(inputsOf)
            .find((x) => x.replicateSourceDb === undefined);
        const cls = str(primary?.instanceClass) ?? "unknown";
        const vcpus = RDS_VCPUS[cls];
        if (vcpus === undefined) {
            return [hourly(`proxy for ${cls}: vCPUs not recorded`, 1, "aws.rds.proxy-vcpu-hour.unknown-class")];
        }
        return [
            hourly(`proxy for ${cls}: ${vcpus} vCPUs`, vcpus, "aws.rds.proxy-vcpu-hour", {
                assumption: "RDS Proxy counted for the primary's vCPUs (not the standby's)",
            }),
        ];
    },
    "azure-native:dataprotection:BackupInstance": (_r, i, ctx) => azureBackupItems(i, ctx),
};

/** Azure Backup: a protected-instance fee plus vault storage (upper bound: the server's storage size). */
function azureBackupItems(i: Record<string, unknown>, ctx: RuleContext): Item[] {
    const source = (i.properties as { dataSourceInfo?: { datasourceType?: string; resourceName?: string } } | undefined)
        ?.dataSourceInfo;
    const name = source?.resourceName ?? "data source";
    if (source?.datasourceType === "Microsoft.DBforPostgreSQL/flexibleServers") {
        const server = ctx.all
            .filter((x) => x.type === "azure-native:dbforpostgresql:Server")
            .map(inputsOf)
            .find((x) => str(x.serverName) === name || name.startsWith(`${str(x.serverName) ?? "\u0000"}`));
        const gib = num(
            (server?.storage as { storageSizeGB?: number } | undefined)?.storageSizeGB ?? primaryServerGib(ctx),
        );
        return [
            monthly(`protected instance ${name}`, 1, "azure.backup.postgres-instance-month"),
            gibMonths(`vault storage for ${name}: up to ${gib} GiB`, gib, "azure.backup.vault-gib-month", {
                assumption: UPPER_BOUND,
            }),
        ];
    }
    const gib = ASSUMPTIONS.objectStorageGiB;
    return [
        monthly(`protected instance ${name} (blobs)`, 1, "azure.backup.blob-instance-month"),
        gibMonths(`vault storage for ${name}: ${gib} GiB`, gib, "azure.backup.vault-gib-month", {
            assumption: `${gib} GiB held in object storage`,
        }),
    ];
}

/** The storage size of the stack's primary PostgreSQL server (not a replica). */
function primaryServerGib(ctx: RuleContext): number {
    const primary = ctx.all
        .filter((x) => x.type === "azure-native:dbforpostgresql:Server")
        .map(inputsOf)
        .find((x) => x.createMode !== "Replica");
    return num((primary?.storage as { storageSizeGB?: number } | undefined)?.storageSizeGB);
}

/** Backup types that cost nothing by existing: the storage they hold is priced by the rules above. */
export const BACKUP_FREE_TYPES: RegExp[] = [
    // "With AWS Backup, you pay only for the amount of backup storage you use and the amount of backup data you
    // restore in the month. There is no minimum fee and there are no set-up charges" (https://aws.amazon.com/backup/pricing/).
    /^aws:backup\/(vault|plan|vaultLockConfiguration|vaultPolicy):/,
    // The proxy's target group and target are part of the proxy, billed by its vCPU-hours.
    /^aws:rds\/(proxyDefaultTargetGroup|proxyTarget):/,
    // "Azure Backup pricing is based on consumption and a base price": a fee per protected instance plus the
    // storage it uses (AzureSimpleREST's Get-AzSRBackupInstancePrice, quoting azure.microsoft.com/pricing/details/backup/,
    // https://www.powershellgallery.com/packages/AzureSimpleREST/0.2.64/Content/functions%5CGet-AzSRBackupInstancePrice.ps1),
    // both priced per BackupInstance above; the vault and its policies hold nothing themselves.
    /^azure-native:dataprotection:(BackupVault|BackupPolicy)$/,
];
