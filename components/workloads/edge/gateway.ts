import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { GATEWAY, GATEWAY_NAMESPACE, EdgeGatewayArgs, EdgeGatewayOutputs } from ".";
import { createAwsLoadBalancerController } from "./aws-load-balancer-controller";
import { CLUSTER_ISSUER, GATEWAY_CERTIFICATE_SECRET, acmeDirectoryFor, createCertManager } from "./certificates";
import { ENVOY_GATEWAY_CONTROLLER, createEnvoyGateway, createGatewayNamespace, envoyDeployment } from "./controller";
import { createGatewayCrds } from "./crds";
import { certManagerDns01 } from "./dns01";
import { ENVOY_SERVICE } from "./load-balancer";
import { createClientTrafficPolicy } from "./policies";
import { cdnClientIpDetection, createOriginHeaderPolicy, lockedEnvoyService } from "./origin-lock";
import { createRateLimitStore } from "./rate-limit";
import { HTTP_ROUTE } from "./routes";

/**
 * The edge in install order: the gateway's namespace, the CRDs, Envoy Gateway (and on EKS the AWS Load Balancer
 * Controller), the EnvoyProxy and GatewayClass, cert-manager with its ClusterIssuer and the Gateway's
 * certificate, then the Gateway with its TLS policy and the HTTP listener's redirect.
 */
export function createEdgeGateway(name: string, args: EdgeGatewayArgs, parent: pulumi.Resource): EdgeGatewayOutputs {
    const namespace = createGatewayNamespace(name, parent);
    const ns = GATEWAY_NAMESPACE.name;
    const crds = createGatewayCrds(name, namespace.metadata.name, parent);
    createRateLimitStore(name, parent);
    const controller = createEnvoyGateway(
        name,
        { namespace, highAvailability: args.highAvailability },
        { parent, dependsOn: [crds] },
    );
    const loadBalancerController =
        args.context.cloud === "aws"
            ? [
                  createAwsLoadBalancerController(
                      name,
                      {
                          context: args.context,
                          clusterName: args.cluster.clusterName,
                          vpcId: args.network.networkId,
                          highAvailability: args.highAvailability,
                      },
                      parent,
                  ),
              ]
            : [];
    const gatewayClass = createGatewayClass(name, args, { parent, dependsOn: [controller] });
    const dns01 =
        args.dns01 || !args.dnsZone
            ? undefined
            : certManagerDns01(name, { context: args.context, cluster: args.cluster, zone: args.dnsZone }, parent);
    const certificates = createCertManager(
        name,
        {
            alertEmail: args.alertEmail,
            highAvailability: args.highAvailability,
            directory: acmeDirectoryFor(args.context.environment, args.acmeDirectory),
            gatewayNamespace: namespace.metadata.name,
            hosts: args.hosts,
            dns01: args.dns01 ?? dns01?.solver,
            identity: dns01 && { values: dns01.values, ready: dns01.ready },
        },
        // The chart's ServiceMonitor needs the Prometheus operator's CRDs; the issuer's HTTPRoute solver the Gateway API's.
        { parent, dependsOn: [...args.monitoringCrds, crds] },
    );
    const gateway = createGateway(name, args, {
        parent,
        // The NLB Service the Gateway leads to needs the controller that provisions it.
        dependsOn: [gatewayClass, ...loadBalancerController, ...certificates],
    });
    const opts = { parent, dependsOn: [gateway] };
    const tls = createClientTrafficPolicy(
        `${name}-client-traffic-policy`,
        // The CDN's X-Forwarded-For entry is trusted only when the lock lets nothing else connect.
        { gatewayName: GATEWAY.name, namespace: ns, clientIPDetection: args.originLock && cdnClientIpDetection() },
        opts,
    );
    const lock = args.originLock
        ? [createOriginHeaderPolicy(`${name}-origin-header`, { namespace: ns, header: args.originLock.header }, opts)]
        : [];
    createHttpsRedirect(`${name}-https-redirect`, ns, opts);
    return {
        gateway: { name: GATEWAY.name, namespace: ns },
        httpsListener: GATEWAY.httpsListener,
        clusterIssuer: CLUSTER_ISSUER,
        namespace: ns,
        loadBalancerAddress: gatewayAddress(gateway),
        ready: [gateway, tls, ...lock, crds, certificates[0]],
    };
}

