import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "@pulumi/kubernetes/apps/v1";
import { Namespace, Service } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { GATEWAY_NAMESPACE } from ".";

/*
 * The store of the per-client rate limits. Envoy's local rate limit keeps one bucket per route, not per client
 * ("Local rate limiting does not support distinct matching", envoyproxy/gateway@v1.9.0:site/content/en/v1.9/
 * tasks/traffic/local-rate-limit.md); a bucket per client IP (`sourceCIDR` type Distinct) needs the global rate
 * limit, whose service (deployed by Envoy Gateway) counts in Redis (api/v1alpha1/envoygateway_types.go,
 * RateLimitDatabaseBackend: "Redis" is the one type). The counters last seconds: one replica without
 * persistence is enough (a restart resets the windows), and only the rate-limit service may reach it: the
 * store has a namespace of its own with a default-deny policy and one allowed flow, so the gateway's namespace
 * (whose Envoy, controller and rate-limit pods Envoy Gateway creates and wires) keeps no workload of ours.
 */

const NAME = "ratelimit-redis";
/** The store's namespace. */
export const RATE_LIMIT_STORE_NAMESPACE = "gateway-ratelimit";
const LABELS = { "app.kubernetes.io/name": NAME, "app.kubernetes.io/part-of": "envoy-gateway" };
/** Valkey 9.0.8 (2026-11-18, the newest release of the supported 9.0 line: https://valkey.io/download/). */
export const RATE_LIMIT_REDIS_IMAGE = "valkey/valkey:9.0.8-alpine";
/** Where Envoy Gateway's rate-limit service finds the store. */
export const RATE_LIMIT_REDIS_URL = `${NAME}.${RATE_LIMIT_STORE_NAMESPACE}.svc.cluster.local:6379`;
/** Envoy Gateway's rate-limit pods (envoyproxy/gateway@v1.9.0:internal/infrastructure/kubernetes/ratelimit/resource.go). */
const RATE_LIMIT_POD_SELECTOR = {
    matchLabels: { "app.kubernetes.io/name": "envoy-ratelimit", "app.kubernetes.io/component": "ratelimit" },
};

/** The store's namespace (restricted, default deny), Deployment, Service and the one flow it admits. */
export function createRateLimitStore(name: string, parent: pulumi.Resource): void {
    const ns = new Namespace(
        `${name}-ratelimit-namespace`,
        {
            metadata: {
                name: RATE_LIMIT_STORE_NAMESPACE,
                labels: { "pod-security.kubernetes.io/enforce": "restricted" },
            },
        },
        { parent },
    );
    const namespace = ns.metadata.name;
    new NetworkPolicy(
        `${name}-ratelimit-default-deny`,
        {
            metadata: { name: "default-deny", namespace },
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        },
        { parent },
    );
    const metadata = { name: NAME, namespace, labels: LABELS };
    new Deployment(`${name}-ratelimit-redis`, { metadata, spec: redisDeploymentSpec() }, { parent });
    new Service(
        `${name}-ratelimit-redis-service`,
        {
            metadata,
            spec: { type: "ClusterIP", selector: LABELS, ports: [{ name: "redis", port: 6379, targetPort: 6379 }] },
        },
        { parent },
    );
    new NetworkPolicy(
        `${name}-ratelimit-redis-policy`,
        {
            metadata,
            spec: {
                podSelector: { matchLabels: LABELS },
                policyTypes: ["Ingress", "Egress"],
                ingress: [
                    {
                        from: [{ namespaceSelector: GATEWAY_NAMESPACE.selector, podSelector: RATE_LIMIT_POD_SELECTOR }],
                        ports: [{ protocol: "TCP", port: 6379 }],
                    },
                ],
                egress: [],
            },
        },
        { parent },
    );
}

/** One non-root, read-only Valkey without persistence (`--save "" --appendonly no`). */
function redisDeploymentSpec() {
    const probe = { tcpSocket: { port: 6379 }, periodSeconds: 10 };
    return {
        replicas: 1,
        selector: { matchLabels: LABELS },
        template: {
            metadata: { labels: LABELS },
            spec: {
                automountServiceAccountToken: false,
                securityContext: {
                    runAsNonRoot: true,
                    runAsUser: 999,
                    runAsGroup: 999,
                    seccompProfile: { type: "RuntimeDefault" },
                },
                containers: [
                    {
                        name: "valkey",
                        image: RATE_LIMIT_REDIS_IMAGE,
                        args: ["valkey-server", "--save", "", "--appendonly", "no", "--maxmemory", "96mb"],
                        ports: [{ name: "redis", containerPort: 6379 }],
                        readinessProbe: probe,
                        livenessProbe: probe,
                        resources: {
                            requests: { cpu: "50m", memory: "64Mi" },
                            limits: { cpu: "500m", memory: "128Mi" },
                        },
                        securityContext: {
                            allowPrivilegeEscalation: false,
                            privileged: false,
                            readOnlyRootFilesystem: true,
                            capabilities: { drop: ["ALL"] },
                        },
                        volumeMounts: [{ name: "data", mountPath: "/data" }],
                    },
                ],
                volumes: [{ name: "data", emptyDir: { sizeLimit: "64Mi" } }],
            },
        },
    };
}
