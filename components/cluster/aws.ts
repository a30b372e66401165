import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as eks from "@pulumi/aws/eks";
import * as iam from "@pulumi/aws/iam";
import * as kms from "@pulumi/aws/kms";
import { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import { catalog } from "../shared/catalog";
import { assumeRolePolicyFor, customerManagedKey, logsKey } from "../shared/aws";
import { awsPlacement, statefulOptions } from "../shared/context";
import { securityOptOuts } from "../shared/security";
import { ClusterArgs, ClusterImplementationResult, clusterSettings, execKubeconfig } from ".";
import { managedPolicies, podIdentityServiceRole } from "./aws-iam";
import { createKarpenter } from "./karpenter";
import { nodeDiskKey, nodeLaunchTemplate } from "./aws-node-disks";

const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

type Settings = ReturnType<typeof clusterSettings>;

/**
 * EKS: secrets envelope-encrypted with a customer-managed KMS key, control-plane logs (api, audit,
 * authenticator, controller manager, scheduler) to a log group with retention, a private API endpoint with
 * public access only from the configured CIDRs, access entries (API authentication mode), deletion
 * protection when the stack is protected, a managed node group in the private node subnets for the system
 * add-ons and Karpenter, Karpenter adding nodes up to the size profile's maximum, the EKS add-ons workloads
 * rely on (VPC CNI with network policy, kube-proxy, CoreDNS, Pod Identity agent, metrics-server, EBS CSI
 * driver) and Container Insights. Every Kubernetes resource waits for those add-ons through the provider.
 */
export function createAwsCluster(
    name: string,
    args: ClusterArgs,
    parent: pulumi.Resource,
): ClusterImplementationResult {
    const aws = args.aws ?? {};
    const settings = clusterSettings(args);
    const instanceTypes = aws.instanceTypes ?? [...catalog.cluster[settings.size].aws];
    const key = secretsKey(name, args, parent);
    const logs = clusterLogsKey(name, args, parent);
    const cluster = controlPlane(name, args, settings, { secrets: key, logs }, parent);
    // Deleting the key stops every node whose root volume it encrypts: protected like the secrets key.
    const diskKey = nodeDiskKey(name, { parent, ...statefulOptions(args.context) });
    const nodes = systemNodes(name, args, settings, { cluster, diskKey, instanceTypes }, parent);
    const addons = coreAddons(name, cluster, nodes.nodeGroup, parent);
    containerInsights(name, settings, cluster, nodes.nodeGroup, logs, parent);
    adminAccess(name, args, cluster, parent);
    const { kubeconfig, provider } = kubernetesProvider(name, args, cluster, [nodes.nodeGroup, ...addons], parent);
    createKarpenter(
        name,
        {
            context: args.context,
            cluster,
            nodeGroup: nodes.nodeGroup,
            nodeSubnetIds: args.network.nodeSubnetIds,
            nodeDiskKeyArn: diskKey.arn,
            instanceTypes,
            maxNodes: settings.maxNodes - settings.desiredNodes,
            controllerReplicas: Math.min(2, settings.desiredNodes),
            provider,
        },
        parent,
    );

    return {
        clusterName: cluster.name,
        kubeconfig,
        endpoint: cluster.endpoint,
        oidcIssuerUrl: cluster.identities.apply((ids) => ids?.[0]?.oidcs?.[0]?.issuer ?? ""),
        kubernetesVersion: cluster.version,
        resourceId: cluster.arn,
        nodeIdentityId: nodes.nodeRole.arn,
        securityOptOuts: pulumi.output(securityOptOuts("aws", aws, ["secretsEncryption"])),
        provider,
    };
}

/** The key that envelope-encrypts Kubernetes secrets. */
function secretsKey(name: string, args: ClusterArgs, parent: pulumi.Resource): kms.Key {
    // Losing this key makes every Kubernetes secret unreadable: protected like the data stores' keys.
    return customerManagedKey(name, `Envelope-encrypts Kubernetes secrets of ${name}`, {
        parent,
        ...statefulOptions(args.context),
    });
}

/** The key that encrypts the control-plane and Container Insights log groups. */
function clusterLogsKey(name: string, args: ClusterArgs, parent: pulumi.Resource): kms.Key {
    return logsKey(
        name,
        {
            region: awsPlacement(args.context).region,
            logGroupNames: [`/aws/eks/${name}/cluster`, `/aws/containerinsights/${name}/*`],
        },
        { parent, ...statefulOptions(args.context) },
    );
}

/** The EKS control plane (secrets encryption, logs, API access, upgrade policy), after its role and log group. */
function controlPlane(
    name: string,
    args: ClusterArgs,
    settings: Settings,
    keys: { secrets: kms.Key; logs: kms.Key },
    parent: pulumi.Resource,
): eks.Cluster {
    const key = keys.secrets;
    const { apiAllowedCidrs } = settings;
    const logGroup = new cloudwatch.LogGroup(
        `${name}-control-plane-logs`,
        { name: `/aws/eks/${name}/cluster`, retentionInDays: settings.logRetentionDays, kmsKeyId: keys.logs.arn },
        { parent },
    );
    const role = controlPlaneRole(name, key, parent);
    const secretsEncryption = args.aws?.secretsEncryption ?? true;
    return new eks.Cluster(
        `${name}-eks`,
        {
            name,
            version: settings.kubernetesVersion,
            roleArn: role.role.arn,
            vpcConfig: {
                subnetIds: args.network.nodeSubnetIds,
                endpointPrivateAccess: true,
                endpointPublicAccess: apiAllowedCidrs.length > 0,
                publicAccessCidrs: apiAllowedCidrs.length > 0 ? apiAllowedCidrs : undefined,
            },
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
            encryptionConfig: secretsEncryption ? { provider: { keyArn: key.arn }, resources: ["secrets"] } : undefined,
            enabledClusterLogTypes: EKS_LOG_TYPES,
            // STANDARD makes EKS upgrade the control plane itself the day standard support ends
            // (https://docs.aws.amazon.com/eks/latest/userguide/extended-support-control.html): a minor upgrade
            // the program did not ask for, after which `version` no longer matches and the nodes lag behind.
            // EXTENDED never moves the version under the program; it only costs extra if a cluster is left past
            // its end of standard support, which the configuration check warns about 60 days ahead and then
            // refuses, so an operator upgrades deliberately before any extended-support hour is billed.
            upgradePolicy: { supportType: "EXTENDED" },
            // Deleting the cluster deletes every volume claim and Kubernetes secret with it.
            deletionProtection: args.context.protect,
        },
        { parent, dependsOn: [logGroup, role.keyAccess, ...role.policies] },
    );
}

/** The control plane's IAM role: EKS's managed cluster policy and use of the secrets key. */
function controlPlaneRole(name: string, key: kms.Key, parent: pulumi.Resource) {
    const role = new iam.Role(
        `${name}-cluster-role`,
        { assumeRolePolicy: assumeRolePolicyFor("eks.amazonaws.com") },
        { parent },
    );
    const policies = managedPolicies(`${name}-cluster`, role, ["AmazonEKSClusterPolicy"], parent);
    const keyAccess = new iam.RolePolicy(
        `${name}-cluster-kms`,
        {
            role: role.id,
            policy: key.arn.apply((arn) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant"],
                            Resource: arn,
                        },
                    ],
                }),
            ),
        },
        { parent },
    );
    return { role, policies, keyAccess };
}

