import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_KUBERNETES_VERSION, KARPENTER } from "../../components/shared/facts/kubernetes";
import { CHART_PINS as CHARTS } from "../../components/workloads/charts";
import { runCheck } from "../../check";
import { EngineRefusalError } from "../../check/engine";
import type { ProgramRun, ResourceRecord } from "../../check/runtime";
import { plain } from "../../check/runtime";
import {
    SchemaManifest,
    SchemaReport,
    findBundle,
    isRefused,
    schemaRefusals,
    validateSchemas,
} from "../../check/schemas";
import { runProgram } from "../../check/runtime";
import { loadStackConfig, stackNames } from "../../check/stack";

/**
 * The schema bundle (check/schemas-vendor.ts output) is not committed with the program: the check finds it in
 * $PLATFORM_SCHEMAS, check/data/schemas or ../shared/schemas. Without one, these tests skip and say so; the
 * check itself then lists every kind as "not validated" (the last describe proves it).
 */
const BUNDLE = findBundle();

function withBundle(this: Mocha.Context) {
    if (!BUNDLE) this.skip();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests reach into arbitrary object shapes
type Loose = Record<string, any>;

/** One resource of the run with its inputs changed by `edit` (on a plain copy), alone in a run. */
function mutated(run: ProgramRun, type: string, edit: (inputs: Loose) => void, name?: RegExp): ProgramRun {
    const r = run.resources.find((x) => x.type === type && (!name || name.test(x.name)));
    assert.ok(r, `no ${type} in the graph`);
    const inputs = plain(r.inputs) as Loose;
    edit(inputs);
    const changed: ResourceRecord = { ...r, inputs };
    // The releases stay so that each CRD kind is matched with the chart version that installs it.
    const releases = run.resources.filter((x) => x.type === "kubernetes:helm.sh/v3:Release" && x !== r);
    return { ...run, resources: [changed, ...releases] };
}

function refused(report: SchemaReport) {
    return report.findings.filter(isRefused).map((f) => ({ path: f.path, received: f.received, allowed: f.allowed }));
}

describe("Kubernetes objects and Helm values against their schemas (check/schemas.ts)", function () {
    let run: ProgramRun;
    before(async function () {
        withBundle.call(this);
        const { project, config } = loadStackConfig("prod", []);
        run = await runProgram({ project, stack: "prod", config });
    });

    // Kubernetes 1.36 swagger (kubernetes-client/python@v36.0.3 kubernetes/swagger.json.unprocessed):
    // io.k8s.api.apps.v1.DeploymentSpec.replicas is an int32; Container has no field "imagePullPolicyy".
    describe("a Deployment is refused as the API server refuses it", () => {
        it("fails on an unknown field in a container", () => {
            const report = validateSchemas(
                mutated(
                    run,
                    "kubernetes:apps/v1:Deployment",
                    (i) => (i.spec.template.spec.containers[0].imagePullPolicyy = "Always"),
                ),
                { bundle: BUNDLE },
            );
            const f = refused(report);
            assert.deepStrictEqual(
                f.map((x) => [x.path, x.received]),
                [["spec.template.spec.containers[0].imagePullPolicyy", "imagePullPolicyy"]],
            );
            assert.match(f[0].allowed, /"imagePullPolicy"/);
        });
        it("fails on a wrong type (replicas as a string)", () => {
            const report = validateSchemas(
                mutated(run, "kubernetes:apps/v1:Deployment", (i) => (i.spec.replicas = "3")),
                { bundle: BUNDLE },
            );
            assert.deepStrictEqual(refused(report), [
                { path: "spec.replicas", received: "3", allowed: "a value of type integer" },
            ]);
        });
        it("accepts int-or-string fields either way (rollingUpdate.maxSurge)", () => {
            const report = validateSchemas(
                mutated(
                    run,
                    "kubernetes:apps/v1:Deployment",
                    (i) =>
                        (i.spec.strategy = {
                            type: "RollingUpdate",
                            rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 },
                        }),
                ),
                { bundle: BUNDLE },
            );
            assert.deepStrictEqual(refused(report), []);
        });
    });

    describe("a NetworkPolicy is refused as the API server refuses it", () => {
        it("fails on an unknown field in a rule", () => {
            const report = validateSchemas(
                mutated(
                    run,
                    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
                    (i) => (i.spec.egress[0].too = i.spec.egress[0].to),
                    /dns/,
                ),
                { bundle: BUNDLE },
            );
            assert.deepStrictEqual(
                refused(report).map((f) => f.path),
                ["spec.egress[0].too"],
            );
        });
        it("fails on a wrong type (policyTypes as a string, not a list)", () => {
            const report = validateSchemas(
                mutated(
                    run,
                    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
                    (i) => (i.spec.policyTypes = "Egress"),
                    /dns/,
                ),
                { bundle: BUNDLE },
            );
            assert.deepStrictEqual(refused(report), [
                { path: "spec.policyTypes", received: "Egress", allowed: "a value of type array" },
            ]);
        });
    });

    // cert-manager@v1.21.1:deploy/crds/cert-manager.io_clusterissuers.yaml: spec.acme.externalAccountBinding
    // .keyAlgorithm is an enum HS256|HS384|HS512, spec.acme.skipTLSVerify a boolean, no field "emial".
    describe("a cert-manager ClusterIssuer is refused as its CRD refuses it", () => {
        const type = "kubernetes:cert-manager.io/v1:ClusterIssuer";
        it("fails on an unknown field", () => {
            const report = validateSchemas(
                mutated(run, type, (i) => (i.spec.acme.emial = "ops@example.com")),
                { bundle: BUNDLE },
            );
            assert.deepStrictEqual(
                refused(report).map((f) => [f.path, f.received]),
                [["spec.acme.emial", "emial"]],
            );
        });
        it("fails on a wrong type", () => {
            const report = validateSchemas(
                mutated(run, type, (i) => (i.spec.acme.skipTLSVerify = "false")),
                { bundle: BUNDLE },
            );
            assert.deepStrictEqual(refused(report), [
                { path: "spec.acme.skipTLSVerify", received: "false", allowed: "a value of type boolean" },
            ]);
        });
        it("fails on a value outside the enum", () => {
            const report = validateSchemas(
                mutated(
                    run,
                    type,
                    (i) =>
                        (i.spec.acme.externalAccountBinding = {
                            keyID: "k",
                            keySecretRef: { name: "eab" },
                            keyAlgorithm: "RS256",
                        }),
                ),
                { bundle: BUNDLE },
            );
            assert.deepStrictEqual(refused(report), [
                {
                    path: "spec.acme.externalAccountBinding.keyAlgorithm",
                    received: "RS256",
                    allowed: 'one of "HS256", "HS384", "HS512"',
                },
            ]);
        });
        it("fails on an unknown field in metadata (ObjectMeta of the API)", () => {
            const report = validateSchemas(
                mutated(run, type, (i) => (i.metadata.label = { a: "b" })),
                { bundle: BUNDLE },
            );
            assert.deepStrictEqual(
                refused(report).map((f) => f.path),
                ["metadata.label"],
            );
        });
    });

    describe("Helm values against the pinned chart", () => {
        // cert-manager@v1.21.1:deploy/charts/cert-manager/values.schema.json: "additionalProperties": false at
        // the top; Helm refuses the install when the values do not meet it.
        it("refuses an unknown key where the chart ships values.schema.json (cert-manager)", () => {
            const report = validateSchemas(
                mutated(run, "kubernetes:helm.sh/v3:Release", (i) => (i.values.replicaCountt = 2), /cert-manager/),
                { bundle: BUNDLE },
            );
            assert.deepStrictEqual(
                refused(report).map((f) => [f.path, f.received]),
                [["values.replicaCountt", "replicaCountt"]],
            );
        });
        it("warns on a key neither values.yaml nor the templates know (Envoy Gateway)", () => {
            const report = validateSchemas(
                mutated(
                    run,
                    "kubernetes:helm.sh/v3:Release",
                    (i) => (i.values.deployment.replicaz = 3),
                    /envoy-gateway/,
                ),
                { bundle: BUNDLE },
            );
            assert.deepStrictEqual(refused(report), []);
            assert.ok(
                report.findings.some((f) => f.path === "values.deployment.replicaz" && !isRefused(f)),
                JSON.stringify(report.findings),
            );
        });
    });

    it("names the config key when a config value is what the schema refuses (exit 2)", () => {
        const report = validateSchemas(
            mutated(run, "kubernetes:apps/v1:Deployment", (i) => (i.spec.replicas = "three")),
            { bundle: BUNDLE },
        );
        const [refusal] = schemaRefusals(report, {
            "platform:services": JSON.stringify([{ name: "api", replicas: "three" }]),
        });
        assert.strictEqual(refusal.configKey, "platform:services[0].replicas");
    });

    it("the check exits through an engine refusal on a schema violation", async function () {
        this.timeout(300000);
        // A run of the real program whose Deployment was changed cannot be made through runCheck; the refusal
        // path is the same one assertEngineAccepts takes: EngineRefusalError, exit 3 unless config-caused.
        const report = validateSchemas(
            mutated(run, "kubernetes:apps/v1:Deployment", (i) => (i.spec.replicas = "3")),
            { bundle: BUNDLE },
        );
        const err = new EngineRefusalError(schemaRefusals(report));
        assert.strictEqual(err.causedByConfig, false);
        assert.match(err.message, /spec\.replicas: got "3"; Kubernetes 1\.36 allows a value of type integer/);
    });
});

