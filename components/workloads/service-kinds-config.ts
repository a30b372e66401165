import { checked, explained, int, list, obj, oneOf, str } from "../shared/schema";
import type { ServiceEntry } from "./config";
import { CONCURRENCY_POLICIES, WORKLOAD_KIND_NAMES, WorkloadKindName } from "./service-kinds";

/*
 * The `platform:services` fields of the workload kinds (service-kinds.ts) and the checks that concern them:
 * which fields each kind takes, a cronjob's schedule, a probe's and a migration's required parts, and the
 * egress allow-list. Composed into the service schema by config.ts.
 */

const CRON_FIELDS = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    {
        name: "month",
        min: 1,
        max: 12,
        names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
    },
    { name: "day of week", min: 0, max: 6, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
] as const;

/** The macros the CronJob controller's parser accepts (https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax). */
const CRON_MACROS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/** One value of a cron field (a number or, for months and weekdays, a name), or NaN. */
function cronValue(text: string, field: (typeof CRON_FIELDS)[number]): number {
    const named = "names" in field ? field.names.indexOf(text.toUpperCase() as never) : -1;
    if (named >= 0) return named + field.min;
    return /^\d+$/.test(text) ? Number(text) : NaN;
}

/** Why one field of a cron expression is wrong, or undefined when it is right. */
function cronFieldProblem(text: string, field: (typeof CRON_FIELDS)[number], dayField: boolean): string | undefined {
    for (const item of text.split(",")) {
        const [range, step, extra] = item.split("/");
        if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) {
            return `the ${field.name} "${item}" has a bad step (use "*/15" or "0-30/5")`;
        }
        if (range === "*" || (range === "?" && dayField)) continue;
        const [from, to, more] = range.split("-");
        const bounds = [from, to ?? from].map((v) => cronValue(v, field));
        const inRange = bounds.every((v) => v >= field.min && v <= field.max) && bounds[0] <= bounds[1];
        if (more !== undefined || !inRange) {
            return `the ${field.name} "${item}" is not within ${field.min}-${field.max}`;
        }
    }
    return undefined;
}

/** Why a schedule is not one the CronJob controller accepts, or undefined. */
export function cronScheduleProblem(schedule: string): string | undefined {
    if (/^\s*(CRON_)?TZ=/.test(schedule)) {
        return 'the time zone goes in "cron.timeZone", not in the schedule (Kubernetes rejects TZ= there)';
    }
    if (CRON_MACROS.includes(schedule.trim())) return undefined;
    const fields = schedule.trim().split(/\s+/);
    if (fields.length !== 5) {
        return `five fields (minute hour day-of-month month day-of-week); this has ${fields.length}`;
    }
    for (const [i, field] of CRON_FIELDS.entries()) {
        const wrong = cronFieldProblem(fields[i], field, i === 2 || i === 4);
        if (wrong) return wrong;
    }
    return undefined;
}

const cronSchedule = () =>
    checked('a five-field cron expression such as "0 3 * * *" (03:00 every day)', (value) => {
        const wrong = cronScheduleProblem(value);
        return wrong
            ? {
                  allowed: `a five-field cron expression (minute hour day-of-month month day-of-week) or one of ${CRON_MACROS.join(", ")}: ${wrong}`,
                  fix: 'Set "cron.schedule" to e.g. "0 3 * * *" (03:00 daily) or "*/15 * * * *" (every 15 minutes).',
              }
            : undefined;
    });

/** An IANA zone name the runtime knows (Kubernetes reads it from the Go time zone database). */
const timeZone = () =>
    checked('an IANA time zone such as "Europe/Berlin" or "Etc/UTC"', (value) => {
        try {
            new Intl.DateTimeFormat("en", { timeZone: value });
            return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(value)
                ? undefined
                : { allowed: "an IANA time zone name, not an offset", fix: 'Set "cron.timeZone" to e.g. "Etc/UTC".' };
        } catch {
            return {
                allowed: 'an IANA time zone such as "Europe/Berlin" or "Etc/UTC"',
                fix: 'Set "cron.timeZone" to a name from the tz database (https://en.wikipedia.org/wiki/List_of_tz_database_time_zones).',
            };
        }
    });

