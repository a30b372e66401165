/**
 * What the Pulumi engine refuses, refused by the offline check (check/engine.ts). Each case cites the
 * engine or provider rule it mirrors.
 */
import * as assert from "assert";
import * as path from "path";
import { EngineRefusalError, Refusal, engineRefusals, isKnownType } from "../../check/engine";
import { ProgramRun, runProgram } from "../../check/runtime";
import { check, runStack } from "../harness";

const fixture = (name: string) => path.join(__dirname, "fixtures", name);

async function runFixture(name: string): Promise<ProgramRun> {
    return runProgram({ project: "test", stack: "dev", config: {}, program: fixture(name) });
}

const kinds = (refusals: Refusal[]) => refusals.map((r) => r.kind);

/** A service of the given name, otherwise valid for platform:services. */
const service = (name: string) =>
    JSON.stringify([
        {
            name,
            image: "ghcr.io/acme/app:1.0.0",
            port: 3000,
            replicas: { min: 2, max: 3 },
            resources: {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { cpu: "500m", memory: "256Mi" },
            },
            probes: { liveness: "/h", readiness: "/h", startup: "/h" },
        },
    ]);

describe("engine refusals (check/engine.ts)", function () {
    this.timeout(120000);

    // pulumi/pulumi pkg/resource/deploy/step_generator.go generateURN: "Duplicate resource URN '%v'; try
    // giving it a unique name" (sdk/go/common/diag/errors.go, error 2001).
    it("refuses a URN registered twice, as the engine's step generator does", async () => {
        const refusals = engineRefusals(await runFixture("duplicate-urn.ts"));
        assert.deepStrictEqual(kinds(refusals), ["duplicate-urn"]);
        assert.deepStrictEqual(refusals[0].urns, ["urn:pulumi:dev::test::test:index:Thing::same-name"]);
        assert.match(refusals[0].message, /Duplicate resource URN 'urn:pulumi:dev::test::test:index:Thing::same-name'/);
    });

    // pulumi/pulumi pkg/resource/deploy/step_generator.go checkParent: "could not find parent resource %v".
    it("refuses a resource registered before its parent, as checkParent does", () => {
        const run: ProgramRun = {
            project: "test",
            stack: "dev",
            resources: [],
            outputs: {},
            registrations: [
                { urn: "urn:a", type: "t:i:A", name: "a", custom: false, parent: null, parentRegistered: true },
                { urn: "urn:b", type: "t:i:B", name: "b", custom: false, parent: "urn:c", parentRegistered: false },
                { urn: "urn:c", type: "t:i:C", name: "c", custom: false, parent: null, parentRegistered: true },
            ],
        };
        const refusals = engineRefusals(run);
        assert.deepStrictEqual(kinds(refusals), ["parent-not-registered"]);
        assert.deepStrictEqual(refusals[0].urns, ["urn:b", "urn:c"]);
        assert.match(refusals[0].message, /could not find parent resource urn:c for urn:b/);
    });

    it("records each registration with whether its parent was registered first", async () => {
        const run = await runStack("dev", "aws");
        assert.ok(run.registrations!.length > run.resources.length - 1);
        assert.ok(run.registrations!.every((r) => r.parentRegistered));
    });

    // Two writers of one Kubernetes object: the API server keeps one object per group/kind/namespace/name
    // (https://kubernetes.io/docs/reference/using-api/#api-groups); the second create fails AlreadyExists.
    it("refuses two resources that manage the same Kubernetes object, a missing namespace being default", async () => {
        const refusals = engineRefusals(await runFixture("same-kubernetes-object.ts"));
        assert.deepStrictEqual(kinds(refusals), ["same-kubernetes-object"]);
        assert.deepStrictEqual(refusals[0].urns, [
            "urn:pulumi:dev::test::kubernetes:core/v1:ConfigMap::first",
            "urn:pulumi:dev::test::kubernetes:core/v1:ConfigMap::second",
        ]);
        assert.match(refusals[0].message, /same Kubernetes object ConfigMap default\/settings/);
        assert.strictEqual(refusals[0].configKey, undefined);
    });

    // The provider's Check fails for a token it does not implement; the known tokens are the installed SDKs'
    // `__pulumiType` declarations. A Kubernetes CustomResource's token is its own apiVersion and kind
    // (pulumi/pulumi-kubernetes sdk/nodejs/apiextensions/customResource.ts).
    it("refuses a resource type no installed provider SDK declares, and accepts SDK and custom-resource types", async () => {
        const refusals = engineRefusals(await runFixture("unknown-type.ts"));
        assert.deepStrictEqual(kinds(refusals), ["unknown-type"]);
        assert.deepStrictEqual(refusals[0].urns, ["urn:pulumi:dev::test::aws:s3/bucketV9:BucketV9::typo"]);
        assert.ok(isKnownType("aws:s3/bucket:Bucket"));
        assert.ok(isKnownType("kubernetes:networking.k8s.io/v1:NetworkPolicy"));
        assert.ok(isKnownType("azure-native:storage:StorageAccount"));
        assert.ok(isKnownType("pulumi:providers:kubernetes"));
        assert.ok(!isKnownType("pulumi:providers:nosuchprovider"));
        assert.ok(!isKnownType("kubernetes:apps/v1:Deploymnet"));
    });

    it("finds nothing to refuse in the program's real graphs", async () => {
        for (const cloud of ["aws", "azure"] as const) {
            assert.deepStrictEqual(engineRefusals(await runStack("prod", cloud)), [], cloud);
        }
    });

    describe("npm run check", () => {
        // The CLI maps causedByConfig to exit 2 and everything else to exit 3 (check/cli.ts).
        it("exits 3 (not 2) when the program itself, not a config value, would be refused", async () => {
            const error = new EngineRefusalError(engineRefusals(await runFixture("duplicate-urn.ts")));
            assert.ok(!error.causedByConfig);
            assert.match(error.message, /pulumi preview would refuse this program \(1 problem\)/);
        });

        // A service named like the namespace's default-deny NetworkPolicy would write the same object; the
        // config refuses the name first (services/reserved.ts), so the engine's refusal is never reached.
        it("exits 2 naming the config key when a service takes the name of the namespace's NetworkPolicy", () => {
            const out = check("--stack", "dev", "-c", `platform:services=${service("default-deny-all")}`);
            assert.strictEqual(out.code, 2, out.stderr);
            assert.strictEqual(out.stdout, "");
            assert.match(out.stderr, /platform:services\[0\]\.name: got "default-deny-all"/);
            assert.match(out.stderr, /the namespace's default-deny NetworkPolicy/);
        });
    });
});
