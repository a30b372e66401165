import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { VeleroContainer, createVeleroContainerAzure } from "../../backup/velero-azure";
import { roleDefinitionId } from "../../shared/azure";
import { PlatformContext, azurePlacement } from "../../shared/context";
import { aksNodeResourceGroup } from "../../shared/names";
import { createFederatedIdentity } from "../identity/azure";
import { VELERO_NAMESPACE, VELERO_SERVICE_ACCOUNT, VeleroArgs, VeleroCloudImplementation } from ".";
import { VELERO_PLUGINS } from "./plugins";
import { VELERO_LOCATION, longestTtlDays } from "./schedules";
import { pluginInitContainer } from "./values";

/**
 * The disk and snapshot actions of the plugin's documented minimum custom role
 * (github:vmware-tanzu/velero-plugin-for-microsoft-azure@v1.14.0-rc.1 README.md, "Specify Role": "Disk
 * Management" and "Snapshot Management"). Its storage actions (listkeys, regeneratekey, containers) are left
 * out: with `useAAD` and `storageAccountURI` the plugin reaches the blobs through Storage Blob Data Contributor
 * and never reads the account over ARM (README, "If using Azure AD Workload Identity" and the Reader limitation).
 */
export const VELERO_DISK_ACTIONS = [
    "Microsoft.Compute/disks/read",
    "Microsoft.Compute/disks/write",
    "Microsoft.Compute/disks/beginGetAccess/action",
    "Microsoft.Compute/disks/endGetAccess/action",
    "Microsoft.Compute/snapshots/read",
    "Microsoft.Compute/snapshots/write",
    "Microsoft.Compute/snapshots/delete",
] as const;

/**
 * The cluster's node resource group, where AKS puts the disks of PersistentVolumes: the name the cluster sets
 * (components/shared/names.ts aksNodeResourceGroup, shortened when over 80 characters) or AKS's default
 * `MC_<group>_<cluster>_<location>` (https://learn.microsoft.com/azure/aks/faq#why-are-two-resource-groups-created-with-aks).
 */
export function nodeResourceGroupOf(
    context: PlatformContext,
    clusterName: pulumi.Input<string>,
): pulumi.Output<string> {
    const { resourceGroupName, location } = azurePlacement(context);
    return pulumi
        .all([resourceGroupName, clusterName])
        .apply(([group, cluster]) =>
            aksNodeResourceGroup(group, cluster, location).apply(
                (name) => name ?? `MC_${group}_${cluster}_${location}`,
            ),
        );
}

/**
 * Velero on AKS: its own account and container (components/backup/velero-azure.ts), a managed identity federated
 * with the server's ServiceAccount (README, "Option 3: Use Azure AD Workload Identity": the client-id annotation,
 * the `azure.workload.identity/use` pod label, a credentials file of ids only), Storage Blob Data Contributor on
 * Velero's account, and a custom role with the disk and snapshot actions on the node resource group (the disks
 * it snapshots and restores) and on the snapshot resource group only.
 */
export const createVeleroAzure: VeleroCloudImplementation = (
    name: string,
    args: VeleroArgs,
    parent: pulumi.Resource,
) => {
    const { context } = args;
    const { subscriptionId } = azurePlacement(context);
    const opts = { parent };
    const storage = createVeleroContainerAzure(
        `${name}-storage`,
        {
            context,
            endpointSubnetId: args.network.endpointSubnetIds.apply((ids) => ids[0]),
            retentionDays: longestTtlDays(args.settings),
            geoRedundant: args.settings.copy,
            zoneRedundant: args.highAvailability ?? false,
        },
        parent,
    );
    const { identity, federation } = createFederatedIdentity(
        name,
        {
            context,
            oidcIssuerUrl: args.cluster.oidcIssuerUrl,
            subject: `system:serviceaccount:${VELERO_NAMESPACE}:${VELERO_SERVICE_ACCOUNT}`,
        },
        opts,
    );
    const blobs = new authorization.RoleAssignment(
        `${name}-blobs`,
        {
            scope: storage.account.id,
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: roleDefinitionId(context, "storageBlobDataContributor"),
            description:
                "Velero reads and writes its own backup account (and signs download URLs with a user delegation key)",
        },
        opts,
    );
    const nodeGroup = nodeResourceGroupOf(context, args.cluster.clusterName);
    const disks = diskSnapshotAccess(
        name,
        {
            context,
            principalId: identity.principalId,
            scopes: {
                nodes: pulumi.interpolate`/subscriptions/${subscriptionId}/resourceGroups/${nodeGroup}`,
                snapshots: storage.snapshotResourceGroup.id,
            },
        },
        opts,
    );
    return {
        values: azureVeleroValues({ context, clientId: identity.clientId, storage, nodeGroup }),
        ready: [...storage.ready, federation, blobs, ...disks],
        bucketName: storage.container.name,
        principalId: identity.clientId,
    };
};

