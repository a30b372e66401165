import * as pulumi from "@pulumi/pulumi";
import { ServiceRoute, createServiceRoute } from "../edge/routes";
import type { ServiceWorkloadOutputs } from ".";
import { createScaler } from "./autoscaler";
import { createCanary } from "./canary";
import { createClusterService } from "./cluster-service";
import { createDeployment } from "./deployment";
import { createDisruptionBudget } from "./disruption-budget";
import { trackSelector } from "./labels";
import { createNetworkPolicy } from "./network-policy";
import type { ServiceRuntime } from "./runtime";
import { createServiceMonitor } from "./service-monitor";

/**
 * The web service kind: a long-running HTTP server. Its stable Deployment (replicas owned by the HPA after
 * creation), ClusterIP Service, HorizontalPodAutoscaler, PodDisruptionBudget, NetworkPolicy and
 * ServiceMonitor, and when exposed the edge's route to it (and a canary, when configured).
 */
export function createWebWorkload(runtime: ServiceRuntime): ServiceWorkloadOutputs {
    const { name, service: s, args, labels } = runtime;
    const metadata = { name: s.name, namespace: args.namespace, labels };
    createDeployment(
        `${name}-deployment`,
        runtime,
        { name: s.name, labels, track: "stable", replicas: s.minReplicas, image: runtime.image },
        // The HPA owns the replica count after creation.
        { ignoreChanges: ["spec.replicas"] },
    );
    createClusterService(`${name}-service`, metadata, trackSelector(s.name, "stable"), s.port, {
        parent: runtime.parent,
    });
    createScaler(name, runtime);
    createDisruptionBudget(`${name}-pdb`, runtime);
    createNetworkPolicy(`${name}-network-policy`, runtime);
    createServiceMonitor(`${name}-service-monitor`, runtime);
    return { image: runtime.image, url: exposeWebWorkload(runtime) };
}

/** The route of an exposed service (and its canary); its public URL, or undefined when not exposed. */
function exposeWebWorkload(runtime: ServiceRuntime): pulumi.Output<string | undefined> {
    const { name, service: s, args, labels } = runtime;
    if (!s.expose) {
        return pulumi.output(undefined);
    }
    const route: ServiceRoute = {
        name: s.name,
        namespace: args.namespace,
        labels,
        host: s.expose.host,
        path: s.expose.path,
        port: s.port,
        rateLimitRps: s.expose.rateLimitRps,
        edge: args.ingress,
        canary: s.expose.canary ? createCanary(runtime, s.expose.canary) : undefined,
    };
    return createServiceRoute(`${name}-route`, route, { parent: runtime.parent, dependsOn: args.ingressDependsOn });
}
