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

/** The labels that select one track of a service's pods. */
export function trackSelector(service: string, track: Track): Record<string, string> {
    return { "app.kubernetes.io/name": service, track };
}

/** The label that selects all of a service's pods, whatever their track. */
export function nameSelector(service: string): Record<string, string> {
    return { "app.kubernetes.io/name": service };
}
