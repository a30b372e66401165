import * as pulumi from "@pulumi/pulumi";
import * as eks from "@pulumi/aws/eks";
import * as iam from "@pulumi/aws/iam";
import * as sqs from "@pulumi/aws/sqs";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { Release } from "@pulumi/kubernetes/helm/v3";
import { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import { assumeRolePolicyFor } from "../shared/aws";
import { PlatformContext, awsPlacement } from "../shared/context";
import { iamRoleName } from "../shared/names";
import { KARPENTER } from "../shared/facts/kubernetes";
import { managedPolicies, podIdentityServiceRole } from "./aws-iam";
import { InterruptionQueue, interruptionQueue, interruptionQueueKeyStatement } from "./karpenter-queue";
import { NODE_ROOT_VOLUME } from "./aws-node-disks";

/**
 * Why Karpenter and not EKS Auto Mode: Auto Mode would also take over networking, storage and load
 * balancing (it brings its own EBS provisioner `ebs.csi.eks.amazonaws.com`, its own load balancer
 * controller, and requires `bootstrapSelfManagedAddons: false`, which replaces existing clusters), so the
 * StorageClass, the ingress Service and the add-ons of this program would all change, and it adds a
 * per-instance management fee. Karpenter (https://karpenter.sh/docs/) scales only nodes and leaves the
 * rest as it is. Sources: aws/karpenter-provider-aws@v1.14.1 getting-started (cloudformation.yaml for the
 * IAM, queue and rules; the chart's values.yaml) and concepts/nodepools.md (`limits.nodes`).
 */
export const KARPENTER_NAMESPACE = "kube-system";
export const KARPENTER_SERVICE_ACCOUNT = "karpenter";
/** The EC2NodeClass and NodePool Karpenter launches nodes from. */
export const KARPENTER_NODE_POOL = "default";

export interface KarpenterArgs {
    readonly context: PlatformContext;
    readonly cluster: eks.Cluster;
    /** The managed node group the controller runs on (never on nodes Karpenter manages). */
    readonly nodeGroup: eks.NodeGroup;
    readonly nodeSubnetIds: pulumi.Input<string[]>;
    /** The KMS key the nodes' root volumes are encrypted with (./aws-node-disks.ts). */
    readonly nodeDiskKeyArn: pulumi.Input<string>;
    /** Instance types Karpenter may launch: the size profile's. */
    readonly instanceTypes: string[];
    /** Most nodes Karpenter may run at once: the profile's maxNodes minus the managed group's nodes. */
    readonly maxNodes: number;
    /** Controller replicas (one per managed node, at most two). */
    readonly controllerReplicas: number;
    readonly provider: KubernetesProvider;
}

/**
 * Karpenter for an EKS cluster: a node role with an EC2_LINUX access entry, an SQS interruption queue fed by
 * EventBridge rules, a controller role through Pod Identity, the pinned CRD and controller charts, and one
 * EC2NodeClass and NodePool limited to `maxNodes` nodes of the profile's instance types.
 */
export function createKarpenter(name: string, args: KarpenterArgs, parent: pulumi.Resource) {
    const nodeRole = karpenterNodeRole(name, args.cluster, parent);
    const { queue, key: queueKey } = interruptionQueue(name, args.context, parent);
    const controller = controllerIdentity(name, args, nodeRole, { queue, key: queueKey }, parent);
    const charts = karpenterCharts(name, args, queue, controller, parent);
    const { nodeClass, nodePool } = nodeClassAndPool(name, args, nodeRole, charts, parent);
    return { nodeRole, queue, controllerRole: controller.role, charts, nodeClass, nodePool };
}

/** The role Karpenter's nodes run as, admitted to the cluster by an EC2_LINUX access entry. */
function karpenterNodeRole(name: string, cluster: eks.Cluster, parent: pulumi.Resource): iam.Role {
    const role = new iam.Role(
        `${name}-karpenter-node-role`,
        {
            ...iamRoleName(`${name}-karpenter-node-role`),
            description: `Nodes that Karpenter launches for ${name}`,
            assumeRolePolicy: assumeRolePolicyFor("ec2.amazonaws.com"),
        },
        { parent },
    );
    const policies = managedPolicies(
        `${name}-karpenter-node`,
        role,
        ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryPullOnly"],
        parent,
    );
    new eks.AccessEntry(
        `${name}-karpenter-node-access`,
        { clusterName: cluster.name, principalArn: role.arn, type: "EC2_LINUX" },
        { parent, dependsOn: policies },
    );
    return role;
}

/** The controller's IAM role, handed to the `karpenter` service account through Pod Identity. */
function controllerIdentity(
    name: string,
    { context, cluster, nodeDiskKeyArn }: KarpenterArgs,
    nodeRole: iam.Role,
    { queue, key: queueKey }: InterruptionQueue,
    parent: pulumi.Resource,
) {
    const { region } = awsPlacement(context);
    const accountId = getCallerIdentityOutput({}, { parent }).accountId;
    const role = podIdentityServiceRole(`${name}-karpenter-controller-role`, `Karpenter controller of ${name}`, parent);
    const policy = new iam.RolePolicy(
        `${name}-karpenter-controller`,
        {
            role: role.id,
            policy: pulumi
                .all([cluster.name, accountId, nodeRole.arn, queue.arn, nodeDiskKeyArn, queueKey.arn])
                .apply(([clusterName, account, nodeRoleArn, queueArn, keyArn, queueKeyArn]) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            ...ec2Statements(clusterName, region),
                            nodeDiskKeyStatement(keyArn, region),
                            interruptionQueueKeyStatement(queueKeyArn, region),
                            ...instanceProfileStatements({ clusterName, region, account, nodeRoleArn }),
                            ...discoveryStatements({ clusterName, region, account, queueArn }),
                        ],
                    }),
                ),
        },
        { parent },
    );
    const association = new eks.PodIdentityAssociation(
        `${name}-karpenter-pod-identity`,
        {
            clusterName: cluster.name,
            namespace: KARPENTER_NAMESPACE,
            serviceAccount: KARPENTER_SERVICE_ACCOUNT,
            roleArn: role.arn,
        },
        { parent, dependsOn: [policy] },
    );
    return { role, association };
}

