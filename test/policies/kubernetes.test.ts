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
    it("accepts the HTTP listener's redirect-only route and refuses it once it also forwards, so that HTTP never serves content", async () => {
        const graph = app();
        assert.strictEqual((await evaluate(k8s.routeHttpsOnly, graph)).verdict, "pass");
        setPath(named(graph, "https-redirect").props, "spec.rules.0.backendRefs", [{ name: "api", port: 3000 }]);
        setPath(named(graph, "https-redirect").props, "spec.rules.0.filters", []);
        assert.strictEqual((await evaluate(k8s.routeHttpsOnly, graph)).verdict, "fail");
    });

    it("refuses a route whose parent Gateway is not in the stack, since its listener cannot be shown to be HTTPS", async () => {
        const graph = app();
        setPath(named(graph, "api-route").props, "spec.parentRefs.0.name", "elsewhere");
        assert.strictEqual((await evaluate(k8s.routeHttpsOnly, graph)).verdict, "fail");
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
        setPath(named(graph, "api-service").props, "metadata.namespace", "envoy-gateway-system");
        assert.strictEqual((await evaluate(k8s.noLoadBalancerServices, graph)).verdict, "pass");
    });
});
