/**
 * Kubernetes rules on a hardened application fixture, each weakened once, with a property left undefined
 * and unknown; plus the cases that need more than one resource.
 */
import * as assert from "assert";
import * as k8s from "../../policies/kubernetes";
import { KUBERNETES_CASES, app } from "./kubernetes.cases";
import { describePolicies, evaluate, named, setPath } from "./fixtures";

describePolicies("Kubernetes policies", KUBERNETES_CASES);

describe("Kubernetes policy edge cases", () => {
    it("accepts an ingress-nginx canary without its own TLS when the main Ingress of its host has it, so that canaries keep HTTPS", async () => {
        const graph = app();
        graph.push({
            type: "kubernetes:networking.k8s.io/v1:Ingress",
            name: "api-canary",
            props: {
                metadata: {
                    name: "api-canary",
                    namespace: "app",
                    annotations: { "nginx.ingress.kubernetes.io/canary": "true" },
                },
                spec: { rules: [{ host: "api.example.com" }] },
            },
        });
        assert.strictEqual((await evaluate(k8s.ingressTls, graph)).verdict, "pass");
        setPath(named(graph, "api-ingress").props, "spec.tls", []);
        assert.strictEqual((await evaluate(k8s.ingressTls, graph)).verdict, "fail");
    });

    it("accepts a digest-pinned image and rejects an untagged one", () => {
        assert.ok(k8s.isPinned(`ghcr.io/o/app@sha256:${"a".repeat(64)}`));
        assert.ok(k8s.isPinned("ghcr.io/o/app:1.2.3"));
        assert.ok(!k8s.isPinned("localhost:5000/app"));
        assert.ok(!k8s.isPinned("app:latest"));
    });

    it("judges a CronJob's pod template", async () => {
        const outcome = await evaluate(k8s.noPrivileged, [
            {
                type: "kubernetes:batch/v1:CronJob",
                name: "job",
                props: {
                    spec: {
                        jobTemplate: {
                            spec: {
                                template: {
                                    spec: { containers: [{ name: "c", securityContext: { privileged: true } }] },
                                },
                            },
                        },
                    },
                },
            },
        ]);
        assert.strictEqual(outcome.verdict, "fail");
    });

    it("allows a LoadBalancer Service in the gateway's namespace only", async () => {
        const graph = app();
        setPath(named(graph, "api-service").props, "spec.type", "LoadBalancer");
        setPath(named(graph, "api-service").props, "metadata.namespace", "ingress-nginx");
        assert.strictEqual((await evaluate(k8s.noLoadBalancerServices, graph)).verdict, "pass");
    });
});