/**
 * Using the node-disk key, through EC2 only, for the root volumes of the nodes the controller launches: "the IAM
 * principal launching the node" needs the key (aws/karpenter-provider-aws@v1.14.1 docs/troubleshooting.md,
 * "Node terminates before ready on failed encrypted EBS volume"; the actions of the EC2 Auto Scaling key policy,
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html).
 */
export function nodeDiskKeyStatement(keyArn: string, region: string) {
    return {
        Sid: "AllowNodeDiskKeyThroughEC2",
        Effect: "Allow",
        Resource: keyArn,
        Action: [
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:DescribeKey",
            "kms:CreateGrant",
        ],
        Condition: { StringEquals: { "kms:ViaService": `ec2.${region}.amazonaws.com` } },
    };
}

/** Launching, tagging and terminating only instances and launch templates tagged for this cluster. */
function ec2Statements(clusterName: string, region: string) {
    const scope = ec2Scope(clusterName, region);
    return [...ec2LaunchStatements(scope), ...ec2TaggingAndDeletionStatements(scope)];
}

/** What Karpenter creates when it launches a node (fleets, instances, their volumes, interfaces, templates). */
const EC2_LAUNCHED = [
    "fleet/*",
    "instance/*",
    "volume/*",
    "network-interface/*",
    "launch-template/*",
    "spot-instances-request/*",
];

type Ec2Scope = ReturnType<typeof ec2Scope>;

/** The ARNs and tag conditions that scope Karpenter's EC2 actions to this cluster's resources. */
function ec2Scope(clusterName: string, region: string) {
    const ec2 = (resource: string) => `arn:aws:ec2:${region}:*:${resource}`;
    return {
        clusterName,
        region,
        ec2,
        owned: { [`aws:ResourceTag/kubernetes.io/cluster/${clusterName}`]: "owned" },
        requestOwned: {
            [`aws:RequestTag/kubernetes.io/cluster/${clusterName}`]: "owned",
            "aws:RequestTag/eks:eks-cluster-name": clusterName,
        },
        created: EC2_LAUNCHED.map(ec2),
    };
}

