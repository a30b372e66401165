import * as pulumi from "@pulumi/pulumi";
import type { ServiceWorkloadArgs, ServiceWorkloadOutputs } from ".";
import type { WorkloadKindName } from "../service-kinds";
import { createCronJobWorkload } from "./cronjob";
import { withMigration } from "./migration";
import { ServiceRuntime, createServiceRuntime } from "./runtime";
import { createSingletonWorkload } from "./singleton";
import { createWebWorkload } from "./web";
import { createWorkerWorkload } from "./worker";

/** Builds the controllers and objects of one kind of workload on top of the service's runtime. */
export type WorkloadKindBuilder = (runtime: ServiceRuntime) => ServiceWorkloadOutputs;

/**
 * The workload kinds, one file each in this folder, chosen by a service's `kind` (service-kinds.ts). A new
 * kind is a new file exporting a `WorkloadKindBuilder`, added here and to WORKLOAD_KIND_NAMES.
 */
export const WORKLOAD_KINDS = {
    web: createWebWorkload,
    worker: createWorkerWorkload,
    singleton: createSingletonWorkload,
    cronjob: createCronJobWorkload,
} as const satisfies Record<WorkloadKindName, WorkloadKindBuilder>;

/**
 * One service on the cluster: its runtime (image, identity, ServiceAccount, connection Secret), its
 * migration Job when it has one (migration.ts: the controllers wait for it), then the objects of its kind.
 */
export function createServiceWorkload(
    name: string,
    args: ServiceWorkloadArgs,
    parent: pulumi.Resource,
): ServiceWorkloadOutputs {
    const runtime = withMigration(createServiceRuntime(name, args, parent));
    return { ...WORKLOAD_KINDS[args.service.kind](runtime), identityObjectId: runtime.identity?.objectId };
}
