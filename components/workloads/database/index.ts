import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { Job } from "@pulumi/kubernetes/batch/v1";
import { ConfigMap, Namespace, Secret } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { serviceRoles } from "../../database/roles";
import type { PlatformContext } from "../../shared/context";
import type { ResolvedService, WorkloadsDatabase } from "..";
import { DNS_SELECTOR } from "../services/namespace";
import { DATABASE_CA_FILE, DATABASE_CA_MOUNT, serverCaPem } from "../services/database-ca";
import { containerSecurityContext } from "../services/pod";
import {
    BOOTSTRAP_SERVICE_ACCOUNT,
    BootstrapEntraAdmin,
    ENTRA_BOOTSTRAP_SCRIPT,
    createBootstrapEntraAdmin,
} from "./entra";
import { LoginMethod, bootstrapSql } from "./sql";

/*
 * The database role bootstrap (issue 14 item 4): an in-cluster Job, in its own namespace, that connects as
 * the administrator and creates one owner role, one login role and one schema per service that binds the
 * database (sql.ts). The administrator's credentials live only in this namespace's Secret; services get their
 * own login (services/secret.ts). Every service Deployment that binds the database waits for the Job:
 * pulumi-kubernetes waits for a Job to complete before it reports it created ("Job: wait until the Job's
 * Complete condition is True; fail on Failed", pulumi/pulumi-kubernetes provider/pkg/await/job.go and
 * https://www.pulumi.com/registry/packages/kubernetes/api-docs/batch/v1/job/ "the provider waits for the Job
 * to complete"), so a dependent is created only after the roles exist.
 */

/**
 * The client image that runs psql. The 18 major line of the official image (its minor follows upstream's
 * quarterly releases: 18.1 released 2025-11-13, https://www.postgresql.org/about/news/); psql 18 speaks to
 * servers 16-18.
 */
export const BOOTSTRAP_IMAGE = {
    image: "postgres:18-alpine",
    released: "2025-09-25",
    checked: "2026-12-01",
    source: "https://hub.docker.com/_/postgres (docker-library/official-images library/postgres)",
    supportedUntil: "2030-11-14",
} as const;

/** The database a bootstrap works on: the Database's outputs a service binding needs. */
export type BootstrapDatabase = Pick<
    WorkloadsDatabase,
    "host" | "port" | "databaseName" | "username" | "password" | "extensions" | "clientLogins" | "clientAuthentication"
>;

export interface DatabaseBootstrapArgs {
    readonly context: PlatformContext;
    readonly database: BootstrapDatabase;
    /** The network's address range, which holds the database. */
    readonly networkCidr: pulumi.Input<string>;
    /** Every service; those that bind the database get roles. */
    readonly services: readonly ResolvedService[];
    /**
     * With Microsoft Entra logins: each database-bound service's managed identity object id, which its login
     * role is mapped to.
     * @default none (required when the Database's clientAuthentication is "entra")
     */
    readonly objectIds?: Record<string, pulumi.Input<string>>;
    /**
     * With Microsoft Entra logins: the server the Job becomes an Entra administrator of and the cluster's OIDC
     * issuer its identity federates with (entra.ts).
     * @default none: the Job logs in as the password administrator
     */
    readonly entra?: { readonly serverName: pulumi.Input<string>; readonly oidcIssuerUrl: pulumi.Input<string> };
}

/** The bootstrap's Job, which every service that binds the database waits for. */
export interface DatabaseBootstrap {
    readonly namespace: pulumi.Output<string>;
    readonly ready: pulumi.Resource[];
}

/** How service `name`'s login role authenticates, from the Database's method and what it handed out. */
function loginMethod(
    name: string,
    login: string,
    logins: Record<string, string>,
    args: DatabaseBootstrapArgs,
    objectIds: Record<string, string>,
): LoginMethod {
    const auth = args.database.clientAuthentication;
    if (auth === "aws-iam") return { kind: "aws-iam" };
    const value = auth === "entra" ? objectIds[name] : logins[login];
    if (value === undefined) {
        throw new Error(
            auth === "entra"
                ? `Database bootstrap: service "${name}" binds the database with Microsoft Entra logins, but no managed identity object id was given for it.`
                : `Database bootstrap: service "${name}" binds the database, but the Database has no login role "${login}" (pass it in clientRoles).`,
        );
    }
    return auth === "entra" ? { kind: "entra", objectId: value } : { kind: "password", password: value };
}

