import * as pulumi from "@pulumi/pulumi";
import { StorageClass } from "@pulumi/kubernetes/storage/v1";
import { Cloud, PlatformContext } from "../../shared/context";

/** The StorageClass the workloads' persistent volumes use, as the cluster receives it. */
export interface StorageClassSpec {
    readonly name: string;
    readonly provisioner: string;
    readonly parameters: Record<string, string>;
    /** Retain keeps the disk when its claim is deleted (protected stacks); Delete frees it. */
    readonly reclaimPolicy: "Retain" | "Delete";
    /** Disks are created in the zone the pod is scheduled to, never in a zone no node of the pod can use. */
    readonly volumeBindingMode: "WaitForFirstConsumer";
    readonly allowVolumeExpansion: true;
}

/**
 * The per-cloud disk a StorageClass provisions: the one place raw disk SKUs live.
 *
 * - AWS: gp3 through the EBS CSI driver (installed with Pod Identity by the Cluster component), encrypted.
 *   Parameters: github:kubernetes-sigs/aws-ebs-csi-driver docs/parameters.md (`type`, `encrypted`).
 * - Azure: Premium SSD through the built-in Azure Disk CSI driver; zone-redundant (Premium_ZRS) when highly
 *   available, so a volume follows its pod to another zone instead of pinning it to one. AKS's built-in
 *   `managed-csi-premium` class is Premium_LRS with reclaim policy Delete, so protected stacks need a class
 *   of their own for Retain. Parameters: github:kubernetes-sigs/azuredisk-csi-driver docs/driver-parameters.md
 *   (`skuName`: Premium_LRS, Premium_ZRS, ...). Azure managed disks are always encrypted at rest.
 */
const DISKS: Record<
    Cloud,
    (highAvailability: boolean) => Pick<StorageClassSpec, "name" | "provisioner" | "parameters">
> = {
    aws: () => ({
        name: "gp3",
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true" },
    }),
    azure: (highAvailability) => ({
        name: highAvailability ? "premium-zrs" : "premium-lrs",
        provisioner: "disk.csi.azure.com",
        parameters: { skuName: highAvailability ? "Premium_ZRS" : "Premium_LRS", cachingMode: "ReadOnly" },
    }),
};

/** The StorageClass for a stack: the cloud's disk, Retain when stateful resources are protected. */
export function storageClassSpec(context: PlatformContext, highAvailability: boolean): StorageClassSpec {
    return {
        ...DISKS[context.cloud](highAvailability),
        reclaimPolicy: context.protect ? "Retain" : "Delete",
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
    };
}

/**
 * Creates the workloads' StorageClass (not the cluster default: claims name it explicitly) and returns its
 * name with the resource claims must wait for.
 */
export function createStorageClass(
    name: string,
    args: { readonly context: PlatformContext; readonly highAvailability: boolean },
    parent: pulumi.Resource,
): { readonly name: string; readonly resource: StorageClass } {
    const spec = storageClassSpec(args.context, args.highAvailability);
    const resource = new StorageClass(
        `${name}-storage-class`,
        {
            metadata: { name: spec.name },
            provisioner: spec.provisioner,
            parameters: spec.parameters,
            reclaimPolicy: spec.reclaimPolicy,
            volumeBindingMode: spec.volumeBindingMode,
            allowVolumeExpansion: spec.allowVolumeExpansion,
        },
        { parent },
    );
    return { name: spec.name, resource };
}
