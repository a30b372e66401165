/** Labels every object of a service carries. */
export function serviceLabels(service: string, environment: string): Record<string, string> {
    return {
        "app.kubernetes.io/name": service,
        "app.kubernetes.io/part-of": "platform",
        "app.kubernetes.io/managed-by": "pulumi",
        environment,
    };
}

/** Stable pods carry `track: stable`; a canary's pods `track: canary`, behind a Service of their own. */
export type Track = "stable" | "canary";

/**
 * Pods of a service that no Service selects: its migration Jobs' and its CronJob's (the network policy
 * still applies to them, it selects by name).
 */
export type RunTrack = "migration" | "scheduled";

/** The labels that select one track of a service's pods. */
export function trackSelector(service: string, track: Track | RunTrack): Record<string, string> {
    return { "app.kubernetes.io/name": service, track };
}

/** The label that selects all of a service's pods, whatever their track. */
export function nameSelector(service: string): Record<string, string> {
    return { "app.kubernetes.io/name": service };
}
