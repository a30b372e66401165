/**
 * Passwordless cache access (issue 16 item 4, cache half): each service authenticates to the cache as its own
 * cloud identity and no password or access key reaches any service's Secret; KEDA, which can present a password
 * only, keeps working with a credential of its own. Sources are cited next to the code
 * (components/cache/aws-auth.ts, components/cache/clients/, components/workloads/scaling/keda.ts):
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html,
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html,
 * https://learn.microsoft.com/azure/redis/entra-for-authentication, kedacore/keda#7888.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ProgramRun, ResourceRecord } from "../../check/runtime";
import { ROOT } from "../../check/stack";
import { DISABLED_DEFAULT_ACCESS } from "../../components/cache/aws-auth";
import { SERVICE_ACCESS_STRING } from "../../components/cache/clients/aws";
import { ServiceConfig } from "../../components/workloads";
import { expectConfigError, inputs, ofType, one, runStack } from "../harness";

const RG = "aws:elasticache/replicationGroup:ReplicationGroup";
const USER = "aws:elasticache/user:User";
const GROUP = "aws:elasticache/userGroup:UserGroup";
const MEMBER = "aws:elasticache/userGroupAssociation:UserGroupAssociation";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const DB = "azure-native:redisenterprise:Database";
const ASSIGNMENT = "azure-native:redisenterprise:AccessPolicyAssignment";
const IDENTITY = "azure-native:managedidentity:UserAssignedIdentity";
const SECRET = "kubernetes:core/v1:Secret";
const TRIGGER_AUTH = "kubernetes:keda.sh/v1alpha1:TriggerAuthentication";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

/** The dev stack's services that bind the cache (Pulumi.dev.yaml). */
function devServices(): ServiceConfig[] {
    const file = parse(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as {
        config: Record<string, string>;
    };
    return JSON.parse(file.config["platform:services"]);
}
const CACHE_SERVICES = devServices()
    .filter((s) => (s.bind ?? []).includes("cache"))
    .map((s) => s.name);

/** dev with the worker scaling on a Redis list, so KEDA reads the cache. */
const withQueue = (() => {
    const services = devServices();
    services.find((s) => s.name === "worker")!.scaling = { redisList: { list: "bull:email:wait", length: 20 } };
    return [`platform:services=${JSON.stringify(services)}`];
})();

const secretData = (run: ProgramRun, name: string): Record<string, string> => {
    const found = ofType(run, SECRET).filter((r) => inputs(r).metadata?.name === name);
    assert.strictEqual(found.length, 1, `expected one Secret ${name}`);
    return inputs(found[0]).stringData;
};
const iamUsers = (run: ProgramRun) => ofType(run, USER).filter((u) => inputs(u).authenticationMode?.type === "iam");
const byName = (records: ResourceRecord[], name: string) => records.find((r) => inputs(r).metadata?.name === name);
/** The egress rules of a service's NetworkPolicy, as `cidr:port` strings. */
const egressOf = (run: ProgramRun, service: string): string[] =>
    inputs(byName(ofType(run, NETWORK_POLICY), service)!).spec.egress.flatMap(
        (rule: { to: { ipBlock?: { cidr: string } }[]; ports: { port: number }[] }) =>
            rule.to.flatMap((to) => rule.ports.map((p) => `${to.ipBlock?.cidr}:${p.port}`)),
    );

describe("passwordless cache access on AWS (ElastiCache IAM authentication)", () => {
    let run: ProgramRun;
    before(async function () {
        this.timeout(300_000);
        run = await runStack("dev", "aws");
    });

    it("gives every cache-bound service an IAM user whose id equals its name, joined to the cache's user group, so that ElastiCache accepts its IAM token", () => {
        const users = iamUsers(run);
        assert.strictEqual(users.length, CACHE_SERVICES.length);
        const group = inputs(one(run, GROUP));
        for (const service of CACHE_SERVICES) {
            const user = users.find((u) => inputs(u).userId.endsWith(`-svc-${service}`));
            assert.ok(user, `no IAM user for ${service}`);
            // "For IAM-enabled ElastiCache users, the username and user id properties must be identical".
            assert.strictEqual(inputs(user).userName, inputs(user).userId);
            assert.match(inputs(user).userId, /^[a-z][a-z0-9-]{0,39}$/);
            assert.strictEqual(inputs(user).accessString, SERVICE_ACCESS_STRING);
            assert.strictEqual(inputs(user).engine, "valkey");
            const membership = ofType(run, MEMBER).find((m) => inputs(m).userId === inputs(user).userId);
            assert.ok(membership, `${service}'s user is not in the group`);
            assert.strictEqual(inputs(membership).userGroupId, group.userGroupId);
        }
    });

    it("replaces the default user with one switched off, and attaches the group instead of an auth token, so that a client without a user can do nothing", () => {
        const defaults = ofType(run, USER).filter((u) => inputs(u).userName === "default");
        assert.strictEqual(defaults.length, 1);
        const user = inputs(defaults[0]);
        assert.strictEqual(user.accessString, DISABLED_DEFAULT_ACCESS);
        assert.match(user.accessString, /^off /);
        // A valkey user group holds only users with a password or IAM authentication.
        assert.strictEqual(user.authenticationMode.type, "password");
        const group = one(run, GROUP);
        assert.deepStrictEqual(inputs(group).userIds, [user.userId]);
        const rg = inputs(one(run, RG));
        assert.deepStrictEqual(rg.userGroupIds, [inputs(group).userGroupId]);
        assert.strictEqual(rg.authToken, undefined);
        assert.strictEqual(rg.transitEncryptionEnabled, true);
        const tokens = ofType(run, "random:index/randomPassword:RandomPassword").filter((p) =>
            p.name.endsWith("-cache-auth-token"),
        );
        assert.deepStrictEqual(tokens, []);
    });

    it("allows each service's Pod Identity role elasticache:Connect on the replication group and its own user only", () => {
        const rgArn = one(run, RG).state!.arn as string;
        const users = iamUsers(run);
        const policies = ofType(run, ROLE_POLICY).map((p) => JSON.parse(inputs(p).policy));
        for (const service of CACHE_SERVICES) {
            const user = users.find((u) => inputs(u).userId.endsWith(`-svc-${service}`))!;
            const userArn = user.state!.arn as string;
            assert.match(userArn, /^arn:aws:elasticache:[a-z0-9-]+:\d{12}:user:/);
            const statements = policies
                .flatMap((p) => p.Statement)
                .filter((s: { Action: string[] }) => s.Action.includes("elasticache:Connect"));
            const own = statements.filter((s: { Resource: string[] }) => s.Resource.includes(userArn));
            assert.strictEqual(own.length, 1, `${service}: one statement names its user`);
            assert.deepStrictEqual(own[0], {
                Sid: "ConnectToCacheAsOwnUser",
                Effect: "Allow",
                Action: ["elasticache:Connect"],
                Resource: [rgArn, userArn],
            });
        }
    });

    it("puts no password in any service's Secret and tells the service to sign an IAM token as its own user", () => {
        const users = iamUsers(run);
        const rg = one(run, RG);
        for (const service of CACHE_SERVICES) {
            const data = secretData(run, `${service}-connections`);
            assert.strictEqual(data.REDIS_PASSWORD, undefined, `${service} has a password`);
            assert.strictEqual(data.REDIS_AUTH, "aws-iam");
            const user = users.find((u) => inputs(u).userId.endsWith(`-svc-${service}`))!;
            assert.strictEqual(data.REDIS_USER, inputs(user).userName);
            assert.strictEqual(data.REDIS_URL, `rediss://${data.REDIS_USER}@${data.REDIS_HOST}:6379`);
            assert.strictEqual(data.REDIS_CACHE_NAME, rg.id);
            assert.strictEqual(data.REDIS_REGION, "eu-west-1");
            assert.strictEqual(data.REDIS_TLS, "true");
            assert.strictEqual(data.REDIS_CLUSTER, "false");
        }
    });

    // frontend binds the cache only: without this rule its pods could not get the credentials that sign a token.
    it("lets a cache-only service reach the Pod Identity agent, so that it can sign its IAM token", () => {
        assert.ok(egressOf(run, "frontend").includes("169.254.170.23/32:80"), egressOf(run, "frontend").join(" "));
    });

    it("keeps the shared auth token when passwordless is turned off", async function () {
        this.timeout(300_000);
        const off = await runStack("dev", "aws", ['platform:cache={"passwordless":false}']);
        assert.ok(inputs(one(off, RG)).authToken);
        assert.strictEqual(inputs(one(off, RG)).userGroupIds, undefined);
        assert.deepStrictEqual(ofType(off, USER), []);
        const data = secretData(off, "api-connections");
        assert.strictEqual(data.REDIS_AUTH, "password");
        assert.ok(data.REDIS_PASSWORD);
    });

    it("gives KEDA a password user of its own that may read only the trigger's key, so that queue scaling keeps working without a service password", async function () {
        this.timeout(300_000);
        const queued = await runStack("dev", "aws", withQueue);
        const keda = ofType(queued, USER).find((u) => inputs(u).userId.endsWith("-keda-worker"));
        assert.ok(keda, "no KEDA user");
        assert.strictEqual(inputs(keda).authenticationMode.type, "password");
        const access: string = inputs(keda).accessString;
        assert.match(access, /^on ~bull:email:wait -@all /);
        assert.ok(access.includes("+llen") && access.includes("+eval"), access);
        assert.ok(!access.includes("~*") && !access.includes("+@"), `broader than the trigger: ${access}`);
        assert.ok(ofType(queued, MEMBER).some((m) => inputs(m).userId === inputs(keda).userId));
        const own = secretData(queued, "worker-keda-redis");
        assert.strictEqual(own.username, inputs(keda).userName);
        assert.ok(own.password);
        const auth = inputs(byName(ofType(queued, TRIGGER_AUTH), "worker-redis")!);
        assert.deepStrictEqual(auth.spec.secretTargetRef, [
            { parameter: "host", name: "worker-connections", key: "REDIS_HOST" },
            { parameter: "port", name: "worker-connections", key: "REDIS_PORT" },
            { parameter: "username", name: "worker-keda-redis", key: "username" },
            { parameter: "password", name: "worker-keda-redis", key: "password" },
        ]);
        // The service's own Secret still has no password.
        assert.strictEqual(secretData(queued, "worker-connections").REDIS_PASSWORD, undefined);
    });

    it("fails before any resource registers when passwordless access is combined with TLS off", async function () {
        this.timeout(120_000);
        await expectConfigError(
            "dev",
            "aws",
            ['platform:cache={"aws":{"transitEncryption":false}}'],
            "platform:cache.aws.transitEncryption",
            /requires TLS.*"passwordless": false/,
        );
    });
});

describe("passwordless cache access on Azure (Microsoft Entra)", () => {
    let run: ProgramRun;
    before(async function () {
        this.timeout(300_000);
        run = await runStack("dev", "azure");
    });

    it("turns access keys off on the Managed Redis database", () => {
        assert.strictEqual(inputs(one(run, DB)).accessKeysAuthentication, "Disabled");
    });

    it("assigns the default access policy to each cache-bound service's managed identity by its object id", () => {
        const assignments = ofType(run, ASSIGNMENT).map(inputs);
        assert.strictEqual(assignments.length, CACHE_SERVICES.length);
        const db = inputs(one(run, DB));
        const principals = ofType(run, IDENTITY).map((i) => i.state!.principalId as string);
        for (const a of assignments) {
            assert.strictEqual(a.accessPolicyName, "default");
            assert.strictEqual(a.databaseName, db.databaseName);
            assert.match(a.accessPolicyAssignmentName, /^[A-Za-z0-9]{1,60}$/);
            assert.ok(principals.includes(a.user.objectId), `${a.user.objectId} is no service identity`);
        }
        assert.strictEqual(new Set(assignments.map((a) => a.user.objectId)).size, CACHE_SERVICES.length);
    });

    it("lets a cache-only service reach Microsoft Entra over HTTPS, so that it can get its token", () => {
        assert.ok(egressOf(run, "frontend").includes("0.0.0.0/0:443"), egressOf(run, "frontend").join(" "));
    });

    it("puts no access key in any service's Secret and names the identity to authenticate as", () => {
        const assignments = ofType(run, ASSIGNMENT).map(inputs);
        const principals = ofType(run, IDENTITY).map((i) => i.state!.principalId as string);
        for (const service of CACHE_SERVICES) {
            const data = secretData(run, `${service}-connections`);
            assert.strictEqual(data.REDIS_PASSWORD, undefined, `${service} has a key`);
            assert.strictEqual(data.REDIS_AUTH, "entra");
            assert.ok(
                assignments.some((a) => a.user.objectId === data.REDIS_USER),
                service,
            );
            // The user name of an Entra token is the identity's object (principal) id, not its client id.
            assert.ok(principals.includes(data.REDIS_USER), `${service}: ${data.REDIS_USER} is no object id`);
            assert.strictEqual(data.REDIS_TOKEN_SCOPE, "https://redis.azure.com/.default");
            assert.ok(!data.REDIS_URL.includes(":@") && !/:\/\/:[^@]+@/.test(data.REDIS_URL), data.REDIS_URL);
        }
    });

    it("keeps access keys on only for KEDA's Redis scaler, and gives the key to KEDA's Secret alone", async function () {
        this.timeout(300_000);
        const queued = await runStack("dev", "azure", withQueue);
        assert.strictEqual(inputs(one(queued, DB)).accessKeysAuthentication, "Enabled");
        const own = secretData(queued, "worker-keda-redis");
        assert.ok(own.password, "KEDA has no key");
        assert.strictEqual(own.username, undefined);
        for (const service of CACHE_SERVICES) {
            const data = secretData(queued, `${service}-connections`);
            assert.strictEqual(data.REDIS_PASSWORD, undefined);
            assert.ok(!Object.values(data).includes(own.password), `${service}'s Secret holds the key`);
        }
        const auth = inputs(byName(ofType(queued, TRIGGER_AUTH), "worker-redis")!);
        assert.deepStrictEqual(auth.spec.secretTargetRef.at(-1), {
            parameter: "password",
            name: "worker-keda-redis",
            key: "password",
        });
    });
});
