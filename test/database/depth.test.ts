/**
 * Database depth (issue 15 item 1): read replicas with a DATABASE_READ_URL, connection pooling with the
 * DATABASE_URL through the pooler, the extension allow-list, PostgreSQL 18 by default, and the checks that stop
 * what a cloud cannot run. Sources are cited next to each behaviour in components/database/*.ts:
 * - RDS CreateDBInstanceReadReplica (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html):
 *   same-region replicas name no KmsKeyId ("always encrypted with the same KMS key as the source") and inherit
 *   the source's parameter group; @pulumi/aws 7.48.0 rds/instance.d.ts `replicateSourceDb` ("use the arn of
 *   the source DB" when `dbSubnetGroupName` is given), rds/proxy.d.ts (`requireTls`, `auths`).
 * - Azure: @pulumi/azure-native 3.28.0 dbforpostgresql/server.d.ts `createMode: "Replica"` with
 *   `sourceServerResourceId`; PgBouncer on 6432 via `pgbouncer.enabled`, General Purpose / Memory Optimized only
 *   (https://learn.microsoft.com/azure/postgresql/connectivity/concepts-pgbouncer); `azure.extensions`
 *   (https://learn.microsoft.com/azure/postgresql/extensions/how-to-allow-extensions).
 */
import * as assert from "assert";
import { ProgramRun, ResourceRecord } from "../../check/runtime";
import { expectConfigError, inputs, ofType, one, runStack } from "../harness";

const RDS = "aws:rds/instance:Instance";
const FLEXIBLE = "azure-native:dbforpostgresql:Server";
const CONFIGURATION = "azure-native:dbforpostgresql:Configuration";
const SECRET = "kubernetes:core/v1:Secret";
const db = (o: unknown) => `platform:database=${JSON.stringify(o)}`;

function primaryOf(run: ProgramRun, type: string): ResourceRecord {
    return one({ ...run, resources: ofType(run, type).filter((r) => !/-replica-\d+$/.test(r.name)) }, type);
}
function replicasOf(run: ProgramRun, type: string): ResourceRecord[] {
    return ofType(run, type).filter((r) => /-replica-\d+$/.test(r.name));
}
/** The stringData of a service's connection Secret. */
function connections(run: ProgramRun, service: string): Record<string, string> {
    const found = ofType(run, SECRET).filter((r) => inputs(r).metadata?.name === `${service}-connections`);
    assert.strictEqual(found.length, 1, `one ${service}-connections Secret`);
    return inputs(found[0]).stringData;
}
function parameter(run: ProgramRun, name: string): string | undefined {
    const found = ofType(run, CONFIGURATION).filter((r) => inputs(r).configurationName === name);
    return found.length === 1 ? inputs(found[0]).value : undefined;
}

