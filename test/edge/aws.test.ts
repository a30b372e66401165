/**
 * The edge on AWS (issue 13 items 4-5): the Route 53 zone (created or existing), external-dns limited to it,
 * CloudFront with the WAF web ACL and ACM certificate in us-east-1, HTTPS-only origin, origin access control
 * for the bucket, and the origin's lock-down. Sources are cited next to each setting in components/dns,
 * components/cdn and components/workloads/dns.
 */
import * as assert from "assert";
import { ProgramRun, ResourceRecord, plain } from "../../check/runtime";
import { AWS_MANAGED_RULE_GROUPS } from "../../components/cdn/aws-waf";
import { inputs, ofType, one, outputs } from "../harness";
import { DEV_EDGE, gatewayOf, runEdge } from "./support";

const T = {
    zone: "aws:route53/zone:Zone",
    record: "aws:route53/record:Record",
    acl: "aws:wafv2/webAcl:WebAcl",
    distribution: "aws:cloudfront/distribution:Distribution",
    certificate: "aws:acm/certificate:Certificate",
    validation: "aws:acm/certificateValidation:CertificateValidation",
    oac: "aws:cloudfront/originAccessControl:OriginAccessControl",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    release: "kubernetes:helm.sh/v3:Release",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    association: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
};

/** The region a resource is created in: its explicit provider's, else the stack's. */
function regionOf(run: ProgramRun, r: ResourceRecord): string {
    const provider = r.provider
        ? run.resources.find((p) => p.urn === r.provider!.slice(0, r.provider!.lastIndexOf("::")))
        : undefined;
    return provider ? String(inputs(provider).region) : "stack";
}

const externalDnsRelease = (run: ProgramRun) => ofType(run, T.release).find((r) => inputs(r).chart === "external-dns")!;

describe("edge on AWS: DNS zone", () => {
    it("creates a public Route 53 zone with platform:dns create: true, protected in prod so its name servers never change", async () => {
        const run = await runEdge("prod", "aws");
        const zone = one(run, T.zone);
        assert.strictEqual(inputs(zone).name, "example.com");
        assert.strictEqual(inputs(zone).forceDestroy, false);
        assert.ok(zone.protect && zone.retainOnDelete, "the created zone is protected in prod");
        assert.deepStrictEqual(outputs(run).edge.nameServers.length, 4);
    });

    it("looks the zone up instead of creating one without create: true, so an existing zone keeps its records", async () => {
        const run = await runEdge("dev", "aws", [
            'platform:dns={"zone":"example.com"}',
            'platform:cdn={"enabled":true}',
        ]);
        assert.strictEqual(ofType(run, T.zone).length, 0);
        // check/invokes.ts answers route53.getZone with the existing zone's id.
        assert.match(outputs(run).edge.zoneId, /^Z[0-9A-F]{20}$/);
        const values = inputs(externalDnsRelease(run)).values;
        assert.ok(values.extraArgs.includes(`--zone-id-filter=${outputs(run).edge.zoneId}`));
    });
});

describe("edge on AWS: external-dns", () => {
    it("lets external-dns change records of the stack's zone only, through EKS Pod Identity", async () => {
        const run = await runEdge("prod", "aws");
        const zoneId = outputs(run).edge.zoneId;
        const policy = ofType(run, T.rolePolicy).find((p) => p.name.includes("external-dns"))!;
        const statements = JSON.parse(inputs(policy).policy).Statement;
        const change = statements.find((s: { Action: string[] }) =>
            s.Action.includes("route53:ChangeResourceRecordSets"),
        );
        assert.deepStrictEqual(change.Resource, [`arn:aws:route53:::hostedzone/${zoneId}`]);
        // Only listing hosted zones is account-wide (IAM cannot scope it); nothing else is "*".
        for (const s of statements.filter((s: { Resource: string[] }) => s.Resource.includes("*"))) {
            assert.deepStrictEqual(s.Action, ["route53:ListHostedZones"]);
        }
        const association = ofType(run, T.association).find((a) => a.name.includes("external-dns"))!;
        assert.deepStrictEqual(
            [inputs(association).namespace, inputs(association).serviceAccount],
            ["external-dns", "external-dns"],
        );
    });

    it("publishes only Gateway API routes into the zone, syncing with a per-stack owner and leaving the CDN's hosts alone", async () => {
        const run = await runEdge("prod", "aws");
        const release = externalDnsRelease(run);
        const v = inputs(release).values;
        assert.strictEqual(inputs(release).version, "1.21.1");
        assert.deepStrictEqual(v.sources, ["gateway-httproute"]);
        assert.deepStrictEqual(v.domainFilters, ["example.com"]);
        assert.strictEqual(v.policy, "sync");
        assert.strictEqual(v.txtOwnerId, "platform-prod");
        assert.deepStrictEqual(v.excludeDomains, ["api.example.com", "app.example.com"]);
        assert.ok(v.extraArgs.includes("--aws-zone-type=public"));
        // external-dns reads only Gateways of the namespace the platform's Gateway is in.
        assert.strictEqual(v.gatewayNamespace, gatewayOf(run).namespace);
    });
});

