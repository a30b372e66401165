import { ROLE_PREFIX, ServiceRoles } from "../../database/roles";

/** One service's roles with the password of its login role. */
export interface ServiceLogin extends ServiceRoles {
    readonly password: string;
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
    const attributes = "NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";
    return [
        `DO $$ BEGIN`,
        `  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal(s.group)}) THEN CREATE ROLE ${group} NOLOGIN; END IF;`,
        `  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal(s.login)}) THEN CREATE ROLE ${login} LOGIN; END IF;`,
        `END $$;`,
        `ALTER ROLE ${group} NOLOGIN ${attributes};`,
        `ALTER ROLE ${login} LOGIN ${attributes} PASSWORD ${literal(s.password)};`,
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