/** The plan (roles with how they log in, extensions) as the secret SQL script. */
function bootstrapScript(args: DatabaseBootstrapArgs): pulumi.Output<string> {
    const bound = args.services.filter((s) => s.bind.includes("database"));
    const { database } = args;
    return pulumi.secret(
        pulumi
            .all([
                database.databaseName,
                database.extensions,
                database.clientLogins,
                pulumi.output(args.objectIds ?? {}),
            ])
            .apply(([db, extensions, logins, objectIds]) =>
                bootstrapSql({
                    database: db,
                    extensions,
                    services: bound.map((s) => {
                        const roles = serviceRoles(s.name);
                        return { ...roles, method: loginMethod(s.name, roles.login, logins, args, objectIds) };
                    }),
                }),
            ),
    );
}

/** The namespace, the administrator's Secret, the script's Secret and the Job that runs it. */
export function createDatabaseBootstrap(
    name: string,
    args: DatabaseBootstrapArgs,
    parent: pulumi.Resource,
): DatabaseBootstrap {
    const opts = { parent };
    const namespace = new Namespace(
        `${name}-namespace`,
        {
            metadata: {
                name: `${args.context.namePrefix}-db-bootstrap`,
                labels: {
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/enforce-version": "latest",
                },
            },
        },
        opts,
    ).metadata.name;
    const entra = args.entra
        ? createBootstrapEntraAdmin(name, { context: args.context, namespace, ...args.entra }, opts)
        : undefined;
    const networkPolicy = bootstrapNetworkPolicy(name, namespace, args, opts);
    const admin = adminSecret(name, namespace, args.database, entra, opts);
    const script = bootstrapScript(args);
    const scriptSecret = new Secret(
        `${name}-script`,
        {
            metadata: { name: "database-bootstrap-sql", namespace },
            type: "Opaque",
            stringData: { "bootstrap.sql": script },
        },
        opts,
    );
    // The bootstrap connects to the server itself (not a pooler): the server's CAs only.
    const ca = new ConfigMap(
        `${name}-ca`,
        { metadata: { name: "database-ca", namespace }, data: { "ca.pem": serverCaPem(args.context) } },
        opts,
    );
    const job = bootstrapJob(name, namespace, script, { admin, scriptSecret, networkPolicy, ca, entra }, opts);
    return { namespace, ready: [job] };
}

/**
 * Where and as whom the Job connects: the server itself, TLS with the server's certificate and name verified
 * against the shipped bundle, as the administrator with its password, or, with Microsoft Entra logins, as the
 * Job's Entra administrator identity (no password: the Job gets a token, entra.ts).
 */
function adminSecret(
    name: string,
    namespace: pulumi.Output<string>,
    database: BootstrapDatabase,
    entra: BootstrapEntraAdmin | undefined,
    opts: pulumi.CustomResourceOptions,
): Secret {
    const user = entra ? entra.principalName : database.username;
    const password = entra ? pulumi.output(undefined) : database.password;
    return new Secret(
        `${name}-admin`,
        {
            metadata: { name: "database-admin", namespace },
            type: "Opaque",
            stringData: pulumi.secret(
                pulumi
                    .all([database.host, database.port, database.databaseName, user, password])
                    .apply(([host, port, db, u, p]) => ({
                        PGHOST: host,
                        PGPORT: String(port),
                        PGDATABASE: db,
                        PGUSER: u,
                        ...(p === undefined ? {} : { PGPASSWORD: p }),
                        PGSSLMODE: "verify-full",
                        PGSSLROOTCERT: DATABASE_CA_FILE,
                    })),
            ),
        },
        opts,
    );
}