describe("database read replicas", () => {
    it("runs one same-region RDS read replica in prod, encrypted with the source's key and in the data subnets, so reads scale on AWS", async () => {
        const run = await runStack("prod", "aws");
        const primary = primaryOf(run, RDS);
        const [replica, ...more] = replicasOf(run, RDS);
        assert.ok(replica, "a replica");
        assert.strictEqual(more.length, 0);
        const r = inputs(replica);
        assert.ok(replica.propertyDependencies.replicateSourceDb.includes(primary.urn), "replicates the primary");
        assert.strictEqual(r.kmsKeyId, undefined, "same-region replicas must not name a key");
        assert.strictEqual(r.storageEncrypted, true);
        assert.strictEqual(r.dbSubnetGroupName, inputs(primary).dbSubnetGroupName);
        assert.deepStrictEqual(r.vpcSecurityGroupIds, inputs(primary).vpcSecurityGroupIds);
        assert.strictEqual(r.multiAz, false);
        assert.strictEqual(r.publiclyAccessible, false);
        assert.strictEqual(r.skipFinalSnapshot, true);
        assert.strictEqual(r.finalSnapshotIdentifier, undefined);
        for (const k of [
            "dbName",
            "username",
            "password",
            "parameterGroupName",
            "databaseInsightsMode",
            "backupRetentionPeriod",
        ]) {
            assert.strictEqual(r[k], undefined, `${k} is not set on a replica`);
        }
    });

    it("runs no replica in dev and the configured count elsewhere, on AWS", async () => {
        assert.strictEqual(replicasOf(await runStack("dev", "aws"), RDS).length, 0);
        assert.strictEqual(replicasOf(await runStack("dev", "aws", [db({ readReplicas: 2 })]), RDS).length, 2);
    });

    it("creates flexible server replicas (createMode Replica from the primary) in the same subnet and zone, on Azure", async () => {
        const run = await runStack("prod", "azure");
        const primary = primaryOf(run, FLEXIBLE);
        const [replica] = replicasOf(run, FLEXIBLE);
        const r = inputs(replica);
        assert.strictEqual(r.createMode, "Replica");
        assert.ok(replica.propertyDependencies.sourceServerResourceId.includes(primary.urn));
        assert.deepStrictEqual(r.network, inputs(primary).network);
        assert.deepStrictEqual(r.sku, inputs(primary).sku);
        assert.strictEqual(r.administratorLoginPassword, undefined);
        assert.strictEqual(r.dataEncryption.primaryKeyURI, inputs(primary).dataEncryption.primaryKeyURI);
    });

    it("points DATABASE_READ_URL at a replica, with the service's own login, on both clouds", async () => {
        for (const cloud of ["aws", "azure"] as const) {
            const run = await runStack("prod", cloud);
            const env = connections(run, "api");
            assert.match(env.DATABASE_READ_HOST, /replica-1/, cloud);
            // Passwordless by default: the service's own login, with its identity's token as the password, so none in the URL.
            assert.strictEqual(env.DATABASE_AUTH, cloud === "aws" ? "aws-iam" : "entra", cloud);
            assert.ok(env.DATABASE_READ_URL.startsWith(`postgresql://${env.DATABASE_USER}@`), cloud);
            assert.ok(env.DATABASE_READ_URL.includes(`@${env.DATABASE_READ_HOST}:5432/`), cloud);
            assert.notStrictEqual(env.DATABASE_READ_HOST, env.DATABASE_HOST, cloud);
        }
    });

    it("gives DATABASE_READ_URL the primary's client URL when there is no replica, so applications can always use it", async () => {
        const env = connections(await runStack("dev", "aws"), "api");
        assert.strictEqual(env.DATABASE_READ_URL, env.DATABASE_URL);
    });

    it("fails when a Burstable Azure server is given read replicas (Azure offers them on General Purpose and Memory Optimized)", async () => {
        await expectConfigError(
            "dev",
            "azure",
            [db({ readReplicas: 1 })],
            "platform:database.readReplicas",
            /Burstable.*readReplicas": 0/s,
        );
    });

    it("fails when RDS replicas are asked for without automated backups (RDS replicates only a source with backups)", async () => {
        await expectConfigError(
            "dev",
            "aws",
            [db({ readReplicas: 1 }), "platform:backupRetentionDays=0"],
            "platform:backupRetentionDays",
            /read replicas/,
        );
    });

    it("fails on more than five replicas", async () => {
        await expectConfigError("prod", "aws", [db({ readReplicas: 6 })], "platform:database.readReplicas", /0 to 5/);
    });
});

