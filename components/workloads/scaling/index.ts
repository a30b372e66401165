/*
 * Event-driven autoscaling with KEDA: a service's `scaling` adds queue (Redis list / stream) and request-rate
 * (Prometheus) triggers to its CPU and memory targets. KEDA is the AKS add-on on Azure (cluster/azure.ts
 * `workloadAutoScalerProfile.keda`) and its pinned chart on EKS (chart.ts); keda.ts makes the ScaledObject
 * and the TriggerAuthentication; config.ts holds the `scaling` field and its checks.
 *
 * A ScaledObject makes and owns the HPA of its Deployment, so a service with `scaling` gets no HPA of its own
 * (services/autoscaler.ts): two HPAs on one Deployment fight over its replicas ("Don't combine ScaledObject
 * with Horizontal Pod Autoscaler (HPA) ... KEDA will create the HPA for you",
 * https://keda.sh/docs/2.20/concepts/scaling-deployments/#details; the HPA controller refuses a target two
 * HPAs select, kubernetes/kubernetes#95530 "AmbiguousSelector"). CPU and memory move into the ScaledObject as
 * `cpu` and `memory` triggers with the same targets, so the service keeps scaling on them.
 */

/** Scale on the length of a Redis list (BullMQ `bull:<queue>:wait`, Celery's queue, Sidekiq's `queue:<name>`). */
export interface RedisListScalingConfig {
    /** The list's key. Required. */
    list?: string;
    /**
     * Items per replica: replicas = ceil(length / this).
     * @default 10
     */
    length?: number;
}

/** Scale on a Redis stream consumer group's pending entries. */
export interface RedisStreamScalingConfig {
    /** The stream's key. Required. */
    stream?: string;
    /** The consumer group. Required. */
    group?: string;
    /**
     * Pending entries per replica.
     * @default 10
     */
    pending?: number;
}

/** Scale on any Prometheus query of the in-cluster Prometheus. */
export interface PrometheusScalingConfig {
    /** PromQL returning one number. Required. */
    query?: string;
    /** Value per replica: replicas = ceil(result / this). Required. */
    threshold?: number;
}

/** A service's event-driven triggers (any combination); replicas stay within its `replicas` bounds. */
export interface ServiceScalingConfig {
    /** Redis list length (needs `bind: ["cache"]`). @default none */
    redisList?: RedisListScalingConfig;
    /** Redis stream pending entries (needs `bind: ["cache"]`). @default none */
    redisStream?: RedisStreamScalingConfig;
    /**
     * HTTP requests per second per replica, from the service's `http_requests_total` as Prometheus scrapes it.
     * @default none
     */
    requestsPerSecond?: number;
    /** A custom Prometheus query. @default none */
    prometheus?: PrometheusScalingConfig;
}

/** One trigger with its defaults applied. */
export type ResolvedTrigger =
    | { readonly kind: "redis-list"; readonly list: string; readonly length: number }
    | { readonly kind: "redis-stream"; readonly stream: string; readonly group: string; readonly pending: number }
    | { readonly kind: "request-rate"; readonly perReplica: number }
    | { readonly kind: "prometheus"; readonly query: string; readonly threshold: number };

/** Defaults of the triggers. */
export const scalingDefaults = { listLength: 10, pendingEntries: 10 } as const;

/** The triggers of `scaling`, or undefined when the service has none (it keeps the CPU/memory HPA). */
export function resolveScaling(scaling: ServiceScalingConfig | undefined): ResolvedTrigger[] | undefined {
    if (!scaling) return undefined;
    const triggers: ResolvedTrigger[] = [];
    if (scaling.redisList?.list) {
        triggers.push({
            kind: "redis-list",
            list: scaling.redisList.list,
            length: scaling.redisList.length ?? scalingDefaults.listLength,
        });
    }
    if (scaling.redisStream?.stream && scaling.redisStream.group) {
        const { stream, group } = scaling.redisStream;
        triggers.push({ kind: "redis-stream", stream, group, pending: scaling.redisStream.pending ?? 10 });
    }
    if (scaling.requestsPerSecond) triggers.push({ kind: "request-rate", perReplica: scaling.requestsPerSecond });
    if (scaling.prometheus?.query && scaling.prometheus.threshold) {
        triggers.push({ kind: "prometheus", query: scaling.prometheus.query, threshold: scaling.prometheus.threshold });
    }
    return triggers.length > 0 ? triggers : undefined;
}
