/**
 * Cases of the edge rules (policies/aws/edge.ts, policies/azure/edge.ts): a distribution and a Front Door
 * profile as components/cdn builds them, weakened one property at a time.
 */
import * as aws from "../../policies/aws/edge";
import * as azure from "../../policies/azure/edge";
import { FixtureResource, PolicyCases, named, setPath } from "./fixtures";

const set = (name: string, path: string, value: unknown) => (graph: FixtureResource[]) =>
    setPath(named(graph, name).props, path, value);
const without = (name: string) => (graph: FixtureResource[]) => {
    graph.splice(graph.indexOf(named(graph, name)), 1);
};

const distribution = (): FixtureResource[] => [
    {
        type: aws.CLOUDFRONT_DISTRIBUTION,
        name: "cdn",
        props: {
            webAclId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/platform-prod-cdn-waf/abc",
            viewerCertificate: {
                acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x",
                minimumProtocolVersion: "TLSv1.2_2021",
            },
            origins: [
                {
                    originId: "gateway",
                    domainName: "k8s-gateway-0123.elb.eu-west-1.amazonaws.com",
                    customOriginConfig: {
                        originProtocolPolicy: "https-only",
                        originSslProtocols: ["TLSv1.2"],
                        httpPort: 80,
                        httpsPort: 443,
                    },
                    customHeaders: [{ name: "X-Origin-Verify", value: "a".repeat(40) }],
                },
                {
                    originId: "storage",
                    domainName: "platform-prod-bucket.s3.eu-west-1.amazonaws.com",
                    originAccessControlId: "E2OAC",
                },
            ],
        },
    },
];

const frontDoor = (): FixtureResource[] => [
    {
        type: azure.FRONT_DOOR.profile,
        name: "fd",
        props: { name: "platform-prod-cdn-profile", sku: { name: "Premium_AzureFrontDoor" } },
    },
    {
        type: azure.FRONT_DOOR.securityPolicy,
        name: "fd-security",
        props: {
            profileName: "platform-prod-cdn-profile",
            parameters: {
                type: "WebApplicationFirewall",
                wafPolicy: {
                    id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/frontdoorWebApplicationFirewallPolicies/platformprodwaf",
                },
            },
        },
    },
    {
        type: azure.FRONT_DOOR.wafPolicy,
        name: "waf",
        props: { policySettings: { enabledState: "Enabled", mode: "Prevention" } },
    },
    {
        type: azure.FRONT_DOOR.customDomain,
        name: "domain",
        props: {
            hostName: "app.example.com",
            tlsSettings: { certificateType: "ManagedCertificate", minimumTlsVersion: "TLS12" },
        },
    },
    { type: azure.FRONT_DOOR.route, name: "route", props: { forwardingProtocol: "HttpsOnly" } },
    {
        type: azure.FRONT_DOOR.origin,
        name: "static",
        props: {
            hostName: "stplatformprod.blob.core.windows.net",
            sharedPrivateLinkResource: {
                privateLink: {
                    id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stplatformprod",
                },
                groupId: "blob",
            },
        },
    },
];