/** The Job: psql as the administrator, the script in one transaction, stop on the first error. */
function bootstrapJob(
    name: string,
    namespace: pulumi.Output<string>,
    script: pulumi.Output<string>,
    secrets: {
        admin: Secret;
        scriptSecret: Secret;
        networkPolicy: pulumi.Resource;
        ca: ConfigMap;
        entra?: BootstrapEntraAdmin;
    },
    opts: pulumi.CustomResourceOptions,
): Job {
    // A changed plan changes the pod template, which a Job cannot update: the provider replaces the Job.
    const digest = script.apply((s) => crypto.createHash("sha256").update(s).digest("hex"));
    return new Job(
        `${name}-job`,
        {
            metadata: { namespace },
            spec: {
                backoffLimit: 4,
                activeDeadlineSeconds: 600,
                template: {
                    metadata: {
                        annotations: { "platform/bootstrap-sql-sha256": digest },
                        // The workload identity webhook projects the identity's token into labelled pods only.
                        labels: secrets.entra ? { "azure.workload.identity/use": "true" } : {},
                    },
                    spec: {
                        restartPolicy: "Never",
                        serviceAccountName: secrets.entra ? BOOTSTRAP_SERVICE_ACCOUNT : undefined,
                        automountServiceAccountToken: false,
                        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                        containers: [
                            {
                                name: "psql",
                                image: BOOTSTRAP_IMAGE.image,
                                command: secrets.entra
                                    ? ["sh", "-c", ENTRA_BOOTSTRAP_SCRIPT]
                                    : ["psql", "-X", "-v", "ON_ERROR_STOP=1", "-1", "-f", "/sql/bootstrap.sql"],
                                envFrom: [{ secretRef: { name: secrets.admin.metadata.name } }],
                                env: [{ name: "HOME", value: "/tmp" }],
                                securityContext: containerSecurityContext,
                                resources: {
                                    requests: { cpu: "50m", memory: "64Mi" },
                                    limits: { cpu: "500m", memory: "128Mi" },
                                },
                                volumeMounts: [
                                    { name: "sql", mountPath: "/sql", readOnly: true },
                                    { name: "ca", mountPath: DATABASE_CA_MOUNT, readOnly: true },
                                    { name: "tmp", mountPath: "/tmp" },
                                ],
                            },
                        ],
                        volumes: [
                            { name: "sql", secret: { secretName: secrets.scriptSecret.metadata.name } },
                            { name: "ca", configMap: { name: secrets.ca.metadata.name } },
                            { name: "tmp", emptyDir: {} },
                        ],
                    },
                },
            },
        },
        {
            ...opts,
            dependsOn: [
                secrets.admin,
                secrets.scriptSecret,
                secrets.networkPolicy,
                secrets.ca,
                ...(secrets.entra ? [secrets.entra.serviceAccount, ...secrets.entra.ready] : []),
            ],
        },
    );
}

/**
 * The namespace denies everything (the platform's rule for every application namespace) except what the
 * Job needs: DNS, and PostgreSQL on the server's port in the network's range. Returns the allow policy.
 */
function bootstrapNetworkPolicy(
    name: string,
    namespace: pulumi.Output<string>,
    args: DatabaseBootstrapArgs,
    opts: pulumi.CustomResourceOptions,
): NetworkPolicy {
    new NetworkPolicy(
        `${name}-default-deny`,
        {
            metadata: { name: "default-deny-all", namespace },
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        },
        opts,
    );
    return new NetworkPolicy(
        `${name}-egress`,
        {
            metadata: { name: "database-bootstrap-egress", namespace },
            spec: {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [
                    {
                        to: [DNS_SELECTOR],
                        ports: [
                            { protocol: "UDP", port: 53 },
                            { protocol: "TCP", port: 53 },
                        ],
                    },
                    {
                        to: [{ ipBlock: { cidr: args.networkCidr } }],
                        ports: [{ protocol: "TCP", port: args.database.port }],
                    },
                    // Microsoft Entra's token endpoint (no fixed range), for the Job's token (entra.ts).
                    ...(args.entra
                        ? [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] }]
                        : []),
                ],
            },
        },
        opts,
    );
}

/**
 * The role bootstrap around the services that wait for it: built first, or, with Microsoft Entra logins (which
 * map to the services' identities' object ids), built after them while their Deployments wait for a promise of
 * the Job (pulumi accepts a promise of a resource in `dependsOn`: @pulumi/pulumi runtime/dependsOn.js
 * gatherExplicitDependencies). Without a service that binds the database there is no bootstrap.
 */
export function withDatabaseBootstrap<T extends { objectIds: Record<string, pulumi.Output<string>> }>(
    name: string,
    args: Omit<DatabaseBootstrapArgs, "database"> & { readonly database: WorkloadsDatabase },
    wiring: { readonly oidcIssuerUrl: pulumi.Input<string>; readonly parent: pulumi.Resource },
    buildServices: (database: WorkloadsDatabase & { ready: pulumi.Input<pulumi.Resource>[] }) => T,
): T {
    const { database } = args;
    if (!args.services.some((s) => s.bind.includes("database"))) return buildServices({ ...database, ready: [] });
    if (args.database.clientAuthentication !== "entra") {
        const bootstrap = createDatabaseBootstrap(name, args, wiring.parent);
        return buildServices({ ...database, ready: bootstrap.ready });
    }
    let settle: (job: pulumi.Resource) => void = () => undefined;
    const job = new Promise<pulumi.Resource>((resolve) => (settle = resolve));
    const built = buildServices({ ...database, ready: [job] });
    const entra = { serverName: args.database.resourceName, oidcIssuerUrl: wiring.oidcIssuerUrl };
    createDatabaseBootstrap(name, { ...args, objectIds: built.objectIds, entra }, wiring.parent).ready.forEach(settle);
    return built;
}
