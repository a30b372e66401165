import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { nameSelector } from "./labels";
import type { ServiceRuntime } from "./runtime";

/** The ServiceMonitor through which Prometheus scrapes the service's metrics path every 30 s. */
export function createServiceMonitor(resourceName: string, runtime: ServiceRuntime): CustomResource {
    const { service: s, args, labels } = runtime;
    return new CustomResource(
        resourceName,
        {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "ServiceMonitor",
            metadata: { name: s.name, namespace: args.namespace, labels },
            spec: {
                selector: { matchLabels: nameSelector(s.name) },
                endpoints: [{ port: "http", path: s.metricsPath, interval: "30s" }],
            },
        },
        // The monitoring stack's CRDs must exist first.
        { parent: runtime.parent, dependsOn: args.monitoringDependsOn },
    );
}
