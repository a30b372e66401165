import { ROLE_PREFIX, ServiceRoles } from "../../database/roles";

/**
 * How a login role authenticates: its password; RDS IAM (`rds_iam` membership, no password); or Microsoft Entra
 * (the role mapped to the service's managed identity by object id, no password).
 */
export type LoginMethod =
    | { readonly kind: "password"; readonly password: string }
    | { readonly kind: "aws-iam" }
    | { readonly kind: "entra"; readonly objectId: string };

/** One service's roles with how its login role authenticates. */
export interface ServiceLogin extends ServiceRoles {
    readonly method: LoginMethod;
}

/** What the bootstrap script sets up. */
export interface BootstrapPlan {
    /** The application database. */
    readonly database: string;
    /** Every service that binds the database today; login roles of the prefix not listed are disabled. */
    readonly services: readonly ServiceLogin[];
    /** Extensions to create (already allowed on the server). */
    readonly extensions: readonly string[];
}

/** A double-quoted SQL identifier. */
export function ident(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
}

/** A single-quoted SQL literal. */
export function literal(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The idempotent bootstrap script, run by psql as the administrator in one transaction (`-1`, ON_ERROR_STOP):
 * 1. nobody but the granted roles connects to the database, nobody creates in `public`;
 * 2. the allowed extensions exist (in `public`, whose objects every role may use);
 * 3. per service: the NOLOGIN owner role and the login role (created only if missing: DO blocks, since
 *    PostgreSQL has no CREATE ROLE IF NOT EXISTS), the login's password (re)set, the service's schema owned by
 *    the owner role, CONNECT/TEMPORARY on the database, the login's search_path and `SET role` to the owner
 *    (objects it creates belong to the owner), default privileges for anything the login creates as itself;
 * 4. login roles with the platform's prefix that are not in today's list are disabled (NOLOGIN), not dropped:
 *    their owner role still owns the schema and its data, and DROP ROLE on an owner fails ("cannot be dropped
 *    because some objects depend on it") or, with DROP OWNED, deletes the data. Re-adding the service
 *    re-enables the login and finds its data.
 * Every statement is safe to repeat: the Job re-runs it whenever the plan changes.
 */
export function bootstrapSql(plan: BootstrapPlan): string {
    const db = ident(plan.database);
    const lines = [
        `REVOKE ALL ON DATABASE ${db} FROM PUBLIC;`,
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
        ...plan.extensions.map((e) => `CREATE EXTENSION IF NOT EXISTS ${ident(e)} SCHEMA public;`),
        ...plan.services.flatMap((s) => serviceSql(s, db)),
        disableRemovedLogins(plan.services.map((s) => s.login)),
    ];
    return `${lines.join("\n")}\n`;
}

/** One service's roles, schema and rights. */
function serviceSql(s: ServiceLogin, db: string): string[] {
    const [group, login, schema] = [ident(s.group), ident(s.login), ident(s.schema)];
    return [
        `DO $$ BEGIN`,
        `  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal(s.group)}) THEN CREATE ROLE ${group} NOLOGIN; END IF;`,
        `  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal(s.login)}) THEN ${createLogin(s)}; END IF;`,
        `END $$;`,
        `ALTER ROLE ${group} NOLOGIN ${ATTRIBUTES};`,
        ...loginSql(s),
        `GRANT ${group} TO ${login};`,
        // PostgreSQL 16+: creating a schema for another owner and setting its default privileges need membership.
        `GRANT ${group}, ${login} TO CURRENT_USER;`,
        `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${group};`,
        `ALTER SCHEMA ${schema} OWNER TO ${group};`,
        `REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC;`,
        `GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${group};`,
        `ALTER ROLE ${login} IN DATABASE ${db} SET search_path = ${schema}, public;`,
        `ALTER ROLE ${login} IN DATABASE ${db} SET role = ${literal(s.group)};`,
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${login} IN SCHEMA ${schema} GRANT ALL ON TABLES TO ${group};`,
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${login} IN SCHEMA ${schema} GRANT ALL ON SEQUENCES TO ${group};`,
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${login} IN SCHEMA ${schema} GRANT ALL ON FUNCTIONS TO ${group};`,
    ];
}

const ATTRIBUTES = "NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";

/**
 * Creating a missing login role. An Entra login is created mapped to the managed identity's object id
 * (`pgaadauth_create_principal_with_oid(roleName, objectId, objectType, isAdmin, isMfa)`, type `service` for
 * managed identities; it must run in a session of a Microsoft Entra administrator:
 * MicrosoftDocs/azure-databases-docs@112cdf3 articles/postgresql/security/security-manage-entra-users.md,
 * "Create a role using the Microsoft Entra ID object identifier").
 */
function createLogin(s: ServiceLogin): string {
    if (s.method.kind !== "entra") return `CREATE ROLE ${ident(s.login)} LOGIN`;
    return `PERFORM pg_catalog.pgaadauth_create_principal_with_oid(${literal(s.login)}, ${literal(s.method.objectId)}, 'service', false, false)`;
}

/**
 * The login's attributes and how it authenticates, also when the method changed since the role was created:
 * - password: the password (re)set, and no `rds_iam` (with it RDS accepts only IAM tokens), where that role exists;
 * - aws-iam: no password, a member of `rds_iam`
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.DBAccounts.html#UsingWithRDS.IAMDBAuth.DBAccounts.PostgreSQL);
 * - entra: no password, and the Entra mapping (re)written on the existing role with the `pgaadauth` security
 *   label ("Enable Microsoft Entra authentication for an existing PostgreSQL role using SQL", same page as
 *   createLogin), so a role created with a password, or for another identity, is rebound too.
 */
function loginSql(s: ServiceLogin): string[] {
    const login = ident(s.login);
    switch (s.method.kind) {
        case "password":
            return [
                `ALTER ROLE ${login} LOGIN ${ATTRIBUTES} PASSWORD ${literal(s.method.password)};`,
                `DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'rds_iam') THEN REVOKE rds_iam FROM ${login}; END IF; END $$;`,
            ];
        case "aws-iam":
            return [`ALTER ROLE ${login} LOGIN ${ATTRIBUTES} PASSWORD NULL;`, `GRANT rds_iam TO ${login};`];
        case "entra":
            return [
                `ALTER ROLE ${login} LOGIN ${ATTRIBUTES} PASSWORD NULL;`,
                `SECURITY LABEL FOR "pgaadauth" ON ROLE ${login} IS ${literal(`aadauth,oid=${s.method.objectId},type=service`)};`,
            ];
    }
}

/** NOLOGIN for every login role of the platform's prefix that is not in `current`. */
function disableRemovedLogins(current: readonly string[]): string {
    const keep = `ARRAY[${current.map(literal).join(", ")}]::text[]`;
    const prefix = literal(`${ROLE_PREFIX.replace(/_/g, "\\_")}%`);
    return [
        "DO $$ DECLARE r record; BEGIN",
        `  FOR r IN SELECT rolname FROM pg_roles WHERE rolcanlogin AND rolname LIKE ${prefix} AND rolname::text <> ALL (${keep}) LOOP`,
        "    EXECUTE format('ALTER ROLE %I NOLOGIN', r.rolname);",
        "  END LOOP;",
        "END $$;",
    ].join("\n");
}
