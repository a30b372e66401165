import * as pulumi from "@pulumi/pulumi";
import type { BackupSettings } from "../../backup";
import type { ClusterOutputs } from "../../cluster";
import type { NetworkOutputs } from "../../network";
import { CapabilityComponent, PlatformContext } from "../../shared/context";

/*
 * Velero: backups of the cluster's objects and volumes, on schedules derived from the stack's backup settings
 * (the same daily / weekly / monthly retentions as the database's backup plan, components/backup). Its bucket
 * or container is its own (components/backup/velero-aws.ts, velero-azure.ts), its identity a workload identity
 * (aws.ts: EKS Pod Identity; azure.ts: Entra Workload ID), its chart pinned (../charts.ts CHART_PINS.velero)
 * with the cloud plugin pinned in plugins.ts, its values built in values.ts and its schedules in schedules.ts.
 */

/** The namespace Velero runs in, and its server's ServiceAccount. */
export const VELERO_NAMESPACE = "velero";
export const VELERO_SERVICE_ACCOUNT = "velero";

/** Arguments of Velero. The Kubernetes provider flows in through `opts.providers`. */
export interface VeleroArgs {
    readonly context: PlatformContext;
    /** The cluster whose ServiceAccount the identity trusts. */
    readonly cluster: Pick<ClusterOutputs, "clusterName" | "oidcIssuerUrl">;
    /** The network (Azure: the endpoint subnet of the account's private endpoint). */
    readonly network: Pick<NetworkOutputs, "endpointSubnetIds">;
    /** The stack's backup settings (components/backup backupSettings): the schedules' TTLs. */
    readonly settings: BackupSettings;
    /**
     * Zone-redundant storage for the backups (Azure: ZRS).
     * @default false
     */
    readonly highAvailability?: boolean;
    /**
     * AWS: the region the bucket replicates to when `settings.copy` is on.
     * @default none
     */
    readonly backupRegion?: string;
}

/** What a cloud gives Velero: its storage, identity and the chart values that use them. */
export interface VeleroCloud {
    /** Chart values the cloud adds (plugin, storage and snapshot locations, ServiceAccount, credentials). */
    readonly values: pulumi.Output<Record<string, unknown>>;
    /** What the release must wait for (the bucket's settings, the identity's grants). */
    readonly ready: pulumi.Resource[];
    /** Bucket / container name. */
    readonly bucketName: pulumi.Output<string>;
    /** IAM role ARN / managed identity client id. */
    readonly principalId: pulumi.Output<string>;
}

export type VeleroCloudImplementation = (name: string, args: VeleroArgs, parent: pulumi.Resource) => VeleroCloud;

/** The outputs of Velero. */
export interface VeleroOutputs {
    /** The bucket (AWS) or blob container (Azure) holding the backups. */
    readonly bucketName: pulumi.Output<string>;
    /** The cloud principal Velero runs as. */
    readonly principalId: pulumi.Output<string>;
    /** The schedules' names with their TTLs in hours (`velero schedule get`). */
    readonly schedules: pulumi.Output<Record<string, number>>;
}

/** Velero on the cluster, writing its own bucket, on the stack's backup schedules. */
export class Velero extends CapabilityComponent<VeleroArgs, VeleroOutputs> implements VeleroOutputs {
    declare public readonly bucketName: pulumi.Output<string>;
    declare public readonly principalId: pulumi.Output<string>;
    declare public readonly schedules: pulumi.Output<Record<string, number>>;

    constructor(name: string, args: VeleroArgs, opts?: pulumi.ComponentResourceOptions) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const load = () => (require("./release") as typeof import("./release")).createVelero;
        super("platform:workloads:Velero", name, args, { aws: load, azure: load }, opts);
    }
}
