import * as pulumi from "@pulumi/pulumi";
import { ConfigMap } from "@pulumi/kubernetes/core/v1";
import type * as k8s from "@pulumi/kubernetes/types/input";
import type { Cloud } from "../../shared/context";
import { DATABASE_CA_VARIABLES } from "..";
import type { ServiceWorkloadArgs } from ".";
import { AZURE_POSTGRES_CA, DatabaseCaBundle } from "./database-ca-data";

/** The CA bundle each cloud's database clients verify the server with, where the platform ships one. */
export const DATABASE_CA_BUNDLES: Record<Cloud, DatabaseCaBundle | undefined> = {
    aws: undefined,
    azure: AZURE_POSTGRES_CA,
};

/** Where the bundle is mounted in the pods, and the file clients read. */
export const DATABASE_CA_MOUNT = "/etc/platform/database-ca";
export const DATABASE_CA_FILE = `${DATABASE_CA_MOUNT}/ca.pem`;
const VOLUME = "database-ca";

/**
 * The ConfigMap holding the database CA bundle of a service that binds the database, or undefined when it
 * does not or the cloud's bundle is not shipped. CA certificates are public: a ConfigMap, not a Secret.
 * Mounted as a directory (no subPath), so a new bundle reaches running pods without a restart
 * (https://kubernetes.io/docs/concepts/configuration/configmap/#mounted-configmaps-are-updated-automatically),
 * and libpq reads `sslrootcert` at every connection.
 */
export function createDatabaseCa(
    resourceName: string,
    args: Pick<ServiceWorkloadArgs, "context" | "service" | "namespace">,
    labels: Record<string, string>,
    opts: pulumi.CustomResourceOptions,
): ConfigMap | undefined {
    const bundle = DATABASE_CA_BUNDLES[args.context.cloud];
    if (!bundle || !args.service.bind.includes("database")) {
        return undefined;
    }
    return new ConfigMap(
        resourceName,
        {
            metadata: { name: `${args.service.name}-database-ca`, namespace: args.namespace, labels },
            data: { "ca.pem": bundle.pem },
        },
        opts,
    );
}

/** The pod spec with the bundle mounted read-only in every container and its path in their env. */
export function withDatabaseCa(spec: k8s.core.v1.PodSpec, ca: ConfigMap | undefined): k8s.core.v1.PodSpec {
    if (!ca) return spec;
    const env = DATABASE_CA_VARIABLES.map((name) => ({ name, value: DATABASE_CA_FILE }));
    const containers = (spec.containers as k8s.core.v1.Container[]).map((c) => ({
        ...c,
        env: [...((c.env as k8s.core.v1.EnvVar[] | undefined) ?? []), ...env],
        volumeMounts: [
            ...((c.volumeMounts as k8s.core.v1.VolumeMount[] | undefined) ?? []),
            { name: VOLUME, mountPath: DATABASE_CA_MOUNT, readOnly: true },
        ],
    }));
    return {
        ...spec,
        containers,
        volumes: [
            ...((spec.volumes as k8s.core.v1.Volume[] | undefined) ?? []),
            { name: VOLUME, configMap: { name: ca.metadata.name } },
        ],
    };
}
