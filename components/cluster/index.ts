import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { catalog } from "../shared/catalog";
import { DEFAULT_KUBERNETES_VERSION } from "../shared/facts/kubernetes";
import { CapabilityComponent, PlatformContext, SizeProfile } from "../shared/context";
import { NetworkOutputs } from "../network";

/** AWS-only tuning of the cluster (EKS). */
export interface AwsClusterOptions {
    /**
     * EC2 instance types of the managed node group, overriding the size profile.
     * @default the size profile's types (catalog.cluster)
     */
    instanceTypes?: string[];
    /**
     * Envelope-encrypt Kubernetes secrets with the component's KMS key. Turning this off is a security opt-out.
     * @default true
     */
    secretsEncryption?: boolean;
    /**
     * IAM principal ARNs granted cluster-admin through EKS access entries.
     * @default [] (only the identity that creates the cluster)
     */
    adminPrincipalArns?: string[];
}

/** Azure-only tuning of the cluster (AKS). */
export interface AzureClusterOptions {
    /**
     * VM size of the node pool, overriding the size profile.
     * @default the size profile's VM size (catalog.cluster)
     */
    vmSize?: string;
    /**
     * Microsoft Entra group object ids whose members administer the cluster: each group holds Azure Kubernetes
     * Service RBAC Cluster Admin and Azure Kubernetes Service Cluster User Role (to fetch the kubeconfig) on
     * the cluster, assigned with principal type `Group`. This is how people get access.
     * @default []
     */
    adminGroupObjectIds?: string[];
    /**
     * What the identity running the deployment is, set as the `principalType` of every role assignment to
     * it (cluster admin, registry push). Azure Resource Manager rejects an assignment whose type differs from
     * the principal's (`UnmatchedPrincipalType`), and azure-native sends `User` when none is given.
     * @default "ServicePrincipal" (CI signs in as a service principal or managed identity)
     */
    deployerPrincipalType?: "ServicePrincipal" | "User";
}

/** Neutral arguments of the Cluster capability (Kubernetes). */
export interface ClusterArgs {
    /** The stack's context. */
    readonly context: PlatformContext;
    /** The network whose node subnets hold the nodes. */
    readonly network: NetworkOutputs;
    /**
     * Size profile: node size and node counts.
     * @default "small"
     */
    readonly size?: SizeProfile;
    /**
     * Kubernetes minor version, e.g. "1.36". Must be in standard support on the cloud (checked against the
     * dated sheet in components/shared/facts/kubernetes.ts when the configuration is read).
     * @default DEFAULT_KUBERNETES_VERSION ("1.36")
     */
    readonly kubernetesVersion?: string;
    /**
     * Fewest nodes the autoscaler keeps (AKS cluster autoscaler; on EKS the managed node group's minimum).
     * @default the size profile's minimum
     */
    readonly minNodes?: number;
    /**
     * Nodes at creation. On EKS the managed node group keeps this many nodes for the system add-ons and the
     * Karpenter controller, and Karpenter adds the rest on demand.
     * @default the size profile's desired count
     */
    readonly desiredNodes?: number;
    /**
     * Most nodes the cluster runs: the AKS cluster autoscaler's maximum; on EKS the managed node group's
     * nodes plus Karpenter's NodePool limit (`limits.nodes`).
     * @default the size profile's maximum
     */
    readonly maxNodes?: number;
    /**
     * CIDR ranges allowed to reach the Kubernetes API from the internet. Empty means the API is reachable
     * only from inside the network (private endpoint).
     * @default []
     */
    readonly apiAllowedCidrs?: string[];
    /**
     * Spread nodes over every zone and use the cloud's uptime-SLA control plane tier where it has one.
     * @default false
     */
    readonly highAvailability?: boolean;
    /**
     * Retention of control-plane logs, in days.
     * @default 30
     */
    readonly logRetentionDays?: number;
    /** AWS-only tuning. */
    readonly aws?: AwsClusterOptions;
    /** Azure-only tuning. */
    readonly azure?: AzureClusterOptions;
}