/**
 * The managed node group: a fixed group of `desiredNodes` nodes that runs the system add-ons and the
 * Karpenter controller (which must not run on nodes it manages), booting from root volumes under the node-disk
 * key (./aws-node-disks.ts). Karpenter adds the rest.
 */
function systemNodes(
    name: string,
    args: ClusterArgs,
    settings: Settings,
    { cluster, diskKey, instanceTypes }: { cluster: eks.Cluster; diskKey: kms.Key; instanceTypes: string[] },
    parent: pulumi.Resource,
) {
    const nodeRole = new iam.Role(
        `${name}-node-role`,
        { assumeRolePolicy: assumeRolePolicyFor("ec2.amazonaws.com") },
        { parent },
    );
    const nodePolicies = managedPolicies(
        `${name}-node`,
        nodeRole,
        ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryPullOnly"],
        parent,
    );
    const template = nodeLaunchTemplate(name, diskKey, { parent });
    const nodeGroup = new eks.NodeGroup(
        `${name}-nodes`,
        {
            clusterName: cluster.name,
            nodeRoleArn: nodeRole.arn,
            subnetIds: args.network.nodeSubnetIds,
            instanceTypes,
            amiType: "AL2023_x86_64_STANDARD",
            capacityType: "ON_DEMAND",
            // A group created without a launch template cannot take one later: adding it replaces the group
            // (a new group comes up before the old one is deleted, since the group is auto-named).
            launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
            // Nothing resizes this group (Karpenter launches its own nodes), so Pulumi owns its size.
            scalingConfig: {
                minSize: settings.minNodes,
                desiredSize: settings.desiredNodes,
                maxSize: settings.desiredNodes,
            },
            updateConfig: { maxUnavailable: 1 },
        },
        { parent, dependsOn: nodePolicies },
    );
    return { nodeRole, nodeGroup };
}

