/**
 * The edge on Azure (issue 13 items 4-5): the Azure DNS zone (created or existing), external-dns with a
 * federated identity holding DNS Zone Contributor on the zone only, Front Door Premium with its WAF policy
 * (managed default and bot rule sets, a rate limit, prevention in prod), managed certificates for the custom
 * domains, HTTPS-only origin and the X-Azure-FDID value for the Gateway. Sources are cited in components/cdn.
 */
import * as assert from "assert";
import { ProgramRun, plain } from "../../check/runtime";
import { SUBSCRIPTION_ID } from "../../check/invokes";
import { EXTERNAL_DNS_ROLES } from "../../components/workloads/dns/azure";
import { inputs, ofType, one, outputs } from "../harness";
import { DEV_EDGE, gatewayOf, runEdge } from "./support";

const T = {
    zone: "azure-native:dns:Zone",
    recordSet: "azure-native:dns:RecordSet",
    profile: "azure-native:cdn:Profile",
    waf: "azure-native:frontdoor:Policy",
    origin: "azure-native:cdn:AFDOrigin",
    route: "azure-native:cdn:Route",
    domain: "azure-native:cdn:AFDCustomDomain",
    securityPolicy: "azure-native:cdn:SecurityPolicy",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    release: "kubernetes:helm.sh/v3:Release",
};

const externalDnsRelease = (run: ProgramRun) => ofType(run, T.release).find((r) => inputs(r).chart === "external-dns")!;

describe("edge on Azure: DNS zone and external-dns", () => {
    it("creates a public Azure DNS zone (location global) in the stack's resource group with create: true, protected in prod", async () => {
        const run = await runEdge("prod", "azure");
        const zone = one(run, T.zone);
        assert.deepStrictEqual(
            [inputs(zone).zoneName, inputs(zone).location, inputs(zone).zoneType],
            ["example.com", "global", "Public"],
        );
        assert.ok(zone.protect && zone.retainOnDelete);
        assert.strictEqual(outputs(run).edge.nameServers.length, 4);
    });

    it("looks an existing zone up in azure.resourceGroupName without create, so its records stay", async () => {
        const run = await runEdge("dev", "azure", [
            'platform:dns={"zone":"example.com","azure":{"resourceGroupName":"dns-rg"}}',
            'platform:cdn={"enabled":true}',
        ]);
        assert.strictEqual(ofType(run, T.zone).length, 0);
        assert.strictEqual(
            outputs(run).edge.zoneId,
            `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/dns-rg/providers/Microsoft.Network/dnszones/example.com`,
        );
    });

    it("gives external-dns DNS Zone Contributor on the zone only (and read-only listing of its group), through Workload ID", async () => {
        const run = await runEdge("prod", "azure");
        const zoneId = outputs(run).edge.zoneId;
        const grants = ofType(run, T.roleAssignment).filter((a) => a.name.includes("external-dns"));
        const contributor = grants.find((a) =>
            inputs(a).roleDefinitionId.endsWith(EXTERNAL_DNS_ROLES.dnsZoneContributor),
        )!;
        assert.strictEqual(inputs(contributor).scope, zoneId);
        for (const g of grants.filter((a) => a !== contributor)) {
            assert.ok(inputs(g).roleDefinitionId.endsWith(EXTERNAL_DNS_ROLES.reader), "every other grant is Reader");
        }
        const v = inputs(externalDnsRelease(run)).values;
        assert.strictEqual(v.provider.name, "azure");
        assert.strictEqual(v.podLabels["azure.workload.identity/use"], "true");
        assert.ok(v.serviceAccount.annotations["azure.workload.identity/client-id"]);
        assert.deepStrictEqual(v.domainFilters, ["example.com"]);
        assert.ok(v.extraArgs.includes(`--zone-id-filter=${zoneId}`));
        assert.strictEqual(v.policy, "sync");
    });
});

