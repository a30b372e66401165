import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { Job } from "@pulumi/kubernetes/batch/v1";
import { Namespace, Secret } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { serviceRoles } from "../../database/roles";
import type { PlatformContext } from "../../shared/context";
import type { ResolvedService, WorkloadsDatabase } from "..";
import { DNS_SELECTOR } from "../services/namespace";
import { containerSecurityContext } from "../services/pod";
import { bootstrapSql } from "./sql";

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
    "host" | "port" | "databaseName" | "username" | "password" | "extensions" | "clientLogins"
>;

export interface DatabaseBootstrapArgs {
    readonly context: PlatformContext;
    readonly database: BootstrapDatabase;
    /** The network's address range, which holds the database. */
    readonly networkCidr: pulumi.Input<string>;
    /** Every service; those that bind the database get roles. */
    readonly services: readonly ResolvedService[];
}

/** The bootstrap's Job, which every service that binds the database waits for. */
export interface DatabaseBootstrap {
    readonly namespace: pulumi.Output<string>;
    readonly ready: pulumi.Resource[];
}

/** The plan (roles with their passwords, extensions) as the secret SQL script. */
function bootstrapScript(args: DatabaseBootstrapArgs): pulumi.Output<string> {
    const bound = args.services.filter((s) => s.bind.includes("database"));
    const { database } = args;
    return pulumi.secret(
        pulumi
            .all([database.databaseName, database.extensions, database.clientLogins])
            .apply(([db, extensions, logins]) =>
                bootstrapSql({
                    database: db,
                    extensions,
                    services: bound.map((s) => {
                        const roles = serviceRoles(s.name);
                        const password = logins[roles.login];
                        if (password === undefined) {
                            throw new Error(
                                `Database bootstrap: service "${s.name}" binds the database, but the Database has no login role "${roles.login}" (pass it in clientRoles).`,
                            );
                        }
                        return { ...roles, password };
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
    const { database } = args;
    const networkPolicy = bootstrapNetworkPolicy(name, namespace, args, opts);
    const admin = new Secret(
        `${name}-admin`,
        {
            metadata: { name: "database-admin", namespace },
            type: "Opaque",
            stringData: pulumi.secret(
                pulumi
                    .all([database.host, database.port, database.databaseName, database.username, database.password])
                    .apply(([host, port, db, user, password]) => ({
                        PGHOST: host,
                        PGPORT: String(port),
                        PGDATABASE: db,
                        PGUSER: user,
                        PGPASSWORD: password,
                        // The server forces TLS (rds.force_ssl / require_secure_transport).
                        PGSSLMODE: "require",
                    })),
            ),
        },
        opts,
    );
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
    const job = bootstrapJob(name, namespace, script, { admin, scriptSecret, networkPolicy }, opts);
    return { namespace, ready: [job] };
}

/** The Job: psql as the administrator, the script in one transaction, stop on the first error. */
function bootstrapJob(
    name: string,
    namespace: pulumi.Output<string>,
    script: pulumi.Output<string>,
    secrets: { admin: Secret; scriptSecret: Secret; networkPolicy: pulumi.Resource },
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
                    metadata: { annotations: { "platform/bootstrap-sql-sha256": digest } },
                    spec: {
                        restartPolicy: "Never",
                        automountServiceAccountToken: false,
                        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                        containers: [
                            {
                                name: "psql",
                                image: BOOTSTRAP_IMAGE.image,
                                command: ["psql", "-X", "-v", "ON_ERROR_STOP=1", "-1", "-f", "/sql/bootstrap.sql"],
                                envFrom: [{ secretRef: { name: secrets.admin.metadata.name } }],
                                env: [{ name: "HOME", value: "/tmp" }],
                                securityContext: containerSecurityContext,
                                resources: {
                                    requests: { cpu: "50m", memory: "64Mi" },
                                    limits: { cpu: "500m", memory: "128Mi" },
                                },
                                volumeMounts: [
                                    { name: "sql", mountPath: "/sql", readOnly: true },
                                    { name: "tmp", mountPath: "/tmp" },
                                ],
                            },
                        ],
                        volumes: [
                            { name: "sql", secret: { secretName: secrets.scriptSecret.metadata.name } },
                            { name: "tmp", emptyDir: {} },
                        ],
                    },
                },
            },
        },
        { ...opts, dependsOn: [secrets.admin, secrets.scriptSecret, secrets.networkPolicy] },
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
                ],
            },
        },
        opts,
    );
}
