import * as pulumi from "@pulumi/pulumi";
import type { ServiceWorkloadOutputs } from ".";
import { createScaler } from "./autoscaler";
import { createDeployment } from "./deployment";
import { createDisruptionBudget } from "./disruption-budget";
import { createNetworkPolicy } from "./network-policy";
import { processContainer } from "./process";
import type { ServiceRuntime } from "./runtime";

/**
 * The worker kind: a long-running process that serves no HTTP (a queue consumer). Its Deployment (replicas
 * owned by the HPA after creation) runs `command`/`args` with no port and an exec, TCP or no probe, and has
 * no Service, ServiceMonitor or route; the HPA, the PDB and the NetworkPolicy (no ingress at all, the egress
 * of its bindings, calls and allow-list) are the web service's.
 */
export function createWorkerWorkload(runtime: ServiceRuntime): ServiceWorkloadOutputs {
    const { name, service: s, labels } = runtime;
    createDeployment(
        `${name}-deployment`,
        runtime,
        {
            name: s.name,
            labels,
            track: "stable",
            replicas: s.minReplicas,
            image: runtime.image,
            pod: { container: processContainer(s) },
        },
        // The HPA owns the replica count after creation.
        { ignoreChanges: ["spec.replicas"] },
    );
    // Queue consumers scale on their queue when they say so (KEDA), else on CPU and memory.
    createScaler(name, runtime);
    createDisruptionBudget(`${name}-pdb`, runtime);
    createNetworkPolicy(`${name}-network-policy`, runtime);
    return { image: runtime.image, url: pulumi.output(undefined) };
}
