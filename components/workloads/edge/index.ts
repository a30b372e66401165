import * as pulumi from "@pulumi/pulumi";
import { ClusterOutputs } from "../../cluster";
import { NetworkOutputs } from "../../network";
import { PlatformContext } from "../../shared/context";
import type { Dns01Solver } from "./certificates";
import type { OriginLock } from "./origin-lock";
import type { Dns01Zone } from "./dns01";

export type { OriginLock } from "./origin-lock";

/*
 * The edge: how requests reach the services, through the Gateway API. Envoy Gateway (gateway.ts) serves
 * one Gateway with an HTTP listener that only redirects to HTTPS and an HTTPS listener holding the stack's
 * certificate, behind the cloud's load balancer (load-balancer.ts; on EKS provisioned by the AWS Load
 * Balancer Controller, aws-load-balancer-controller/). The Gateway API and Envoy Gateway CRDs install first
 * (crds.ts). Certificates come from Let's Encrypt through cert-manager (certificates.ts), and each exposed
 * service and Grafana get an HTTPRoute with their policies (routes.ts, policies.ts).
 *
 * Why Envoy Gateway rather than NGINX Gateway Fabric (both maintained, both conformant to Gateway API v1.x):
 * - policies: Envoy Gateway has typed policies for everything the edge needs: TLS versions per listener
 *   (ClientTrafficPolicy.tls), source allow-lists (SecurityPolicy.authorization with clientCIDRs), rate
 *   limits (BackendTrafficPolicy.rateLimit); NGINX Gateway Fabric 2.6 has a RateLimitPolicy but no
 *   allow-list or TLS-version policy, which would need its snippets (the raw configuration injection that
 *   ingress-nginx's CVEs came through): github:nginx/nginx-gateway-fabric@v2.6.7:apis/v1alpha1/.
 * - per-client rate limits: Envoy's local limit has no per-client buckets ("Local rate limiting does not
 *   support distinct matching", envoyproxy/gateway@v1.9.0:site/content/en/v1.9/tasks/traffic/
 *   local-rate-limit.md); per client IP needs its global limit and a Redis (rate-limit.ts). This is the one
 *   point where NGINX Gateway Fabric is simpler (nginx's limit_req keyed by $binary_remote_addr).
 * - maturity: Envoy Gateway is a CNCF Envoy project with a published support window per minor (six
 *   months) and a compatibility matrix; resource use: one control plane (100m / 256Mi requested) and the
 *   Envoy fleet, comparable to NGINX Gateway Fabric's control plane plus nginx data plane.
 */

/** The namespace of Envoy Gateway, its Envoy fleet and the Gateway, and how network policy selects it. */
export const GATEWAY_NAMESPACE = {
    name: "envoy-gateway-system",
    selector: { matchLabels: { "kubernetes.io/metadata.name": "envoy-gateway-system" } },
} as const;
/**
 * The Envoy data-plane pods, the only ones that forward requests to the services. Envoy Gateway labels
 * them so: envoyproxy/gateway@v1.9.0:internal/infrastructure/kubernetes/proxy/resource.go (envoyLabels).
 */
export const GATEWAY_POD_SELECTOR = {
    matchLabels: { "app.kubernetes.io/name": "envoy", "app.kubernetes.io/component": "proxy" },
};
/** The Gateway's name and its two listeners. */
export const GATEWAY = { name: "platform", httpListener: "http", httpsListener: "https" } as const;

/** The Gateway an exposed service's HTTPRoute attaches to. */
export interface EdgeRouting {
    /** The Gateway's name and namespace. */
    readonly gateway: { readonly name: string; readonly namespace: string };
    /** The HTTPS listener (`sectionName`) routes attach to; the HTTP listener only redirects. */
    readonly httpsListener: string;
    /** The ClusterIssuer the Gateway's certificate comes from. */
    readonly clusterIssuer: string;
}

/** Arguments of the edge: Gateway, its load balancer and certificates. */
export interface EdgeGatewayArgs {
    readonly context: PlatformContext;
    /** E-mail for Let's Encrypt expiry notices. */
    readonly alertEmail: string;
    readonly highAvailability: boolean;
    /** Every host the Gateway serves (exposed services and Grafana); its one certificate covers them. */
    readonly hosts: string[];
    /** Namespaces whose HTTPRoutes may attach to the HTTPS listener. */
    readonly routeNamespaces: pulumi.Input<string>[];
    /** The cluster (on EKS the load balancer controller's Pod Identity association names it). */
    readonly cluster: Pick<ClusterOutputs, "clusterName" | "oidcIssuerUrl">;
    /** The network (on EKS the controller is told its VPC rather than asking the instance metadata). */
    readonly network: Pick<NetworkOutputs, "networkId">;
    /** The Prometheus operator's CRDs, which cert-manager's ServiceMonitor needs before it installs. */
    readonly monitoringCrds: pulumi.Resource[];
    /**
     * Let's Encrypt's directory: "staging" issues untrusted certificates without production rate limits.
     * @default "production" in prod, "staging" in dev and staging
     */
    readonly acmeDirectory?: "production" | "staging";
    /**
     * Solve ACME challenges with DNS-01 in this zone (no hairpin through the load balancer, wildcard-capable).
     * @default HTTP-01 through the Gateway's HTTP listener
     */
    readonly dns01?: Dns01Solver;
    /**
     * The stack's DNS zone: ACME challenges for its names are solved with DNS-01 there, as cert-manager's own
     * workload identity limited to that zone (dns01.ts). Ignored when `dns01` is given.
     * @default none: HTTP-01 through the Gateway's HTTP listener
     */
    readonly dnsZone?: Dns01Zone;
    /**
     * The CDN's lock on the Gateway (origin-lock.ts): its load balancer admits only the CDN, its HTTPS listener
     * requires the CDN's header, and the client address comes from the CDN's X-Forwarded-For entry.
     * @default none: the load balancer admits every source and the client is the connection's peer
     */
    readonly originLock?: OriginLock;
}

/** What routes and the stack need from the edge. */
export interface EdgeGatewayOutputs extends EdgeRouting {
    /** Namespace of the Gateway and its Envoy pods (network policy admits traffic from it). */
    readonly namespace: string;
    /** The Gateway's public address: the load balancer's hostname (EKS) or IP address (AKS). */
    readonly loadBalancerAddress: pulumi.Output<string>;
    /** The resources a route must wait for (the Gateway, its policies' CRDs, the ClusterIssuer). */
    readonly ready: pulumi.Resource[];
}

/** Envoy Gateway and cert-manager from their pinned charts, one Gateway, its certificate and policies. */
export class EdgeGateway extends pulumi.ComponentResource implements EdgeGatewayOutputs {
    public readonly gateway: EdgeRouting["gateway"];
    public readonly httpsListener: string;
    public readonly clusterIssuer: string;
    public readonly namespace: string;
    public readonly loadBalancerAddress: pulumi.Output<string>;
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: EdgeGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:workloads:EdgeGateway", name, {}, opts);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { createEdgeGateway } = require("./gateway") as typeof import("./gateway");
        const outputs = createEdgeGateway(name, args, this);
        this.gateway = outputs.gateway;
        this.httpsListener = outputs.httpsListener;
        this.clusterIssuer = outputs.clusterIssuer;
        this.namespace = outputs.namespace;
        this.loadBalancerAddress = outputs.loadBalancerAddress;
        this.ready = outputs.ready;
        this.registerOutputs({
            gateway: outputs.gateway,
            clusterIssuer: outputs.clusterIssuer,
            namespace: outputs.namespace,
            loadBalancerAddress: outputs.loadBalancerAddress,
        });
    }
}
