import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { GATEWAY } from ".";
import { EnvoyServiceSpec } from "./load-balancer";

/**
 * The CDN's lock on the Gateway (components/cdn/origin.ts builds it before the workloads). Three parts, each
 * needing the one before it:
 * 1. the load balancer admits only the CDN's origin-facing addresses (and the admin ranges, for Grafana):
 *    Service annotations (AWS: a frontend security group with CloudFront's prefix list; Azure: the
 *    `AzureFrontDoor.Backend` service tag);
 * 2. the Gateway's HTTPS listener requires the header only this stack's CDN sends, since those addresses are
 *    shared by every CloudFront distribution / every Front Door;
 * 3. with only the CDN able to connect, the client address is the one the CDN appended to X-Forwarded-For,
 *    so the per-client rate limit and the allow-lists see the viewer instead of the CDN's edge server.
 */
export interface OriginLock {
    /** The header and value the CDN adds to every request to the origin (secret). */
    readonly header: pulumi.Input<{ name: string; value: string }>;
    /** Annotations of the Gateway's LoadBalancer Service that admit only the CDN. */
    readonly loadBalancerAnnotations: pulumi.Input<Record<string, string>>;
}

/** The Envoy fleet's Service with the lock's annotations added to the cloud's own. */
export function lockedEnvoyService(
    service: EnvoyServiceSpec,
    lock: OriginLock | undefined,
): pulumi.Input<EnvoyServiceSpec> {
    if (!lock) return service;
    return pulumi
        .output(lock.loadBalancerAnnotations)
        .apply((annotations) => ({ ...service, annotations: { ...service.annotations, ...annotations } }));
}

/**
 * Client IP detection behind the CDN: the rightmost X-Forwarded-For entry (`numTrustedHops: 1`, "the client
 * IP is taken from the Nth address from the right end of the XFF header":
 * envoyproxy/gateway@v1.9.0:api/v1alpha1/clienttrafficpolicy_types.go, XForwardedForSettings). Both CDNs append
 * the address of the TCP peer they served to the header a viewer sent: CloudFront "appends the IP address of
 * the viewer to the end of the header" (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/RequestAndResponseBehaviorCustomOrigin.html#RequestCustomIPAddresses),
 * Front Door "appends the client socket IP" (https://learn.microsoft.com/en-us/azure/frontdoor/front-door-http-headers-protocol#from-the-front-door-to-the-backend);
 * both load balancers are layer 4 and add nothing. A rightmost entry is only the viewer's when nothing but the
 * CDN can connect: without the lock anyone could write it, so it is set only together with the lock. The
 * addresses it yields are what SecurityPolicy `clientCIDRs` and the rate limit's `sourceCIDR` match
 * (authorization_types.go, Principal.ClientCIDRs: "inferred from the X-Forwarded-For header ... configure
 * ClientIPDetection").
 */
export function cdnClientIpDetection(): { readonly xForwardedFor: { readonly numTrustedHops: 1 } } {
    return { xForwardedFor: { numTrustedHops: 1 } };
}

/**
 * A SecurityPolicy on the Gateway's HTTPS listener admitting only requests carrying the CDN's header
 * (authorization, defaultAction Deny, one Allow rule with `principal.headers`, exact match:
 * envoyproxy/gateway@v1.9.0:api/v1alpha1/authorization_types.go, AuthorizationHeaderMatch). A route's own
 * SecurityPolicy takes precedence over a listener's (site/content/en/v1.9/concepts/gateway_api_extensions/
 * security-policy.md, "Precedence"): Grafana's admin allow-list replaces it on Grafana's route, which the
 * admin ranges reach directly. The HTTP listener only redirects, so it needs no header.
 */
export function createOriginHeaderPolicy(
    resourceName: string,
    args: { readonly namespace: pulumi.Input<string>; readonly header: OriginLock["header"] },
    opts: pulumi.CustomResourceOptions,
): CustomResource {
    const header = pulumi.output(args.header);
    return new CustomResource(
        resourceName,
        {
            apiVersion: "gateway.envoyproxy.io/v1alpha1",
            kind: "SecurityPolicy",
            metadata: { name: `${GATEWAY.name}-origin`, namespace: args.namespace },
            spec: {
                targetRefs: [
                    {
                        group: "gateway.networking.k8s.io",
                        kind: "Gateway",
                        name: GATEWAY.name,
                        sectionName: GATEWAY.httpsListener,
                    },
                ],
                authorization: {
                    defaultAction: "Deny",
                    rules: [
                        {
                            name: "through-the-cdn",
                            action: "Allow",
                            principal: {
                                headers: [
                                    { name: header.apply((h) => h.name), values: [header.apply((h) => h.value)] },
                                ],
                            },
                        },
                    ],
                },
            },
        },
        opts,
    );
}
