import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { Secret } from "@pulumi/kubernetes/core/v1";
import { ClientEndpoint, postgresConnectionString } from "../../database";
import { serviceRoles } from "../../database/roles";
import type { CacheClientUser } from "../../cache/clients";
import { cacheTokenDetails } from "./cache-tokens";
import type { ResolvedService, WorkloadsCache, WorkloadsDatabase, WorkloadsStorage } from "..";
import type { ServiceWorkloadArgs } from ".";
import { DATABASE_CA_FILE } from "./database-ca";

/**
 * The connection details of the bound resources, from the components' normalized outputs. The whole
 * object is secret: it only ever reaches the cluster as a Kubernetes Secret.
 */
export function connectionDetails(
    service: ResolvedService,
    args: Pick<ServiceWorkloadArgs, "database" | "cache" | "storage"> & { readonly cacheUser?: CacheClientUser },
): pulumi.Output<Record<string, string>> {
    const parts: pulumi.Output<Record<string, string>>[] = [];
    if (service.bind.includes("database")) {
        parts.push(databaseDetails(service.name, args.database));
    }
    if (service.bind.includes("cache")) {
        parts.push(cacheDetails(args.cache, args.cacheUser));
    }
    if (service.bind.includes("storage")) {
        parts.push(storageDetails(args.storage));
    }
    return pulumi.secret(pulumi.all(parts).apply((p) => Object.assign({}, ...p) as Record<string, string>));
}

/**
 * `bind: ["database"]`: the service's own login (never the administrator's, issue 14 item 4) on the client
 * endpoint (the pooler when pooling is on), its schema, and a read URL on one read replica (the same login: roles
 * replicate with the data). RDS has no reader endpoint for instance replicas and Azure's read-only virtual
 * endpoint points at a single replica, so each service is given one replica, picked by a hash of its name:
 * services spread over the replicas, a service always reads from the same one. Without replicas the read URL is
 * the client URL, so an application can always use it. `DATABASE_AUTH` says how to log in: `password`
 * (`DATABASE_PASSWORD`), or a token of the service's identity as the password (`aws-iam`: RDS IAM, `entra`:
 * Microsoft Entra), in which case the Secret holds no password at all (docs/passwordless.md).
 */
function databaseDetails(serviceName: string, db: WorkloadsDatabase): pulumi.Output<Record<string, string>> {
    const roles = serviceRoles(serviceName);
    return pulumi
        .all([db.clientEndpoint, db.readHosts, db.databaseName, db.clientLogins])
        .apply(([client, readHosts, database, logins]) => {
            const auth = db.clientAuthentication;
            const password = auth === "password" ? logins[roles.login] : undefined;
            if (auth === "password" && password === undefined) {
                throw new Error(
                    `Service "${serviceName}" binds the database, but the Database has no login role "${roles.login}" (pass it in clientRoles).`,
                );
            }
            const read = readEndpoint(serviceName, client, readHosts, db);
            // Both URLs verify the endpoint against the bundle the pod has mounted (services/database-ca.ts).
            const login = { databaseName: database, username: roles.login, password, sslRootCert: DATABASE_CA_FILE };
            return pulumi
                .all([
                    postgresConnectionString({ ...login, host: client.host, port: client.port }),
                    read.apply((r) => postgresConnectionString({ ...login, host: r.host, port: r.port })),
                    read,
                ])
                .apply(
                    ([url, readUrl, r]): Record<string, string> => ({
                        DATABASE_AUTH: auth,
                        DATABASE_URL: url,
                        DATABASE_HOST: client.host,
                        DATABASE_PORT: String(client.port),
                        DATABASE_NAME: database,
                        DATABASE_USER: roles.login,
                        ...(password === undefined ? {} : { DATABASE_PASSWORD: password }),
                        DATABASE_SCHEMA: roles.schema,
                        DATABASE_SSLMODE: "verify-full",
                        DATABASE_CA_BUNDLE_URL: client.tlsCaBundleUrl,
                        DATABASE_READ_URL: readUrl,
                        DATABASE_READ_HOST: r.host,
                        DATABASE_READ_CA_BUNDLE_URL: r.ca,
                    }),
                );
        });
}