describe("database connection pooling", () => {
    // With passwordless logins off: the proxy's Secrets Manager path (passwordless is test/database/passwordless.test.ts).
    it("puts an RDS Proxy that requires TLS in front of the instance in prod, authenticating each service's login from Secrets Manager when logins have passwords", async () => {
        const run = await runStack("prod", "aws", [db({ passwordless: false })]);
        const proxy = inputs(one(run, "aws:rds/proxy:Proxy"));
        assert.strictEqual(proxy.requireTls, true);
        assert.strictEqual(proxy.engineFamily, "POSTGRESQL");
        assert.deepStrictEqual(proxy.auths.map((a: { description: string }) => a.description).sort(), [
            "Login role svc_api_login",
            "Login role svc_worker_login",
        ]);
        for (const auth of proxy.auths) {
            assert.strictEqual(auth.authScheme, "SECRETS");
            assert.strictEqual(auth.clientPasswordAuthType, "POSTGRES_SCRAM_SHA_256");
        }
        for (const secret of ofType(run, "aws:secretsmanager/secret:Secret").filter((s) => /-proxy-/.test(s.name))) {
            assert.ok(
                secret.propertyDependencies.kmsKeyId.length > 0,
                `${secret.name} is encrypted with the stack's key`,
            );
        }
        const target = inputs(one(run, "aws:rds/proxyTarget:ProxyTarget"));
        assert.strictEqual(target.dbInstanceIdentifier, inputs(primaryOf(run, RDS)).identifier);
    });

    it("lets the proxy's role read only its login secrets and decrypt only through Secrets Manager when logins have passwords, on AWS", async () => {
        const run = await runStack("prod", "aws", [db({ passwordless: false })]);
        const proxyPolicy = ofType(run, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name.endsWith("-proxy-secrets"));
        assert.ok(proxyPolicy);
        const doc = JSON.parse(inputs(proxyPolicy).policy);
        assert.deepStrictEqual(doc.Statement[0].Action, ["secretsmanager:GetSecretValue"]);
        assert.strictEqual(doc.Statement[0].Resource.length, 2);
        assert.match(doc.Statement[1].Condition.StringEquals["kms:ViaService"], /^secretsmanager\./);
    });

    it("sends DATABASE_URL through the proxy when pooling is on, and straight to the instance when off, on AWS", async () => {
        const prod = await runStack("prod", "aws");
        const env = connections(prod, "api");
        assert.match(env.DATABASE_HOST, /proxy/, "the proxy's endpoint");
        assert.strictEqual(env.DATABASE_CA_BUNDLE_URL, "https://www.amazontrust.com/repository/AmazonRootCA1.pem");
        const dev = await runStack("dev", "aws");
        assert.strictEqual(ofType(dev, "aws:rds/proxy:Proxy").length, 0);
        assert.match(connections(dev, "api").DATABASE_CA_BUNDLE_URL, /truststore\.pki\.rds\.amazonaws\.com/);
    });

    it("turns on the built-in PgBouncer and sends DATABASE_URL to port 6432 in prod, on Azure", async () => {
        const run = await runStack("prod", "azure");
        assert.strictEqual(parameter(run, "pgbouncer.enabled"), "true");
        const env = connections(run, "api");
        assert.strictEqual(env.DATABASE_PORT, "6432");
        assert.ok(env.DATABASE_URL.includes(":6432/"));
        const dev = await runStack("dev", "azure");
        assert.strictEqual(parameter(dev, "pgbouncer.enabled"), undefined);
        assert.strictEqual(connections(dev, "api").DATABASE_PORT, "5432");
    });

    it("lets a service's pods reach the pooler's port as well as the server's, on Azure", async () => {
        const run = await runStack("prod", "azure");
        const policy = ofType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find(
            (p) => inputs(p).metadata?.name === "api",
        );
        const ports = inputs(policy!).spec.egress.flatMap((r: { ports: { port: number }[] }) =>
            r.ports.map((p) => p.port),
        );
        assert.ok(ports.includes(6432) && ports.includes(5432), JSON.stringify(ports));
    });

    it("fails when pooling is asked for on a Burstable Azure server (PgBouncer runs on General Purpose and Memory Optimized)", async () => {
        await expectConfigError("dev", "azure", [db({ pooling: true })], "platform:database.pooling", /Burstable/);
    });
});

describe("database extensions and version", () => {
    it("allows the configured extensions in azure.extensions, sorted, on Azure, and sets nothing without them", async () => {
        const run = await runStack("dev", "azure", [db({ extensions: ["vector", "pg_stat_statements"] })]);
        assert.strictEqual(parameter(run, "azure.extensions"), "pg_stat_statements,vector");
        assert.strictEqual(parameter(await runStack("dev", "azure"), "azure.extensions"), undefined);
    });

    it("creates the configured extensions in the role bootstrap, on both clouds", async () => {
        for (const cloud of ["aws", "azure"] as const) {
            const run = await runStack("dev", cloud, [db({ extensions: ["vector"] })]);
            const script = ofType(run, SECRET).find((s) => inputs(s).metadata?.name === "database-bootstrap-sql");
            assert.match(
                inputs(script!).stringData["bootstrap.sql"],
                /CREATE EXTENSION IF NOT EXISTS "vector" SCHEMA public;/,
            );
        }
    });

    it("fails on an extension outside the allow-list", async () => {
        await expectConfigError(
            "dev",
            "aws",
            [db({ extensions: ["timescaledb"] })],
            "platform:database.extensions[0]",
            /vector/,
        );
    });

    it("runs PostgreSQL 18 by default, with its parameter group family, on both clouds", async () => {
        const aws = await runStack("dev", "aws");
        assert.strictEqual(inputs(primaryOf(aws, RDS)).engineVersion, "18");
        assert.strictEqual(inputs(one(aws, "aws:rds/parameterGroup:ParameterGroup")).family, "postgres18");
        assert.strictEqual(inputs(primaryOf(await runStack("dev", "azure"), FLEXIBLE)).version, "18");
    });
});
