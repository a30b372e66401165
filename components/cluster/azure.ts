import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as monitor from "@pulumi/azure-native/monitor";
import { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import type { input as inputs } from "@pulumi/azure-native/types";
import { parse } from "yaml";
import { catalog } from "../shared/catalog";
import { AKS_DNS_SERVICE_IP, AKS_POD_CIDR, AKS_SERVICE_CIDR, roleDefinitionId } from "../shared/azure";
import { PlatformContext, azurePlacement } from "../shared/context";
import { aksNodeResourceGroup } from "../shared/names";
import { securityOptOuts } from "../shared/security";
import { KubernetesAccessProbe } from "./azure-access";
import { ClusterKms, clusterKms } from "./azure-kms";
import { NodeDiskEncryption, nodeDiskEncryption } from "./azure-disks";
import { ClusterArgs, ClusterImplementationResult, clusterSettings, execKubeconfig } from ".";

/** The Entra application every AKS cluster with managed Entra integration accepts tokens for. */
const AKS_ENTRA_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";
/** How the kubeconfig signs in: an Entra token from kubelogin (the access probe signs in the same way). */
const KUBELOGIN = {
    command: "kubelogin",
    args: ["get-token", "--login", "azurecli", "--server-id", AKS_ENTRA_SERVER_ID],
};
const CONTAINER_INSIGHTS_STREAM = "Microsoft-ContainerInsights-Group-Default";

type Settings = ReturnType<typeof clusterSettings>;

/**
 * AKS: Microsoft Entra ID integration with Azure RBAC for Kubernetes authorization and local accounts
 * disabled (every identity is an Entra identity; the deployer and `adminGroupObjectIds` get cluster-admin
 * through Azure role assignments, like EKS access entries, and the Kubernetes provider waits until AKS honours
 * the deployer's grant); OIDC issuer and workload identity; Azure CNI
 * overlay with the Cilium dataplane and network policy; the API server reachable only from
 * `apiAllowedCidrs` (authorized IP ranges), or a private cluster when that list is empty; Container
 * Insights to the stack's Log Analytics workspace (Entra-authenticated agent, data collection rule);
 * automatic patch upgrades of the control plane and node images; a user-assigned control-plane identity
 * holding Network Contributor on the node subnet only; nodes in the private node subnet without public
 * addresses; the Standard (uptime SLA) tier and node pools spread over the zones when highly available.
 */
export function createAzureCluster(
    name: string,
    args: ClusterArgs,
    parent: pulumi.Resource,
): ClusterImplementationResult {
    const { context } = args;
    const azure = args.azure ?? {};
    const settings = clusterSettings(args);
    const privateCluster = settings.apiAllowedCidrs.length === 0;
    const nodeSubnetId = args.network.nodeSubnetIds.apply((ids) => ids[0]);
    const apiServerSubnetId = args.network.apiServerSubnetIds.apply((ids) => ids[0]);
    const opts = { parent };

    const controlPlane = controlPlaneIdentity(name, context, { nodeSubnetId, apiServerSubnetId }, opts);
    const kms = clusterKms(name, context, controlPlane.identity, opts);
    const disks = nodeDiskEncryption(name, context, controlPlane.identity, opts);
    const cluster = managedCluster(
        name,
        args,
        settings,
        { ...controlPlane, nodeSubnetId, apiServerSubnetId, kms, disks },
        parent,
    );
    containerInsights(name, context, cluster, opts);
    const deployerAdmin = grantClusterAccess(name, context, cluster, azure.adminGroupObjectIds ?? [], opts);
    const { kubeconfig, provider } = connect(name, context, cluster, deployerAdmin, parent);

    return {
        clusterName: cluster.name,
        kubeconfig,
        endpoint: privateCluster
            ? pulumi.interpolate`https://${cluster.privateFQDN}`
            : pulumi.interpolate`https://${cluster.fqdn}`,
        oidcIssuerUrl: cluster.oidcIssuerProfile.apply((p) => p?.issuerURL ?? ""),
        kubernetesVersion: cluster.kubernetesVersion.apply((v) => v ?? settings.kubernetesVersion),
        resourceId: cluster.id,
        nodeIdentityId: cluster.identityProfile.apply((p) => p?.["kubeletidentity"]?.objectId ?? ""),
        securityOptOuts: pulumi.output(securityOptOuts("azure", azure, [])),
        provider,
    };
}

/**
 * The control plane's identity, with Network Contributor on the node subnet (load balancers, node NICs) and on
 * the API server subnet: "The cluster identity needs permissions to both the API server subnet and the node
 * subnet. Lack of permissions at the API server subnet can cause a provisioning failure"
 * (MicrosoftDocs/azure-aks-docs@articles/aks/api-server-vnet-integration.md).
 */
function controlPlaneIdentity(
    name: string,
    context: PlatformContext,
    subnets: { nodeSubnetId: pulumi.Output<string>; apiServerSubnetId: pulumi.Output<string> },
    opts: pulumi.CustomResourceOptions,
) {
    const { resourceGroupName, location } = azurePlacement(context);
    const identity = new managedidentity.UserAssignedIdentity(
        `${name}-identity`,
        { resourceGroupName, location, tags: context.tags },
        opts,
    );
    const access = (role: string, scope: pulumi.Input<string>, what: string) =>
        new authorization.RoleAssignment(
            `${name}-${role}`,
            {
                scope,
                principalId: identity.principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: roleDefinitionId(context, "networkContributor"),
                description: `${name}'s control plane manages the ${what} subnet`,
            },
            opts,
        );
    const subnetAccess = [
        access("subnet-access", subnets.nodeSubnetId, "node"),
        access("apiserver-subnet-access", subnets.apiServerSubnetId, "API server"),
    ];
    return { identity, subnetAccess };
}

/** Azure CNI overlay with the Cilium dataplane and network policy, on the platform's fixed pod and service ranges. */
const NETWORK_PROFILE: inputs.containerservice.ContainerServiceNetworkProfileArgs = {
    networkPlugin: "azure",
    networkPluginMode: "overlay",
    networkDataplane: "cilium",
    networkPolicy: "cilium",
    podCidr: AKS_POD_CIDR,
    serviceCidr: AKS_SERVICE_CIDR,
    dnsServiceIP: AKS_DNS_SERVICE_IP,
    loadBalancerSku: "standard",
    outboundType: "loadBalancer",
};

/**
 * The API server projected into the delegated subnet (API Server VNet Integration, which KMS with a private key
 * vault requires), reachable from `apiAllowedCidrs` only, or private when that list is empty.
 */
function apiServerAccess(
    apiAllowedCidrs: string[],
    subnetId: pulumi.Output<string>,
): inputs.containerservice.ManagedClusterAPIServerAccessProfileArgs {
    const vnetIntegration = { enableVnetIntegration: true, subnetId };
    return apiAllowedCidrs.length === 0
        ? { ...vnetIntegration, enablePrivateCluster: true, enablePrivateClusterPublicFQDN: false }
        : { ...vnetIntegration, enablePrivateCluster: false, authorizedIPRanges: apiAllowedCidrs };
}

/**
 * The AKS cluster: Entra ID with Azure RBAC and no local accounts, OIDC issuer and workload identity, the
 * API server behind authorized ranges (or private) in its own subnet, Kubernetes secrets under the cluster's
 * KMS key (./azure-kms.ts), OS disks under the stack's key (./azure-disks.ts), automatic upgrades and the
 * Container Insights agent.
 */
function managedCluster(
    name: string,
    args: ClusterArgs,
    settings: Settings,
    controlPlane: {
        identity: managedidentity.UserAssignedIdentity;
        subnetAccess: authorization.RoleAssignment[];
        nodeSubnetId: pulumi.Output<string>;
        apiServerSubnetId: pulumi.Output<string>;
        kms: ClusterKms;
        disks: NodeDiskEncryption;
    },
    parent: pulumi.Resource,
): containerservice.ManagedCluster {
    const { resourceGroupName, location, tenantId, logAnalyticsWorkspaceId } = azurePlacement(args.context);
    const { apiAllowedCidrs, highAvailability } = settings;
    return new containerservice.ManagedCluster(
        `${name}-aks`,
        {
            resourceGroupName,
            location,
            resourceName: name,
            dnsPrefix: name,
            nodeResourceGroup: aksNodeResourceGroup(resourceGroupName, name, location),
            kubernetesVersion: settings.kubernetesVersion,
            sku: { name: "Base", tier: highAvailability ? "Standard" : "Free" },
            identity: { type: "UserAssigned", userAssignedIdentities: [controlPlane.identity.id] },
            aadProfile: {
                managed: true,
                enableAzureRBAC: true,
                tenantID: tenantId,
                // With Azure RBAC this field is documented as irrelevant; the groups' access comes from the
                // role assignments in grantClusterAccess. Kept: it is what the groups had before.
                adminGroupObjectIDs: args.azure?.adminGroupObjectIds ?? [],
            },
            enableRBAC: true,
            disableLocalAccounts: true,
            // The nodes' OS disks under the stack's key (./azure-disks.ts); AKS takes it at cluster creation only.
            diskEncryptionSetID: controlPlane.disks.diskEncryptionSetId,
            oidcIssuerProfile: { enabled: true },
            // KEDA as the managed add-on (components/workloads/scaling/); services opt in with `scaling`.
            workloadAutoScalerProfile: { keda: { enabled: true } },
            securityProfile: {
                workloadIdentity: { enabled: true },
                imageCleaner: { enabled: true, intervalHours: 48 },
                azureKeyVaultKms: controlPlane.kms.profile,
            },
            networkProfile: NETWORK_PROFILE,
            apiServerAccessProfile: apiServerAccess(apiAllowedCidrs, controlPlane.apiServerSubnetId),
            agentPoolProfiles: [systemNodePool(args, settings, controlPlane.nodeSubnetId)],
            autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
            addonProfiles: {
                // Secrets Store CSI driver + Key Vault provider, re-reading mounted secrets every 2 minutes
                // (components/workloads/secrets/; https://learn.microsoft.com/azure/aks/csi-secrets-store-configuration-options).
                azureKeyvaultSecretsProvider: {
                    enabled: true,
                    config: { enableSecretRotation: "true", rotationPollInterval: "2m" },
                },
                omsagent: {
                    enabled: true,
                    config: { logAnalyticsWorkspaceResourceID: logAnalyticsWorkspaceId, useAADAuth: "true" },
                },
            },
            tags: args.context.tags,
        },
        // The autoscaler changes the node count; Pulumi must not fight it.
        {
            parent,
            dependsOn: [...controlPlane.subnetAccess, ...controlPlane.kms.ready, ...controlPlane.disks.ready],
            ignoreChanges: ["agentPoolProfiles[0].count"],
        },
    );
}

/**
 * The system node pool: Azure Linux nodes in the private node subnet without public addresses, encrypted on
 * the host, autoscaled between the profile's bounds and spread over the zones when highly available.
 */
function systemNodePool(
    args: ClusterArgs,
    settings: Settings,
    nodeSubnetId: pulumi.Output<string>,
): inputs.containerservice.ManagedClusterAgentPoolProfileArgs {
    return {
        name: "system",
        mode: "System",
        type: "VirtualMachineScaleSets",
        osType: "Linux",
        osSKU: "AzureLinux",
        vmSize: args.azure?.vmSize ?? catalog.cluster[settings.size].azure,
        vnetSubnetID: nodeSubnetId,
        enableNodePublicIP: false,
        // Temp disks, caches and the OS disk's cache encrypted on the VM host. The subscription needs
        // the feature once: `az feature register --namespace Microsoft.Compute --name EncryptionAtHost`
        // (MicrosoftDocs/azure-aks-docs@articles/aks/enable-host-encryption.md).
        enableEncryptionAtHost: true,
        enableAutoScaling: true,
        minCount: settings.minNodes,
        count: settings.desiredNodes,
        maxCount: settings.maxNodes,
        availabilityZones: settings.highAvailability ? args.network.zones : undefined,
        upgradeSettings: { maxSurge: "33%" },
    };
}

/** Container Insights with Entra authentication: a data collection rule to the workspace, associated with the cluster. */
function containerInsights(
    name: string,
    context: PlatformContext,
    cluster: containerservice.ManagedCluster,
    opts: pulumi.CustomResourceOptions,
) {
    const { resourceGroupName, location, logAnalyticsWorkspaceId } = azurePlacement(context);
    const insightsRule = new monitor.DataCollectionRule(
        `${name}-insights-dcr`,
        {
            resourceGroupName,
            location,
            kind: "Linux",
            description: `Container Insights for ${name}`,
            dataSources: {
                extensions: [
                    {
                        name: "ContainerInsightsExtension",
                        extensionName: "ContainerInsights",
                        streams: [CONTAINER_INSIGHTS_STREAM],
                        extensionSettings: {
                            dataCollectionSettings: {
                                interval: "1m",
                                namespaceFilteringMode: "Off",
                                enableContainerLogV2: true,
                            },
                        },
                    },
                ],
            },
            destinations: { logAnalytics: [{ name: "workspace", workspaceResourceId: logAnalyticsWorkspaceId }] },
            dataFlows: [{ streams: [CONTAINER_INSIGHTS_STREAM], destinations: ["workspace"] }],
            tags: context.tags,
        },
        opts,
    );
    new monitor.DataCollectionRuleAssociation(
        `${name}-insights-dcra`,
        {
            associationName: "ContainerInsightsExtension",
            resourceUri: cluster.id,
            dataCollectionRuleId: insightsRule.id,
        },
        opts,
    );
}

/**
 * Cluster access through Azure RBAC (local accounts are off): the deployer holds Azure Kubernetes Service RBAC
 * Cluster Admin, as EKS grants its creator; each admin group holds the same role plus Azure Kubernetes Service
 * Cluster User Role, which lets its members fetch the kubeconfig (`az aks get-credentials`). With Azure RBAC
 * for Kubernetes authorization these two roles are what grants people access; the AKS docs call the
 * admin-group field "irrelevant" then (MicrosoftDocs/azure-aks-docs@articles/aks/concepts-identity.md,
 * summary table), so `aadProfile.adminGroupObjectIDs` alone is not relied on.
 *
 * Every assignment names its principal's type: azure-native sends `principalType: "User"` when none is
 * given (@pulumi/azure-native 3.28.0 authorization/roleAssignment.js), and ARM rejects an assignment whose
 * type differs from the principal's with `UnmatchedPrincipalType` (seen in Azure/modern-web-app-pattern-dotnet#129;
 * the API's "User" default is Azure/azure-rest-api-specs#21664).
 */
function grantClusterAccess(
    name: string,
    context: PlatformContext,
    cluster: containerservice.ManagedCluster,
    adminGroupObjectIds: string[],
    opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
    const { deployerObjectId, deployerPrincipalType } = azurePlacement(context);
    const deployerAdmin = new authorization.RoleAssignment(
        `${name}-deployer-admin`,
        {
            scope: cluster.id,
            principalId: deployerObjectId,
            principalType: deployerPrincipalType,
            roleDefinitionId: roleDefinitionId(context, "aksRbacClusterAdmin"),
            description: `The identity that deploys ${name} administers it`,
        },
        opts,
    );
    for (const groupId of adminGroupObjectIds) {
        for (const [role, definition] of [
            ["admin", "aksRbacClusterAdmin"],
            ["user", "aksClusterUser"],
        ] as const) {
            new authorization.RoleAssignment(
                `${name}-group-${groupId}-${role}`,
                {
                    scope: cluster.id,
                    principalId: groupId,
                    principalType: "Group",
                    roleDefinitionId: roleDefinitionId(context, definition),
                    description: `Members of the admin group ${groupId} administer ${name}`,
                },
                opts,
            );
        }
    }
    return deployerAdmin;
}

/**
 * The kubeconfig (server and CA from AKS, an Entra token from kubelogin) and the Kubernetes provider, which
 * waits for the access probe: the deployer's grant must be honoured by the API server before any Kubernetes
 * call, and ARM accepting the role assignment does not mean that (see ./azure-access.ts).
 */
function connect(
    name: string,
    context: PlatformContext,
    cluster: containerservice.ManagedCluster,
    deployerAdmin: authorization.RoleAssignment,
    parent: pulumi.Resource,
): { kubeconfig: pulumi.Output<string>; provider: KubernetesProvider } {
    const { resourceGroupName } = azurePlacement(context);
    const credentials = containerservice.listManagedClusterUserCredentialsOutput(
        { resourceGroupName, resourceName: cluster.name, format: "exec" },
        { parent },
    );
    const endpoint = credentials.kubeconfigs.apply((configs) => {
        const issued = parse(Buffer.from(configs[0].value, "base64").toString("utf8")) as {
            clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
        };
        const { server, "certificate-authority-data": caData } = issued.clusters[0].cluster;
        return { server, caData };
    });
    const kubeconfig = pulumi.secret(
        pulumi
            .all([cluster.name, endpoint])
            .apply(([n, { server, caData }]) => execKubeconfig({ name: n, server, caData, ...KUBELOGIN })),
    );
    const access = new KubernetesAccessProbe(
        `${name}-deployer-access`,
        {
            server: endpoint.server,
            caData: endpoint.caData,
            command: KUBELOGIN.command,
            args: KUBELOGIN.args,
            grantId: deployerAdmin.id,
        },
        { parent },
    );
    const provider = new KubernetesProvider(
        `${name}-k8s`,
        { kubeconfig, enableServerSideApply: true, deleteUnreachable: !context.protect },
        { parent, dependsOn: [cluster, deployerAdmin, access] },
    );
    return { kubeconfig, provider };
}