describe("the real graphs validate clean against the schemas of the pinned versions", function () {
    this.timeout(600000);
    for (const stack of stackNames()) {
        for (const cloud of ["aws", "azure"]) {
            it(`${stack} on ${cloud}`, async function () {
                withBundle.call(this);
                const result = await runCheck({
                    stack,
                    overrides: [`platform:cloud=${cloud}`],
                    policies: false,
                    schemas: BUNDLE,
                });
                assert.deepStrictEqual(result.schemas.notValidated, []);
                assert.deepStrictEqual(result.schemas.findings, []);
                assert.ok(result.schemas.validated > 30, String(result.schemas.validated));
            });
        }
    }
});

describe("the vendored schemas are those of the pinned versions", () => {
    it("records the default Kubernetes minor and every pinned chart version", function () {
        withBundle.call(this);
        const manifest = JSON.parse(fs.readFileSync(path.join(BUNDLE!, "manifest.json"), "utf8")) as SchemaManifest;
        assert.strictEqual(manifest.kubernetes.version, DEFAULT_KUBERNETES_VERSION);
        const charts = Object.fromEntries(manifest.charts.map((c) => [c.chart, c.version]));
        assert.deepStrictEqual(charts, {
            [CHARTS.certManager.chart]: CHARTS.certManager.version,
            [CHARTS.kubePrometheusStack.chart]: CHARTS.kubePrometheusStack.version,
            [CHARTS.prometheusOperatorCrds.chart]: CHARTS.prometheusOperatorCrds.version,
            [CHARTS.envoyGateway.chart]: CHARTS.envoyGateway.version,
            [CHARTS.awsLoadBalancerController.chart]: CHARTS.awsLoadBalancerController.version,
            karpenter: KARPENTER.version,
            "karpenter-crd": KARPENTER.version,
        });
        const crdCharts = new Set(manifest.crds.map((c) => `${c.chart}@${c.chartVersion}`));
        assert.deepStrictEqual(
            [...crdCharts].sort(),
            [
                `${CHARTS.certManager.chart}@${CHARTS.certManager.version}`,
                `${CHARTS.envoyGatewayCrds.chart}@${CHARTS.envoyGatewayCrds.version}`,
                `karpenter-crd@${KARPENTER.version}`,
                `${CHARTS.prometheusOperatorCrds.chart}@${CHARTS.prometheusOperatorCrds.version}`,
            ].sort(),
        );
    });
});