/**
 * The EKS add-ons workloads rely on. EKS installs self-managed vpc-cni, kube-proxy and CoreDNS when it
 * creates a cluster (bootstrapSelfManagedAddons defaults to true), so creating them as EKS add-ons meets
 * existing objects: `resolveConflictsOnCreate: "OVERWRITE"` lets EKS take them over instead of failing
 * (https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAddon.html, resolveConflicts). Turning
 * bootstrapSelfManagedAddons off instead would replace every existing cluster (it forces a new cluster,
 * @pulumi/aws eks/cluster.d.ts).
 */
function coreAddons(name: string, cluster: eks.Cluster, nodeGroup: eks.NodeGroup, parent: pulumi.Resource) {
    const addon = (addonName: string, extra: Partial<eks.AddonArgs>, dependsOn: pulumi.Resource[] = []) =>
        new eks.Addon(
            `${name}-${addonName}`,
            { clusterName: cluster.name, addonName, resolveConflictsOnUpdate: "OVERWRITE", ...extra },
            { parent, dependsOn },
        );
    const takeOver = { resolveConflictsOnCreate: "OVERWRITE" };
    // The VPC CNI's network policy agent enforces Kubernetes NetworkPolicies (off unless asked for).
    const vpcCni = addon("vpc-cni", {
        ...takeOver,
        configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
    });
    const kubeProxy = addon("kube-proxy", takeOver);
    const podIdentityAgent = addon("eks-pod-identity-agent", {});
    // These run as Deployments and need nodes to become healthy.
    const coredns = addon("coredns", takeOver, [nodeGroup]);
    // HPAs read the resource metrics API that metrics-server serves; EKS has none by default. It is an EKS
    // community add-on (https://docs.aws.amazon.com/eks/latest/userguide/community-addons.html).
    const metricsServer = addon("metrics-server", {}, [nodeGroup]);
    // The driver's pods get Pod Identity credentials from the agent: created after it, they need no retries.
    const ebsCsi = ebsCsiDriver(name, cluster, [nodeGroup, podIdentityAgent], parent);
    return [vpcCni, kubeProxy, podIdentityAgent, coredns, metricsServer, ebsCsi];
}

/**
 * The EBS CSI driver provisions PersistentVolumes (StorageClass provisioner `ebs.csi.aws.com`), with AWS's
 * managed policy through Pod Identity (https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html).
 * Volumes are encrypted with the account's EBS key (StorageClass `encrypted: "true"`); a customer-managed
 * key would also need kms:CreateGrant on that key for this role.
 */
