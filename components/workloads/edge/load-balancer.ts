import { Cloud } from "../../shared/context";

/** Annotations on the ingress controller's LoadBalancer Service, per cloud. */
export const LOAD_BALANCER_ANNOTATIONS: Record<Cloud, (highAvailability: boolean) => Record<string, string>> = {
    aws: () => ({
        // An internet-facing Network Load Balancer in the public subnets, one target per node.
        "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
        "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
    }),
    azure: () => ({
        // Azure's load balancer probes the controller's health endpoint rather than a TCP port.
        "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path": "/healthz",
    }),
};
