import * as pulumi from "@pulumi/pulumi";
import { Namespace } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { PlatformContext } from "../../shared/context";

/** Labels that select the cluster DNS pods (CoreDNS on EKS and AKS alike). */
export const DNS_SELECTOR = {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
    podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
};

/** The namespace-wide NetworkPolicies' names (a service's own NetworkPolicy is named after the service). */
export const NAMESPACE_POLICY_NAMES = { defaultDeny: "default-deny-all", allowDns: "allow-dns-egress" } as const;

/**
 * The application namespace: Pod Security "restricted" enforced, default-deny network policy in both
 * directions, and DNS egress for every pod. Returns the namespace's name (an output: services wait for it).
 */
export function createAppNamespace(
    name: string,
    args: { readonly context: PlatformContext; readonly namespace: string },
    parent: pulumi.Resource,
): pulumi.Output<string> {
    const opts = { parent };
    const namespace = new Namespace(
        `${name}-namespace`,
        {
            metadata: {
                name: args.namespace,
                labels: {
                    environment: args.context.environment,
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/enforce-version": "latest",
                    "pod-security.kubernetes.io/warn": "restricted",
                },
            },
        },
        opts,
    );
    const ns = namespace.metadata.name;
    new NetworkPolicy(
        `${name}-default-deny`,
        {
            metadata: { name: NAMESPACE_POLICY_NAMES.defaultDeny, namespace: ns },
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        },
        opts,
    );
    new NetworkPolicy(
        `${name}-allow-dns`,
        {
            metadata: { name: NAMESPACE_POLICY_NAMES.allowDns, namespace: ns },
            spec: {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [
                    {
                        to: [DNS_SELECTOR],
                        ports: [
                            { protocol: "UDP", port: 53 },
                            { protocol: "TCP", port: 53 },
                        ],
                    },
                ],
            },
        },
        opts,
    );
    return ns;
}