describe("edge on AWS: CloudFront and WAF", () => {
    it("creates the WAF web ACL with scope CLOUDFRONT in us-east-1, with the managed common and known-bad-inputs groups blocking in prod", async () => {
        const run = await runEdge("prod", "aws");
        const acl = one(run, T.acl);
        assert.strictEqual(inputs(acl).scope, "CLOUDFRONT");
        assert.strictEqual(regionOf(run, acl), "us-east-1");
        const rules = inputs(acl).rules;
        for (const group of AWS_MANAGED_RULE_GROUPS) {
            const rule = rules.find((r: { name: string }) => r.name === group);
            assert.deepStrictEqual(rule.statement.managedRuleGroupStatement, { vendorName: "AWS", name: group });
            assert.deepStrictEqual(rule.overrideAction, { none: {} }, `${group} blocks in prod`);
        }
    });

    it("rate-limits each client IP over 5 minutes (platform:cdn.rateLimitPer5Minutes, 2000 by default)", async () => {
        const byDefault = (await runEdge("prod", "aws")).resources.find((r) => r.type === T.acl)!;
        const rate = inputs(byDefault).rules.find((r: { name: string }) => r.name === "rate-limit-per-ip");
        assert.deepStrictEqual(rate.statement.rateBasedStatement, {
            limit: 2000,
            aggregateKeyType: "IP",
            evaluationWindowSec: 300,
        });
        assert.deepStrictEqual(rate.action, { block: {} });
        const tuned = await runEdge("dev", "aws", [
            DEV_EDGE[0],
            'platform:cdn={"enabled":true,"rateLimitPer5Minutes":500}',
        ]);
        const limit = inputs(one(tuned, T.acl)).rules.find((r: { name: string }) => r.name === "rate-limit-per-ip");
        assert.strictEqual(limit.statement.rateBasedStatement.limit, 500);
        // Outside prod the WAF detects (counts) by default, so false positives show before they block.
        assert.deepStrictEqual(limit.action, { count: {} });
    });

    it("attaches the web ACL to the distribution and serves viewers with TLSv1.2_2021 at least", async () => {
        const run = await runEdge("prod", "aws");
        const d = inputs(one(run, T.distribution));
        const aclArn = (await runEdge("prod", "aws")).resources.find((r) => r.type === T.acl)!;
        assert.ok(String(d.webAclId).includes(aclArn.name), "webAclId is the stack's web ACL");
        assert.strictEqual(d.viewerCertificate.minimumProtocolVersion, "TLSv1.2_2021");
        assert.strictEqual(d.viewerCertificate.sslSupportMethod, "sni-only");
        assert.deepStrictEqual(d.aliases, ["api.example.com", "app.example.com"]);
        assert.strictEqual(d.defaultCacheBehavior.viewerProtocolPolicy, "redirect-to-https");
        assert.deepStrictEqual(outputs(run).edge.publicUrls.slice(0, 2), [
            "https://api.example.com/",
            "https://app.example.com/",
        ]);
        assert.ok(outputs(run).edge.cdnHostName.endsWith(".cloudfront.net"));
        assert.strictEqual(outputs(run).edge.loadBalancerAddress, gatewayOf(run).address);
    });

    it("reaches the Gateway over HTTPS only, TLS 1.2, with the secret origin header", async () => {
        const run = await runEdge("prod", "aws");
        const gateway = inputs(one(run, T.distribution)).origins.find(
            (o: { originId: string }) => o.originId === "gateway",
        );
        // The Gateway's NLB host name, as the Gateway reports it.
        assert.match(gatewayOf(run).address, /\.elb\.eu-west-1\.amazonaws\.com$/);
        assert.strictEqual(gateway.domainName, gatewayOf(run).address);
        assert.strictEqual(gateway.customOriginConfig.originProtocolPolicy, "https-only");
        assert.deepStrictEqual(gateway.customOriginConfig.originSslProtocols, ["TLSv1.2"]);
        const header = gateway.customHeaders.find((h: { name: string }) => h.name === "X-Origin-Verify");
        assert.ok(header && header.value.length >= 32);
        assert.strictEqual(outputs(run).edge.originHeader.value, header.value);
    });

    it("takes its certificate from ACM in us-east-1, validated by DNS records in the zone", async () => {
        const run = await runEdge("prod", "aws");
        const certificate = one(run, T.certificate);
        assert.strictEqual(regionOf(run, certificate), "us-east-1");
        assert.strictEqual(inputs(certificate).validationMethod, "DNS");
        assert.deepStrictEqual(
            [inputs(certificate).domainName, ...inputs(certificate).subjectAlternativeNames],
            ["api.example.com", "app.example.com"],
        );
        assert.strictEqual(regionOf(run, one(run, T.validation)), "us-east-1");
        const validation = ofType(run, T.record).filter((r) => r.name.includes("-validation-"));
        assert.strictEqual(validation.length, 2);
        for (const r of validation) {
            assert.strictEqual(inputs(r).type, "CNAME");
            assert.strictEqual(inputs(r).zoneId, outputs(run).edge.zoneId);
        }
        assert.ok(
            inputs(one(run, T.distribution)).viewerCertificate.acmCertificateArn.startsWith("arn:aws:acm:us-east-1:"),
        );
    });

    it("lets only CloudFront's origin-facing addresses (and Grafana's admin ranges) reach the Gateway's NLB", async () => {
        const run = await runEdge("prod", "aws");
        const sg = ofType(run, T.sg).find((g) => g.name.endsWith("-cdn-origin-sg"))!;
        const [cloudfront, admin] = inputs(sg).ingress;
        assert.match(cloudfront.prefixListIds[0], /^pl-/);
        assert.deepStrictEqual([cloudfront.fromPort, cloudfront.toPort, cloudfront.cidrBlocks], [443, 443, undefined]);
        // The ranges reaching the NLB directly are Grafana's (platform:edge.grafanaAllowedCidrs, Pulumi.prod.yaml):
        // its route is the one served without the CDN. The Kubernetes API's list opens nothing here.
        assert.deepStrictEqual(admin.cidrBlocks, ["192.0.2.0/24"]);
        // The security group reaches the Gateway's Service (test/edge/origin-lock.test.ts checks the EnvoyProxy).
        const origin = run.resources.find((r) => r.type === "platform:cdn:CdnOrigin")!;
        const annotations = (plain(origin.outputs) as { loadBalancerAnnotations: Record<string, string> })
            .loadBalancerAnnotations;
        assert.strictEqual(annotations["service.beta.kubernetes.io/aws-load-balancer-security-groups"], sg.id);
    });

    it("serves platform:cdn.staticPathPattern from the private bucket through origin access control (SigV4), granted to this distribution only", async () => {
        const run = await runEdge("dev", "aws", [
            DEV_EDGE[0],
            'platform:cdn={"enabled":true,"staticPathPattern":"/static/*"}',
        ]);
        const oac = inputs(one(run, T.oac));
        assert.deepStrictEqual(
            [oac.originAccessControlOriginType, oac.signingBehavior, oac.signingProtocol],
            ["s3", "always", "sigv4"],
        );
        const d = inputs(one(run, T.distribution));
        const storage = d.origins.find((o: { originId: string }) => o.originId === "storage");
        assert.ok(storage.originAccessControlId, "the bucket origin signs with OAC");
        assert.match(storage.domainName, /\.s3\.eu-west-1\.amazonaws\.com$|\.s3\.[a-z0-9-]+\.amazonaws\.com$/);
        assert.deepStrictEqual(
            d.orderedCacheBehaviors.map((b: { pathPattern: string }) => b.pathPattern),
            ["/static/*"],
        );
        // The bucket stays private: its public-access blocks are untouched.
        const block = inputs(one(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"));
        assert.ok(block.blockPublicPolicy && block.restrictPublicBuckets);
        const cdn = run.resources.find((r) => r.type === "platform:cdn:Cdn")!;
        const [statement] = (
            plain(cdn.outputs) as { storagePolicyStatements: { Condition: unknown; Resource: string }[] }
        ).storagePolicyStatements;
        const distribution = one(run, T.distribution);
        assert.deepStrictEqual(statement.Condition, {
            StringEquals: { "AWS:SourceArn": `arn:aws:cloudfront::123456789012:distribution/${distribution.id}` },
        });
        assert.match(statement.Resource, /^arn:aws:s3:::.+\/static\/\*$/);
    });

    it("keeps CloudFront off the data stores' path: the CDN depends on the Gateway, the zone and the bucket only", async () => {
        const run = await runEdge("prod", "aws");
        const cdnChildren = run.resources.filter((r) => /platform:cdn:Cdn(\$|::)/.test(r.urn));
        const dataStores = run.resources.filter((r) => /platform:(database|cache):/.test(r.urn)).map((r) => r.urn);
        for (const r of cdnChildren) {
            for (const dep of r.dependencies) assert.ok(!dataStores.includes(dep), `${r.name} waits for ${dep}`);
        }
    });
});