/** Launching instances and fleets from this cluster's launch templates, tagging what they create as its own. */
function ec2LaunchStatements({ region, ec2, owned, requestOwned, created }: Ec2Scope) {
    return [
        {
            Sid: "AllowScopedEC2InstanceAccessActions",
            Effect: "Allow",
            Resource: [
                `arn:aws:ec2:${region}::image/*`,
                `arn:aws:ec2:${region}::snapshot/*`,
                ...["security-group/*", "subnet/*", "capacity-reservation/*", "placement-group/*"].map(ec2),
            ],
            Action: ["ec2:RunInstances", "ec2:CreateFleet"],
        },
        {
            Sid: "AllowScopedEC2LaunchTemplateAccessActions",
            Effect: "Allow",
            Resource: ec2("launch-template/*"),
            Action: ["ec2:RunInstances", "ec2:CreateFleet"],
            Condition: { StringEquals: owned, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } },
        },
        {
            Sid: "AllowScopedEC2InstanceActionsWithTags",
            Effect: "Allow",
            Resource: created,
            Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
            Condition: { StringEquals: requestOwned, StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" } },
        },
    ];
}

/** Tagging what Karpenter created or owns, and terminating only its own instances and launch templates. */
function ec2TaggingAndDeletionStatements({ clusterName, ec2, owned, requestOwned, created }: Ec2Scope) {
    return [
        {
            Sid: "AllowScopedResourceCreationTagging",
            Effect: "Allow",
            Resource: created,
            Action: "ec2:CreateTags",
            Condition: {
                StringEquals: {
                    ...requestOwned,
                    "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
                },
                StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
            },
        },
        {
            Sid: "AllowScopedResourceTagging",
            Effect: "Allow",
            Resource: ec2("instance/*"),
            Action: "ec2:CreateTags",
            Condition: {
                StringEquals: owned,
                StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": clusterName },
                "ForAllValues:StringEquals": {
                    "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"],
                },
            },
        },
        {
            Sid: "AllowScopedDeletion",
            Effect: "Allow",
            Resource: [ec2("instance/*"), ec2("launch-template/*")],
            Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
            Condition: { StringEquals: owned, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } },
        },
    ];
}

/** Passing the node role and managing the instance profiles Karpenter creates for it. */
function instanceProfileStatements(o: { clusterName: string; region: string; account: string; nodeRoleArn: string }) {
    const profiles = `arn:aws:iam::${o.account}:instance-profile/*`;
    const clusterTag = `kubernetes.io/cluster/${o.clusterName}`;
    const resourceScope = {
        [`aws:ResourceTag/${clusterTag}`]: "owned",
        "aws:ResourceTag/topology.kubernetes.io/region": o.region,
    };
    const requestScope = {
        [`aws:RequestTag/${clusterTag}`]: "owned",
        "aws:RequestTag/eks:eks-cluster-name": o.clusterName,
        "aws:RequestTag/topology.kubernetes.io/region": o.region,
    };
    return [
        {
            Sid: "AllowPassingInstanceRole",
            Effect: "Allow",
            Resource: o.nodeRoleArn,
            Action: "iam:PassRole",
            Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com"] } },
        },
        {
            Sid: "AllowScopedInstanceProfileCreationActions",
            Effect: "Allow",
            Resource: profiles,
            Action: ["iam:CreateInstanceProfile"],
            Condition: {
                StringEquals: requestScope,
                StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
            },
        },
        {
            Sid: "AllowScopedInstanceProfileTagActions",
            Effect: "Allow",
            Resource: profiles,
            Action: ["iam:TagInstanceProfile"],
            Condition: {
                StringEquals: { ...resourceScope, ...requestScope },
                StringLike: {
                    "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
                    "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
                },
            },
        },
        {
            Sid: "AllowScopedInstanceProfileActions",
            Effect: "Allow",
            Resource: profiles,
            Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
            Condition: {
                StringEquals: resourceScope,
                StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
            },
        },
    ];
}

