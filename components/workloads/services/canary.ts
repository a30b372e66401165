import type { RouteCanary } from "../edge/routes";
import { createClusterService } from "./cluster-service";
import { createDeployment } from "./deployment";
import { trackSelector } from "./labels";
import type { ServiceRuntime } from "./runtime";

/**
 * A canary release of an exposed service: one pod of the canary image with `track: canary`, behind its own
 * Service; returns the backend that takes `weight` percent of the route's requests (a weighted backendRef of
 * the service's HTTPRoute, edge/routes.ts).
 */
export function createCanary(
    runtime: ServiceRuntime,
    canary: { readonly image: string; readonly weight: number },
): RouteCanary {
    const { name, service: s, args } = runtime;
    const canaryName = `${s.name}-canary`;
    const canaryLabels = { ...runtime.labels, track: "canary" };
    createDeployment(`${name}-canary-deployment`, runtime, {
        name: canaryName,
        labels: canaryLabels,
        track: "canary",
        replicas: 1,
        image: canary.image,
    });
    createClusterService(
        `${name}-canary-service`,
        { name: canaryName, namespace: args.namespace, labels: canaryLabels },
        trackSelector(s.name, "canary"),
        s.port,
        { parent: runtime.parent },
    );
    return { name: canaryName, weight: canary.weight };
}
