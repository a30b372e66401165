/**
 * Passwordless database logins (issue 16 item 4, database half), on by default: each service logs in as its own
 * login role with a token of its own cloud identity, and no password exists for it anywhere.
 * - AWS: RDS IAM database authentication. The login is a member of `rds_iam` with no password
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.DBAccounts.html), the service's
 *   Pod Identity role may `rds-db:connect` as that user only, on the endpoints it uses
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html), and RDS Proxy
 *   authenticates with IAM end to end (`defaultAuthScheme: "IAM_AUTH"`, no Secrets Manager secret:
 *   https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-iam-setup.html).
 * - Azure: Microsoft Entra. The login role is mapped to the service's managed identity by object id, in a session
 *   of the bootstrap Job's own Entra administrator identity (MicrosoftDocs/azure-databases-docs@112cdf3
 *   articles/postgresql/security/security-manage-entra-users.md).
 * Off (`platform:database.passwordless: false`): passwords as before.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { serviceRoles } from "../../components/database/roles";
import { ENTRA_BOOTSTRAP_SCRIPT } from "../../components/workloads/database/entra";
import { bootstrapSql } from "../../components/workloads/database/sql";
import { replicaIndex } from "../../components/workloads/services/secret";
import { ProgramRun, ResourceRecord } from "../../check/runtime";
import { CLOUDS, inputs, ofType, runStack } from "../harness";

const SECRET = "kubernetes:core/v1:Secret";
const RDS = "aws:rds/instance:Instance";
const PASSWORD = "random:index/randomPassword:RandomPassword";
const OFF = `platform:database=${JSON.stringify({ passwordless: false })}`;

function serviceSecrets(run: ProgramRun): [string, Record<string, string>][] {
    return ofType(run, SECRET)
        .filter((s) => /-connections$/.test(inputs(s).metadata?.name ?? ""))
        .map((s) => [inputs(s).metadata.name.replace(/-connections$/, ""), inputs(s).stringData]);
}

function bootstrap(run: ProgramRun): { sql: string; admin: Record<string, string> } {
    const inNamespace = (name: string) =>
        ofType(run, SECRET).find(
            (s) => inputs(s).metadata.name === name && /-db-bootstrap$/.test(String(inputs(s).metadata.namespace)),
        )!;
    return {
        sql: inputs(inNamespace("database-bootstrap-sql")).stringData["bootstrap.sql"],
        admin: inputs(inNamespace("database-admin")).stringData,
    };
}

/** What the provider reports for a resource (inputs plus computed outputs such as ARNs and ids). */
const state = (r: ResourceRecord) => inputs({ ...r, inputs: r.state ?? r.inputs });

/** The login passwords the Database generates: `<db>-login-<role>`. */
const loginPasswords = (run: ProgramRun) => ofType(run, PASSWORD).filter((p) => /-login-/.test(p.name));

