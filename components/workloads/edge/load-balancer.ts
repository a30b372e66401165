import { Cloud } from "../../shared/context";

/** The Envoy fleet's LoadBalancer Service, as EnvoyProxy.spec.provider.kubernetes.envoyService sets it. */
export interface EnvoyServiceSpec {
    readonly type: "LoadBalancer";
    readonly loadBalancerClass?: string;
    readonly externalTrafficPolicy: "Local" | "Cluster";
    readonly annotations: Record<string, string>;
}

/**
 * The load balancer in front of the Envoy fleet, per cloud (fields:
 * envoyproxy/gateway@v1.9.0:api/v1alpha1/shared_types.go, KubernetesServiceSpec).
 *
 * - AWS: an internet-facing NLB provisioned by the AWS Load Balancer Controller (the `service.k8s.aws/nlb`
 *   class; the legacy in-tree controller ignores a Service with a loadBalancerClass), targeting the Envoy pods'
 *   IPs directly, in the subnets tagged `kubernetes.io/role/elb` (components/network/aws.ts). Client IPs are
 *   preserved on the target group so per-client rate limits and allow-lists see the caller, not the NLB.
 *   Annotations: https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
 *   (github:kubernetes-sigs/aws-load-balancer-controller@v3.5.0:docs/guide/service/annotations.md).
 *   The cluster does not run EKS Auto Mode (components/cluster/aws.ts has no computeConfig), so the
 *   controller is installed (aws-load-balancer-controller/).
 * - Azure: the cluster's Standard Load Balancer through the cloud provider (no class), with
 *   `externalTrafficPolicy: Local` so client IPs are preserved
 *   (https://learn.microsoft.com/azure/aks/load-balancer-standard#maintain-the-clients-ip-on-inbound-connections,
 *   https://kubernetes-sigs.github.io/cloud-provider-azure/topics/loadbalancer).
 */
export const ENVOY_SERVICE: Record<Cloud, () => EnvoyServiceSpec> = {
    aws: () => ({
        type: "LoadBalancer",
        loadBalancerClass: "service.k8s.aws/nlb",
        externalTrafficPolicy: "Cluster",
        annotations: {
            "service.beta.kubernetes.io/aws-load-balancer-type": "external",
            "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
            "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
            "service.beta.kubernetes.io/aws-load-balancer-attributes": "load_balancing.cross_zone.enabled=true",
            "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "preserve_client_ip.enabled=true",
        },
    }),
    azure: () => ({
        type: "LoadBalancer",
        externalTrafficPolicy: "Local",
        // With Local, the cloud provider probes the Service's healthCheckNodePort (kube-proxy's /healthz of the
        // node), so only nodes running an Envoy pod receive traffic; no probe annotation is needed.
        annotations: {},
    }),
};