describe("without a schema nothing passes silently", () => {
    it("lists every Kubernetes kind as not validated when no bundle is found", async function () {
        this.timeout(300000);
        const { project, config } = loadStackConfig("dev", []);
        const run = await runProgram({ project, stack: "dev", config });
        const report = validateSchemas(run, { config, bundle: null });
        assert.strictEqual(report.validated, 0);
        assert.ok(
            report.notValidated.some((l) => /^not validated: no schema for apps\/v1:Deployment /.test(l)),
            report.notValidated.join("\n"),
        );
        assert.ok(
            report.notValidated.some((l) =>
                /^not validated: no schema for cert-manager\.io\/v1:ClusterIssuer /.test(l),
            ),
        );
    });
    it("says so when the cluster runs another Kubernetes version than the bundle's", async function () {
        withBundle.call(this);
        this.timeout(300000);
        const { project, config } = loadStackConfig("dev", []);
        const run = await runProgram({ project, stack: "dev", config });
        const report = validateSchemas(run, {
            config: { ...config, [`${project}:cluster`]: JSON.stringify({ kubernetesVersion: "1.35" }) },
            bundle: BUNDLE,
        });
        assert.ok(
            report.notValidated.some((l) =>
                l.startsWith("not validated: no schema for apps/v1:Deployment on Kubernetes 1.35"),
            ),
            report.notValidated.join("\n"),
        );
    });
});
