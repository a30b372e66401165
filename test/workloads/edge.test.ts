/**
 * The edge (issue 13 items 1-3): the Gateway API through Envoy Gateway instead of the retired ingress-nginx,
 * the cloud's load balancer in front of it, the routes' policies and the certificates. One test per behaviour;
 * each names the source that says what the real system does with the setting.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ConfigError, parseConfig } from "../../components/shared/config";
import { acmeSolvers, certManagerValues } from "../../components/workloads/edge/certificates";
import { envoyGatewayValues } from "../../components/workloads/edge/controller";
import { gatewayCrdsValues } from "../../components/workloads/edge/crds";
import { weightedBackends } from "../../components/workloads/edge/routes";
import iamPolicy from "../../components/workloads/edge/aws-load-balancer-controller/iam_policy.v3.5.0.json";
import { ProgramRun, ResourceRecord } from "../../check/runtime";
import { ROOT, loadStackConfig } from "../../check/stack";
import { inputs, ofType, one, runStack } from "../harness";

const T = {
    gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    gatewayClass: "kubernetes:gateway.networking.k8s.io/v1:GatewayClass",
    httpRoute: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    envoyProxy: "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy",
    clientTraffic: "kubernetes:gateway.envoyproxy.io/v1alpha1:ClientTrafficPolicy",
    backendTraffic: "kubernetes:gateway.envoyproxy.io/v1alpha1:BackendTrafficPolicy",
    security: "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy",
    crdChart: "kubernetes:helm.sh/v4:Chart",
    release: "kubernetes:helm.sh/v3:Release",
    certificate: "kubernetes:cert-manager.io/v1:Certificate",
    issuer: "kubernetes:cert-manager.io/v1:ClusterIssuer",
} as const;

function named(run: ProgramRun, type: string, name: string, namespace?: string): ResourceRecord {
    const found = ofType(run, type).filter(
        (r) =>
            inputs(r).metadata?.name === name &&
            (namespace === undefined || inputs(r).metadata?.namespace === namespace),
    );
    assert.strictEqual(found.length, 1, `one ${type} ${namespace ?? ""}/${name}, found ${found.length}`);
    return found[0];
}

/** Every URN a resource waits for, directly or through the resources it waits for. */
function waitsFor(run: ProgramRun, r: ResourceRecord): Set<string> {
    const byUrn = new Map(run.resources.map((x) => [x.urn, x]));
    const seen = new Set<string>();
    const visit = (urn: string) => {
        if (seen.has(urn)) return;
        seen.add(urn);
        const x = byUrn.get(urn);
        [...(x?.dependencies ?? []), ...(x?.parent && x.parent !== r.parent ? [x.parent] : [])].forEach(visit);
    };
    r.dependencies.forEach(visit);
    return seen;
}

function release(run: ProgramRun, chart: RegExp): ResourceRecord {
    const found = ofType(run, T.release).filter((r) => chart.test(inputs(r).chart));
    assert.strictEqual(found.length, 1, `one release of ${chart}`);
    return found[0];
}

