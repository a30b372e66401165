import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as eks from "@pulumi/aws/eks";
import * as iam from "@pulumi/aws/iam";
import { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import { catalog } from "../shared/catalog";
import { POD_IDENTITY_ACTIONS, assumeRolePolicyFor, customerManagedKey } from "../shared/aws";
import { awsPlacement, statefulOptions } from "../shared/context";
import { iamRoleName } from "../shared/names";
import { securityOptOuts } from "../shared/security";
import { ClusterArgs, ClusterImplementationResult, clusterSettings, execKubeconfig } from ".";

const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

function managedPolicies(name: string, role: iam.Role, policies: string[], parent: pulumi.Resource) {
    return policies.map(
        (policy) =>
            new iam.RolePolicyAttachment(
                `${name}-${policy.split("/").pop()}`,
                { role: role.name, policyArn: `arn:aws:iam::aws:policy/${policy}` },
                { parent },
            ),
    );
}

/**
 * EKS: secrets envelope-encrypted with a customer-managed KMS key, control-plane logs (api, audit,
 * authenticator, controller manager, scheduler) to a log group with retention, a private API endpoint with
 * public access only from the configured CIDRs, access entries (API authentication mode), a managed node
 * group in the private node subnets, and EKS Pod Identity (agent add-on) for workload identity.
 */
export function createAwsCluster(
    name: string,
    args: ClusterArgs,
    parent: pulumi.Resource,
): ClusterImplementationResult {
    const { region } = awsPlacement(args.context);
    const aws = args.aws ?? {};
    const settings = clusterSettings(args);
    const { size, apiAllowedCidrs, kubernetesVersion: version } = settings;
    const secretsEncryption = aws.secretsEncryption ?? true;
    const opts = { parent };
    const clusterName = name;

    // Losing this key makes every Kubernetes secret unreadable: protected like the data stores' keys.
    const key = customerManagedKey(name, `Envelope-encrypts Kubernetes secrets of ${name}`, {
        parent,
        ...statefulOptions(args.context),
    });
    const logGroup = new cloudwatch.LogGroup(
        `${name}-control-plane-logs`,
        { name: `/aws/eks/${clusterName}/cluster`, retentionInDays: settings.logRetentionDays },
        opts,
    );

    const clusterRole = new iam.Role(
        `${name}-cluster-role`,
        { assumeRolePolicy: assumeRolePolicyFor("eks.amazonaws.com") },
        opts,
    );
    const clusterPolicies = managedPolicies(`${name}-cluster`, clusterRole, ["AmazonEKSClusterPolicy"], parent);
    const keyAccess = new iam.RolePolicy(
        `${name}-cluster-kms`,
        {
            role: clusterRole.id,
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
        opts,
    );

    const cluster = new eks.Cluster(
        `${name}-eks`,
        {
            name: clusterName,
            version,
            roleArn: clusterRole.arn,
            vpcConfig: {
                subnetIds: args.network.nodeSubnetIds,
                endpointPrivateAccess: true,
                endpointPublicAccess: apiAllowedCidrs.length > 0,
                publicAccessCidrs: apiAllowedCidrs.length > 0 ? apiAllowedCidrs : undefined,
            },
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
            encryptionConfig: secretsEncryption ? { provider: { keyArn: key.arn }, resources: ["secrets"] } : undefined,
            enabledClusterLogTypes: EKS_LOG_TYPES,
            upgradePolicy: { supportType: "STANDARD" },
        },
        { parent, dependsOn: [logGroup, keyAccess, ...clusterPolicies] },
    );

    const nodeRole = new iam.Role(
        `${name}-node-role`,
        { assumeRolePolicy: assumeRolePolicyFor("ec2.amazonaws.com") },
        opts,
    );
    const nodePolicies = managedPolicies(
        `${name}-node`,
        nodeRole,
        ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryPullOnly"],
        parent,
    );
    const nodeGroup = new eks.NodeGroup(
        `${name}-nodes`,
        {
            clusterName: cluster.name,
            nodeRoleArn: nodeRole.arn,
            subnetIds: args.network.nodeSubnetIds,
            instanceTypes: aws.instanceTypes ?? [...catalog.cluster[size].aws],
            amiType: "AL2023_x86_64_STANDARD",
            capacityType: "ON_DEMAND",
            scalingConfig: {
                minSize: settings.minNodes,
                desiredSize: settings.desiredNodes,
                maxSize: settings.maxNodes,
            },
            updateConfig: { maxUnavailable: 1 },
        },
        // The autoscaler changes the desired size; Pulumi must not fight it.
        { parent, dependsOn: nodePolicies, ignoreChanges: ["scalingConfig.desiredSize"] },
    );

    // The VPC CNI's network policy agent enforces Kubernetes NetworkPolicies (off unless asked for).
    new eks.Addon(
        `${name}-vpc-cni`,
        {
            clusterName: cluster.name,
            addonName: "vpc-cni",
            resolveConflictsOnUpdate: "OVERWRITE",
            configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
        },
        opts,
    );
    for (const addon of ["kube-proxy", "eks-pod-identity-agent"]) {
        new eks.Addon(
            `${name}-${addon}`,
            { clusterName: cluster.name, addonName: addon, resolveConflictsOnUpdate: "OVERWRITE" },
            opts,
        );
    }
    // CoreDNS needs nodes to become healthy.
    new eks.Addon(
        `${name}-coredns`,
        { clusterName: cluster.name, addonName: "coredns", resolveConflictsOnUpdate: "OVERWRITE" },
        { parent, dependsOn: [nodeGroup] },
    );

    // Container Insights (node health metrics for the alarms), credentials through Pod Identity.
    const observabilityRole = new iam.Role(
        `${name}-cloudwatch-agent-role`,
        {
            ...iamRoleName(`${name}-cloudwatch-agent-role`),
            assumeRolePolicy: assumeRolePolicyFor("pods.eks.amazonaws.com", POD_IDENTITY_ACTIONS),
        },
        opts,
    );
    const observabilityPolicies = managedPolicies(
        `${name}-cloudwatch-agent`,
        observabilityRole,
        ["CloudWatchAgentServerPolicy"],
        parent,
    );
    // The agent writes to these groups; created here so they have a retention (it would create them without).
    const insightsLogGroups = ["application", "dataplane", "host", "performance"].map(
        (group) =>
            new cloudwatch.LogGroup(
                `${name}-insights-${group}`,
                {
                    name: `/aws/containerinsights/${clusterName}/${group}`,
                    retentionInDays: settings.logRetentionDays,
                },
                opts,
            ),
    );
    new eks.Addon(
        `${name}-amazon-cloudwatch-observability`,
        {
            clusterName: cluster.name,
            addonName: "amazon-cloudwatch-observability",
            resolveConflictsOnUpdate: "OVERWRITE",
            podIdentityAssociations: [{ roleArn: observabilityRole.arn, serviceAccount: "cloudwatch-agent" }],
        },
        { parent, dependsOn: [nodeGroup, ...observabilityPolicies, ...insightsLogGroups] },
    );

    for (const [i, principalArn] of (aws.adminPrincipalArns ?? []).entries()) {
        const entry = new eks.AccessEntry(`${name}-admin-${i + 1}`, { clusterName: cluster.name, principalArn }, opts);
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
        { parent, dependsOn: [nodeGroup] },
    );

    return {
        clusterName: cluster.name,
        kubeconfig,
        endpoint: cluster.endpoint,
        oidcIssuerUrl: cluster.identities.apply((ids) => ids?.[0]?.oidcs?.[0]?.issuer ?? ""),
        kubernetesVersion: cluster.version,
        resourceId: cluster.arn,
        nodeIdentityId: nodeRole.arn,
        securityOptOuts: pulumi.output(securityOptOuts("aws", aws, ["secretsEncryption"])),
        provider,
    };
}
