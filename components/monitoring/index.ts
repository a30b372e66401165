import * as pulumi from "@pulumi/pulumi";
import { CapabilityComponent, PlatformContext } from "../shared/context";
import { CacheOutputs } from "../cache";
import { ClusterOutputs } from "../cluster";
import { DatabaseOutputs } from "../database";
import { StorageOutputs } from "../storage";

/** Alarm thresholds, the same on every cloud. */
export const alarmThresholds = {
    /** Database CPU, percent, averaged over 5 minutes. */
    databaseCpuPercent: 80,
    /** Database free storage, GiB (Azure alerts on the equivalent used-storage percentage). */
    databaseFreeStorageGiB: 5,
    /** Database storage used, percent (where the cloud reports a percentage). */
    databaseStorageUsedPercent: 90,
    /** Active database connections. */
    databaseConnections: 400,
    /** Cache engine CPU, percent. */
    cacheCpuPercent: 80,
    /** Cache memory used, percent. */
    cacheMemoryPercent: 80,
    /** Evicted keys per 5 minutes. */
    cacheEvictions: 100,
} as const;

/** Neutral arguments of the Monitoring capability. */
export interface MonitoringArgs {
    /** The stack's context. */
    readonly context: PlatformContext;
    /** E-mail address that receives every alert. */
    readonly alertEmail: string;
    /**
     * Retention of the platform's log groups / workspace, in days.
     * @default 30
     */
    readonly logRetentionDays?: number;
    /** The database to watch (CPU, free storage, connections). */
    readonly database: DatabaseOutputs;
    /** The cache to watch (CPU, memory, evictions). */
    readonly cache: CacheOutputs;
    /** The cluster to watch (node readiness). */
    readonly cluster: ClusterOutputs;
    /** The storage whose access is logged. */
    readonly storage: StorageOutputs;
}

/** The outputs every Monitoring has, on every cloud. */
export interface MonitoringOutputs {
    /** Where alerts go: SNS topic ARN (AWS) / action group resource id (Azure). */
    readonly alertDestinationId: pulumi.Output<string>;
    /** URL of the platform dashboard in the cloud console. */
    readonly dashboardUrl: pulumi.Output<string>;
}

export type MonitoringImplementation = (
    name: string,
    args: MonitoringArgs,
    parent: pulumi.Resource,
) => MonitoringOutputs;

/** Alerts to e-mail, metric alarms on the data stores and the cluster, and a dashboard. */
export class Monitoring extends CapabilityComponent<MonitoringArgs, MonitoringOutputs> implements MonitoringOutputs {
    declare public readonly alertDestinationId: pulumi.Output<string>;
    declare public readonly dashboardUrl: pulumi.Output<string>;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "platform:monitoring:Monitoring",
            name,
            args,
            {
                // Loaded lazily: a stack only loads the provider SDK of its own cloud.
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                aws: () => (require("./aws") as typeof import("./aws")).createAwsMonitoring,
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                azure: () => (require("./azure") as typeof import("./azure")).createAzureMonitoring,
            },
            opts,
        );
    }
}
