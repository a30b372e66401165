/**
 * The edge on Azure: Front Door profiles with a WAF policy attached where required (prod), WAF policies in
 * Prevention mode where required, TLS 1.2 or later on custom domains, HTTPS only to origins, and storage
 * origins only through Private Link.
 */
import type { PolicyResource } from "@pulumi/policy";
import { label, ofTypes, peek, resourcePolicy, setting, stackPolicy } from "../lib/policy";

export const FRONT_DOOR = {
    profile: "azure-native:cdn:Profile",
    securityPolicy: "azure-native:cdn:SecurityPolicy",
    wafPolicy: "azure-native:frontdoor:Policy",
    customDomain: "azure-native:cdn:AFDCustomDomain",
    route: "azure-native:cdn:Route",
    origin: "azure-native:cdn:AFDOrigin",
} as const;

interface Profile {
    profileName?: string;
    name?: string;
    sku?: { name?: string };
}
interface SecurityPolicy {
    profileName?: string;
    parameters?: { type?: string; wafPolicy?: { id?: string } };
}

/** The security policies that put a WAF policy on this profile (by dependency or by its physical name). */
function wafOf(resources: readonly PolicyResource[], profile: PolicyResource): PolicyResource[] {
    const name = peek(profile.props as Profile, "name") ?? peek(profile.props as Profile, "profileName");
    return ofTypes(resources, [FRONT_DOOR.securityPolicy]).filter((r) => {
        const p = r.props as SecurityPolicy;
        const linked =
            (r.propertyDependencies.profileName ?? []).some((d) => d.urn === profile.urn) ||
            (name !== undefined && p.profileName === name);
        return linked && p.parameters?.type === "WebApplicationFirewall" && Boolean(p.parameters.wafPolicy?.id);
    });
}

export const frontDoorWafAttached = stackPolicy({
    name: "azure-frontdoor-waf-attached",
    description:
        "Front Door profiles have a WAF policy attached through a security policy where the environment requires one.",
    severity: "high",
    settings: { required: setting.flag(false, "Require a WAF security policy on every Front Door profile.") },
    validate: ({ resources, config, args, report }) => {
        if (!config.required) args.notApplicable("a WAF is not required in this environment");
        for (const profile of ofTypes(resources, [FRONT_DOOR.profile])) {
            if (!/AzureFrontDoor$/.test((profile.props as Profile).sku?.name ?? "")) continue;
            if (wafOf(resources, profile).length === 0) {
                report(
                    profile,
                    `${label(profile)} has no security policy with a WAF policy, so requests reach the origins unfiltered. ` +
                        "Fix: add an azure-native.cdn.SecurityPolicy of type WebApplicationFirewall with the WAF policy's id " +
                        "and the profile's domains (on this platform: platform:cdn, components/cdn/azure.ts).",
                );
            }
        }
    },
});

export const frontDoorWafPrevention = resourcePolicy({
    name: "azure-frontdoor-waf-prevention",
    description: "Front Door WAF policies are enabled in Prevention mode where the environment requires it.",
    severity: "high",
    types: [FRONT_DOOR.wafPolicy],
    settings: { required: setting.flag(false, "Require mode Prevention.") },
    validate: (policy: { policySettings?: { mode?: string; enabledState?: string } }, { config, args, report }) => {
        if (!config.required) args.notApplicable("prevention is not required in this environment");
        const s = policy.policySettings ?? {};
        // Without policySettings the policy is Enabled in Detection mode (Microsoft.Network/FrontDoorWebApplicationFirewallPolicies PolicySettings).
        if (s.mode !== "Prevention" || s.enabledState === "Disabled") {
            report(
                `The WAF policy is ${s.enabledState === "Disabled" ? "disabled" : `in ${s.mode ?? "Detection (the default)"} mode`}, so it only logs attacks. ` +
                    'Fix: set policySettings.mode "Prevention" and enabledState "Enabled" (on this platform: platform:cdn.wafMode).',
            );
        }
    },
});

export const frontDoorMinimumTls = resourcePolicy({
    name: "azure-frontdoor-minimum-tls",
    description: "Front Door custom domains accept TLS 1.2 or later only.",
    severity: "high",
    types: [FRONT_DOOR.customDomain],
    validate: (domain: { tlsSettings?: { minimumTlsVersion?: string } }, { report }) => {
        const version = domain.tlsSettings?.minimumTlsVersion;
        if (version !== "TLS12" && version !== "TLS13") {
            report(
                `minimumTlsVersion is ${version ?? "not set"}. Fix: set tlsSettings.minimumTlsVersion "TLS12" (or "TLS13").`,
            );
        }
    },
});

export const frontDoorOriginHttps = resourcePolicy({
    name: "azure-frontdoor-origin-https-only",
    description: "Front Door routes forward to their origins over HTTPS only.",
    severity: "high",
    types: [FRONT_DOOR.route],
    validate: (route: { forwardingProtocol?: string }, { report }) => {
        // The API's default is MatchRequest: an HTTP request would reach the origin over HTTP.
        if (route.forwardingProtocol !== "HttpsOnly") {
            report(
                `forwardingProtocol is ${route.forwardingProtocol ?? "not set (MatchRequest)"}. Fix: set forwardingProtocol "HttpsOnly".`,
            );
        }
    },
});

/** A storage account's blob or static-website endpoint. */
const STORAGE_HOST = /\.(blob|web|dfs)\.core\.windows\.net$/;

export const frontDoorStorageOriginPrivate = resourcePolicy({
    name: "azure-frontdoor-storage-origin-private",
    description: "Front Door reaches storage-account origins only through Private Link, never their public endpoint.",
    severity: "critical",
    types: [FRONT_DOOR.origin],
    validate: (
        origin: { hostName?: string; sharedPrivateLinkResource?: { privateLink?: { id?: string } } },
        { report },
    ) => {
        if (STORAGE_HOST.test(origin.hostName ?? "") && !origin.sharedPrivateLinkResource?.privateLink?.id) {
            report(
                `The origin ${origin.hostName} is a storage account's public endpoint, which Front Door can read only if the ` +
                    "account takes public traffic. Fix: set sharedPrivateLinkResource (privateLink: the account's id, groupId " +
                    '"blob") and approve the private endpoint connection on the account.',
            );
        }
    },
});

export const azureEdgePolicies = [
    frontDoorWafAttached,
    frontDoorWafPrevention,
    frontDoorMinimumTls,
    frontDoorOriginHttps,
    frontDoorStorageOriginPrivate,
];
