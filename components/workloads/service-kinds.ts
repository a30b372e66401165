/*
 * The shape of the fields of a `platform:services` entry that choose and tune its workload kind (web,
 * worker, singleton, cronjob), its migration Job and its egress allow-list, with their defaults. The
 * builders are in services/ (one file per kind, registered in services/service.ts WORKLOAD_KINDS); the
 * validation is in config.ts and service-kinds-config.ts.
 */

/**
 * The kinds of workload a service can be:
 * - `web`: a long-running HTTP server (port, HTTP probes, Service, HPA, PDB, optional exposure);
 * - `worker`: long-running, no port and no Service (queue consumers such as BullMQ or Celery workers),
 *   exec/TCP/no probes, HPA and PDB like a web service;
 * - `singleton`: exactly one pod, replaced with `Recreate` so two never run at once (schedulers such as
 *   celery-beat); no HPA and no PDB;
 * - `cronjob`: a Kubernetes CronJob (nightly backups, reports).
 */
export const WORKLOAD_KIND_NAMES = ["web", "worker", "singleton", "cronjob"] as const;
export type WorkloadKindName = (typeof WORKLOAD_KIND_NAMES)[number];

/** Kinds whose pods run all the time (a Deployment). */
export const LONG_RUNNING_KINDS: readonly WorkloadKindName[] = ["web", "worker", "singleton"];

/**
 * The probe of a worker or singleton: a command run in the container, or a TCP connection to a port it
 * listens on. Exactly one of `exec` and `tcpPort`.
 */
export interface ServiceProbeConfig {
    /** Command whose exit status 0 means healthy, e.g. `["celery", "inspect", "ping"]`. */
    exec?: string[];
    /** Port the container accepts TCP connections on while healthy. */
    tcpPort?: number;
}

/** CronJob concurrency policies (https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#concurrency-policy). */
export const CONCURRENCY_POLICIES = ["Forbid", "Replace", "Allow"] as const;
export type ConcurrencyPolicy = (typeof CONCURRENCY_POLICIES)[number];

/** When and how a `cronjob` service runs. */
export interface ServiceCronConfig {
    /** Five-field cron expression (minute hour day-of-month month day-of-week), e.g. "0 3 * * *". Required. */
    schedule?: string;
    /**
     * IANA time zone the schedule is read in.
     * @default "Etc/UTC"
     */
    timeZone?: string;
    /**
     * What happens when a run is due while the previous one still runs.
     * @default "Forbid" (the new run is skipped)
     */
    concurrencyPolicy?: ConcurrencyPolicy;
    /**
     * Finished successful Jobs kept.
     * @default 3
     */
    successfulJobsHistoryLimit?: number;
    /**
     * Failed Jobs kept (their pods' logs stay readable).
     * @default 3
     */
    failedJobsHistoryLimit?: number;
    /**
     * A run that could not start within this many seconds of its time is skipped.
     * @default 600
     */
    startingDeadlineSeconds?: number;
    /**
     * A run is stopped and failed after this many seconds.
     * @default 3600
     */
    activeDeadlineSeconds?: number;
    /**
     * Retries of a failed run.
     * @default 2
     */
    backoffLimit?: number;
}

/** The migration Job of a service: runs to completion before the service's new version rolls out. */
export interface ServiceMigrateConfig {
    /** The migration's command (the image's entrypoint is replaced), e.g. `["npm", "run", "migrate"]`. Required. */
    command?: string[];
    /**
     * Its arguments.
     * @default []
     */
    args?: string[];
    /**
     * The migration is stopped and failed (and the rollout with it) after this many seconds.
     * @default 600
     */
    activeDeadlineSeconds?: number;
    /**
     * Retries of a failed migration.
     * @default 0 (a failed migration stops the rollout at once)
     */
    backoffLimit?: number;
}

/** One destination outside the namespace a service may connect to. */
export interface ServiceEgressConfig {
    /** An IPv4 range, e.g. "203.0.113.0/24" (one address: "/32"). Exclusive with `fqdn`. */
    cidr?: string;
    /** A host name. Neither cluster's network policy engine enforces names (see service-kinds-config.ts). */
    fqdn?: string;
    /** TCP ports on that destination, e.g. [587]. Required. */
    ports?: number[];
}

/** Defaults of the kind-specific fields. */
export const kindDefaults = {
    kind: "web",
    cron: {
        timeZone: "Etc/UTC",
        concurrencyPolicy: "Forbid",
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        startingDeadlineSeconds: 600,
        activeDeadlineSeconds: 3600,
        backoffLimit: 2,
    },
    migrate: { activeDeadlineSeconds: 600, backoffLimit: 0 },
} as const;

/** A cronjob's schedule with every default applied. */
export type ResolvedCron = Required<ServiceCronConfig>;
/** A migration with every default applied. */
export type ResolvedMigrate = Required<ServiceMigrateConfig>;
/** An egress destination as network policy takes it. */
export interface ResolvedEgress {
    readonly cidr: string;
    readonly ports: number[];
}

/** The kind-specific fields of a service with their defaults (spread into ResolvedService). */
export interface ResolvedKindFields {
    readonly kind: WorkloadKindName;
    /** The container's command, replacing the image's entrypoint, or undefined to keep it. */
    readonly command?: string[];
    /** The container's arguments, or undefined to keep the image's. */
    readonly args?: string[];
    /** A worker's or singleton's probe, or undefined for none. */
    readonly probe?: ServiceProbeConfig;
    /** A cronjob's schedule. */
    readonly cron?: ResolvedCron;
    /** The migration Job run before each rollout. */
    readonly migrate?: ResolvedMigrate;
    /** Destinations outside the namespace the service may connect to. */
    readonly egress: ResolvedEgress[];
}

/** The subset of a `platform:services` entry this file resolves. */
interface KindFieldsConfig {
    kind?: WorkloadKindName;
    command?: string[];
    args?: string[];
    probe?: ServiceProbeConfig;
    cron?: ServiceCronConfig;
    migrate?: ServiceMigrateConfig;
    egress?: ServiceEgressConfig[];
}

/** Applies the defaults of the kind-specific fields. */
export function resolveKindFields(s: KindFieldsConfig): ResolvedKindFields {
    return {
        kind: s.kind ?? kindDefaults.kind,
        command: s.command,
        args: s.args,
        probe: s.probe,
        cron: s.cron ? ({ ...kindDefaults.cron, ...s.cron } as ResolvedCron) : undefined,
        migrate: s.migrate?.command
            ? ({ ...kindDefaults.migrate, args: [], ...s.migrate } as ResolvedMigrate)
            : undefined,
        egress: (s.egress ?? [])
            .filter((e) => e.cidr !== undefined)
            .map((e) => ({ cidr: e.cidr!, ports: e.ports ?? [] })),
    };
}
