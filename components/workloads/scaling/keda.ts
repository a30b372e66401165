import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { Secret } from "@pulumi/kubernetes/core/v1";
import { createScalerCredential } from "../../cache/clients";
import { autoscalingTargets } from "..";
import { MONITORING_NAMESPACE } from "../observability";
import type { ServiceRuntime } from "../services/runtime";
import type { ResolvedTrigger } from ".";

/**
 * The in-cluster Prometheus: kube-prometheus-stack names its Service `<fullname>-prometheus` on port 9090
 * (prometheus-community/helm-charts@kube-prometheus-stack-88.5.3 templates/prometheus/service.yaml, values
 * `prometheus.service.port`), and the release's fullname is "kps" (observability/monitoring.ts).
 */
export const PROMETHEUS_URL = `http://kps-prometheus.${MONITORING_NAMESPACE.name}.svc.cluster.local:9090`;

/** How often KEDA polls the triggers, and how long it waits before scaling down (seconds). */
export const kedaTimings = { pollingIntervalSeconds: 30, scaleDownStabilizationSeconds: 300 } as const;

/**
 * The ScaledObject of a service's stable Deployment (keda.sh/v1alpha1, kedacore/keda@v2.20.2
 * apis/keda/v1alpha1/scaledobject_types.go: scaleTargetRef, pollingInterval, minReplicaCount,
 * maxReplicaCount, advanced.horizontalPodAutoscalerConfig.behavior, triggers with type, metadata,
 * metricType and authenticationRef), with the CPU and memory targets as triggers beside the configured
 * ones, and the TriggerAuthentication its Redis triggers use. In place of the service's HPA.
 */
export function createScaledObject(
    resourceName: string,
    runtime: ServiceRuntime,
    triggers: ResolvedTrigger[],
    dependsOn: pulumi.Input<pulumi.Resource>[],
): CustomResource {
    const { service: s, args, labels } = runtime;
    const opts = { parent: runtime.parent, dependsOn };
    const redis = triggers.some((t) => t.kind === "redis-list" || t.kind === "redis-stream");
    const auth = redis ? createRedisAuthentication(`${resourceName}-redis-auth`, runtime, triggers, opts) : undefined;
    return new CustomResource(
        resourceName,
        {
            apiVersion: "keda.sh/v1alpha1",
            kind: "ScaledObject",
            metadata: { name: s.name, namespace: args.namespace, labels },
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: s.name },
                pollingInterval: kedaTimings.pollingIntervalSeconds,
                minReplicaCount: s.minReplicas,
                maxReplicaCount: s.maxReplicas,
                advanced: {
                    horizontalPodAutoscalerConfig: {
                        behavior: {
                            scaleDown: { stabilizationWindowSeconds: kedaTimings.scaleDownStabilizationSeconds },
                        },
                    },
                },
                triggers: [
                    {
                        type: "cpu",
                        metricType: "Utilization",
                        metadata: { value: String(autoscalingTargets.cpuUtilizationPercent) },
                    },
                    {
                        type: "memory",
                        metricType: "Utilization",
                        metadata: { value: String(autoscalingTargets.memoryUtilizationPercent) },
                    },
                    ...triggers.map((t) => kedaTrigger(t, runtime, auth)),
                ],
            },
        },
        opts,
    );
}

/** One configured trigger as KEDA reads it (pkg/scalers/{redis,redis_streams,prometheus}_scaler.go metadata names). */
function kedaTrigger(t: ResolvedTrigger, runtime: ServiceRuntime, auth: CustomResource | undefined) {
    const authenticationRef = auth ? { name: auth.metadata.name, kind: "TriggerAuthentication" } : undefined;
    // TLS as the cache speaks it: metadata `enableTLS` (the auth param `tls` wants "enable", not the Secret's "true").
    const enableTLS = runtime.args.cache.tls.apply((tls) => String(tls));
    // A sharded cache needs KEDA's cluster scalers, which discover the shards from the configuration endpoint
    // (kedacore/keda@v2.20.2 pkg/scaling/scalers_builder.go: "redis-cluster", "redis-cluster-streams";
    // redis_scaler.go getRedisClusterClient); the plain scalers would read one shard and get MOVED errors.
    const cluster = runtime.args.cache.mode?.cluster ? "-cluster" : "";
    switch (t.kind) {
        case "redis-list":
            return {
                type: `redis${cluster}`,
                metadata: { listName: t.list, listLength: String(t.length), enableTLS },
                authenticationRef,
            };
        case "redis-stream":
            return {
                type: `redis${cluster}-streams`,
                metadata: {
                    stream: t.stream,
                    consumerGroup: t.group,
                    pendingEntriesCount: String(t.pending),
                    enableTLS,
                },
                authenticationRef,
            };
        case "request-rate":
            return {
                type: "prometheus",
                metadata: {
                    serverAddress: PROMETHEUS_URL,
                    query: pulumi.interpolate`sum(rate(http_requests_total{namespace="${runtime.args.namespace}", service="${runtime.service.name}"}[2m]))`,
                    threshold: String(t.perReplica),
                },
            };
        case "prometheus":
            return {
                type: "prometheus",
                metadata: { serverAddress: PROMETHEUS_URL, query: t.query, threshold: String(t.threshold) },
            };
    }
}