describe("passwordless database logins", () => {
    for (const cloud of CLOUDS) {
        it(`hands out no password in any service's Secret and says which method to use, on ${cloud}`, async () => {
            const run = await runStack("prod", cloud);
            const secrets = serviceSecrets(run).filter(([, env]) => "DATABASE_URL" in env);
            assert.ok(secrets.length > 0);
            for (const [service, env] of secrets) {
                assert.strictEqual(env.DATABASE_AUTH, cloud === "aws" ? "aws-iam" : "entra");
                assert.ok(!("DATABASE_PASSWORD" in env), `${service} has a password`);
                for (const url of [env.DATABASE_URL, env.DATABASE_READ_URL]) {
                    const parsed = new URL(url);
                    assert.strictEqual(parsed.password, "", `${service}'s URL carries a password`);
                    assert.strictEqual(parsed.username, serviceRoles(service).login);
                }
            }
            assert.deepStrictEqual(loginPasswords(run), [], "no login password is even generated");
        });

        it(`keeps passwords as before when passwordless is off, on ${cloud}`, async () => {
            const run = await runStack("dev", cloud, [OFF]);
            const [, env] = serviceSecrets(run).find(([, e]) => "DATABASE_URL" in e)!;
            assert.strictEqual(env.DATABASE_AUTH, "password");
            assert.ok(env.DATABASE_PASSWORD.length >= 40);
            assert.strictEqual(new URL(env.DATABASE_URL).password, env.DATABASE_PASSWORD);
            assert.ok(loginPasswords(run).length > 0);
            assert.match(bootstrap(run).sql, /PASSWORD '[^']{40}'/);
        });
    }

    it("lets each service's Pod Identity role connect as its own login only, on the instance in dev, on AWS", async () => {
        const run = await runStack("dev", "aws");
        const instance = ofType(run, RDS).find((r) => !/-replica-/.test(r.name))!;
        const policies = ofType(run, "aws:iam/rolePolicy:RolePolicy").filter((p) =>
            inputs(p).policy.includes("rds-db:connect"),
        );
        const api = policies.find((p) => p.name.includes("-api-"))!;
        const statement = JSON.parse(inputs(api).policy).Statement.find(
            (s: { Action: string[] }) => s.Action[0] === "rds-db:connect",
        );
        const [, partition, , region, account] = state(instance).arn.split(":");
        const resourceId = state(instance).resourceId;
        assert.match(resourceId, /^db-[A-Z0-9]{26}$/);
        assert.deepStrictEqual(statement.Resource, [
            `arn:${partition}:rds-db:${region}:${account}:dbuser:${resourceId}/svc_api_login`,
        ]);
        assert.match(bootstrap(run).sql, /GRANT rds_iam TO "svc_api_login";/);
        assert.match(bootstrap(run).sql, /ALTER ROLE "svc_api_login" LOGIN [A-Z ]+ PASSWORD NULL;/);
    });

    it("names the proxy's user and the service's replica in prod, and the proxy connects with IAM end to end, on AWS", async () => {
        const run = await runStack("prod", "aws");
        const proxy = ofType(run, "aws:rds/proxy:Proxy")[0];
        assert.strictEqual(inputs(proxy).defaultAuthScheme, "IAM_AUTH");
        assert.strictEqual(inputs(proxy).auths, undefined, "no Secrets Manager secret per login");
        assert.strictEqual(
            ofType(run, "aws:secretsmanager/secret:Secret").filter((s) => /-proxy-/.test(s.name)).length,
            0,
        );
        const proxyId = state(proxy).arn.split(":").pop();
        assert.match(proxyId, /^prx-/);
        const replicas = ofType(run, RDS).filter((r) => /-replica-/.test(r.name));
        assert.ok(replicas.length > 0);
        const replica = replicas[replicaIndex("api", replicas.length)];
        const prefix = (arn: string) => arn.split(":").slice(0, 5).join(":").replace(":rds:", ":rds-db:");
        const api = ofType(run, "aws:iam/rolePolicy:RolePolicy").find(
            (p) => p.name.includes("-api-") && inputs(p).policy.includes("rds-db:connect"),
        )!;
        const statement = JSON.parse(inputs(api).policy).Statement.find(
            (s: { Sid: string }) => s.Sid === "ConnectAsOwnLogin",
        );
        assert.deepStrictEqual(statement.Resource, [
            `${prefix(state(proxy).arn)}:dbuser:${proxyId}/svc_api_login`,
            `${prefix(state(replica).arn)}:dbuser:${state(replica).resourceId}/svc_api_login`,
        ]);
        const proxyPolicy = ofType(run, "aws:iam/rolePolicy:RolePolicy").find((p) =>
            p.name.endsWith("-proxy-connect"),
        )!;
        const instance = ofType(run, RDS).find((r) => !/-replica-/.test(r.name))!;
        const proxyStatement = JSON.parse(inputs(proxyPolicy).policy).Statement[0];
        assert.deepStrictEqual(proxyStatement.Action, ["rds-db:connect"]);
        assert.ok(
            proxyStatement.Resource.every((r: string) =>
                r.startsWith(`${prefix(state(instance).arn)}:dbuser:${state(instance).resourceId}/svc_`),
            ),
        );
    });

    it("makes the bootstrap's own identity the server's Entra administrator and maps each login to its service's identity, on Azure", async () => {
        const run = await runStack("prod", "azure");
        const admins = ofType(run, "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra");
        assert.strictEqual(admins.length, 1);
        const admin = inputs(admins[0]);
        assert.strictEqual(admin.principalType, "servicePrincipal");
        const identities = ofType(run, "azure-native:managedidentity:UserAssignedIdentity");
        const bootstrapIdentity = identities.find((i) => i.name.endsWith("-db-bootstrap-entra-identity"))!;
        assert.strictEqual(admin.objectId, state(bootstrapIdentity).principalId);
        assert.strictEqual(admin.principalName, state(bootstrapIdentity).name);
        const { sql, admin: env } = bootstrap(run);
        assert.strictEqual(env.PGUSER, admin.principalName, "the Job logs in as its Entra administrator");
        assert.ok(!("PGPASSWORD" in env), "no administrator password in the cluster");
        const api = identities.find((i) => /-api-identity-identity$/.test(i.name))!;
        assert.match(
            sql,
            new RegExp(
                `pgaadauth_create_principal_with_oid\\('svc_api_login', '${state(api).principalId}', 'service', false, false\\)`,
            ),
        );
        assert.match(
            sql,
            new RegExp(
                `SECURITY LABEL FOR "pgaadauth" ON ROLE "svc_api_login" IS 'aadauth,oid=${state(api).principalId},type=service';`,
            ),
        );
        const job = ofType(run, "kubernetes:batch/v1:Job").find((j) =>
            /-db-bootstrap$/.test(String(inputs(j).metadata.namespace)),
        )!;
        const pod = inputs(job).spec.template;
        assert.strictEqual(pod.metadata.labels["azure.workload.identity/use"], "true");
        assert.strictEqual(pod.spec.serviceAccountName, "database-bootstrap");
        assert.deepStrictEqual(pod.spec.containers[0].command, ["sh", "-c", ENTRA_BOOTSTRAP_SCRIPT]);
    });
});

