/**
 * Least-privilege data access (issue 14 item 4): no service gets the administrator login; each service that
 * binds the database gets its own login role, a member of a NOLOGIN owner role that owns the service's schema,
 * created by an in-cluster bootstrap Job that runs as the administrator before the service's Deployment.
 * pulumi-kubernetes reports a Job created only once it completes (provider/pkg/await/job.go), so a Deployment
 * that depends on the Job starts after the roles exist.
 */
import * as assert from "assert";
import { serviceRoles } from "../../components/database/roles";
import { bootstrapSql } from "../../components/workloads/database/sql";
import { ProgramRun, ResourceRecord } from "../../check/runtime";
import { MATRIX, inputs, ofType, runStack } from "../harness";

const SECRET = "kubernetes:core/v1:Secret";
const JOB = "kubernetes:batch/v1:Job";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

function named(run: ProgramRun, type: string, name: string): ResourceRecord[] {
    return ofType(run, type).filter((r) => inputs(r).metadata?.name === name);
}

/** The administrator's user name and password as the database resource was given them. */
function adminLogin(run: ProgramRun, cloud: string): { user: string; password: string } {
    if (cloud === "aws") {
        const db = ofType(run, "aws:rds/instance:Instance").find((r) => !/-replica-/.test(r.name))!;
        return { user: inputs(db).username, password: inputs(db).password };
    }
    const server = ofType(run, "azure-native:dbforpostgresql:Server").find((r) => !/-replica-/.test(r.name))!;
    return { user: inputs(server).administratorLogin, password: inputs(server).administratorLoginPassword };
}

for (const { stack, cloud } of MATRIX) {
    describe(`database roles on ${stack}/${cloud}`, () => {
        it("puts no administrator credentials in any service's Secret, only the service's own login", async () => {
            const run = await runStack(stack, cloud);
            const admin = adminLogin(run, cloud);
            assert.ok(admin.password && admin.password.length >= 16);
            const serviceSecrets = ofType(run, SECRET).filter((s) =>
                /-connections$/.test(inputs(s).metadata?.name ?? ""),
            );
            assert.ok(serviceSecrets.length > 0);
            for (const secret of serviceSecrets) {
                const data: Record<string, string> = inputs(secret).stringData;
                const service = inputs(secret).metadata.name.replace(/-connections$/, "");
                for (const [key, value] of Object.entries(data)) {
                    assert.ok(!value.includes(admin.password), `${service} ${key} holds the admin password`);
                }
                if ("DATABASE_USER" in data) {
                    assert.strictEqual(data.DATABASE_USER, serviceRoles(service).login);
                    assert.notStrictEqual(data.DATABASE_USER, admin.user);
                    assert.ok(!data.DATABASE_URL.startsWith(`postgresql://${admin.user}:`));
                    assert.strictEqual(data.DATABASE_SCHEMA, serviceRoles(service).schema);
                }
            }
        });

        // On Azure the bootstrap logs in as its own Microsoft Entra administrator identity (passwordless, the
        // default; workloads/database/entra.ts), so the administrator password reaches no Secret at all.
        it("keeps the administrator login in the bootstrap namespace's Secret only (on Azure in none)", async () => {
            const run = await runStack(stack, cloud);
            const admin = adminLogin(run, cloud);
            const holders = ofType(run, SECRET).filter((s) =>
                Object.values(inputs(s).stringData ?? {}).some((v) => String(v).includes(admin.password)),
            );
            assert.deepStrictEqual(
                holders.map((s) => [inputs(s).metadata.name, inputs(s).metadata.namespace]),
                cloud === "aws" ? [["database-admin", `platform-${stack}-db-bootstrap`]] : [],
            );
        });

        it("starts every Deployment that binds the database after the role bootstrap Job, and no other", async () => {
            const run = await runStack(stack, cloud);
            const [job] = ofType(run, JOB).filter((j) => /db-bootstrap-job$/.test(j.name));
            assert.ok(job, "the bootstrap Job");
            assert.strictEqual(inputs(job).metadata.namespace, `platform-${stack}-db-bootstrap`);
            for (const deployment of ofType(run, DEPLOYMENT).filter((d) => /-(api|worker|frontend)/.test(d.name))) {
                const bindsDatabase = !/frontend/.test(deployment.name);
                assert.strictEqual(deployment.dependencies.includes(job.urn), bindsDatabase, deployment.name);
            }
        });

        it("creates a login and an owner role per bound service and disables removed logins, in the Job's script", async () => {
            const run = await runStack(stack, cloud);
            const [script] = named(run, SECRET, "database-bootstrap-sql");
            const sql: string = inputs(script).stringData["bootstrap.sql"];
            for (const service of ["api", "worker"]) {
                const { group, login, schema } = serviceRoles(service);
                // On Azure the login is a Microsoft Entra principal (passwordless by default, sql.ts createLogin).
                const creates =
                    cloud === "azure"
                        ? `pgaadauth_create_principal_with_oid('${login}', `
                        : `CREATE ROLE "${login}" LOGIN`;
                assert.ok(sql.includes(creates), login);
                assert.ok(sql.includes(`CREATE ROLE "${group}" NOLOGIN`), group);
                assert.ok(sql.includes(`CREATE SCHEMA IF NOT EXISTS "${schema}" AUTHORIZATION "${group}"`), schema);
            }
            assert.ok(!sql.includes("svc_frontend"), "frontend does not bind the database");
            assert.match(sql, /rolname::text <> ALL \(ARRAY\['svc_api_login', 'svc_worker_login'\]::text\[\]\)/);
        });
    });
}

