/**
 * platform:dns and platform:cdn are validated before anything is registered, with messages that name the key
 * and field, the value received, what is allowed and the fix (components/dns/config.ts, components/cdn/config.ts).
 */
import * as assert from "assert";
import { loadStackConfig } from "../../check/stack";
import { parseConfig } from "../../components/shared/config";
import { expectConfigError } from "../harness";

describe("edge configuration", () => {
    it("rejects a zone written with a trailing dot or capitals, and suggests the name to write", async () => {
        const err = await expectConfigError(
            "dev",
            "aws",
            ['platform:dns={"zone":"Example.com."}'],
            "platform:dns.zone",
            /got "Example\.com\."/,
        );
        const p = err.problems.find((x) => x.key === "platform:dns.zone")!;
        assert.match(p.fix, /Set "zone" in platform:dns to "example\.com"/);
    });

    it("rejects platform:dns without a zone", async () => {
        await expectConfigError(
            "dev",
            "aws",
            ['platform:dns={"create":true}'],
            "platform:dns.zone",
            /a zone name whenever platform:dns is set/,
        );
    });

    it("rejects an Azure resource group for a zone on AWS, or for a zone the stack creates", async () => {
        const bag = '"azure":{"resourceGroupName":"dns-rg"}';
        await expectConfigError(
            "dev",
            "aws",
            [`platform:dns={"zone":"example.com",${bag}}`],
            "platform:dns.azure.resourceGroupName",
            /only when platform:cloud is azure/,
        );
        await expectConfigError(
            "dev",
            "azure",
            [`platform:dns={"zone":"example.com","create":true,${bag}}`],
            "platform:dns.azure.resourceGroupName",
            /only for an existing zone/,
        );
    });

    it("turns the edge on in prod by default, so prod without a DNS zone is refused with both ways out", async () => {
        const err = await expectConfigError(
            "prod",
            "aws",
            ["platform:dns={}"],
            "platform:cdn",
            /on by default in prod/,
        );
        const p = err.problems.find((x) => x.key === "platform:cdn")!;
        assert.match(p.fix, /platform:dns/);
        assert.match(p.fix, /"enabled": false/);
        // Turned off explicitly, prod runs without a zone.
        const { project, config } = loadStackConfig("prod", ["platform:dns={}", 'platform:cdn={"enabled":false}']);
        assert.strictEqual(parseConfig(config, project, "prod").cdn.enabled, false);
    });

    it("rejects CDN hosts outside the stack's zone, whose certificates could not be validated", async () => {
        await expectConfigError(
            "dev",
            "aws",
            ['platform:dns={"zone":"example.com"}', 'platform:cdn={"enabled":true,"hosts":["www.example.org"]}'],
            "platform:cdn.hosts[0]",
            /a host in the stack's DNS zone example\.com/,
        );
    });

    it("rejects a static path on Azure, where Front Door cannot read the private storage account", async () => {
        await expectConfigError(
            "dev",
            "azure",
            ['platform:dns={"zone":"example.com"}', 'platform:cdn={"enabled":true,"staticPathPattern":"/static/*"}'],
            "platform:cdn.staticPathPattern",
            // The reason carries Microsoft's statement and where to re-check it.
            /no static path on Azure: .*not supported for origins with Private Link enabled.*origin-authentication-with-managed-identities/,
        );
    });

    it("rejects a static path that is no prefix ending in /*, and a rate limit AWS WAF refuses", async () => {
        await expectConfigError(
            "dev",
            "aws",
            ['platform:cdn={"enabled":false,"staticPathPattern":"static"}'],
            "platform:cdn.staticPathPattern",
            /ending in "\/\*"/,
        );
        await expectConfigError(
            "dev",
            "aws",
            ['platform:cdn={"rateLimitPer5Minutes":5}'],
            "platform:cdn.rateLimitPer5Minutes",
            /from 10 to 2000000000/,
        );
    });
});
