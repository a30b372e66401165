import * as pulumi from "@pulumi/pulumi";
import type { ServiceWorkloadOutputs } from ".";
import { createDeployment } from "./deployment";
import { createNetworkPolicy } from "./network-policy";
import { processContainer } from "./process";
import type { ServiceRuntime } from "./runtime";

/**
 * The singleton kind: exactly one pod of a process that must never run twice, such as celery-beat, which
 * sends every scheduled task once per running copy (https://docs.celeryq.dev/en/stable/userguide/periodic-tasks.html:
 * "You have to ensure only a single scheduler is running for a schedule at a time"). Its Deployment has one
 * replica and the `Recreate` strategy, so a new version starts only after the old pod is gone
 * (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#recreate-deployment); a rolling update
 * would run both for a while.
 *
 * No HPA (more replicas would duplicate the schedule) and no PodDisruptionBudget: with one replica any
 * budget that protects the pod (minAvailable 1 or maxUnavailable 0) allows zero evictions and blocks every
 * node drain and upgrade ("evictions are not allowed ... if the budget would be violated",
 * https://kubernetes.io/docs/tasks/run-application/configure-pdb/#think-about-how-your-application-reacts-to-disruptions),
 * and one with maxUnavailable 1 protects nothing. A drain evicts the pod; the Deployment starts it on
 * another node, and the schedule pauses for that restart.
 */
export function createSingletonWorkload(runtime: ServiceRuntime): ServiceWorkloadOutputs {
    const { name, service: s, labels } = runtime;
    createDeployment(`${name}-deployment`, runtime, {
        name: s.name,
        labels,
        track: "stable",
        replicas: 1,
        image: runtime.image,
        strategy: "Recreate",
        pod: { container: processContainer(s) },
    });
    createNetworkPolicy(`${name}-network-policy`, runtime);
    return { image: runtime.image, url: pulumi.output(undefined) };
}