/** The outputs every Cluster has, on every cloud. */
export interface ClusterOutputs {
    /** The cluster's name in the cloud. */
    readonly clusterName: pulumi.Output<string>;
    /** A kubeconfig that authenticates with the cloud's CLI (secret). */
    readonly kubeconfig: pulumi.Output<string>;
    /** The API server URL. */
    readonly endpoint: pulumi.Output<string>;
    /** OIDC issuer URL used to federate Kubernetes service accounts with cloud identities. */
    readonly oidcIssuerUrl: pulumi.Output<string>;
    /** Kubernetes version. */
    readonly kubernetesVersion: pulumi.Output<string>;
    /** Cloud resource id (ARN / Azure resource id). */
    readonly resourceId: pulumi.Output<string>;
    /**
     * The identity nodes pull images with: the node IAM role ARN (AWS) or the kubelet managed identity's
     * object id (Azure). Registries grant pull access to it.
     */
    readonly nodeIdentityId: pulumi.Output<string>;
    /** Security controls turned off through the override bag. */
    readonly securityOptOuts: pulumi.Output<string[]>;
}

/** What a cloud implementation returns: the outputs plus the Kubernetes provider for workloads. */
export interface ClusterImplementationResult extends ClusterOutputs {
    readonly provider: k8s.Provider;
}

export type ClusterImplementation = (
    name: string,
    args: ClusterArgs,
    parent: pulumi.Resource,
) => ClusterImplementationResult;

/**
 * A kubeconfig for one cluster whose user authenticates through a client-go exec plugin (the cloud's CLI),
 * so no long-lived credential is stored in it.
 */
export function execKubeconfig(o: {
    name: string;
    server: string;
    caData: string;
    command: string;
    args: string[];
}): string {
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: o.name, cluster: { server: o.server, "certificate-authority-data": o.caData } }],
        contexts: [{ name: o.name, context: { cluster: o.name, user: o.name } }],
        "current-context": o.name,
        users: [
            {
                name: o.name,
                user: {
                    exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: o.command, args: o.args },
                },
            },
        ],
    });
}

/** The neutral settings with their defaults applied, in one place for every cloud. */
export function clusterSettings(args: ClusterArgs) {
    const size = args.size ?? "small";
    return {
        size,
        kubernetesVersion: args.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION,
        apiAllowedCidrs: args.apiAllowedCidrs ?? [],
        highAvailability: args.highAvailability ?? false,
        logRetentionDays: args.logRetentionDays ?? 30,
        ...nodeCounts(args, catalog.cluster[size]),
    };
}

/** Resolved node counts, defaults applied in one place. */
export function nodeCounts(
    args: Pick<ClusterArgs, "minNodes" | "desiredNodes" | "maxNodes">,
    profile: { minNodes: number; desiredNodes: number; maxNodes: number },
): { minNodes: number; desiredNodes: number; maxNodes: number } {
    const minNodes = args.minNodes ?? profile.minNodes;
    const maxNodes = args.maxNodes ?? Math.max(profile.maxNodes, minNodes);
    const desiredNodes = args.desiredNodes ?? Math.min(Math.max(profile.desiredNodes, minNodes), maxNodes);
    return { minNodes, desiredNodes, maxNodes };
}

/** A managed Kubernetes cluster with private nodes, and a Kubernetes provider to deploy onto it. */
export class Cluster extends CapabilityComponent<ClusterArgs, ClusterImplementationResult> implements ClusterOutputs {
    declare public readonly clusterName: pulumi.Output<string>;
    declare public readonly kubeconfig: pulumi.Output<string>;
    declare public readonly endpoint: pulumi.Output<string>;
    declare public readonly oidcIssuerUrl: pulumi.Output<string>;
    declare public readonly kubernetesVersion: pulumi.Output<string>;
    declare public readonly resourceId: pulumi.Output<string>;
    declare public readonly nodeIdentityId: pulumi.Output<string>;
    declare public readonly securityOptOuts: pulumi.Output<string[]>;
    /** Kubernetes provider bound to this cluster; pass it to workloads as `provider`. */
    declare public readonly provider: k8s.Provider;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "platform:cluster:Cluster",
            name,
            args,
            {
                // Loaded lazily: a stack only loads the provider SDK of its own cloud.
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                aws: () => (require("./aws") as typeof import("./aws")).createAwsCluster,
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                azure: () => (require("./azure") as typeof import("./azure")).createAzureCluster,
            },
            opts,
        );
    }
}
