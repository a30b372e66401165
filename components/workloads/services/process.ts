import type * as k8s from "@pulumi/kubernetes/types/input";
import type { ResolvedService } from "..";
import { probeTimings } from "./pod";

/*
 * The container of the kinds that serve no HTTP (worker, singleton, cronjob, a migration Job): the web
 * service's container (pod.ts) without its port, its PORT variable, its HTTP probes and the preStop pause
 * (which only keeps a terminating pod serving until the endpoints drop it; nothing routes to these pods),
 * running the configured command.
 */

/** The probe of a worker or singleton: its exec command or TCP port, or none. */
function processProbe(
    s: ResolvedService,
    timings: (typeof probeTimings)[keyof typeof probeTimings],
): k8s.core.v1.Probe | undefined {
    if (s.probe?.exec) {
        return { exec: { command: s.probe.exec }, ...timings };
    }
    if (s.probe?.tcpPort !== undefined) {
        return { tcpSocket: { port: s.probe.tcpPort }, ...timings };
    }
    return undefined;
}

/** Drops what only an HTTP server has, and runs `command`/`args` instead of the image's defaults. */
function withoutHttp(
    container: k8s.core.v1.Container,
    run: { readonly command?: string[]; readonly args?: string[] },
): k8s.core.v1.Container {
    const rest: k8s.core.v1.Container = { ...container };
    for (const field of ["ports", "startupProbe", "livenessProbe", "readinessProbe", "lifecycle"] as const) {
        delete rest[field];
    }
    const env = (container.env as k8s.core.v1.EnvVar[] | undefined)?.filter((e) => e.name !== "PORT");
    return { ...rest, env, command: run.command, args: run.args };
}

/** A long-running process (worker, singleton): its command, and its exec or TCP probe if it has one. */
export function processContainer(s: ResolvedService): (c: k8s.core.v1.Container) => k8s.core.v1.Container {
    return (container) => {
        const startup = processProbe(s, probeTimings.startup);
        return {
            ...withoutHttp(container, s),
            ...(startup ? { startupProbe: startup } : {}),
            ...(startup ? { livenessProbe: processProbe(s, probeTimings.liveness) } : {}),
            ...(startup ? { readinessProbe: processProbe(s, probeTimings.readiness) } : {}),
        };
    };
}

/** A run to completion (a CronJob's or a migration's): its command, no probes. */
export function runContainer(run: {
    readonly command?: string[];
    readonly args?: string[];
}): (c: k8s.core.v1.Container) => k8s.core.v1.Container {
    return (container) => withoutHttp(container, run);
}
