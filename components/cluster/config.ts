import { catalog } from "../shared/catalog";
import { SIZES } from "../shared/context";
import { DEFAULT_KUBERNETES_VERSION } from "../shared/facts/kubernetes";
import { Exactly, Infer, bool, explained, int, key, list, obj, oneOf, str } from "../shared/schema";
import { CapabilityConfig, CheckContext, StackSettings } from "../shared/settings";
import { nodeCounts } from ".";
import type { AwsClusterOptions, AzureClusterOptions } from ".";
import { reviewKubernetesVersion } from "./versions";

/**
 * `platform:cluster`: the Kubernetes cluster's overrides (size, Kubernetes version, node counts and the
 * per-cloud bags `aws` and `azure`) and the checks that concern the cluster: node counts in order, node
 * types the node group's AMI can run, and a Kubernetes version in standard support on the day (the dated
 * sheet in components/shared/facts/kubernetes.ts). Composed with every other capability's by
 * components/shared/config.ts.
 */

/**
 * The principal types the deployer can be: the identity azure-native signs in as (`getClientConfig().objectId`) is
 * a user or a service principal (managed identities are service principals). A group cannot sign in.
 */
export const DEPLOYER_PRINCIPAL_TYPES = ["ServicePrincipal", "User"] as const;

const awsCluster = obj({
    instanceTypes: list(
        str({ pattern: /^[a-z0-9-]+\.[a-z0-9]+$/, allowed: 'an EC2 instance type such as "m7i.large"' }),
        // An empty list would leave the node group's instance types to EKS's default (t3.medium) silently.
        { minItems: 1, maxItems: 20, unique: true },
    ),
    secretsEncryption: bool(),
    // Each principal gets one EKS access entry; a repeated ARN would be a second entry for the same principal
    // (EKS: ResourceInUseException "The specified access entry resource is already in use").
    adminPrincipalArns: list(
        str({ pattern: /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, allowed: "an IAM role or user ARN" }),
        { unique: true },
    ),
});
const azureCluster = obj({
    vmSize: str({ pattern: /^Standard_[A-Za-z0-9_]+$/, allowed: 'an Azure VM size such as "Standard_D4s_v5"' }),
    adminGroupObjectIds: list(
        str({
            pattern: /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i,
            allowed: "a Microsoft Entra group object id (GUID)",
        }),
        { unique: true },
    ),
    deployerPrincipalType: explained(
        oneOf(DEPLOYER_PRINCIPAL_TYPES),
        `one of ${DEPLOYER_PRINCIPAL_TYPES.map((t) => JSON.stringify(t)).join(", ")} (what signs in to run the deployment; ` +
            "ARM rejects a role assignment whose principalType differs from the principal's real type)",
        () =>
            'Set "deployerPrincipalType" in the "azure" object of platform:cluster to "ServicePrincipal" when a service ' +
            'principal or managed identity deploys (CI), or "User" when a person deploys after az login. A group cannot ' +
            'sign in: give people access with "adminGroupObjectIds" instead.',
    ),
});
const contractsMatch: [
    Exactly<Infer<typeof awsCluster>, AwsClusterOptions>,
    Exactly<Infer<typeof azureCluster>, AzureClusterOptions>,
] = [true, true];
void contractsMatch;

const clusterField = obj({
    size: oneOf(SIZES),
    // Which versions are allowed depends on the cloud and the day: checked against the dated sheet below.
    kubernetesVersion: str({
        pattern: /^1\.\d{1,2}$/,
        allowed: 'a Kubernetes minor version such as "1.36" (major.minor, no patch)',
    }),
    minNodes: int(1, 100, "nodes"),
    desiredNodes: int(1, 100, "nodes"),
    maxNodes: int(1, 100, "nodes"),
    aws: awsCluster,
    azure: azureCluster,
});

/** The validated `platform:cluster` object. */
export type ClusterConfig = Infer<typeof clusterField>;