/**
 * The Redis triggers' credentials by reference: host, port and password are keys of the service's connection
 * Secret (services/secret.ts, `bind: ["cache"]`), which KEDA reads in the service's namespace; no value is
 * copied into the ScaledObject (keda.sh/v1alpha1 TriggerAuthentication `secretTargetRef`: parameter, name,
 * key; kedacore/keda@v2.20.2 apis/keda/v1alpha1/triggerauthentication_types.go AuthTargetRef; the Redis
 * scaler reads `host`, `port` and `password` from auth params, pkg/scalers/redis_scaler.go). When the cache is
 * passwordless the service's Secret has no password: KEDA then reads a credential of its own (kedaCredentials).
 */
function createRedisAuthentication(
    resourceName: string,
    runtime: ServiceRuntime,
    triggers: ResolvedTrigger[],
    opts: pulumi.CustomResourceOptions,
): CustomResource {
    const { service: s, args, labels, secret } = runtime;
    if (!secret) throw new Error(`service ${s.name}: Redis scaling needs bind: ["cache"] (its connection Secret).`);
    const own =
        (args.cache.mode?.auth ?? "password") === "password"
            ? undefined
            : kedaCredentials(resourceName, runtime, triggers, opts);
    const ref = (parameter: string, key: string) => ({ parameter, name: secret.name, key });
    const ownRef = (parameter: string) => ({ parameter, name: own!.secret.metadata.name, key: parameter });
    const secretTargetRef = own
        ? [ref("host", "REDIS_HOST"), ref("port", "REDIS_PORT"), ...own.parameters.map(ownRef)]
        : [ref("host", "REDIS_HOST"), ref("port", "REDIS_PORT"), ref("password", "REDIS_PASSWORD")];
    return new CustomResource(
        resourceName,
        {
            apiVersion: "keda.sh/v1alpha1",
            kind: "TriggerAuthentication",
            metadata: { name: `${s.name}-redis`, namespace: args.namespace, labels },
            spec: { secretTargetRef },
        },
        {
            ...opts,
            dependsOn: [
                secret.resource,
                ...(own ? [own.secret, ...own.ready] : []),
                ...((opts.dependsOn as pulumi.Resource[]) ?? []),
            ],
        },
    );
}

/**
 * KEDA's own credential for a passwordless cache, in a Secret of its own (`<service>-keda-redis`) that the
 * service's pods do not mount: a password user limited to the triggers' keys on AWS, the access key on Azure
 * (components/cache/clients createScalerCredential has why).
 */
function kedaCredentials(
    resourceName: string,
    runtime: ServiceRuntime,
    triggers: ResolvedTrigger[],
    opts: pulumi.CustomResourceOptions,
) {
    const { service: s, args, labels } = runtime;
    const keys = triggers.flatMap((t) =>
        t.kind === "redis-list" ? [t.list] : t.kind === "redis-stream" ? [t.stream] : [],
    );
    const credential = createScalerCredential(
        `${resourceName}-user`,
        {
            context: args.context,
            serviceName: s.name,
            access: args.cache.clientAccess!,
            mode: args.cache.mode!,
            keys,
            authToken: args.cache.authToken,
        },
        { parent: opts.parent },
    );
    const stringData = pulumi
        .all([credential.username, credential.password])
        .apply(([username, password]) => ({ ...(username ? { username } : {}), password }));
    const secret = new Secret(
        `${resourceName}-secret`,
        {
            metadata: { name: `${s.name}-keda-redis`, namespace: args.namespace, labels },
            type: "Opaque",
            stringData: pulumi.secret(stringData),
        },
        { parent: opts.parent },
    );
    const parameters = credential.username ? ["username", "password"] : ["password"];
    return { secret, parameters, ready: credential.ready };
}
