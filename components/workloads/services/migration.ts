import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { Job } from "@pulumi/kubernetes/batch/v1";
import type * as k8s from "@pulumi/kubernetes/types/input";
import { podTemplate } from "./pod";
import { runContainer } from "./process";
import type { ServiceRuntime } from "./runtime";

/** Seconds Pulumi waits beyond the migration's own deadline: for a node to start and the image to pull. */
export const MIGRATION_START_SLACK_SECONDS = 300;

/**
 * The service's runtime with its migration Job added to what its Deployments wait for, or the runtime
 * unchanged when it has no `migrate`.
 *
 * The rollout waits for the migration: Pulumi's Kubernetes provider holds a batch/v1 Job's create until the
 * Job's `Complete` condition is true and fails it at once when its `Failed` condition is
 * (BackoffLimitExceeded, DeadlineExceeded), with the pods' errors in the message
 * (pulumi/pulumi-kubernetes@provider/pkg/await/job.go, states/job.go collectJobConditionErrors;
 * https://www.pulumi.com/registry/packages/kubernetes/api-docs/batch/v1/job/). A resource whose dependency
 * failed is not updated, so the Deployments (stable and canary) keep the old version. The container's
 * `FallbackToLogsOnError` termination message puts the migration's last log lines in that error
 * (https://kubernetes.io/docs/tasks/debug/debug-application/determine-reason-pod-failure/#customizing-the-termination-message;
 * the provider reports a terminated container's message, provider/pkg/await/checker/pod/check.go).
 *
 * A new version runs a new Job: a Job's pod template is immutable, and the provider replaces a Job whose
 * `.spec.template` or `.metadata.name` changes (provider/pkg/provider/diff.go forceNew `job`). The name
 * carries a digest of the template (image, command, connection details), so the replacement is created
 * under a new name before the old Job is deleted; a fixed name would collide and need deleteBeforeReplace.
 * No `ttlSecondsAfterFinished`: a Job deleted by the cluster would be created again on the next refresh.
 */
export function withMigration(runtime: ServiceRuntime): ServiceRuntime {
    const { name, service: s, args, labels } = runtime;
    const migrate = s.migrate;
    if (!migrate) {
        return runtime;
    }
    const template = podTemplate(runtime, "migration", runtime.image, {
        container: (c) => ({ ...runContainer(migrate)(c), terminationMessagePolicy: "FallbackToLogsOnError" }),
        restartPolicy: "Never",
    });
    const timeout = `${migrate.activeDeadlineSeconds + MIGRATION_START_SLACK_SECONDS}s`;
    const job = new Job(
        `${name}-migration`,
        {
            metadata: { name: migrationJobName(s.name, template), namespace: args.namespace, labels },
            spec: {
                backoffLimit: migrate.backoffLimit,
                activeDeadlineSeconds: migrate.activeDeadlineSeconds,
                template,
            },
        },
        { parent: runtime.parent, dependsOn: runtime.dependsOn, customTimeouts: { create: timeout, update: timeout } },
    );
    return { ...runtime, dependsOn: [...runtime.dependsOn, job] };
}

/**
 * `<service>-migrate-<10 hex digits of the template's sha256>`, at most 40 + 19 characters (a Job name and
 * its pods' job-name label are at most 63). The digest of the connection details is secret-tainted but
 * reveals nothing, so the name is not secret.
 */
export function migrationJobName(service: string, template: k8s.core.v1.PodTemplateSpec): pulumi.Output<string> {
    return pulumi.unsecret(
        pulumi.output(template).apply((resolved) => {
            const digest = crypto.createHash("sha256").update(JSON.stringify(resolved)).digest("hex");
            return `${service}-migrate-${digest.slice(0, 10)}`;
        }),
    );
}
