/**
 * The rule that a Gateway trusts a forwarded client IP only behind the CDN's lock, on the fixture behind a
 * locked CDN, weakened once, with the property left undefined and unknown; and without any forwarding trust.
 */
import * as assert from "assert";
import * as k8s from "../../policies/kubernetes-edge";
import { describePolicies, evaluate, named, setPath } from "./fixtures";
import { app } from "./kubernetes.cases";
import { KUBERNETES_EDGE_CASES, behindLockedCdn } from "./kubernetes-edge.cases";

describePolicies("Kubernetes edge policies", KUBERNETES_EDGE_CASES);

describe("Kubernetes edge policy scope", () => {
    it("leaves a Gateway alone that takes the client from the connection (no CDN, no header to forge)", async () => {
        assert.strictEqual((await evaluate(k8s.forwardedClientIpLocked, app())).verdict, "pass");
    });

    it("refuses X-Forwarded-For trust when the origin-header policy targets another Gateway", async () => {
        const graph = behindLockedCdn();
        setPath(named(graph, "origin-header").props, "spec.targetRefs.0.name", "other");
        assert.strictEqual((await evaluate(k8s.forwardedClientIpLocked, graph)).verdict, "fail");
    });
});
