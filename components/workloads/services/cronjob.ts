import * as pulumi from "@pulumi/pulumi";
import { CronJob } from "@pulumi/kubernetes/batch/v1";
import type { ServiceWorkloadOutputs } from ".";
import { createNetworkPolicy } from "./network-policy";
import { podTemplate } from "./pod";
import { runContainer } from "./process";
import type { ServiceRuntime } from "./runtime";

/**
 * The cronjob kind: a Kubernetes CronJob running `command`/`args` on `cron.schedule` in `cron.timeZone`
 * (spec.timeZone is GA since Kubernetes 1.27, https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones),
 * with its concurrency policy, history limits and deadlines. Pods restart never: a failed run is retried by
 * the Job (`backoffLimit`) in a new pod, so the failed pod's logs stay readable. No Service, HPA or PDB;
 * the NetworkPolicy admits nothing in and the service's egress out.
 */
export function createCronJobWorkload(runtime: ServiceRuntime): ServiceWorkloadOutputs {
    const { name, service: s, args, labels } = runtime;
    const cron = s.cron!;
    new CronJob(
        `${name}-cronjob`,
        {
            metadata: { name: s.name, namespace: args.namespace, labels },
            spec: {
                schedule: cron.schedule,
                timeZone: cron.timeZone,
                concurrencyPolicy: cron.concurrencyPolicy,
                successfulJobsHistoryLimit: cron.successfulJobsHistoryLimit,
                failedJobsHistoryLimit: cron.failedJobsHistoryLimit,
                startingDeadlineSeconds: cron.startingDeadlineSeconds,
                jobTemplate: {
                    metadata: { labels },
                    spec: {
                        activeDeadlineSeconds: cron.activeDeadlineSeconds,
                        backoffLimit: cron.backoffLimit,
                        template: podTemplate(runtime, "scheduled", runtime.image, {
                            container: runContainer(s),
                            restartPolicy: "Never",
                        }),
                    },
                },
            },
        },
        { parent: runtime.parent, dependsOn: runtime.dependsOn },
    );
    createNetworkPolicy(`${name}-network-policy`, runtime);
    return { image: runtime.image, url: pulumi.output(undefined) };
}
