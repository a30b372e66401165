import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import type { EdgeRouting } from ".";
import { createRateLimitPolicy, createSourceAllowList } from "./policies";

/*
 * HTTPRoutes (gateway.networking.k8s.io/v1, standard channel). Fields: kubernetes-sigs/gateway-api@v1.6.1:
 * apis/v1/httproute_types.go (parentRefs with sectionName, hostnames, rules[].matches[].path PathPrefix,
 * rules[].filters[] RequestRedirect / ResponseHeaderModifier, rules[].backendRefs[].weight) and
 * apis/v1/shared_types.go (ParentReference).
 */

export const HTTP_ROUTE = { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute" } as const;

/**
 * The security headers every response through the Gateway carries: HSTS for a year including subdomains
 * (browsers then never try plain HTTP), no MIME sniffing, no framing by other sites, and the referrer cut to the
 * origin across sites (https://owasp.org/www-project-secure-headers/). Set (not added), so a backend cannot
 * weaken them.
 */
export const SECURITY_HEADERS: readonly { readonly name: string; readonly value: string }[] = [
    { name: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" },
    { name: "X-Content-Type-Options", value: "nosniff" },
    { name: "X-Frame-Options", value: "DENY" },
    { name: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
];

/** The ResponseHeaderModifier filter setting SECURITY_HEADERS (Extended support; Envoy Gateway implements it). */
export function securityHeadersFilter() {
    return { type: "ResponseHeaderModifier", responseHeaderModifier: { set: [...SECURITY_HEADERS] } };
}

/** The HTTPS listener of the Gateway, as a route's parentRefs. */
export function httpsParent(edge: EdgeRouting) {
    return [
        {
            group: "gateway.networking.k8s.io",
            kind: "Gateway",
            name: edge.gateway.name,
            namespace: edge.gateway.namespace,
            sectionName: edge.httpsListener,
        },
    ];
}

/** A canary taking `weight` percent of a route's requests. */
export interface RouteCanary {
    /** The canary's Service. */
    readonly name: string;
    /** Percentage (1-99) of requests sent to it. */
    readonly weight: number;
}

/** Where an exposed service is reached, and how hard one client may call it. */
export interface ServiceRoute {
    /** The service's name: its HTTPRoute, policies and Service are named after it. */
    readonly name: string;
    readonly namespace: pulumi.Input<string>;
    readonly labels: Record<string, string>;
    readonly host: string;
    readonly path: string;
    /** Port of the service's ClusterIP Service (and the canary's). */
    readonly port: number;
    readonly rateLimitRps: number;
    readonly edge: EdgeRouting;
    /** @default no canary: every request goes to the stable Service */
    readonly canary?: RouteCanary;
}

/** The backends of a route: the stable Service alone, or split with the canary by weight (they sum to 100). */
export function weightedBackends(route: Pick<ServiceRoute, "name" | "port" | "canary">) {
    if (!route.canary) return [{ name: route.name, port: route.port }];
    return [
        { name: route.name, port: route.port, weight: 100 - route.canary.weight },
        { name: route.canary.name, port: route.port, weight: route.canary.weight },
    ];
}

/**
 * An exposed service's HTTPRoute on the HTTPS listener (host and path prefix, security headers, the canary's
 * share by weight) and its per-client rate limit. Returns the public URL.
 */
export function createServiceRoute(
    resourceName: string,
    route: ServiceRoute,
    opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
    const httpRoute = new CustomResource(
        resourceName,
        {
            ...HTTP_ROUTE,
            metadata: { name: route.name, namespace: route.namespace, labels: route.labels },
            spec: {
                parentRefs: httpsParent(route.edge),
                hostnames: [route.host],
                rules: [
                    {
                        matches: [{ path: { type: "PathPrefix", value: route.path } }],
                        filters: [securityHeadersFilter()],
                        backendRefs: weightedBackends(route),
                    },
                ],
            },
        },
        opts,
    );
    createRateLimitPolicy(
        `${resourceName}-rate-limit`,
        { routeName: route.name, namespace: route.namespace, requestsPerSecond: route.rateLimitRps },
        { ...opts, dependsOn: [httpRoute] },
    );
    return pulumi.output(`https://${route.host}${route.path}`);
}

/** Requests per second one client may send Grafana. */
export const GRAFANA_RATE_LIMIT_RPS = 20;

/**
 * Grafana's HTTPRoute on the HTTPS listener, its own source allow-list (`platform:edge.grafanaAllowedCidrs`,
 * never the Kubernetes API's) and a per-client rate limit.
 */
export function createGrafanaRoute(
    resourceName: string,
    args: {
        readonly namespace: pulumi.Input<string>;
        readonly host: string;
        readonly allowedCidrs: string[];
        readonly edge: EdgeRouting;
    },
    opts: pulumi.CustomResourceOptions,
): CustomResource {
    const route = new CustomResource(
        resourceName,
        {
            ...HTTP_ROUTE,
            metadata: { name: "grafana", namespace: args.namespace },
            spec: {
                parentRefs: httpsParent(args.edge),
                hostnames: [args.host],
                rules: [
                    {
                        matches: [{ path: { type: "PathPrefix", value: "/" } }],
                        filters: [securityHeadersFilter()],
                        backendRefs: [{ name: "grafana", port: 80 }],
                    },
                ],
            },
        },
        opts,
    );
    const policyOpts = { ...opts, dependsOn: [route] };
    const target = { routeName: "grafana", namespace: args.namespace };
    createSourceAllowList(`${resourceName}-allow-list`, { ...target, allowedCidrs: args.allowedCidrs }, policyOpts);
    createRateLimitPolicy(
        `${resourceName}-rate-limit`,
        { ...target, requestsPerSecond: GRAFANA_RATE_LIMIT_RPS },
        policyOpts,
    );
    return route;
}

/** `grafana.` on the parent domain of a service host: api.example.com and example.com both give grafana.example.com. */
export function grafanaHostFor(host: string): string {
    const labels = host.split(".");
    return `grafana.${(labels.length > 2 ? labels.slice(1) : labels).join(".")}`;
}