describe("edge on Azure: Front Door and WAF", () => {
    it("uses Front Door Premium with a WAF policy of the managed default rule set 2.1 and bot manager rule set, in prevention mode in prod", async () => {
        const run = await runEdge("prod", "azure");
        assert.strictEqual(inputs(one(run, T.profile)).sku.name, "Premium_AzureFrontDoor");
        const waf = inputs(one(run, T.waf));
        assert.strictEqual(waf.sku.name, "Premium_AzureFrontDoor");
        assert.strictEqual(waf.policySettings.mode, "Prevention");
        assert.match(waf.policyName, /^[A-Za-z][A-Za-z0-9]*$/);
        const sets = waf.managedRules.managedRuleSets.map(
            (s: { ruleSetType: string; ruleSetVersion: string }) => `${s.ruleSetType} ${s.ruleSetVersion}`,
        );
        assert.deepStrictEqual(sets, ["Microsoft_DefaultRuleSet 2.1", "Microsoft_BotManagerRuleSet 1.1"]);
    });

    it("rate-limits each client over 5 minutes, and only detects outside prod unless wafMode says otherwise", async () => {
        const prod = inputs(one(await runEdge("prod", "azure"), T.waf));
        const [rule] = prod.customRules.rules;
        assert.deepStrictEqual(
            [rule.ruleType, rule.rateLimitDurationInMinutes, rule.rateLimitThreshold, rule.action, rule.groupBy],
            ["RateLimitRule", 5, 2000, "Block", [{ variableName: "SocketAddr" }]],
        );
        const staging = await runEdge("staging", "azure", [DEV_EDGE[0], DEV_EDGE[1]]);
        assert.strictEqual(inputs(one(staging, T.waf)).policySettings.mode, "Detection");
        const strict = await runEdge("staging", "azure", [
            DEV_EDGE[0],
            'platform:cdn={"enabled":true,"wafMode":"prevention"}',
        ]);
        assert.strictEqual(inputs(one(strict, T.waf)).policySettings.mode, "Prevention");
    });

    it("attaches the WAF policy to every custom domain through the security policy", async () => {
        const run = await runEdge("prod", "azure");
        const params = inputs(one(run, T.securityPolicy)).parameters;
        assert.strictEqual(params.wafPolicy.id, one(run, T.waf).id);
        const domains = ofType(run, T.domain).map((d) => d.id);
        assert.deepStrictEqual(
            params.associations[0].domains.map((d: { id: string }) => d.id).sort(),
            [...domains].sort(),
        );
    });

    it("gives each host a Front Door managed certificate with TLS 1.2 minimum, validated in the zone", async () => {
        const run = await runEdge("prod", "azure");
        const domains = ofType(run, T.domain).map(inputs);
        assert.deepStrictEqual(
            domains.map((d) => d.hostName),
            ["api.example.com", "app.example.com"],
        );
        for (const d of domains) {
            assert.deepStrictEqual(d.tlsSettings, {
                certificateType: "ManagedCertificate",
                minimumTlsVersion: "TLS12",
            });
        }
        const names = ofType(run, T.recordSet).map((r) => `${inputs(r).recordType} ${inputs(r).relativeRecordSetName}`);
        assert.deepStrictEqual(names.sort(), ["CNAME api", "CNAME app", "TXT _dnsauth.api", "TXT _dnsauth.app"]);
    });

    it("forwards to the Gateway over HTTPS only with its certificate name checked, and redirects viewers to HTTPS", async () => {
        const run = await runEdge("prod", "azure");
        const origin = inputs(one(run, T.origin));
        // The public IP of the Gateway's AKS load balancer, as the Gateway reports it.
        assert.match(gatewayOf(run).address, /^\d+\.\d+\.\d+\.\d+$/);
        assert.strictEqual(origin.hostName, gatewayOf(run).address);
        assert.strictEqual(origin.enforceCertificateNameCheck, true);
        const route = inputs(one(run, T.route));
        assert.deepStrictEqual([route.forwardingProtocol, route.httpsRedirect], ["HttpsOnly", "Enabled"]);
    });

    it("publishes the X-Azure-FDID value and the load balancer's service-tag lock-down for the Gateway", async () => {
        const run = await runEdge("prod", "azure");
        const profile = one(run, T.profile);
        const edge = outputs(run).edge;
        assert.strictEqual(edge.originHeader.name, "X-Azure-FDID");
        assert.strictEqual(edge.originHeader.value, (plain(profile.state) as { frontDoorId: string }).frontDoorId);
        // A hand-off to the Gateway's Service, not a stack output (cloud-specific keys): the lock's property
        // (test/edge/origin-lock.test.ts checks that it reaches the EnvoyProxy).
        const origin = run.resources.find((r) => r.type === "platform:cdn:CdnOrigin")!;
        const annotations = (plain(origin.outputs) as { loadBalancerAnnotations: Record<string, string> })
            .loadBalancerAnnotations;
        assert.strictEqual(
            annotations["service.beta.kubernetes.io/azure-allowed-service-tags"],
            "AzureFrontDoor.Backend",
        );
        assert.ok(edge.cdnHostName.endsWith(".azurefd.net"));
    });
});
