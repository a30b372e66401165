import { ServiceRoute, createCanaryRoute } from "../edge/routes";
import { createClusterService } from "./cluster-service";
import { createDeployment } from "./deployment";
import { trackSelector } from "./labels";
import type { ServiceRuntime } from "./runtime";

/**
 * A canary release of an exposed service: one pod of the canary image with `track: canary`, behind its own
 * Service, taking `weight` percent of the route's requests through the controller's canary Ingress.
 */
export function createCanary(
    runtime: ServiceRuntime,
    route: ServiceRoute,
    canary: { readonly image: string; readonly weight: number },
): void {
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
    createCanaryRoute(
        `${name}-canary-ingress`,
        route,
        { name: canaryName, labels: canaryLabels, weight: canary.weight },
        { parent: runtime.parent, dependsOn: args.ingressDependsOn },
    );
}