function ebsCsiDriver(name: string, cluster: eks.Cluster, after: pulumi.Resource[], parent: pulumi.Resource) {
    const role = podIdentityServiceRole(`${name}-ebs-csi-role`, `EBS CSI controller of ${name}`, parent);
    const policies = managedPolicies(`${name}-ebs-csi`, role, ["service-role/AmazonEBSCSIDriverPolicy"], parent);
    return new eks.Addon(
        `${name}-aws-ebs-csi-driver`,
        {
            clusterName: cluster.name,
            addonName: "aws-ebs-csi-driver",
            resolveConflictsOnUpdate: "OVERWRITE",
            podIdentityAssociations: [{ roleArn: role.arn, serviceAccount: "ebs-csi-controller-sa" }],
        },
        { parent, dependsOn: [...after, ...policies] },
    );
}

/** Container Insights (node health metrics for the alarms), credentials through Pod Identity. */
function containerInsights(
    name: string,
    settings: Settings,
    cluster: eks.Cluster,
    nodeGroup: eks.NodeGroup,
    logsKey: kms.Key,
    parent: pulumi.Resource,
) {
    const role = podIdentityServiceRole(`${name}-cloudwatch-agent-role`, undefined, parent);
    const policies = managedPolicies(`${name}-cloudwatch-agent`, role, ["CloudWatchAgentServerPolicy"], parent);
    // The agent writes to these groups; created here so they have a retention (it would create them without).
    const logGroups = ["application", "dataplane", "host", "performance"].map(
        (group) =>
            new cloudwatch.LogGroup(
                `${name}-insights-${group}`,
                {
                    name: `/aws/containerinsights/${name}/${group}`,
                    retentionInDays: settings.logRetentionDays,
                    kmsKeyId: logsKey.arn,
                },
                { parent },
            ),
    );
    new eks.Addon(
        `${name}-amazon-cloudwatch-observability`,
        {
            clusterName: cluster.name,
            addonName: "amazon-cloudwatch-observability",
            resolveConflictsOnUpdate: "OVERWRITE",
            podIdentityAssociations: [{ roleArn: role.arn, serviceAccount: "cloudwatch-agent" }],
        },
        { parent, dependsOn: [nodeGroup, ...policies, ...logGroups] },
    );
}

/** Cluster-admin access entries for the configured principals. */
function adminAccess(name: string, args: ClusterArgs, cluster: eks.Cluster, parent: pulumi.Resource) {
    for (const [i, principalArn] of (args.aws?.adminPrincipalArns ?? []).entries()) {
        const entry = new eks.AccessEntry(
            `${name}-admin-${i + 1}`,
            { clusterName: cluster.name, principalArn },
            { parent },
        );
        new eks.AccessPolicyAssociation(
            `${name}-admin-${i + 1}-policy`,
            {
                clusterName: cluster.name,
                principalArn,
                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                accessScope: { type: "cluster" },
            },
            { parent, dependsOn: [entry] },
        );
    }
}

/**
 * The kubeconfig (exec plugin, no stored credential) and the Kubernetes provider. The provider depends on
 * the nodes and on every add-on workloads rely on, so each Kubernetes resource (which waits for its
 * provider) starts only once Pod Identity, networking with network policy, DNS, metrics and volumes work:
 * a pod started before the Pod Identity agent is active gets no credentials.
 */
function kubernetesProvider(
    name: string,
    args: ClusterArgs,
    cluster: eks.Cluster,
    ready: pulumi.Resource[],
    parent: pulumi.Resource,
) {
    const { region } = awsPlacement(args.context);
    const kubeconfig = pulumi.secret(
        pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority.data]).apply(([n, server, caData]) =>
            execKubeconfig({
                name: n,
                server,
                caData,
                command: "aws",
                args: ["eks", "get-token", "--cluster-name", n, "--region", region, "--output", "json"],
            }),
        ),
    );
    const provider = new KubernetesProvider(
        `${name}-k8s`,
        { kubeconfig, enableServerSideApply: true, deleteUnreachable: !args.context.protect },
        { parent, dependsOn: ready },
    );
    return { kubeconfig, provider };
}