/** The effective Kubernetes version of a stack judged against the dated support sheet on `today`. */
export function reviewClusterVersion(
    cluster: ClusterConfig,
    settings: Pick<StackSettings, "cloud" | "stack">,
    today: string,
) {
    return reviewKubernetesVersion(cluster.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION, settings.cloud, today, {
        stackFile: `Pulumi.${settings.stack}.yaml`,
        explicit: cluster.kubernetesVersion !== undefined,
    });
}

/** A version past standard support stops the program (a version close to its end only warns, in loadConfig). */
function checkKubernetesVersion(cluster: ClusterConfig, ctx: CheckContext): void {
    const { problem } = reviewClusterVersion(cluster, ctx.settings, ctx.today);
    if (problem) ctx.problems.push(problem);
}

/** Node counts the autoscaler can work between: min <= desired <= max, after the size profile's defaults. */
function checkNodeCounts(cluster: ClusterConfig, ctx: CheckContext): void {
    const { minNodes, maxNodes } = nodeCounts(cluster, catalog.cluster[cluster.size ?? ctx.settings.size]);
    const desired = cluster.desiredNodes;
    if (minNodes > maxNodes || (desired !== undefined && (desired < minNodes || desired > maxNodes))) {
        ctx.report(
            "cluster",
            { minNodes, desiredNodes: desired, maxNodes },
            "minNodes <= desiredNodes <= maxNodes",
            `Adjust "minNodes", "desiredNodes" and "maxNodes" in platform:cluster.`,
        );
    }
}

/**
 * Graviton (arm64) instance types cannot join the node group: it runs the x86_64 AMI
 * (components/cluster/aws.ts, amiType AL2023_x86_64_STANDARD), and EKS rejects an instance type whose
 * architecture differs from the AMI type's (https://docs.aws.amazon.com/eks/latest/APIReference/API_Nodegroup.html:
 * amiType "AL2023_ARM_64_STANDARD" for Arm-based instances). A Graviton family has a "g" among the letters
 * after its generation: m7g, c7gn, r8g, m6gd, t4g, x2gd, im4gn, g5g. Rejected rather than switched to the
 * ARM AMI: the container images must then be arm64 too, which this program cannot check.
 */
function checkNodeArchitecture(cluster: ClusterConfig, ctx: CheckContext): void {
    if (ctx.settings.cloud !== "aws") return;
    (cluster.aws?.instanceTypes ?? []).forEach((type, i) => {
        if (isGravitonInstanceType(type)) {
            ctx.report(
                `cluster.aws.instanceTypes[${i}]`,
                type,
                "an x86_64 instance type (Intel or AMD, e.g. m7i.large, m7a.large): the node group runs the " +
                    "AL2023_x86_64_STANDARD AMI, and this is a Graviton (arm64) type",
                `Replace "${type}" with an x86 type, e.g. "${x86Counterpart(type)}"`,
            );
        }
    });
}

/** An Intel type of the same size for the general-purpose, compute and memory families (m/c/r 6-8), else m7i. */
function x86Counterpart(type: string): string {
    const m = /^([mcr])([678])g[a-z]*\.(.+)$/.exec(type);
    return m ? `${m[1]}${m[2]}i.${m[3]}` : "m7i.large";
}

/** Whether an EC2 instance type is a Graviton (arm64) type: "g" among the letters after the generation. */
export function isGravitonInstanceType(type: string): boolean {
    return /^[a-z]+\d+[a-z]*g[a-z]*\./.test(type);
}

export const CLUSTER_CONFIG: CapabilityConfig<typeof clusterField> = {
    key: key(
        clusterField,
        {},
        "JSON: cluster overrides {size, kubernetesVersion, minNodes, desiredNodes, maxNodes, aws, azure}.",
    ),
    checks: [checkNodeArchitecture, checkNodeCounts, checkKubernetesVersion],
};
