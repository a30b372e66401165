import * as pulumi from "@pulumi/pulumi";
import * as cdn from "@pulumi/azure-native/cdn";
import { azurePlacement } from "../shared/context";
import { CdnArgs, CdnOutputs, cdnSettings } from ".";
import { customDomains } from "./azure-domains";
import { fitName } from "../shared/names";
import { wafPolicy, wafPolicyName } from "./azure-waf";

export { FRONT_DOOR_ID_HEADER } from "./azure-origin";

/**
 * Azure Front Door Premium in front of the Gateway's load balancer: in the profile of the origin's lock
 * (azure-origin.ts, built before the Gateway), an endpoint, one origin group
 * with the Gateway's address (HTTPS only, certificate name checked), a route for the hosts' custom domains
 * (managed certificates, TLS 1.2 minimum, HTTP redirected to HTTPS), and a security policy attaching the WAF
 * policy to every domain. Lock-down (azure-origin.ts): the Gateway's Service admits only the
 * `AzureFrontDoor.Backend` service tag, and the Gateway refuses requests whose `X-Azure-FDID` is not this
 * profile's id (https://learn.microsoft.com/en-us/azure/frontdoor/origin-security#public-ip-address-based-origins).
 */
export function createAzureCdn(name: string, args: CdnArgs, parent: pulumi.Resource): CdnOutputs {
    const settings = cdnSettings(args);
    const { resourceGroupName } = azurePlacement(args.context);
    const opts = { parent };
    const scope = { resourceGroupName, profileName: args.origin.profileName };
    const endpoint = new cdn.AFDEndpoint(
        `${name}-endpoint`,
        { ...scope, location: "Global", enabledState: "Enabled", tags: args.context.tags },
        opts,
    );
    const waf = wafPolicy(
        name,
        { policyName: wafPolicyName(args.context.namePrefix), resourceGroupName, tags: args.context.tags, ...settings },
        opts,
    );
    const domains = customDomains(
        name,
        {
            hosts: args.hosts,
            ...scope,
            zone: {
                zoneId: args.zone.zoneId,
                zoneName: args.zone.zoneName,
                resourceGroupName: args.zone.resourceGroupName,
            },
            endpoint,
        },
        opts,
    );
    gatewayRoute(name, { scope, endpoint, domains, originAddress: args.originAddress }, opts);
    new cdn.SecurityPolicy(
        `${name}-security-policy`,
        {
            ...scope,
            parameters: {
                type: "WebApplicationFirewall",
                wafPolicy: { id: waf.id },
                associations: [{ domains: domains.map((d) => ({ id: d.id })), patternsToMatch: ["/*"] }],
            },
        },
        opts,
    );
    return {
        endpointHostName: endpoint.hostName,
        urls: pulumi.output(args.hosts.map((h) => `https://${h}/`)),
        wafId: waf.id,
        originHeader: args.origin.header,
        storagePolicyStatements: pulumi.output([]),
        storageKeyPolicyStatements: pulumi.output([]),
    };
}

/**
 * The Gateway as the only origin of the default route: HTTPS to it, the viewer's Host header passed on (no
 * `originHostHeader`), so the Gateway routes by host and Front Door checks its certificate against it. No
 * health probe: with one origin in the group Front Door recommends none
 * (https://learn.microsoft.com/en-us/azure/frontdoor/health-probes#health-probe-considerations).
 */
function gatewayRoute(
    name: string,
    args: {
        readonly scope: { resourceGroupName: pulumi.Input<string>; profileName: pulumi.Input<string> };
        readonly endpoint: cdn.AFDEndpoint;
        readonly domains: cdn.AFDCustomDomain[];
        readonly originAddress: pulumi.Input<string>;
    },
    opts: pulumi.CustomResourceOptions,
): cdn.Route {
    // Origin groups, origins and routes take 1-50 characters (resource-name-rules, Microsoft.Cdn): auto-names
    // (the logical name plus 8 characters) pass 50 with long stack names, so each is named, fitted, and deleted
    // before it is replaced (a fixed name cannot exist twice).
    const named = { ...opts, deleteBeforeReplace: true };
    const group = new cdn.AFDOriginGroup(
        `${name}-gateway-group`,
        {
            ...args.scope,
            originGroupName: fitName(`${name}-gateway-group`, 50),
            loadBalancingSettings: { sampleSize: 4, successfulSamplesRequired: 3 },
        },
        named,
    );
    const origin = new cdn.AFDOrigin(
        `${name}-gateway-origin`,
        {
            ...args.scope,
            originGroupName: group.name,
            originName: fitName(`${name}-gateway-origin`, 50),
            hostName: args.originAddress,
            httpPort: 80,
            httpsPort: 443,
            enforceCertificateNameCheck: true,
            enabledState: "Enabled",
        },
        named,
    );
    return new cdn.Route(
        `${name}-gateway-route`,
        {
            ...args.scope,
            endpointName: args.endpoint.name,
            routeName: fitName(`${name}-gateway-route`, 50),
            originGroup: { id: group.id },
            customDomains: args.domains.map((d) => ({ id: d.id })),
            supportedProtocols: ["Http", "Https"],
            httpsRedirect: "Enabled",
            forwardingProtocol: "HttpsOnly",
            linkToDefaultDomain: "Disabled",
            patternsToMatch: ["/*"],
            enabledState: "Enabled",
        },
        // A route needs an origin in its group.
        { ...named, dependsOn: [origin] },
    );
}