/** The EC2 reads Karpenter discovers images, instance types, prices, subnets and security groups with. */
const REGIONAL_READ_ACTIONS = [
    "ec2:DescribeCapacityReservations",
    "ec2:DescribeImages",
    "ec2:DescribeInstances",
    "ec2:DescribeInstanceStatus",
    "ec2:DescribeInstanceTypeOfferings",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeLaunchTemplates",
    "ec2:DescribePlacementGroups",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSpotPriceHistory",
    "ec2:DescribeSubnets",
];

/** Discovering the cluster, images, prices and subnets, and reading the interruption queue. */
function discoveryStatements(o: { clusterName: string; region: string; account: string; queueArn: string }) {
    const profiles = `arn:aws:iam::${o.account}:instance-profile/*`;
    const clusterArn = `arn:aws:eks:${o.region}:${o.account}:cluster/${o.clusterName}`;
    return [
        {
            Sid: "AllowAPIServerEndpointDiscovery",
            Effect: "Allow",
            Resource: clusterArn,
            Action: "eks:DescribeCluster",
        },
        {
            Sid: "AllowInterruptionQueueActions",
            Effect: "Allow",
            Resource: o.queueArn,
            Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
        },
        {
            Sid: "AllowRegionalReadActions",
            Effect: "Allow",
            Resource: "*",
            Action: REGIONAL_READ_ACTIONS,
            Condition: { StringEquals: { "aws:RequestedRegion": o.region } },
        },
        {
            Sid: "AllowSSMReadActions",
            Effect: "Allow",
            Resource: `arn:aws:ssm:${o.region}::parameter/aws/service/*`,
            Action: "ssm:GetParameter",
        },
        { Sid: "AllowPricingReadActions", Effect: "Allow", Resource: "*", Action: "pricing:GetProducts" },
        {
            Sid: "AllowUnscopedInstanceProfileListAction",
            Effect: "Allow",
            Resource: "*",
            Action: "iam:ListInstanceProfiles",
        },
        {
            Sid: "AllowInstanceProfileReadActions",
            Effect: "Allow",
            Resource: profiles,
            Action: "iam:GetInstanceProfile",
        },
        {
            Sid: "AllowZonalShiftStatusReadOnly",
            Effect: "Allow",
            Resource: "*",
            Action: ["arc-zonal-shift:GetManagedResource"],
            Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": clusterArn } },
        },
    ];
}

/**
 * The pinned CRD chart (Helm never upgrades CRDs a chart ships in crds/, so they get their own release, as
 * Karpenter's upgrade guide recommends) and the controller chart, pinned to the managed node group.
 */
function karpenterCharts(
    name: string,
    args: KarpenterArgs,
    queue: sqs.Queue,
    controller: { association: eks.PodIdentityAssociation },
    parent: pulumi.Resource,
) {
    const opts = { parent, provider: args.provider };
    const crds = new Release(
        `${name}-karpenter-crd`,
        {
            name: "karpenter-crd",
            chart: KARPENTER.crdChart,
            version: KARPENTER.version,
            namespace: KARPENTER_NAMESPACE,
            atomic: true,
            cleanupOnFail: true,
        },
        opts,
    );
    const release = new Release(
        `${name}-karpenter`,
        {
            name: "karpenter",
            chart: KARPENTER.chart,
            version: KARPENTER.version,
            namespace: KARPENTER_NAMESPACE,
            skipCrds: true,
            atomic: true,
            cleanupOnFail: true,
            values: controllerValues(args, queue),
        },
        // The controller calls AWS from its first second: its Pod Identity association must exist first.
        { ...opts, dependsOn: [crds, controller.association] },
    );
    return { crds, release };
}

