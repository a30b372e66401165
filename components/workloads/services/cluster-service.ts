import * as pulumi from "@pulumi/pulumi";
import { Service } from "@pulumi/kubernetes/core/v1";
import type * as k8s from "@pulumi/kubernetes/types/input";

/**
 * The ports of a service's ClusterIP Service: the container port itself, not 80 in front of it, and a
 * numeric targetPort equal to it. EKS enforces network policy with eBPF on the pod's interface, before the
 * Service address is translated, so the policy controller must find the Service port among the policy's
 * ports: "For any of your Kubernetes services, the service port must be the same as the container port"
 * (https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html#cni-network-policy-considerations,
 * aws/aws-network-policy-agent#166; the resolver is aws/amazon-network-policy-controller-k8s@
 * pkg/resolvers/endpoints.go getMatchingServiceClusterIPs). The numeric targetPort keeps the controller on
 * its direct match (pkg/k8s/service_utils.go LookupServiceListenPort) rather than a look-up in the pods
 * that exist at the time (named targetPorts, aws/amazon-network-policy-controller-k8s#210). Callers use
 * `http://<name>:<port>`.
 */
export function servicePorts(port: number): k8s.core.v1.ServicePort[] {
    return [{ name: "http", port, targetPort: port, protocol: "TCP" }];
}

/** The ClusterIP Service in front of one track's pods (see servicePorts). */
export function createClusterService(
    resourceName: string,
    metadata: k8s.meta.v1.ObjectMeta,
    selector: Record<string, string>,
    port: number,
    opts: pulumi.CustomResourceOptions,
): Service {
    return new Service(
        resourceName,
        { metadata, spec: { type: "ClusterIP", selector, ports: servicePorts(port) } },
        opts,
    );
}
