import { HorizontalPodAutoscaler } from "@pulumi/kubernetes/autoscaling/v2";
import { autoscalingTargets } from "..";
import { createScaledObject } from "../scaling/keda";
import type { ServiceRuntime } from "./runtime";

/** A utilisation target of one resource, relative to the containers' requests. */
function utilization(name: "cpu" | "memory", averageUtilization: number) {
    return { type: "Resource", resource: { name, target: { type: "Utilization", averageUtilization } } };
}

/**
 * The HorizontalPodAutoscaler of a service's stable Deployment: between its replica bounds on CPU and
 * memory utilisation (autoscalingTargets), scaling down only after five quiet minutes.
 */
export function createAutoscaler(resourceName: string, runtime: ServiceRuntime): HorizontalPodAutoscaler {
    const { service: s, args, labels } = runtime;
    return new HorizontalPodAutoscaler(
        resourceName,
        {
            metadata: { name: s.name, namespace: args.namespace, labels },
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: s.name },
                minReplicas: s.minReplicas,
                maxReplicas: s.maxReplicas,
                metrics: [
                    utilization("cpu", autoscalingTargets.cpuUtilizationPercent),
                    utilization("memory", autoscalingTargets.memoryUtilizationPercent),
                ],
                behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
            },
        },
        { parent: runtime.parent },
    );
}

/**
 * The scaler of a web service or worker: KEDA's ScaledObject (which makes the HPA itself, with the CPU and
 * memory targets folded in as triggers) when the service has event triggers, else the CPU/memory HPA. Never
 * both: two HPAs on one Deployment fight over its replicas (https://keda.sh/docs/latest/concepts/scaling-deployments/).
 */
export function createScaler(name: string, runtime: ServiceRuntime): void {
    const { service: s, args } = runtime;
    if (s.scaling) createScaledObject(`${name}-scaledobject`, runtime, s.scaling, args.addonsDependsOn ?? []);
    else createAutoscaler(`${name}-hpa`, runtime);
}