/** The service's read endpoint: its replica (readReplicaIndex), or the client endpoint without replicas. */
function readEndpoint(
    serviceName: string,
    client: ClientEndpoint,
    readHosts: string[],
    db: WorkloadsDatabase,
): pulumi.Output<{ host: string; port: number; ca: string }> {
    if (readHosts.length === 0) {
        return pulumi.output({ host: client.host, port: client.port, ca: client.tlsCaBundleUrl });
    }
    const host = readHosts[replicaIndex(serviceName, readHosts.length)];
    return pulumi.all([db.port, db.tlsCaBundleUrl]).apply(([port, ca]) => ({ host, port, ca }));
}

/**
 * With RDS IAM authentication, the database users the service's IAM role may connect as: its own login on the
 * client endpoint (the proxy or the instance) and on the one replica it reads from, nothing else
 * (components/database/aws-iam.ts). Undefined when it does not bind the database or logs in otherwise.
 */
export function databaseConnectArns(
    service: ResolvedService,
    db: WorkloadsDatabase,
): pulumi.Output<string[]> | undefined {
    if (!service.bind.includes("database") || db.clientAuthentication !== "aws-iam") return undefined;
    const { login } = serviceRoles(service.name);
    return db.iamConnectPrefixes.apply((prefixes) => {
        if (prefixes.client === "") return [];
        const { client, replicas } = prefixes;
        const replica = replicas.length > 0 ? [replicas[replicaIndex(service.name, replicas.length)]] : [];
        return [client, ...replica].map((prefix) => `${prefix}/${login}`);
    });
}

/** The replica a service reads from: a stable hash of its name over the replica count. */
export function replicaIndex(serviceName: string, count: number): number {
    return crypto.createHash("sha256").update(serviceName).digest().readUInt32BE(0) % count;
}

/**
 * `bind: ["cache"]`: how to authenticate (`REDIS_AUTH`), the endpoint, TLS and whether it is a cluster. With a
 * password: the URL with it and `REDIS_PASSWORD`. Passwordless: the service's own user and no password or key
 * at all; the client signs a token as the pod's identity (cache-tokens.ts has what it signs).
 */
function cacheDetails(cache: WorkloadsCache, user: CacheClientUser | undefined): pulumi.Output<Record<string, string>> {
    const auth = cache.mode?.auth ?? "password";
    const common = pulumi.all([cache.host, cache.port, cache.tls]).apply(([host, port, tls]) => ({
        REDIS_AUTH: auth,
        REDIS_HOST: host,
        REDIS_PORT: String(port),
        REDIS_TLS: String(tls),
        REDIS_CLUSTER: String(cache.mode?.cluster ?? false),
    }));
    if (auth === "password") {
        return pulumi
            .all([common, cache.connectionString, cache.authToken])
            .apply(([c, url, token]): Record<string, string> => ({ ...c, REDIS_URL: url, REDIS_PASSWORD: token }));
    }
    // Never fall back to the key: on Azure it may stay on for KEDA alone (keyClients).
    if (!user) throw new Error(`A service binds the passwordless cache (${auth}) without a cache user of its own.`);
    return pulumi.all([common, user.userName, cache.clientAccess ?? pulumi.output(undefined)]).apply(
        ([c, userName, access]): Record<string, string> => ({
            ...c,
            REDIS_URL: `${c.REDIS_TLS === "true" ? "rediss" : "redis"}://${encodeURIComponent(userName)}@${c.REDIS_HOST}:${c.REDIS_PORT}`,
            REDIS_USER: userName,
            ...cacheTokenDetails(access),
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
    args: Pick<ServiceWorkloadArgs, "service" | "namespace" | "database" | "cache" | "storage"> & {
        readonly cacheUser?: CacheClientUser;
    },
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