describe("database bootstrap script per login method", () => {
    const roles = serviceRoles("api");
    const sql = (method: Parameters<typeof bootstrapSql>[0]["services"][number]["method"]) =>
        bootstrapSql({ database: "app", extensions: [], services: [{ ...roles, method }] });

    it("makes an RDS IAM login a member of rds_iam with no password", () => {
        const out = sql({ kind: "aws-iam" });
        assert.match(out, /GRANT rds_iam TO "svc_api_login";/);
        assert.match(out, /PASSWORD NULL;/);
        assert.doesNotMatch(out, /PASSWORD '/);
    });

    it("takes rds_iam away from a login that goes back to a password, so RDS accepts the password again", () => {
        const out = sql({ kind: "password", password: "p4ss" });
        assert.match(out, /REVOKE rds_iam FROM "svc_api_login"/);
        assert.match(out, /IF EXISTS \(SELECT FROM pg_roles WHERE rolname = 'rds_iam'\)/, "only where the role exists");
    });

    it("creates a missing Entra login mapped to the object id and rebinds an existing one with the security label", () => {
        const out = sql({ kind: "entra", objectId: "11111111-2222-3333-4444-555555555555" });
        assert.match(
            out,
            /IF NOT EXISTS \(SELECT FROM pg_roles WHERE rolname = 'svc_api_login'\) THEN PERFORM pg_catalog\.pgaadauth_create_principal_with_oid\('svc_api_login', '11111111-2222-3333-4444-555555555555', 'service', false, false\); END IF;/,
        );
        assert.match(
            out,
            /SECURITY LABEL FOR "pgaadauth" ON ROLE "svc_api_login" IS 'aadauth,oid=11111111-2222-3333-4444-555555555555,type=service';/,
        );
        assert.doesNotMatch(out, /CREATE ROLE "svc_api_login"/);
        // The role design of issue 14 is unchanged: the login still acts as the owner role.
        assert.match(out, /GRANT "svc_api" TO "svc_api_login";/);
    });
});

// The Job's token script, run by a real shell with stand-ins for wget and psql on PATH: it must post the
// federated token as client assertion for the PostgreSQL scope, and give psql the token as PGPASSWORD.
describe("the Entra bootstrap token script", () => {
    it("exchanges the projected token for a PostgreSQL token and runs psql with it", function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "entra-"));
        fs.writeFileSync(path.join(dir, "federated"), "eyJfederated");
        fs.writeFileSync(
            path.join(dir, "wget"),
            `#!/bin/sh\necho "$@" > "${dir}/wget.args"\necho '{"token_type":"Bearer","expires_in":3599,"access_token":"eyJpostgres"}'\n`,
            { mode: 0o755 },
        );
        fs.writeFileSync(path.join(dir, "psql"), `#!/bin/sh\necho "$PGPASSWORD $*" > "${dir}/psql.args"\n`, {
            mode: 0o755,
        });
        execFileSync("sh", ["-c", ENTRA_BOOTSTRAP_SCRIPT], {
            env: {
                PATH: `${dir}:${process.env.PATH}`,
                AZURE_CLIENT_ID: "client-1",
                AZURE_TENANT_ID: "tenant-1",
                AZURE_FEDERATED_TOKEN_FILE: path.join(dir, "federated"),
                AZURE_AUTHORITY_HOST: "https://login.microsoftonline.com/",
            },
        });
        const wget = fs.readFileSync(path.join(dir, "wget.args"), "utf8");
        assert.match(wget, /https:\/\/login\.microsoftonline\.com\/tenant-1\/oauth2\/v2\.0\/token/);
        assert.match(wget, /client_id=client-1&/);
        assert.match(wget, /scope=https%3A%2F%2Fossrdbms-aad\.database\.windows\.net%2F\.default/);
        assert.match(wget, /client_assertion=eyJfederated/);
        assert.match(wget, /grant_type=client_credentials/);
        assert.strictEqual(
            fs.readFileSync(path.join(dir, "psql.args"), "utf8").trim(),
            "eyJpostgres -X -v ON_ERROR_STOP=1 -1 -f /sql/bootstrap.sql",
        );
    });

    it("fails without a token instead of running psql with an empty password", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "entra-"));
        fs.writeFileSync(path.join(dir, "federated"), "x");
        fs.writeFileSync(path.join(dir, "wget"), `#!/bin/sh\necho '{"error":"invalid_client"}'\n`, { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "psql"), `#!/bin/sh\ntouch "${dir}/ran"\n`, { mode: 0o755 });
        assert.throws(() =>
            execFileSync("sh", ["-c", ENTRA_BOOTSTRAP_SCRIPT], {
                stdio: "pipe",
                env: {
                    PATH: `${dir}:${process.env.PATH}`,
                    AZURE_CLIENT_ID: "c",
                    AZURE_TENANT_ID: "t",
                    AZURE_FEDERATED_TOKEN_FILE: path.join(dir, "federated"),
                    AZURE_AUTHORITY_HOST: "https://login.microsoftonline.com/",
                },
            }),
        );
        assert.ok(!fs.existsSync(path.join(dir, "ran")));
    });
});
