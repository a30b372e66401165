import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";

/*
 * Envoy Gateway's policies (gateway.envoyproxy.io/v1alpha1), each attached to a Gateway or an HTTPRoute through
 * `targetRefs` (api/v1alpha1/policy_helpers.go, PolicyTargetReferences). Fields:
 * envoyproxy/gateway@v1.9.0:api/v1alpha1/{clienttrafficpolicy,backendtrafficpolicy,securitypolicy}_types.go,
 * tls_types.go, ratelimit_types.go, authorization_types.go.
 */

const API_VERSION = "gateway.envoyproxy.io/v1alpha1";

/** A policy's target: a Gateway or an HTTPRoute of the policy's own namespace. */
function targetRef(kind: "Gateway" | "HTTPRoute", name: string) {
    return [{ group: "gateway.networking.k8s.io", kind, name }];
}

/**
 * TLS 1.2 minimum and 1.3 maximum on every listener of the Gateway: Envoy negotiates the highest version both
 * sides offer, so clients that speak TLS 1.3 get it ("preferred"), and nothing older than 1.2 is accepted.
 * (tls_types.go: minVersion/maxVersion enum "Auto", "1.0" … "1.3"; Envoy's defaults are 1.2 and 1.3 but are
 * written out so the policy pack and a reader see them.)
 */
export function gatewayTlsSettings(): { readonly minVersion: "1.2"; readonly maxVersion: "1.3" } {
    return { minVersion: "1.2", maxVersion: "1.3" };
}

/** The ClientTrafficPolicy of the Gateway: its TLS versions and, behind a locked CDN, how it finds the client. */
export function createClientTrafficPolicy(
    resourceName: string,
    args: {
        readonly gatewayName: string;
        readonly namespace: pulumi.Input<string>;
        /** @default none: the client is the connection's peer (the load balancers preserve it) */
        readonly clientIPDetection?: Record<string, unknown>;
    },
    opts: pulumi.CustomResourceOptions,
): CustomResource {
    return new CustomResource(
        resourceName,
        {
            apiVersion: API_VERSION,
            kind: "ClientTrafficPolicy",
            metadata: { name: args.gatewayName, namespace: args.namespace },
            spec: {
                targetRefs: targetRef("Gateway", args.gatewayName),
                tls: gatewayTlsSettings(),
                ...(args.clientIPDetection ? { clientIPDetection: args.clientIPDetection } : {}),
            },
        },
        opts,
    );
}

/**
 * A limit of `requestsPerSecond` per client IP on one route: a bucket per address (`sourceCIDR` of type
 * Distinct over every IPv4 address; both load balancers are IPv4-only), counted by the global rate limit (rate-limit.ts explains why not
 * the local one); over it the client gets 429.
 */
export function perClientRateLimit(requestsPerSecond: number): Record<string, unknown> {
    const rule = {
        clientSelectors: [{ sourceCIDR: { type: "Distinct", value: "0.0.0.0/0" } }],
        limit: { requests: requestsPerSecond, unit: "Second" },
    };
    return { global: { rules: [rule] } };
}

/** The BackendTrafficPolicy of one route: its per-client rate limit. */
export function createRateLimitPolicy(
    resourceName: string,
    args: { readonly routeName: string; readonly namespace: pulumi.Input<string>; readonly requestsPerSecond: number },
    opts: pulumi.CustomResourceOptions,
): CustomResource {
    return new CustomResource(
        resourceName,
        {
            apiVersion: API_VERSION,
            kind: "BackendTrafficPolicy",
            metadata: { name: args.routeName, namespace: args.namespace },
            spec: {
                targetRefs: targetRef("HTTPRoute", args.routeName),
                rateLimit: perClientRateLimit(args.requestsPerSecond),
            },
        },
        opts,
    );
}

/**
 * A SecurityPolicy admitting only `allowedCidrs` to one route (authorization: defaultAction Deny, one Allow rule
 * with principal.clientCIDRs; any other client gets 403). The client address is the connection's peer: the
 * load balancers preserve it (load-balancer.ts) and no X-Forwarded-For is trusted, except behind a locked CDN,
 * whose own X-Forwarded-For entry then names the client (origin-lock.ts, cdnClientIpDetection).
 */
export function createSourceAllowList(
    resourceName: string,
    args: { readonly routeName: string; readonly namespace: pulumi.Input<string>; readonly allowedCidrs: string[] },
    opts: pulumi.CustomResourceOptions,
): CustomResource {
    return new CustomResource(
        resourceName,
        {
            apiVersion: API_VERSION,
            kind: "SecurityPolicy",
            metadata: { name: args.routeName, namespace: args.namespace },
            spec: {
                targetRefs: targetRef("HTTPRoute", args.routeName),
                authorization: {
                    defaultAction: "Deny",
                    rules: [
                        {
                            name: "allow-listed-sources",
                            action: "Allow",
                            principal: { clientCIDRs: args.allowedCidrs },
                        },
                    ],
                },
            },
        },
        opts,
    );
}