const IPV4_CIDR = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(3[0-2]|[12]?\d)$/;
const argument = () => str({ pattern: /^[^\0]*$/, maxLength: 4096, allowed: "a string" });
const commandLine = () => list(argument(), { minItems: 1, maxItems: 100 });
const tcpPorts = () => list(int(1, 65535), { minItems: 1, maxItems: 20, unique: true });

/** The schema fields of the workload kinds, spread into the service schema (config.ts). */
export const KIND_FIELDS = {
    kind: explained(
        oneOf(WORKLOAD_KIND_NAMES),
        `one of ${WORKLOAD_KIND_NAMES.map((k) => JSON.stringify(k)).join(", ")}`,
        (received) => `Set "kind" to "web", "worker", "singleton" or "cronjob" instead of ${JSON.stringify(received)}.`,
    ),
    command: commandLine(),
    args: list(argument(), { maxItems: 100 }),
    probe: obj({ exec: commandLine(), tcpPort: int(1, 65535) }, "a probe"),
    cron: obj(
        {
            schedule: cronSchedule(),
            timeZone: timeZone(),
            concurrencyPolicy: oneOf(CONCURRENCY_POLICIES),
            successfulJobsHistoryLimit: int(0, 100, "Jobs"),
            failedJobsHistoryLimit: int(0, 100, "Jobs"),
            // The controller looks every 10 s: a shorter deadline may never start a run.
            startingDeadlineSeconds: int(10, 86400, "seconds"),
            activeDeadlineSeconds: int(1, 7 * 86400, "seconds"),
            backoffLimit: int(0, 10, "retries"),
        },
        "a schedule",
    ),
    migrate: obj(
        {
            command: commandLine(),
            args: list(argument(), { maxItems: 100 }),
            activeDeadlineSeconds: int(30, 86400, "seconds"),
            backoffLimit: int(0, 10, "retries"),
        },
        "a migration",
    ),
    egress: list(
        obj(
            {
                cidr: str({
                    pattern: IPV4_CIDR,
                    allowed: 'an IPv4 CIDR such as "203.0.113.0/24" or "198.51.100.7/32"',
                }),
                fqdn: str({
                    pattern: /^(?=.{4,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
                    allowed: 'a lowercase DNS name such as "api.stripe.com"',
                }),
                ports: tcpPorts(),
            },
            "a destination",
        ),
        { maxItems: 50 },
    ),
} as const;

/** Fields each kind does not take, with why. */
const NOT_FOR_KIND: Record<WorkloadKindName, Partial<Record<string, string>>> = {
    web: {
        probe: 'a web service is probed over HTTP: use "probes"',
        cron: 'only a "cronjob" has a schedule',
    },
    worker: {
        port: "a worker serves no port (it has no Service)",
        expose: "a worker serves no HTTP, so nothing can route to it",
        probes: 'a worker has no HTTP probes: use "probe" with "exec" or "tcpPort"',
        metricsPath: "a worker has no Service for Prometheus to scrape",
        cron: 'only a "cronjob" has a schedule',
    },
    singleton: {
        port: "a singleton serves no port (it has no Service)",
        expose: "a singleton serves no HTTP, so nothing can route to it",
        probes: 'a singleton has no HTTP probes: use "probe" with "exec" or "tcpPort"',
        metricsPath: "a singleton has no Service for Prometheus to scrape",
        replicas: "a singleton runs exactly one pod",
        cron: 'only a "cronjob" has a schedule',
    },
    cronjob: {
        port: "a cronjob serves no port",
        expose: "a cronjob serves no HTTP",
        probes: "a cronjob's runs are not probed",
        probe: "a cronjob's runs are not probed",
        metricsPath: "a cronjob has no Service for Prometheus to scrape",
        replicas: "a cronjob runs one pod per run",
        migrate: "a cronjob has no rollout to gate: run the migration from a web or worker service",
    },
};

/** Each kind takes only its own fields; a cronjob needs its schedule. */
export function checkKindFields({ service: s, label, add }: ServiceEntry): void {
    const kind = s.kind ?? "web";
    for (const [field, why] of Object.entries(NOT_FOR_KIND[kind])) {
        if ((s as Record<string, unknown>)[field] !== undefined) {
            add(
                `.${field}`,
                (s as Record<string, unknown>)[field],
                `no "${field}" on a ${kind}: ${why}`,
                `Remove "${field}" from ${label}.`,
            );
        }
    }
    if (kind === "cronjob" && s.cron?.schedule === undefined) {
        add(
            ".cron.schedule",
            s.cron?.schedule,
            "a five-field cron expression (required for a cronjob)",
            `Add "cron": {"schedule": "0 3 * * *"} to ${label}.`,
        );
    }
    if (s.probe && (s.probe.exec === undefined) === (s.probe.tcpPort === undefined)) {
        add(
            ".probe",
            s.probe,
            'exactly one of "exec" (a command) or "tcpPort"',
            `Give the "probe" of ${label} one of the two.`,
        );
    }
    if (s.migrate && s.migrate.command === undefined) {
        add(
            ".migrate.command",
            undefined,
            "the migration's command (required with migrate)",
            `Add "command" to the "migrate" of ${label}, e.g. ["npm", "run", "migrate"].`,
        );
    }
}

/** "calls" may name only web services: the other kinds have no port and no Service to call. */
export function checkCalleeKinds({ service: s, label, services, add }: ServiceEntry): void {
    (s.calls ?? []).forEach((callee, j) => {
        const target = services.find((o) => o.name === callee && o !== s);
        if (target && (target.kind ?? "web") !== "web") {
            add(
                `.calls[${j}]`,
                callee,
                `a web service (${JSON.stringify(callee)} is a ${target.kind}: it has no port and no Service)`,
                `Remove "${callee}" from the "calls" of ${label}; reach it through a queue or the database instead.`,
            );
        }
    });
}

/**
 * Egress destinations: exactly one of `cidr` / `fqdn`, with ports; never the whole internet; and no host
 * names, which neither cluster enforces as configured. EKS: the VPC CNI's network policy agent enforces
 * standard NetworkPolicies only (ipBlock, no names, https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html);
 * DNS-based policies are an EKS Auto Mode feature (https://docs.aws.amazon.com/eks/latest/userguide/auto-net-pol.html)
 * and these clusters run managed node groups with Karpenter. AKS: Cilium enforces FQDN rules only through
 * CiliumNetworkPolicy with Advanced Container Networking Services' security enabled (advancedNetworking
 * .security.advancedNetworkPolicies "FQDN", https://learn.microsoft.com/en-us/azure/aks/container-network-security-fqdn-filtering-concepts),
 * which components/cluster/azure.ts does not enable.
 */
export function checkEgress({ service: s, label, cloud, add }: ServiceEntry): void {
    (s.egress ?? []).forEach((destination, j) => {
        const at = `.egress[${j}]`;
        if ((destination.cidr === undefined) === (destination.fqdn === undefined)) {
            add(
                at,
                destination,
                'exactly one of "cidr" or "fqdn"',
                `Give entry ${j} of the "egress" of ${label} a "cidr".`,
            );
        } else if (destination.fqdn !== undefined) {
            add(
                `${at}.fqdn`,
                destination.fqdn,
                cloud === "aws"
                    ? "a CIDR: EKS's VPC CNI network policy agent enforces no host names (DNS-based policies are EKS Auto Mode only)"
                    : "a CIDR: AKS's Cilium enforces host names only with Advanced Container Networking Services, which this cluster does not enable",
                `Replace "fqdn": "${destination.fqdn}" in the "egress" of ${label} with "cidr" entries for the ranges the provider publishes for it.`,
            );
        } else if (destination.cidr!.endsWith("/0")) {
            add(
                `${at}.cidr`,
                destination.cidr,
                "a range narrower than the whole internet (/1 or longer)",
                `Replace "${destination.cidr}" in the "egress" of ${label} with the destination's own ranges.`,
            );
        }
        if (destination.ports === undefined) {
            add(
                `${at}.ports`,
                undefined,
                "the TCP ports to allow (required)",
                `Add "ports", e.g. [443], to entry ${j} of the "egress" of ${label}.`,
            );
        }
    });
}
