import type * as k8s from "@pulumi/kubernetes/types/input";
import type { ResolvedService } from "..";

/**
 * The service's egress allow-list (`egress: [{ cidr, ports }]`): one standard NetworkPolicy egress rule
 * per destination, TCP on exactly the ports listed. Both clusters enforce these (EKS: the VPC CNI's network
 * policy agent, https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html; AKS: Cilium).
 * Host names are refused in config (service-kinds-config.ts): neither engine as configured enforces them.
 */
export function allowListRules(s: ResolvedService): k8s.networking.v1.NetworkPolicyEgressRule[] {
    return s.egress.map((destination) => ({
        to: [{ ipBlock: { cidr: destination.cidr } }],
        ports: destination.ports.map((port) => ({ protocol: "TCP", port })),
    }));
}
