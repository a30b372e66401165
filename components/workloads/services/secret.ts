import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { Secret } from "@pulumi/kubernetes/core/v1";
import type { ResolvedService, WorkloadsCache, WorkloadsDatabase, WorkloadsStorage } from "..";
import type { ServiceWorkloadArgs } from ".";

/**
 * The connection details of the bound resources, from the components' normalized outputs. The whole
 * object is secret: it only ever reaches the cluster as a Kubernetes Secret.
 */
export function connectionDetails(
    service: ResolvedService,
    args: Pick<ServiceWorkloadArgs, "database" | "cache" | "storage">,
): pulumi.Output<Record<string, string>> {
    const parts: pulumi.Output<Record<string, string>>[] = [];
    if (service.bind.includes("database")) {
        parts.push(databaseDetails(args.database));
    }
    if (service.bind.includes("cache")) {
        parts.push(cacheDetails(args.cache));
    }
    if (service.bind.includes("storage")) {
        parts.push(storageDetails(args.storage));
    }
    return pulumi.secret(pulumi.all(parts).apply((p) => Object.assign({}, ...p) as Record<string, string>));
}

/** `bind: ["database"]`: the PostgreSQL URL, its parts and the CA bundle's URL. */
function databaseDetails(db: WorkloadsDatabase): pulumi.Output<Record<string, string>> {
    return pulumi
        .all([db.connectionString, db.host, db.port, db.databaseName, db.username, db.password, db.tlsCaBundleUrl])
        .apply(
            ([url, host, port, database, user, password, ca]): Record<string, string> => ({
                DATABASE_URL: url,
                DATABASE_HOST: host,
                DATABASE_PORT: String(port),
                DATABASE_NAME: database,
                DATABASE_USER: user,
                DATABASE_PASSWORD: password,
                DATABASE_CA_BUNDLE_URL: ca,
            }),
        );
}

/** `bind: ["cache"]`: the Redis URL, its parts and whether it speaks TLS. */
function cacheDetails(cache: WorkloadsCache): pulumi.Output<Record<string, string>> {
    return pulumi.all([cache.connectionString, cache.host, cache.port, cache.authToken, cache.tls]).apply(
        ([url, host, port, token, tls]): Record<string, string> => ({
            REDIS_URL: url,
            REDIS_HOST: host,
            REDIS_PORT: String(port),
            REDIS_PASSWORD: token,
            REDIS_TLS: String(tls),
        }),
    );
}

/** `bind: ["storage"]`: the bucket (container), its endpoint and region; access comes from the identity. */
function storageDetails(storage: WorkloadsStorage): pulumi.Output<Record<string, string>> {
    return pulumi.all([storage.bucketName, storage.endpoint, storage.region]).apply(
        ([bucket, endpoint, region]): Record<string, string> => ({
            STORAGE_BUCKET: bucket,
            STORAGE_ENDPOINT: endpoint,
            STORAGE_REGION: region,
        }),
    );
}

/** The connection Secret of a service with bindings, and the details it holds. */
export interface ConnectionSecret {
    readonly resource: Secret;
    /** The Secret's name, `<service>-connections`, which the containers' `envFrom` reads. */
    readonly name: string;
    readonly connections: pulumi.Output<Record<string, string>>;
}

/** The Secret with the connection details of the service's bindings, or undefined when it binds nothing. */
export function createConnectionSecret(
    resourceName: string,
    args: Pick<ServiceWorkloadArgs, "service" | "namespace" | "database" | "cache" | "storage">,
    labels: Record<string, string>,
    opts: pulumi.CustomResourceOptions,
): ConnectionSecret | undefined {
    if (args.service.bind.length === 0) {
        return undefined;
    }
    const name = `${args.service.name}-connections`;
    const connections = connectionDetails(args.service, args);
    const resource = new Secret(
        resourceName,
        { metadata: { name, namespace: args.namespace, labels }, type: "Opaque", stringData: connections },
        opts,
    );
    return { resource, name, connections };
}

/** sha256 of a string map, independent of key order. */
export function digest(values: Record<string, string>): string {
    const sorted = Object.keys(values)
        .sort()
        .map((key) => [key, values[key]]);
    return crypto.createHash("sha256").update(JSON.stringify(sorted)).digest("hex");
}
