import type { BackupSettings } from "../../backup";
import { Cloud } from "../../shared/context";
import { VELERO_NAMESPACE } from ".";

/**
 * When the schedules run: 5-field cron with an explicit `CRON_TZ=Etc/UTC` (github:velero-io/velero@v1.18.2
 * site/content/docs/v1.18/backup-reference.md, "Time zone can be specified in the schedule cron"; without it the
 * server's local time applies): at 01:00, 02:00 on Sundays and 03:00 on the 1st, before the
 * database plan's rules at 05:00 / 06:00 / 07:00 (components/backup/aws.ts BACKUP_SCHEDULES), so the two
 * never compete for the same night's window.
 */
export const VELERO_CRON = {
    daily: "CRON_TZ=Etc/UTC 0 1 * * *",
    weekly: "CRON_TZ=Etc/UTC 0 2 * * 0",
    monthly: "CRON_TZ=Etc/UTC 0 3 1 * *",
} as const;

/**
 * Namespaces with nothing to restore: the cluster's own (recreated with any cluster: kube-system holds the
 * cloud's add-ons and CoreDNS, kube-public and kube-node-lease only heartbeats), and Velero's own (this program installs it, with its
 * storage location and identity, before any restore; a restored copy would only fight the installed one). On EKS the CloudWatch
 * observability add-on's namespace, which the add-on recreates (components/cluster/aws.ts).
 */
export const EXCLUDED_NAMESPACES: Record<Cloud, readonly string[]> = {
    aws: ["kube-system", "kube-public", "kube-node-lease", VELERO_NAMESPACE, "amazon-cloudwatch"],
    azure: ["kube-system", "kube-public", "kube-node-lease", VELERO_NAMESPACE],
};

/** One Velero Schedule as the chart's `schedules` value takes it (templates/schedule.yaml). */
export interface VeleroSchedule {
    readonly schedule: string;
    readonly useOwnerReferencesInBackup: boolean;
    readonly template: {
        readonly ttl: string;
        readonly includedNamespaces: string[];
        readonly excludedNamespaces: string[];
        readonly snapshotVolumes: boolean;
        readonly storageLocation: string;
        readonly volumeSnapshotLocations: string[];
    };
}

/** The name of the backup storage and volume snapshot locations the chart creates. */
export const VELERO_LOCATION = "default";

/**
 * The daily, weekly and monthly schedules with the database plan's retentions (TTL in hours: Velero's `ttl`
 * is a Go duration, and `h` is its largest unit). A retention of 0 takes no backup of that kind, as in the
 * plan. Backups keep no owner reference to their Schedule, so deleting a schedule leaves its backups.
 */
export function veleroSchedules(settings: BackupSettings, cloud: Cloud): Record<string, VeleroSchedule> {
    const rules = [
        { name: "daily", cron: VELERO_CRON.daily, days: settings.dailyDays },
        { name: "weekly", cron: VELERO_CRON.weekly, days: settings.weeklyDays },
        { name: "monthly", cron: VELERO_CRON.monthly, days: settings.monthlyDays },
    ];
    return Object.fromEntries(
        rules
            .filter((r) => r.days > 0)
            .map((r) => [
                r.name,
                {
                    schedule: r.cron,
                    useOwnerReferencesInBackup: false,
                    template: {
                        ttl: `${r.days * 24}h0m0s`,
                        includedNamespaces: ["*"],
                        excludedNamespaces: [...EXCLUDED_NAMESPACES[cloud]],
                        snapshotVolumes: true,
                        storageLocation: VELERO_LOCATION,
                        volumeSnapshotLocations: [VELERO_LOCATION],
                    },
                },
            ]),
    );
}

/** The longest TTL in days: how long the bucket keeps a deleted backup's objects recoverable. */
export function longestTtlDays(settings: BackupSettings): number {
    return Math.max(settings.dailyDays, settings.weeklyDays, settings.monthlyDays);
}
