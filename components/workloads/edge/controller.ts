import * as pulumi from "@pulumi/pulumi";
import { Namespace } from "@pulumi/kubernetes/core/v1";
import { Release } from "@pulumi/kubernetes/helm/v3";
import { CHART_PINS } from "../charts";
import { GATEWAY_NAMESPACE, GATEWAY_POD_SELECTOR } from ".";
import { ociChart } from "./crds";
import { RATE_LIMIT_REDIS_URL } from "./rate-limit";

/**
 * The gateway's namespace. Pod Security "restricted": Envoy Gateway's controller, its rate-limit service and the
 * Envoy pods it creates run as non-root with RuntimeDefault seccomp and all capabilities dropped, listening on
 * unprivileged ports (envoyproxy/gateway@v1.9.0:internal/infrastructure/kubernetes/proxy/testdata/deployments/
 * default.yaml; charts/gateway-helm/values.tmpl.yaml).
 */
export function createGatewayNamespace(name: string, parent: pulumi.Resource): Namespace {
    return new Namespace(
        `${name}-gateway-namespace`,
        {
            metadata: {
                name: GATEWAY_NAMESPACE.name,
                labels: { "pod-security.kubernetes.io/enforce": "restricted" },
            },
        },
        { parent },
    );
}

/**
 * Envoy Gateway's chart values: its CRDs off (crds.ts installs the standard channel first), two controller
 * replicas when highly available, and the global rate limit's Redis (per-client buckets, rate-limit.ts).
 * Keys: envoyproxy/gateway@v1.9.0:charts/gateway-helm/values.tmpl.yaml (`crds.enabled`, `deployment.replicas`,
 * `podDisruptionBudget`, `config.envoyGateway`); `config.envoyGateway.rateLimit`: api/v1alpha1/envoygateway_types.go.
 */
export function envoyGatewayValues(highAvailability: boolean): Record<string, unknown> {
    return {
        crds: { enabled: false },
        deployment: { replicas: highAvailability ? 2 : 1 },
        podDisruptionBudget: highAvailability ? { minAvailable: 1 } : { minAvailable: 0 },
        config: {
            envoyGateway: {
                gateway: { controllerName: ENVOY_GATEWAY_CONTROLLER },
                provider: { type: "Kubernetes" },
                logging: { level: { default: "info" } },
                rateLimit: { backend: { type: "Redis", redis: { url: RATE_LIMIT_REDIS_URL } } },
            },
        },
    };
}

/** The controller name GatewayClasses of Envoy Gateway name. */
export const ENVOY_GATEWAY_CONTROLLER = "gateway.envoyproxy.io/gatewayclass-controller";

/** Envoy Gateway from its pinned OCI chart, after the CRDs. */
export function createEnvoyGateway(
    name: string,
    args: { readonly namespace: Namespace; readonly highAvailability: boolean },
    opts: pulumi.CustomResourceOptions,
): Release {
    const pin = CHART_PINS.envoyGateway;
    return new Release(
        `${name}-envoy-gateway`,
        {
            name: "envoy-gateway",
            chart: ociChart(pin),
            version: pin.version,
            namespace: args.namespace.metadata.name,
            atomic: true,
            cleanupOnFail: true,
            values: envoyGatewayValues(args.highAvailability),
        },
        opts,
    );
}

/** The Envoy pods' deployment settings: replicas per environment, spread across zones when highly available. */
export function envoyDeployment(highAvailability: boolean, dev: boolean): Record<string, unknown> {
    return {
        replicas: highAvailability ? 3 : dev ? 1 : 2,
        pod: highAvailability
            ? {
                  topologySpreadConstraints: [
                      {
                          maxSkew: 1,
                          topologyKey: "topology.kubernetes.io/zone",
                          whenUnsatisfiable: "DoNotSchedule",
                          labelSelector: { matchLabels: GATEWAY_POD_SELECTOR.matchLabels },
                      },
                  ],
              }
            : {},
        container: { resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } } },
    };
}