describe("database bootstrap script", () => {
    const plan = {
        database: "app",
        extensions: ["vector"],
        services: [{ ...serviceRoles("api"), method: { kind: "password" as const, password: "p4ssw0rd" } }],
    };

    it("creates roles only when missing (DO blocks), so the Job can run again without failing", () => {
        const sql = bootstrapSql(plan);
        assert.match(
            sql,
            /IF NOT EXISTS \(SELECT FROM pg_roles WHERE rolname = 'svc_api_login'\) THEN CREATE ROLE "svc_api_login" LOGIN;/,
        );
        assert.doesNotMatch(sql, /^CREATE ROLE/m, "no bare CREATE ROLE, which fails on the second run");
        assert.doesNotMatch(sql, /DROP /, "nothing is dropped: data stays with its owner role");
    });

    it("grants the service rights on its own schema only, and makes the login act as the owner role", () => {
        const sql = bootstrapSql(plan);
        assert.match(sql, /REVOKE ALL ON DATABASE "app" FROM PUBLIC;/);
        assert.match(sql, /REVOKE ALL ON SCHEMA "api" FROM PUBLIC;/);
        assert.match(sql, /GRANT "svc_api" TO "svc_api_login";/);
        assert.match(sql, /ALTER ROLE "svc_api_login" IN DATABASE "app" SET role = 'svc_api';/);
        assert.match(
            sql,
            /ALTER DEFAULT PRIVILEGES FOR ROLE "svc_api_login" IN SCHEMA "api" GRANT ALL ON TABLES TO "svc_api";/,
        );
        assert.match(sql, /NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD 'p4ssw0rd'/);
    });

    it("disables every platform login when no service binds the database any more", () => {
        const sql = bootstrapSql({ ...plan, services: [] });
        assert.match(sql, /rolname LIKE 'svc\\_%' AND rolname::text <> ALL \(ARRAY\[\]::text\[\]\)/);
        assert.match(sql, /ALTER ROLE %I NOLOGIN/);
    });

    it("keeps role names within PostgreSQL's 63-byte identifiers", () => {
        const roles = serviceRoles("a".repeat(63));
        for (const name of [roles.group, roles.login, roles.schema]) assert.ok(name.length <= 63, name);
        assert.notStrictEqual(roles.group, roles.login);
    });
});
