/**
 * The edge in the cluster behind a CDN: a Gateway that trusts a forwarded client address (X-Forwarded-For or
 * a custom header) must also refuse requests that did not come through the CDN. Otherwise any client can
 * write the header and choose the address the per-client rate limit and the source allow-lists see.
 */
import { label, ofTypes, stackPolicy } from "./lib/policy";

const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const CLIENT_TRAFFIC_POLICY = "kubernetes:gateway.envoyproxy.io/v1alpha1:ClientTrafficPolicy";
const SECURITY_POLICY = "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy";

interface TargetRef {
    kind?: string;
    name?: string;
    sectionName?: string;
}
interface EnvoyPolicy {
    metadata?: { name?: string; namespace?: string };
    spec?: {
        targetRefs?: TargetRef[];
        clientIPDetection?: { xForwardedFor?: unknown; customHeader?: unknown };
        authorization?: {
            defaultAction?: string;
            rules?: { action?: string; principal?: { headers?: { name?: string; values?: string[] }[] } }[];
        };
    };
}

const targets = (p: EnvoyPolicy, gateway: { name?: string; namespace?: string }) =>
    (p.metadata?.namespace ?? "default") === (gateway.namespace ?? "default") &&
    (p.spec?.targetRefs ?? []).some((t) => t.kind === "Gateway" && t.name === gateway.name);

/** A SecurityPolicy that denies by default and allows only requests carrying a header with a value. */
const requiresHeader = (p: EnvoyPolicy) =>
    p.spec?.authorization?.defaultAction === "Deny" &&
    (p.spec.authorization.rules ?? []).some(
        (r) => r.action === "Allow" && (r.principal?.headers ?? []).some((h) => (h.values ?? []).length > 0),
    );

/**
 * ClientTrafficPolicy.clientIPDetection (envoyproxy/gateway@v1.9.0:api/v1alpha1/clienttrafficpolicy_types.go)
 * makes Envoy take the client from a header; SecurityPolicy clientCIDRs and rate-limit sourceCIDR then match
 * that address (authorization_types.go, Principal.ClientCIDRs). A header is the viewer's only when nothing but
 * the CDN reaches the Gateway, which the CDN's secret / Front Door id header, required by a SecurityPolicy on
 * the Gateway, proves (https://learn.microsoft.com/en-us/azure/frontdoor/origin-security#front-door-identifier,
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/restrict-access-to-load-balancer.html).
 */
export const forwardedClientIpLocked = stackPolicy({
    name: "k8s-gateway-forwarded-ip-locked",
    description:
        "A Gateway that takes the client IP from a header also requires the CDN's origin header (SecurityPolicy).",
    severity: "high",
    validate: ({ resources, report }) => {
        const policies = (type: string) => ofTypes(resources, [type]).map((p) => p.props as EnvoyPolicy);
        const traffic = policies(CLIENT_TRAFFIC_POLICY);
        const security = policies(SECURITY_POLICY);
        for (const resource of ofTypes(resources, [GATEWAY])) {
            const gateway = (resource.props as EnvoyPolicy).metadata ?? {};
            const trusting = traffic.filter((p) => targets(p, gateway) && p.spec?.clientIPDetection !== undefined);
            if (trusting.length === 0) continue;
            if (security.some((p) => targets(p, gateway) && requiresHeader(p))) continue;
            report(
                resource,
                `${label(resource)}: ClientTrafficPolicy ${trusting.map((p) => p.metadata?.name ?? "?").join(", ")} takes ` +
                    "the client IP from a request header, but no SecurityPolicy on the Gateway requires the CDN's origin " +
                    "header, so any client can forge the address the rate limits and allow-lists see. Fix: target the " +
                    "Gateway with a SecurityPolicy (authorization defaultAction Deny, an Allow rule with principal.headers " +
                    "naming the CDN's header and value), or remove clientIPDetection.",
            );
        }
    },
});

export const kubernetesEdgePolicies = [forwardedClientIpLocked];