/** The Azure part of the chart's values: plugin, workload identity, the locations with `useAAD`, the ids file. */
function azureVeleroValues(args: {
    readonly context: PlatformContext;
    readonly clientId: pulumi.Output<string>;
    readonly storage: VeleroContainer;
    readonly nodeGroup: pulumi.Output<string>;
}): pulumi.Output<Record<string, unknown>> {
    const { subscriptionId, resourceGroupName } = azurePlacement(args.context);
    const { account, container, snapshotResourceGroup } = args.storage;
    // Ids only, no secret: the plugin reads the subscription and the disks' resource group from this file
    // (README, Workload Identity step 6); the token comes from the workload identity webhook.
    const credentials = pulumi.interpolate`AZURE_SUBSCRIPTION_ID=${subscriptionId}\nAZURE_RESOURCE_GROUP=${args.nodeGroup}\nAZURE_CLOUD_NAME=AzurePublicCloud\n`;
    return pulumi
        .all([args.clientId, account.name, account.primaryEndpoints, container.name, snapshotResourceGroup.name])
        .apply(([clientId, accountName, endpoints, bucket, snapshotGroup]) =>
            pulumi.all([resourceGroupName, subscriptionId, credentials]).apply(
                ([group, subscription, cloud]): Record<string, unknown> => ({
                    initContainers: [pluginInitContainer(VELERO_PLUGINS.azure)],
                    credentials: { useSecret: true, secretContents: { cloud } },
                    podLabels: { "azure.workload.identity/use": "true" },
                    serviceAccount: { server: { annotations: { "azure.workload.identity/client-id": clientId } } },
                    configuration: {
                        backupStorageLocation: [
                            {
                                name: VELERO_LOCATION,
                                provider: "velero.io/azure",
                                bucket,
                                default: true,
                                config: {
                                    resourceGroup: group,
                                    storageAccount: accountName,
                                    subscriptionId: subscription,
                                    storageAccountURI: endpoints.blob,
                                    useAAD: "true",
                                },
                            },
                        ],
                        volumeSnapshotLocation: [
                            {
                                name: VELERO_LOCATION,
                                provider: "velero.io/azure",
                                config: {
                                    resourceGroup: snapshotGroup,
                                    subscriptionId: subscription,
                                    incremental: "true",
                                },
                            },
                        ],
                    },
                }),
            ),
        );
}

/** A custom role with {@link VELERO_DISK_ACTIONS}, assignable to and assigned on the two resource groups only. */
function diskSnapshotAccess(
    name: string,
    args: {
        readonly context: PlatformContext;
        readonly principalId: pulumi.Input<string>;
        readonly scopes: { readonly nodes: pulumi.Input<string>; readonly snapshots: pulumi.Input<string> };
    },
    opts: pulumi.CustomResourceOptions,
): pulumi.Resource[] {
    const { subscriptionId } = azurePlacement(args.context);
    const role = new authorization.RoleDefinition(
        `${name}-disk-snapshots`,
        {
            scope: pulumi.interpolate`/subscriptions/${subscriptionId}`,
            roleName: `${args.context.namePrefix}-velero-disk-snapshots`,
            description:
                "Velero: snapshot the cluster's disks and restore them (velero-plugin-for-microsoft-azure minimum)",
            roleType: "CustomRole",
            permissions: [{ actions: [...VELERO_DISK_ACTIONS], notActions: [] }],
            assignableScopes: [args.scopes.nodes, args.scopes.snapshots],
        },
        opts,
    );
    const assign = (scope: "nodes" | "snapshots") =>
        new authorization.RoleAssignment(
            `${name}-disk-snapshots-${scope}`,
            {
                scope: args.scopes[scope],
                principalId: args.principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: role.id,
                description: `Velero's disk and snapshot actions on the ${scope === "nodes" ? "cluster's node" : "snapshot"} resource group`,
            },
            opts,
        );
    return [role, assign("nodes"), assign("snapshots")];
}
