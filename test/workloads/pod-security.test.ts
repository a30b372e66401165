/**
 * Every namespace the platform creates enforces a Pod Security Standard, at the strictest level its pods meet
 * (https://kubernetes.io/docs/concepts/security/pod-security-admission/, the `pod-security.kubernetes.io/enforce`
 * label; a namespace without it runs whatever the cluster default admits, `privileged` on EKS and AKS). KEDA's pods
 * meet `restricted` by the chart's defaults (kedacore/charts@v2.20.2 keda/values.yaml); Reloader's meet it once
 * the container security context drops ALL capabilities and privilege escalation (stakater/Reloader@chart-v2.2.16
 * values.yaml leaves it empty). Only the monitoring namespace runs `privileged` (node-exporter reads the host).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ProgramRun } from "../../check/runtime";
import { ROOT } from "../../check/stack";
import type { ServiceConfig } from "../../components/workloads";
import { CLOUDS, inputs, ofType, runStack } from "../harness";

const ENFORCE = "pod-security.kubernetes.io/enforce";
/** Namespaces allowed below `restricted`, with the reason. */
const BELOW_RESTRICTED: Record<string, string> = {
    monitoring: "node-exporter needs the host's network, PID namespace and file system",
};

/** prod's services with secrets, so the secrets add-ons (Reloader) are part of the graph. */
function prodWithSecrets(): string[] {
    const file = parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")) as {
        config: Record<string, string>;
    };
    const services = JSON.parse(file.config["platform:services"]) as ServiceConfig[];
    services[0].secrets = ["SIGNING_KEY"];
    return [`platform:services=${JSON.stringify(services)}`];
}

for (const cloud of CLOUDS) {
    describe(`Pod Security on ${cloud}: every platform namespace enforces a standard`, () => {
        let run: ProgramRun;
        const namespaces = () =>
            ofType(run, "kubernetes:core/v1:Namespace").map(
                (n) =>
                    inputs(n).metadata as {
                        name: string;
                        labels?: Record<string, string>;
                    },
            );
        before(async () => {
            run = await runStack("prod", cloud, prodWithSecrets());
        });

        it("labels every namespace with pod-security.kubernetes.io/enforce, restricted unless a reason is recorded", () => {
            assert.ok(namespaces().length >= 5);
            for (const ns of namespaces()) {
                const level = ns.labels?.[ENFORCE];
                assert.ok(level, `namespace ${ns.name} enforces no Pod Security Standard`);
                if (level !== "restricted")
                    assert.ok(BELOW_RESTRICTED[ns.name], `${ns.name} is ${level} without reason`);
            }
        });

        it("runs Reloader in a restricted namespace, with the container settings restricted requires", () => {
            const reloader = namespaces().find((n) => n.name === "reloader");
            assert.ok(reloader, "no Reloader namespace with secrets on");
            assert.strictEqual(reloader.labels?.[ENFORCE], "restricted");
            const release = ofType(run, "kubernetes:helm.sh/v3:Release").find((r) => inputs(r).chart === "reloader")!;
            assert.deepStrictEqual(inputs(release).values.reloader.deployment.containerSecurityContext, {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ["ALL"] },
            });
        });

        if (cloud === "aws") {
            it("runs KEDA (its chart on EKS) in a restricted namespace", () => {
                const keda = namespaces().find((n) => n.name === "keda");
                assert.ok(keda);
                assert.strictEqual(keda.labels?.[ENFORCE], "restricted");
            });
        }
    });
}
