/**
 * The origin's lock-down (issue 13 item 5) and the client address behind the CDN, on both clouds: the lock is
 * built before the Gateway (components/cdn/origin.ts) so that it reaches the Gateway's Service and listener.
 * Sources are cited in components/cdn/{aws,azure}-origin.ts and components/workloads/edge/origin-lock.ts.
 */
import * as assert from "assert";
import { ProgramRun, ResourceRecord, plain } from "../../check/runtime";
import { inputs, ofType, one } from "../harness";
import { runEdge } from "./support";

const T = {
    envoyProxy: "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy",
    clientTraffic: "kubernetes:gateway.envoyproxy.io/v1alpha1:ClientTrafficPolicy",
    security: "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy",
    distribution: "aws:cloudfront/distribution:Distribution",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    profile: "azure-native:cdn:Profile",
    origin: "platform:cdn:CdnOrigin",
    cdn: "platform:cdn:Cdn",
};

/** The annotations of the Envoy fleet's LoadBalancer Service, as the EnvoyProxy sets them. */
function serviceAnnotations(run: ProgramRun): Record<string, string> {
    return inputs(one(run, T.envoyProxy)).spec.provider.kubernetes.envoyService.annotations;
}

/** The SecurityPolicy on the Gateway's HTTPS listener that requires the CDN's header. */
function headerPolicy(run: ProgramRun): ResourceRecord | undefined {
    return ofType(run, T.security).find((p) => inputs(p).spec.targetRefs[0].kind === "Gateway");
}

function requiredHeader(run: ProgramRun): { name: string; values: string[] } {
    const spec = inputs(headerPolicy(run)!).spec;
    assert.deepStrictEqual(spec.targetRefs, [
        { group: "gateway.networking.k8s.io", kind: "Gateway", name: "platform", sectionName: "https" },
    ]);
    assert.strictEqual(spec.authorization.defaultAction, "Deny");
    const [rule] = spec.authorization.rules;
    assert.strictEqual(rule.action, "Allow");
    return rule.principal.headers[0];
}

describe("origin lock-down on AWS", () => {
    it("puts the CloudFront-only security group on the Gateway's NLB through the EnvoyProxy's Service, with backend rules managed by the controller", async () => {
        const run = await runEdge("prod", "aws");
        const sg = ofType(run, T.sg).find((g) => g.name.endsWith("-cdn-origin-sg"))!;
        const annotations = serviceAnnotations(run);
        assert.strictEqual(annotations["service.beta.kubernetes.io/aws-load-balancer-security-groups"], sg.id);
        // Without it the controller leaves the nodes closed to a security group it did not create (LBC v3.5.0
        // docs/guide/service/annotations.md, manage-backend-security-group-rules).
        assert.strictEqual(
            annotations["service.beta.kubernetes.io/aws-load-balancer-manage-backend-security-group-rules"],
            "true",
        );
        // The cloud's own NLB settings stay.
        assert.strictEqual(annotations["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"], "ip");
    });

    it("requires CloudFront's secret X-Origin-Verify header on the HTTPS listener, since the prefix list admits every distribution", async () => {
        const run = await runEdge("prod", "aws");
        const gateway = inputs(one(run, T.distribution)).origins.find(
            (o: { originId: string }) => o.originId === "gateway",
        );
        const sent = gateway.customHeaders.find((h: { name: string }) => h.name === "X-Origin-Verify");
        assert.deepStrictEqual(requiredHeader(run), { name: "X-Origin-Verify", values: [sent.value] });
        assert.ok(sent.value.length >= 32);
    });

    it("builds the lock before the workloads and outside the Cdn, so the Gateway does not wait for CloudFront", async () => {
        const run = await runEdge("prod", "aws");
        const origin = one(run, T.origin);
        const cdn = one(run, T.cdn);
        const sg = ofType(run, T.sg).find((g) => g.name.endsWith("-cdn-origin-sg"))!;
        assert.strictEqual(sg.parent, origin.urn);
        assert.notStrictEqual(origin.parent, cdn.urn);
        // The alias keeps the group's URN from when it was the Cdn's child.
        assert.ok(
            (sg.aliases ?? []).some((a) => JSON.stringify(a).includes("platform:cdn:Cdn")),
            JSON.stringify(sg.aliases),
        );
    });
});

describe("origin lock-down on Azure", () => {
    it("admits only the AzureFrontDoor.Backend service tag (and Grafana's admin ranges) on the Gateway's load balancer", async () => {
        const run = await runEdge("prod", "azure");
        const annotations = serviceAnnotations(run);
        // loadBalancerSourceRanges takes CIDRs only; a service tag needs cloud-provider-azure's annotation.
        assert.strictEqual(
            annotations["service.beta.kubernetes.io/azure-allowed-service-tags"],
            "AzureFrontDoor.Backend",
        );
        assert.strictEqual(annotations["service.beta.kubernetes.io/azure-allowed-ip-ranges"], "192.0.2.0/24");
    });

    it("requires X-Azure-FDID equal to this profile's Front Door id on the HTTPS listener, since the service tag admits every Front Door", async () => {
        const run = await runEdge("prod", "azure");
        const profile = one(run, T.profile);
        const frontDoorId = (plain(profile.state) as { frontDoorId: string }).frontDoorId;
        assert.ok(frontDoorId);
        assert.deepStrictEqual(requiredHeader(run), { name: "X-Azure-FDID", values: [frontDoorId] });
        // The Front Door endpoint is built in that profile, by the Cdn after the Gateway.
        assert.strictEqual(profile.parent, one(run, T.origin).urn);
    });
});

describe("client IP behind the CDN", () => {
    for (const cloud of ["aws", "azure"] as const) {
        it(`takes the viewer from the CDN's rightmost X-Forwarded-For entry on ${cloud}, so the per-client rate limit and Grafana's allow-list see the viewer, not the CDN`, async () => {
            const run = await runEdge("prod", cloud);
            const policy = inputs(one(run, T.clientTraffic)).spec;
            assert.deepStrictEqual(policy.clientIPDetection, { xForwardedFor: { numTrustedHops: 1 } });
        });
    }

    it("trusts no forwarded address without the lock (no CDN in dev), where any client could write X-Forwarded-For", async () => {
        const run = await runEdge("dev", "aws");
        assert.strictEqual(ofType(run, T.origin).length, 0);
        assert.strictEqual(inputs(one(run, T.clientTraffic)).spec.clientIPDetection, undefined);
        assert.strictEqual(headerPolicy(run), undefined);
        assert.strictEqual(
            serviceAnnotations(run)["service.beta.kubernetes.io/aws-load-balancer-security-groups"],
            undefined,
        );
    });
});