export const EDGE_CASES: PolicyCases[] = [
    {
        policy: aws.cloudFrontWafAttached,
        config: { required: true },
        compliant: distribution,
        nonCompliant: { what: "webAclId is empty", change: set("cdn", "webAclId", "") },
        undefinedProperty: {
            what: "webAclId",
            remove: set("cdn", "webAclId", undefined),
            verdict: "fail",
            because: "a distribution has no web ACL unless one is set",
        },
    },
    {
        policy: aws.cloudFrontViewerTls,
        compliant: distribution,
        nonCompliant: {
            what: "the viewer policy is TLSv1.1_2016",
            change: set("cdn", "viewerCertificate.minimumProtocolVersion", "TLSv1.1_2016"),
        },
        undefinedProperty: {
            what: "minimumProtocolVersion",
            remove: set("cdn", "viewerCertificate.minimumProtocolVersion", undefined),
            verdict: "fail",
            because: "CloudFront's default viewer policy is TLSv1",
        },
    },
    {
        policy: aws.cloudFrontOriginHttps,
        compliant: distribution,
        nonCompliant: {
            what: "the Gateway origin is match-viewer",
            change: set("cdn", "origins.0.customOriginConfig.originProtocolPolicy", "match-viewer"),
        },
        undefinedProperty: {
            what: "originProtocolPolicy",
            remove: set("cdn", "origins.0.customOriginConfig.originProtocolPolicy", undefined),
            verdict: "fail",
            because: "the provider requires it, and anything but https-only can send HTTP",
        },
    },
    {
        policy: aws.cloudFrontStorageOriginPrivate,
        compliant: distribution,
        nonCompliant: {
            what: "the bucket origin is its public website endpoint",
            change: set("cdn", "origins.1.domainName", "platform-prod-bucket.s3-website-eu-west-1.amazonaws.com"),
        },
        undefinedProperty: {
            what: "originAccessControlId",
            remove: set("cdn", "origins.1.originAccessControlId", undefined),
            verdict: "fail",
            because: "without OAC CloudFront reads the bucket anonymously, which works only on a public bucket",
        },
    },
    {
        policy: aws.cloudFrontOriginVerified,
        config: { required: true },
        compliant: distribution,
        nonCompliant: {
            what: "the Gateway origin's header value is short and guessable",
            change: set("cdn", "origins.0.customHeaders.0.value", "cdn"),
        },
        undefinedProperty: {
            what: "customHeaders",
            remove: set("cdn", "origins.0.customHeaders", undefined),
            verdict: "fail",
            because:
                "CloudFront adds no custom header unless one is set, and its prefix list admits every distribution",
        },
    },
    {
        policy: azure.frontDoorWafAttached,
        config: { required: true },
        compliant: frontDoor,
        nonCompliant: {
            what: "the security policy names no WAF policy",
            change: set("fd-security", "parameters.wafPolicy", undefined),
        },
        undefinedProperty: {
            what: "the security policy",
            remove: without("fd-security"),
            verdict: "fail",
            because: "a profile has no WAF unless a security policy attaches one",
        },
    },
    {
        policy: azure.frontDoorWafPrevention,
        config: { required: true },
        compliant: frontDoor,
        nonCompliant: { what: "the mode is Detection", change: set("waf", "policySettings.mode", "Detection") },
        undefinedProperty: {
            what: "policySettings",
            remove: set("waf", "policySettings", undefined),
            verdict: "fail",
            because: "a policy without settings runs in Detection mode",
        },
    },
    {
        policy: azure.frontDoorMinimumTls,
        compliant: frontDoor,
        nonCompliant: {
            what: "minimumTlsVersion is TLS10",
            change: set("domain", "tlsSettings.minimumTlsVersion", "TLS10"),
        },
        undefinedProperty: {
            what: "minimumTlsVersion",
            remove: set("domain", "tlsSettings.minimumTlsVersion", undefined),
            verdict: "fail",
            because: "the rule wants the minimum explicit, since the API still offers TLS10",
        },
    },
    {
        policy: azure.frontDoorOriginHttps,
        compliant: frontDoor,
        nonCompliant: {
            what: "forwardingProtocol is HttpOnly",
            change: set("route", "forwardingProtocol", "HttpOnly"),
        },
        undefinedProperty: {
            what: "forwardingProtocol",
            remove: set("route", "forwardingProtocol", undefined),
            verdict: "fail",
            because: "the API's default is MatchRequest",
        },
    },
    {
        policy: azure.frontDoorStorageOriginPrivate,
        compliant: frontDoor,
        nonCompliant: {
            what: "the private link names no resource",
            change: set("static", "sharedPrivateLinkResource.privateLink", undefined),
        },
        undefinedProperty: {
            what: "sharedPrivateLinkResource",
            remove: set("static", "sharedPrivateLinkResource", undefined),
            verdict: "fail",
            because: "the origin is then the account's public endpoint",
        },
    },
];
