import * as pulumi from "@pulumi/pulumi";
import { ConfigMap } from "@pulumi/kubernetes/core/v1";
import type * as k8s from "@pulumi/kubernetes/types/input";
import type { ClientEndpoint } from "../../database";
import { awsProxyCa, awsRdsRegionCa } from "../../database/ca";
import { PlatformContext, awsPlacement } from "../../shared/context";
import { DATABASE_CA_VARIABLES } from "..";
import type { ServiceWorkloadArgs } from ".";
import { AZURE_POSTGRES_CA } from "./database-ca-data";

/**
 * The CAs that verify the database server and its read replicas: Azure's public roots, or the RDS roots of the
 * stack's region (components/database/ca.ts).
 */
export function serverCaPem(context: PlatformContext): string {
    return context.cloud === "azure" ? AZURE_POSTGRES_CA.pem : awsRdsRegionCa(awsPlacement(context).region).pem;
}

/**
 * The CAs a bound pod needs: the server's (its read URL goes to a replica), and, when the client endpoint
 * presents a certificate of its own (RDS Proxy's, from ACM), the roots that one chains to as well. Azure's
 * PgBouncer runs on the server and presents the server's certificate.
 */
export function clientCaPem(context: PlatformContext, client: Pick<ClientEndpoint, "ownCertificate">): string {
    return client.ownCertificate ? `${serverCaPem(context)}${awsProxyCa().pem}` : serverCaPem(context);
}

/** Where the bundle is mounted in the pods, and the file clients read. */
export const DATABASE_CA_MOUNT = "/etc/platform/database-ca";
export const DATABASE_CA_FILE = `${DATABASE_CA_MOUNT}/ca.pem`;
const VOLUME = "database-ca";

/**
 * The ConfigMap holding the database CA bundle of a service that binds the database, or undefined when it
 * does not. CA certificates are public: a ConfigMap, not a Secret.
 * Mounted as a directory (no subPath), so a new bundle reaches running pods without a restart
 * (https://kubernetes.io/docs/concepts/configuration/configmap/#mounted-configmaps-are-updated-automatically),
 * and libpq reads `sslrootcert` at every connection.
 */
export function createDatabaseCa(
    resourceName: string,
    args: Pick<ServiceWorkloadArgs, "context" | "service" | "namespace" | "database">,
    labels: Record<string, string>,
    opts: pulumi.CustomResourceOptions,
): ConfigMap | undefined {
    if (!args.service.bind.includes("database")) {
        return undefined;
    }
    return new ConfigMap(
        resourceName,
        {
            metadata: { name: `${args.service.name}-database-ca`, namespace: args.namespace, labels },
            data: { "ca.pem": args.database.clientEndpoint.apply((client) => clientCaPem(args.context, client)) },
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