/** The EnvoyProxy (the Envoy fleet's Deployment and LoadBalancer Service) and the GatewayClass using it. */
function createGatewayClass(name: string, args: EdgeGatewayArgs, opts: pulumi.CustomResourceOptions): CustomResource {
    const proxy = new CustomResource(
        `${name}-envoy-proxy`,
        {
            apiVersion: "gateway.envoyproxy.io/v1alpha1",
            kind: "EnvoyProxy",
            metadata: { name: GATEWAY.name, namespace: GATEWAY_NAMESPACE.name },
            spec: {
                provider: {
                    type: "Kubernetes",
                    kubernetes: {
                        envoyService: lockedEnvoyService(ENVOY_SERVICE[args.context.cloud](), args.originLock),
                        envoyDeployment: envoyDeployment(args.highAvailability, args.context.environment === "dev"),
                        envoyPDB:
                            args.highAvailability || args.context.environment !== "dev" ? { minAvailable: 1 } : {},
                    },
                },
            },
        },
        opts,
    );
    return new CustomResource(
        `${name}-gateway-class`,
        {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "GatewayClass",
            metadata: { name: GATEWAY.name },
            spec: {
                controllerName: ENVOY_GATEWAY_CONTROLLER,
                parametersRef: {
                    group: "gateway.envoyproxy.io",
                    kind: "EnvoyProxy",
                    name: GATEWAY.name,
                    namespace: GATEWAY_NAMESPACE.name,
                },
            },
        },
        { ...opts, dependsOn: [proxy] },
    );
}

/**
 * The Gateway: port 80 (HTTP) admitting only routes of its own namespace (the redirect, cert-manager's HTTP-01
 * solver), port 443 (HTTPS, TLS terminated with the stack's certificate) admitting routes of the service and
 * monitoring namespaces. Fields: kubernetes-sigs/gateway-api@v1.6.1:apis/v1/gateway_types.go (Listener,
 * GatewayTLSConfig, AllowedRoutes, RouteNamespaces with `from: Selector`). Pulumi waits for its address
 * (`pulumi.com/waitFor`, pulumi-kubernetes 4.18+) so `loadBalancerAddress` is known on the first up.
 */
function createGateway(name: string, args: EdgeGatewayArgs, opts: pulumi.CustomResourceOptions): CustomResource {
    return new CustomResource(
        `${name}-gateway`,
        {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "Gateway",
            metadata: {
                name: GATEWAY.name,
                namespace: GATEWAY_NAMESPACE.name,
                annotations: { "pulumi.com/waitFor": "jsonpath={.status.addresses[0].value}" },
            },
            spec: {
                gatewayClassName: GATEWAY.name,
                listeners: [
                    {
                        name: GATEWAY.httpListener,
                        port: 80,
                        protocol: "HTTP",
                        allowedRoutes: { namespaces: { from: "Same" } },
                    },
                    {
                        name: GATEWAY.httpsListener,
                        port: 443,
                        protocol: "HTTPS",
                        tls: {
                            mode: "Terminate",
                            certificateRefs: [{ kind: "Secret", name: GATEWAY_CERTIFICATE_SECRET }],
                        },
                        allowedRoutes: {
                            kinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }],
                            namespaces: {
                                from: "Selector",
                                selector: {
                                    matchExpressions: [
                                        {
                                            key: "kubernetes.io/metadata.name",
                                            operator: "In",
                                            values: args.routeNamespaces,
                                        },
                                    ],
                                },
                            },
                        },
                    },
                ],
            },
            // Declared so the resource has a `status` output to read the address from (undefined inputs are not sent).
            status: undefined,
        },
        opts,
    );
}

/** Every plain-HTTP request answered with a permanent (301) redirect to the same URL over HTTPS. */
export function createHttpsRedirect(resourceName: string, namespace: string, opts: pulumi.CustomResourceOptions) {
    return new CustomResource(
        resourceName,
        {
            ...HTTP_ROUTE,
            metadata: { name: "https-redirect", namespace },
            spec: {
                parentRefs: [
                    {
                        group: "gateway.networking.k8s.io",
                        kind: "Gateway",
                        name: GATEWAY.name,
                        sectionName: GATEWAY.httpListener,
                    },
                ],
                rules: [
                    { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
                ],
            },
        },
        opts,
    );
}

/** The Gateway's first address (the NLB's DNS name on EKS, the public IP on AKS). */
function gatewayAddress(gateway: CustomResource): pulumi.Output<string> {
    const status = (gateway as unknown as { status: pulumi.Output<{ addresses?: { value?: string }[] } | undefined> })
        .status;
    return pulumi.output(status).apply((s) => s?.addresses?.[0]?.value ?? "");
}
