import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import type * as k8s from "@pulumi/kubernetes/types/input";
import type { ResolvedService } from "..";
import { RELOAD_ANNOTATION, SECRETS_MOUNT_PATH, SECRETS_VOLUME, secretProviderClassName, syncedSecretName } from ".";
import type { SecretStore } from "./store";

/** A service's SecretProviderClass, which its pods mount. */
export interface AppSecrets {
    readonly resource: CustomResource;
    /** The SecretProviderClass's name (also the Kubernetes Secret it syncs for `as: env` entries). */
    readonly name: string;
    readonly service: ResolvedService;
    /** How to set each value out of band. */
    readonly setCommands: pulumi.Output<Record<string, string>>;
}

/**
 * The SecretProviderClass (secrets-store.csi.x-k8s.io/v1, kubernetes-sigs/secrets-store-csi-driver@v1.6.0
 * apis/v1/secretproviderclass_types.go: provider, parameters, secretObjects) of a service: its store's objects,
 * read as its identity, and for `as: env` entries a synced Kubernetes Secret (which exists only while a pod
 * mounts the volume, and which the driver rewrites on rotation).
 */
export function createSecretProviderClass(
    resourceName: string,
    args: {
        readonly service: ResolvedService;
        readonly namespace: pulumi.Input<string>;
        readonly labels: Record<string, string>;
        readonly store: SecretStore;
        readonly principalId: pulumi.Input<string>;
    },
    opts: pulumi.CustomResourceOptions,
): AppSecrets {
    const { service } = args;
    const name = secretProviderClassName(service.name);
    const env = service.secrets.filter((s) => s.as === "env");
    const resource = new CustomResource(
        resourceName,
        {
            apiVersion: "secrets-store.csi.x-k8s.io/v1",
            kind: "SecretProviderClass",
            metadata: { name, namespace: args.namespace, labels: args.labels },
            spec: {
                provider: args.store.provider,
                parameters: args.store.parameters(args.principalId),
                secretObjects:
                    env.length === 0
                        ? undefined
                        : [
                              {
                                  secretName: syncedSecretName(service.name),
                                  type: "Opaque",
                                  labels: args.labels,
                                  data: env.map((s) => ({ objectName: s.name, key: s.name })),
                              },
                          ],
            },
        },
        opts,
    );
    return { resource, name, service, setCommands: args.store.setCommands };
}

/**
 * A pod template with the service's secrets: the CSI volume (read-only, mounted by every container at
 * SECRETS_MOUNT_PATH, one file per name, whatever `as` says: the driver syncs `as: env` values only while a pod
 * mounts them), `as: env` entries as variables read from the synced Secret, and, for long-running pods only,
 * the Reloader annotation that rolls them when the driver sees a new version. Unchanged without secrets.
 *
 * A Job's pod (restartPolicy Never / OnFailure: the migration, a cronjob's runs) gets no reload annotation:
 * Reloader does not restart a Job, it deletes and re-creates it (a migration run again, outside any deploy),
 * and for a CronJob it instantiates a Job at once (an unscheduled run on every rotation)
 * (stakater/Reloader@v1.4.21 internal/pkg/callbacks/rolling_upgrade.go ReCreateJobFromjob, CreateJobFromCronjob).
 * Each run mounts the secrets when it starts, so the next run reads the rotated value anyway.
 */
export function withAppSecrets(
    secrets: AppSecrets | undefined,
    template: k8s.core.v1.PodTemplateSpec,
): k8s.core.v1.PodTemplateSpec {
    if (!secrets) return template;
    const spec = template.spec as k8s.core.v1.PodSpec;
    const metadata = template.metadata as k8s.meta.v1.ObjectMeta | undefined;
    const env = secrets.service.secrets.filter((s) => s.as === "env");
    const secretEnv = env.map((s) => ({
        name: s.name,
        valueFrom: { secretKeyRef: { name: syncedSecretName(secrets.service.name), key: s.name } },
    }));
    const runsToCompletion = spec.restartPolicy === "Never" || spec.restartPolicy === "OnFailure";
    return {
        metadata: runsToCompletion
            ? metadata
            : {
                  ...metadata,
                  annotations: pulumi
                      .output(metadata?.annotations ?? {})
                      .apply((a): Record<string, string> => ({ ...a, [RELOAD_ANNOTATION]: secrets.name })),
              },
        spec: {
            ...spec,
            containers: (spec.containers as k8s.core.v1.Container[]).map((c) => ({
                ...c,
                env: [...((c.env as k8s.core.v1.EnvVar[] | undefined) ?? []), ...secretEnv],
                volumeMounts: [
                    ...((c.volumeMounts as k8s.core.v1.VolumeMount[] | undefined) ?? []),
                    { name: SECRETS_VOLUME, mountPath: SECRETS_MOUNT_PATH, readOnly: true },
                ],
            })),
            volumes: [
                ...((spec.volumes as k8s.core.v1.Volume[] | undefined) ?? []),
                {
                    name: SECRETS_VOLUME,
                    csi: {
                        driver: "secrets-store.csi.k8s.io",
                        readOnly: true,
                        volumeAttributes: { secretProviderClass: secrets.name },
                    },
                },
            ],
        },
    };
}
