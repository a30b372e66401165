import * as pulumi from "@pulumi/pulumi";
import type { ServiceWorkloadArgs, ServiceWorkloadOutputs } from ".";
import { ServiceRuntime, createServiceRuntime } from "./runtime";
import { createWebWorkload } from "./web";

/** Builds the controllers and objects of one kind of workload on top of the service's runtime. */
export type WorkloadKindBuilder = (runtime: ServiceRuntime) => ServiceWorkloadOutputs;

/**
 * The workload kinds, one file each in this folder. A new kind (a worker, a Job, a CronJob) is a new file
 * exporting a `WorkloadKindBuilder`, added here; `platform:services` then needs the field that chooses it
 * (components/workloads/config.ts). Until then every service is a web service.
 */
export const WORKLOAD_KINDS = {
    web: createWebWorkload,
} as const satisfies Record<string, WorkloadKindBuilder>;

/**
 * One service on the cluster: its runtime (image, identity, ServiceAccount, connection Secret), then the
 * objects of its kind.
 */
export function createServiceWorkload(
    name: string,
    args: ServiceWorkloadArgs,
    parent: pulumi.Resource,
): ServiceWorkloadOutputs {
    const runtime = createServiceRuntime(name, args, parent);
    return WORKLOAD_KINDS.web(runtime);
}
