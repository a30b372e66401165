import { PodDisruptionBudget } from "@pulumi/kubernetes/policy/v1";
import { trackSelector } from "./labels";
import type { ServiceRuntime } from "./runtime";

/** The PodDisruptionBudget of a service's stable pods. */
export function createDisruptionBudget(resourceName: string, runtime: ServiceRuntime): PodDisruptionBudget {
    const { service: s, args, labels } = runtime;
    return new PodDisruptionBudget(
        resourceName,
        {
            metadata: { name: s.name, namespace: args.namespace, labels },
            spec: {
                // One pod at a time: drains always make progress, and a service with N >= 2 replicas keeps N-1.
                maxUnavailable: 1,
                selector: { matchLabels: trackSelector(s.name, "stable") },
                unhealthyPodEvictionPolicy: "AlwaysAllow",
            },
        },
        { parent: runtime.parent },
    );
}