/** The controller chart's values: this cluster and queue, resources, and only on the managed node group. */
function controllerValues(args: KarpenterArgs, queue: sqs.Queue) {
    return {
        settings: { clusterName: args.cluster.name, interruptionQueue: queue.name },
        serviceAccount: { name: KARPENTER_SERVICE_ACCOUNT },
        replicas: args.controllerReplicas,
        controller: {
            resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi" } },
        },
        // Only on the managed node group: a controller on a node it manages could remove its own node.
        affinity: {
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [
                        {
                            matchExpressions: [
                                {
                                    key: "eks.amazonaws.com/nodegroup",
                                    operator: "In",
                                    values: [args.nodeGroup.nodeGroupName],
                                },
                                { key: "karpenter.sh/nodepool", operator: "DoesNotExist" },
                            ],
                        },
                    ],
                },
            },
            podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname" }],
            },
        },
    };
}

/**
 * What Karpenter launches: AL2023 nodes in the node subnets with the cluster security group, IMDSv2 only,
 * gp3 root volumes under the node-disk key, the profile's instance types on demand, at most `maxNodes` nodes.
 */
function nodeClassAndPool(
    name: string,
    args: KarpenterArgs,
    nodeRole: iam.Role,
    charts: { crds: Release; release: Release },
    parent: pulumi.Resource,
) {
    const opts = { parent, provider: args.provider, dependsOn: [charts.crds, charts.release] };
    const nodeClass = karpenterNodeClass(name, args, nodeRole, opts);
    const nodePool = karpenterNodePool(name, args, { ...opts, dependsOn: [...opts.dependsOn, nodeClass] });
    return { nodeClass, nodePool };
}

/** The EC2NodeClass: AL2023 nodes in the node subnets, cluster security group, IMDSv2 only, encrypted gp3 root. */
function karpenterNodeClass(
    name: string,
    args: KarpenterArgs,
    nodeRole: iam.Role,
    opts: pulumi.CustomResourceOptions,
): CustomResource {
    return new CustomResource(
        `${name}-karpenter-node-class`,
        {
            apiVersion: "karpenter.k8s.aws/v1",
            kind: "EC2NodeClass",
            metadata: { name: KARPENTER_NODE_POOL },
            spec: {
                role: nodeRole.name,
                // The newest EKS-optimized AL2023 image: nodes drift to each new release (security patches).
                amiSelectorTerms: [{ alias: "al2023@latest" }],
                subnetSelectorTerms: pulumi.output(args.nodeSubnetIds).apply((ids) => ids.map((id) => ({ id }))),
                securityGroupSelectorTerms: [{ id: args.cluster.vpcConfig.clusterSecurityGroupId }],
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                blockDeviceMappings: [
                    {
                        deviceName: "/dev/xvda",
                        ebs: {
                            volumeSize: `${NODE_ROOT_VOLUME.sizeGiB}Gi`,
                            volumeType: NODE_ROOT_VOLUME.type,
                            encrypted: true,
                            kmsKeyID: args.nodeDiskKeyArn,
                            deleteOnTermination: true,
                        },
                    },
                ],
                tags: args.context.tags,
            },
        },
        opts,
    );
}

/** The NodePool: the profile's instance types on demand, at most `maxNodes` nodes, consolidated one at a time. */
function karpenterNodePool(name: string, args: KarpenterArgs, opts: pulumi.CustomResourceOptions): CustomResource {
    return new CustomResource(
        `${name}-karpenter-node-pool`,
        {
            apiVersion: "karpenter.sh/v1",
            kind: "NodePool",
            metadata: { name: KARPENTER_NODE_POOL },
            spec: {
                template: {
                    spec: {
                        nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: KARPENTER_NODE_POOL },
                        requirements: [
                            { key: "node.kubernetes.io/instance-type", operator: "In", values: args.instanceTypes },
                            { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
                            { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                        ],
                        expireAfter: "720h",
                    },
                },
                // The size profile's maxNodes, less the managed group's nodes (limits are strings: Karpenter docs).
                limits: { nodes: String(args.maxNodes) },
                disruption: {
                    consolidationPolicy: "WhenEmptyOrUnderutilized",
                    consolidateAfter: "5m",
                    budgets: [{ nodes: "1" }],
                },
            },
        },
        opts,
    );
}
