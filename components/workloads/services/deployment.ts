import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "@pulumi/kubernetes/apps/v1";
import { Track, trackSelector } from "./labels";
import { PodVariant, podTemplate } from "./pod";
import type { ServiceRuntime } from "./runtime";

/**
 * The Deployment of one track of a service: rolling updates that add a pod before removing one, five
 * revisions kept, waiting for the runtime's `dependsOn` (identity and Secret) so pods start with both.
 */
export function createDeployment(
    resourceName: string,
    runtime: ServiceRuntime,
    deployment: {
        /** The Deployment's name. */
        readonly name: string;
        readonly labels: Record<string, string>;
        readonly track: Track;
        readonly replicas: number;
        readonly image: pulumi.Input<string>;
        /**
         * How pods are replaced.
         * @default a rolling update that adds a pod before removing one
         */
        readonly strategy?: "RollingUpdate" | "Recreate";
        /** @default the web service's pod */
        readonly pod?: PodVariant;
    },
    opts?: Pick<pulumi.CustomResourceOptions, "ignoreChanges">,
): Deployment {
    const { service: s, args } = runtime;
    return new Deployment(
        resourceName,
        {
            metadata: { name: deployment.name, namespace: args.namespace, labels: deployment.labels },
            spec: {
                replicas: deployment.replicas,
                revisionHistoryLimit: 5,
                selector: { matchLabels: trackSelector(s.name, deployment.track) },
                strategy:
                    deployment.strategy === "Recreate"
                        ? { type: "Recreate" }
                        : { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                template: podTemplate(runtime, deployment.track, deployment.image, deployment.pod),
            },
        },
        { parent: runtime.parent, dependsOn: runtime.dependsOn, ...opts },
    );
}
