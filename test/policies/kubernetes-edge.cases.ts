/**
 * Cases of policies/kubernetes-edge.ts: the application fixture behind a locked CDN (the Gateway takes the
 * client from X-Forwarded-For and requires the CDN's header, as components/workloads/edge/origin-lock.ts
 * builds it), weakened one property at a time.
 */
import * as k8s from "../../policies/kubernetes-edge";
import { FixtureResource, PolicyCases, named, setPath } from "./fixtures";
import { app } from "./kubernetes.cases";

const set = (name: string, path: string, value: unknown) => (graph: FixtureResource[]) =>
    setPath(named(graph, name).props, path, value);

export function behindLockedCdn(): FixtureResource[] {
    const graph = app();
    setPath(named(graph, "client-traffic-policy").props, "spec.clientIPDetection", {
        xForwardedFor: { numTrustedHops: 1 },
    });
    graph.push({
        type: "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy",
        name: "origin-header",
        props: {
            metadata: { name: "platform-origin", namespace: "edge" },
            spec: {
                targetRefs: [
                    { group: "gateway.networking.k8s.io", kind: "Gateway", name: "platform", sectionName: "https" },
                ],
                authorization: {
                    defaultAction: "Deny",
                    rules: [
                        {
                            name: "through-the-cdn",
                            action: "Allow",
                            principal: { headers: [{ name: "X-Origin-Verify", values: ["a".repeat(40)] }] },
                        },
                    ],
                },
            },
        },
    });
    return graph;
}

export const KUBERNETES_EDGE_CASES: PolicyCases[] = [
    {
        policy: k8s.forwardedClientIpLocked,
        compliant: behindLockedCdn,
        nonCompliant: {
            what: "the origin-header policy allows by default",
            change: set("origin-header", "spec.authorization.defaultAction", "Allow"),
        },
        undefinedProperty: {
            what: "the origin-header policy's authorization",
            remove: set("origin-header", "spec.authorization", undefined),
            verdict: "fail",
            because: "a SecurityPolicy without authorization lets every request through, forged addresses included",
        },
    },
];