describe("edge: no ingress-nginx left in any graph", () => {
    // The Kubernetes project retired ingress-nginx in March 2026 (issue 13); every committed graph
    // (test/graph/graph.test.ts keeps them equal to the program's) must be free of it.
    const dir = path.join(ROOT, "test", "graph", "baseline");
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json"))) {
        it(`${file} has no Ingress, no ingress-nginx release and no nginx annotation, so that the retired controller is gone`, () => {
            const text = fs.readFileSync(path.join(dir, file), "utf8");
            const graph = JSON.parse(text) as { resources: { type: string }[] };
            assert.ok(!graph.resources.some((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress"));
            assert.doesNotMatch(text, /ingress-nginx|nginx\.ingress\.kubernetes\.io/);
            assert.ok(
                graph.resources.some((r) => r.type === T.gateway),
                "the Gateway replaces it",
            );
        });
    }
});

for (const cloud of ["aws", "azure"] as const) {
    describe(`edge: prod on ${cloud}`, () => {
        let run: ProgramRun;
        before(async function () {
            this.timeout(300000);
            run = await runStack("prod", cloud);
        });

        it("installs the standard-channel Gateway API CRDs as their own resource before the controller, the Gateway and every route", () => {
            // envoyproxy/gateway@v1.9.0:charts/gateway-crds-helm/templates/standard-gatewayapi-crds.yaml renders
            // only when crds.gatewayAPI.channel is "standard"; the controller chart's own copy is experimental.
            const crds = one(run, T.crdChart);
            assert.deepStrictEqual(inputs(crds).values, gatewayCrdsValues());
            assert.strictEqual(inputs(crds).values.crds.gatewayAPI.channel, "standard");
            const controller = release(run, /gateway-helm$/);
            assert.strictEqual(inputs(controller).values.crds.enabled, false, "the controller chart installs no CRDs");
            for (const dependent of [controller, one(run, T.gateway), ...ofType(run, T.httpRoute)]) {
                assert.ok(waitsFor(run, dependent).has(crds.urn), `${dependent.name} waits for the CRDs`);
            }
        });

        it("redirects every plain-HTTP request to HTTPS with a 301 on the HTTP listener, which admits no other route", () => {
            // gateway-api@v1.6.1:apis/v1/httproute_types.go HTTPRequestRedirectFilter (scheme, statusCode 301).
            const gateway = inputs(one(run, T.gateway)).spec;
            const http = gateway.listeners.find((l: { port: number }) => l.port === 80);
            assert.deepStrictEqual(http.allowedRoutes, { namespaces: { from: "Same" } });
            const redirect = inputs(named(run, T.httpRoute, "https-redirect")).spec;
            assert.strictEqual(redirect.parentRefs[0].sectionName, http.name);
            assert.deepStrictEqual(redirect.rules, [
                { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
            ]);
            const others = ofType(run, T.httpRoute).filter((r) => inputs(r).metadata.name !== "https-redirect");
            for (const r of others) {
                assert.ok(
                    inputs(r).spec.parentRefs.every((p: { sectionName: string }) => p.sectionName === "https"),
                    `${inputs(r).metadata.name} attaches only to the HTTPS listener`,
                );
            }
        });

        it("terminates TLS on port 443 with the certificate cert-manager issues for every host the Gateway serves", () => {
            const https = inputs(one(run, T.gateway)).spec.listeners.find((l: { port: number }) => l.port === 443);
            assert.strictEqual(https.protocol, "HTTPS");
            assert.deepStrictEqual(https.tls, {
                mode: "Terminate",
                certificateRefs: [{ kind: "Secret", name: "gateway-tls" }],
            });
            const cert = inputs(one(run, T.certificate)).spec;
            assert.strictEqual(cert.secretName, "gateway-tls");
            const hosts = ofType(run, T.httpRoute).flatMap((r) => inputs(r).spec.hostnames ?? []);
            assert.deepStrictEqual(cert.dnsNames, [...new Set(hosts)].sort());
        });

        it("accepts TLS 1.2 at minimum and up to 1.3 on the Gateway's listeners", () => {
            // envoyproxy/gateway@v1.9.0:api/v1alpha1/tls_types.go (minVersion / maxVersion).
            const policy = inputs(one(run, T.clientTraffic)).spec;
            assert.deepStrictEqual(policy.targetRefs, [
                { group: "gateway.networking.k8s.io", kind: "Gateway", name: "platform" },
            ]);
            assert.deepStrictEqual(policy.tls, { minVersion: "1.2", maxVersion: "1.3" });
        });

        it("sets HSTS, X-Content-Type-Options, X-Frame-Options and Referrer-Policy on every route's responses", () => {
            const routes = ofType(run, T.httpRoute).filter((r) => inputs(r).metadata.name !== "https-redirect");
            assert.ok(routes.length >= 2);
            for (const r of routes) {
                for (const rule of inputs(r).spec.rules) {
                    const set = rule.filters.find((f: { type: string }) => f.type === "ResponseHeaderModifier")
                        ?.responseHeaderModifier.set;
                    const headers = Object.fromEntries(
                        (set ?? []).map((h: { name: string; value: string }) => [h.name, h.value]),
                    );
                    assert.match(headers["Strict-Transport-Security"] ?? "", /^max-age=31536000; includeSubDomains$/);
                    assert.strictEqual(headers["X-Content-Type-Options"], "nosniff");
                    assert.strictEqual(headers["X-Frame-Options"], "DENY");
                    assert.strictEqual(headers["Referrer-Policy"], "strict-origin-when-cross-origin");
                }
            }
        });

        it("limits requests per client IP on every route through the global rate limit and its Redis", () => {
            // Local rate limits have no per-client buckets (envoyproxy/gateway@v1.9.0:site/content/en/v1.9/tasks/
            // traffic/local-rate-limit.md); Distinct sourceCIDR needs the global limit with a Redis backend.
            const routes = ofType(run, T.httpRoute).filter((r) => inputs(r).metadata.name !== "https-redirect");
            for (const r of routes) {
                const { name, namespace } = inputs(r).metadata;
                const policy = inputs(named(run, T.backendTraffic, name, namespace)).spec;
                assert.deepStrictEqual(policy.targetRefs, [
                    { group: "gateway.networking.k8s.io", kind: "HTTPRoute", name },
                ]);
                assert.deepStrictEqual(policy.rateLimit.global.rules[0].clientSelectors, [
                    { sourceCIDR: { type: "Distinct", value: "0.0.0.0/0" } },
                ]);
                assert.strictEqual(policy.rateLimit.local, undefined);
            }
            const backend = inputs(release(run, /gateway-helm$/)).values.config.envoyGateway.rateLimit.backend;
            assert.deepStrictEqual(backend, {
                type: "Redis",
                redis: { url: "ratelimit-redis.gateway-ratelimit.svc.cluster.local:6379" },
            });
            assert.deepStrictEqual(
                envoyGatewayValues(false).config,
                inputs(release(run, /gateway-helm$/)).values.config,
            );
        });

        if (cloud === "aws") {
            it("puts the Envoy fleet behind an NLB with IP targets provisioned by the AWS Load Balancer Controller on EKS", () => {
                // github:kubernetes-sigs/aws-load-balancer-controller@v3.5.0:docs/guide/service/annotations.md;
                // the in-tree controller ignores a Service whose loadBalancerClass is service.k8s.aws/nlb.
                const service = inputs(one(run, T.envoyProxy)).spec.provider.kubernetes.envoyService;
                assert.strictEqual(service.type, "LoadBalancer");
                assert.strictEqual(service.loadBalancerClass, "service.k8s.aws/nlb");
                assert.strictEqual(
                    service.annotations["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"],
                    "ip",
                );
                assert.strictEqual(
                    service.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"],
                    "internet-facing",
                );
                const lbc = release(run, /^aws-load-balancer-controller$/);
                assert.ok(waitsFor(run, one(run, T.gateway)).has(lbc.urn), "the Gateway waits for the controller");
                assert.strictEqual(inputs(lbc).values.enableServiceMutatorWebhook, false);
                assert.strictEqual(inputs(lbc).values.createIngressClassResource, false);
            });

            it("gives the AWS Load Balancer Controller its published IAM policy through EKS Pod Identity", () => {
                const association = ofType(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation").find(
                    (a) => inputs(a).serviceAccount === "aws-load-balancer-controller",
                )!;
                assert.ok(association, "a Pod Identity association for the controller's ServiceAccount");
                assert.strictEqual(inputs(association).namespace, "kube-system");
                const policy = ofType(run, "aws:iam/rolePolicy:RolePolicy").find((p) =>
                    /-lbc-load-balancer-controller$/.test(p.name),
                )!;
                assert.deepStrictEqual(JSON.parse(inputs(policy).policy), iamPolicy);
                const lbc = release(run, /^aws-load-balancer-controller$/);
                assert.ok(lbc.dependencies.includes(association.urn), "the pods start after the association exists");
            });
        } else {
            it("uses AKS's Standard Load Balancer through the cloud provider, preserving client addresses", () => {
                const service = inputs(one(run, T.envoyProxy)).spec.provider.kubernetes.envoyService;
                assert.strictEqual(service.type, "LoadBalancer");
                assert.strictEqual(service.loadBalancerClass, undefined);
                assert.strictEqual(service.externalTrafficPolicy, "Local");
                assert.ok(!ofType(run, T.release).some((r) => /aws-load-balancer-controller/.test(inputs(r).chart)));
            });
        }
    });
}

describe("edge: Grafana's allow-list is its own setting", () => {
    it("admits only platform:edge.grafanaAllowedCidrs to Grafana, never the Kubernetes API's allow-list", async function () {
        this.timeout(300000);
        const run = await runStack("dev", "aws", [
            'platform:apiAllowedCidrs=["203.0.113.0/24"]',
            'platform:edge={"grafanaAllowedCidrs": ["198.51.100.0/24"]}',
        ]);
        // envoyproxy/gateway@v1.9.0:api/v1alpha1/authorization_types.go (defaultAction, principal.clientCIDRs).
        const policy = inputs(named(run, T.security, "grafana", "monitoring")).spec;
        assert.deepStrictEqual(policy.targetRefs, [
            { group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "grafana" },
        ]);
        assert.strictEqual(policy.authorization.defaultAction, "Deny");
        assert.deepStrictEqual(policy.authorization.rules, [
            { name: "allow-listed-sources", action: "Allow", principal: { clientCIDRs: ["198.51.100.0/24"] } },
        ]);
    });

    it("fails when a Grafana allow-list entry is not a network CIDR, naming the key", () => {
        const { project, config } = loadStackConfig("dev", ['platform:edge={"grafanaAllowedCidrs": ["10.0.0.1/8"]}']);
        assert.throws(
            () => parseConfig(config, project, "dev"),
            (err: unknown) =>
                err instanceof ConfigError &&
                err.problems.some((p) => p.key === "platform:edge.grafanaAllowedCidrs[0]"),
        );
    });
});

describe("edge: certificates", () => {
    it("enables cert-manager's Gateway API support (config.gatewayAPI.enabled), so that it can solve through HTTPRoutes", () => {
        // cert-manager@v1.21.1:pkg/apis/config/controller/v1alpha1/types.go GatewayAPIConfig.Enabled.
        const values = certManagerValues(false) as { config: { kind: string; gatewayAPI: { enabled: boolean } } };
        assert.strictEqual(values.config.kind, "ControllerConfiguration");
        assert.strictEqual(values.config.gatewayAPI.enabled, true);
    });

    for (const [stack, server] of [
        ["dev", "https://acme-staging-v02.api.letsencrypt.org/directory"],
        ["staging", "https://acme-staging-v02.api.letsencrypt.org/directory"],
        ["prod", "https://acme-v02.api.letsencrypt.org/directory"],
    ] as const) {
        it(`uses ${server.includes("staging") ? "Let's Encrypt's staging" : "the production"} directory in ${stack}, so that re-created stacks do not exhaust the production rate limits`, async function () {
            this.timeout(300000);
            const run = await runStack(stack, "aws");
            assert.strictEqual(inputs(one(run, T.issuer)).spec.acme.server, server);
        });
    }

    it("uses the production directory outside prod when platform:edge.letsEncrypt says so", async function () {
        this.timeout(300000);
        const run = await runStack("staging", "azure", ['platform:edge={"letsEncrypt": "production"}']);
        assert.strictEqual(
            inputs(one(run, T.issuer)).spec.acme.server,
            "https://acme-v02.api.letsencrypt.org/directory",
        );
    });

    it("solves names of the stack's zone with DNS-01 (Route 53) and every other name with HTTP-01 through the Gateway", () => {
        // cert-manager@v1.21.1:pkg/apis/acme/v1/types_issuer.go (ACMEChallengeSolver.selector.dnsZones, route53).
        const solvers = acmeSolvers("envoy-gateway-system", {
            cloud: "aws",
            zoneName: "example.com",
            hostedZoneId: "Z123",
            region: "eu-west-1",
        });
        assert.deepStrictEqual(solvers[0], {
            selector: { dnsZones: ["example.com"] },
            dns01: { route53: { region: "eu-west-1", hostedZoneID: "Z123" } },
        });
        assert.deepStrictEqual(Object.keys(solvers[1]), ["http01"]);
    });

    it("solves DNS-01 on Azure DNS with the managed identity federated with cert-manager", () => {
        const [dns01] = acmeSolvers("envoy-gateway-system", {
            cloud: "azure",
            zoneName: "example.com",
            subscriptionId: "sub",
            resourceGroupName: "rg",
            managedIdentityClientId: "client",
        });
        assert.deepStrictEqual(dns01.dns01, {
            azureDNS: {
                subscriptionID: "sub",
                resourceGroupName: "rg",
                hostedZoneName: "example.com",
                environment: "AzurePublicCloud",
                managedIdentity: { clientID: "client" },
            },
        });
    });
});

describe("edge: canary weights", () => {
    it("splits a route's requests between the stable and canary Services by weight, summing to 100", () => {
        // gateway-api@v1.6.1:apis/v1/httproute_types.go HTTPBackendRef.weight (proportional split).
        assert.deepStrictEqual(
            weightedBackends({ name: "api", port: 8080, canary: { name: "api-canary", weight: 10 } }),
            [
                { name: "api", port: 8080, weight: 90 },
                { name: "api-canary", port: 8080, weight: 10 },
            ],
        );
        assert.deepStrictEqual(weightedBackends({ name: "api", port: 8080 }), [{ name: "api", port: 8080 }]);
    });
});
