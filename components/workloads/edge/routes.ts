import * as pulumi from "@pulumi/pulumi";
import { Ingress } from "@pulumi/kubernetes/networking/v1";
import type * as k8s from "@pulumi/kubernetes/types/input";
import type { EdgeRouting } from ".";

/** Where an exposed service is reached, and how hard one client may call it. */
export interface ServiceRoute {
    /** The service's name: its Ingress, Service and TLS Secret (`<name>-tls`) are named after it. */
    readonly name: string;
    readonly namespace: pulumi.Input<string>;
    readonly labels: Record<string, string>;
    readonly host: string;
    readonly path: string;
    readonly rateLimitRps: number;
    readonly ingress: EdgeRouting;
}

/** A prefix rule for the route's host and path to a Service's `http` port. */
function prefixRule(route: Pick<ServiceRoute, "host" | "path">, backend: string): k8s.networking.v1.IngressRule {
    return {
        host: route.host,
        http: {
            paths: [
                {
                    path: route.path,
                    pathType: "Prefix",
                    backend: { service: { name: backend, port: { name: "http" } } },
                },
            ],
        },
    };
}

/**
 * An exposed service's Ingress: TLS from the ClusterIssuer, HTTPS only, rate limited per client IP (burst
 * 5 × the limit). Returns the public URL.
 */
export function createServiceRoute(
    resourceName: string,
    route: ServiceRoute,
    opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
    new Ingress(
        resourceName,
        {
            metadata: {
                name: route.name,
                namespace: route.namespace,
                labels: route.labels,
                annotations: {
                    "cert-manager.io/cluster-issuer": route.ingress.clusterIssuer,
                    "nginx.ingress.kubernetes.io/ssl-redirect": "true",
                    "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
                    "nginx.ingress.kubernetes.io/limit-rps": String(route.rateLimitRps),
                    "nginx.ingress.kubernetes.io/limit-burst-multiplier": "5",
                },
            },
            spec: {
                ingressClassName: route.ingress.className,
                tls: [{ hosts: [route.host], secretName: `${route.name}-tls` }],
                rules: [prefixRule(route, route.name)],
            },
        },
        opts,
    );
    return pulumi.output(`https://${route.host}${route.path}`);
}

/**
 * The controller's canary of a route: the same host and path, a weighted share of requests to the canary's
 * Service (`backend`). TLS and the redirect come from the main Ingress of the host.
 */
export function createCanaryRoute(
    resourceName: string,
    route: Pick<ServiceRoute, "namespace" | "host" | "path" | "ingress">,
    canary: { readonly name: string; readonly labels: Record<string, string>; readonly weight: number },
    opts: pulumi.CustomResourceOptions,
): Ingress {
    return new Ingress(
        resourceName,
        {
            metadata: {
                name: canary.name,
                namespace: route.namespace,
                labels: canary.labels,
                annotations: {
                    "nginx.ingress.kubernetes.io/canary": "true",
                    "nginx.ingress.kubernetes.io/canary-weight": String(canary.weight),
                },
            },
            spec: { ingressClassName: route.ingress.className, rules: [prefixRule(route, canary.name)] },
        },
        opts,
    );
}

/** Grafana's Ingress: TLS from the ClusterIssuer, HTTPS only, restricted to the admin CIDRs. */
export function createGrafanaRoute(
    resourceName: string,
    args: {
        readonly namespace: pulumi.Input<string>;
        readonly host: string;
        readonly adminAllowedCidrs: string[];
        readonly ingress: EdgeRouting;
    },
    opts: pulumi.CustomResourceOptions,
): Ingress {
    const { host } = args;
    return new Ingress(
        resourceName,
        {
            metadata: {
                name: "grafana",
                namespace: args.namespace,
                annotations: {
                    "cert-manager.io/cluster-issuer": args.ingress.clusterIssuer,
                    "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
                    "nginx.ingress.kubernetes.io/limit-rps": "20",
                    ...(args.adminAllowedCidrs.length > 0
                        ? { "nginx.ingress.kubernetes.io/whitelist-source-range": args.adminAllowedCidrs.join(",") }
                        : {}),
                },
            },
            spec: {
                ingressClassName: args.ingress.className,
                tls: [{ secretName: "grafana-tls", hosts: [host] }],
                rules: [
                    {
                        host,
                        http: {
                            paths: [
                                {
                                    path: "/",
                                    pathType: "Prefix",
                                    backend: { service: { name: "grafana", port: { number: 80 } } },
                                },
                            ],
                        },
                    },
                ],
            },
        },
        opts,
    );
}

/** `grafana.` on the parent domain of a service host: api.example.com and example.com both give grafana.example.com. */
export function grafanaHostFor(host: string): string {
    const labels = host.split(".");
    return `grafana.${(labels.length > 2 ? labels.slice(1) : labels).join(".")}`;
}
