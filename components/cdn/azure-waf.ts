import * as pulumi from "@pulumi/pulumi";
import * as frontdoor from "@pulumi/azure-native/frontdoor";
import { WafMode } from "./waf";

/**
 * The managed rule sets every Front Door WAF policy gets: Microsoft's Default Rule Set 2.1 (blocking on anomaly
 * score) and the Bot Manager rule set 1.1, both Premium-only
 * (https://learn.microsoft.com/en-us/azure/web-application-firewall/afds/waf-front-door-drs;
 * .../afds/waf-front-door-policy-configure-bot-protection; set names and versions as
 * `Get-AzFrontDoorWafManagedRuleSetDefinition` lists them).
 */
export const AZURE_MANAGED_RULE_SETS = [
    { ruleSetType: "Microsoft_DefaultRuleSet", ruleSetVersion: "2.1", ruleSetAction: "Block" },
    { ruleSetType: "Microsoft_BotManagerRuleSet", ruleSetVersion: "1.1" },
] as const;

/** WAF policy names: letters and digits only, starting with a letter, at most 128. */
export function wafPolicyName(prefix: string): string {
    const letters = prefix.replace(/[^A-Za-z0-9]/g, "");
    return `${/^[A-Za-z]/.test(letters) ? "" : "waf"}${letters}waf`.slice(0, 128);
}

/**
 * The Front Door WAF policy (Microsoft.Network/FrontDoorWebApplicationFirewallPolicies, sku Premium): the
 * managed sets, and a rate-limit custom rule per client socket address over 5 minutes
 * (https://learn.microsoft.com/en-us/azure/web-application-firewall/afds/waf-front-door-rate-limit). The mode
 * is Prevention or Detection (`wafMode`); the request body is inspected.
 */
export function wafPolicy(
    name: string,
    args: {
        readonly policyName: string;
        readonly resourceGroupName: pulumi.Input<string>;
        readonly tags: Record<string, string>;
        readonly rateLimitPer5Minutes: number;
        readonly wafMode: WafMode;
    },
    opts: pulumi.CustomResourceOptions,
): frontdoor.Policy {
    return new frontdoor.Policy(
        `${name}-waf`,
        {
            resourceGroupName: args.resourceGroupName,
            policyName: args.policyName,
            location: "Global",
            sku: { name: "Premium_AzureFrontDoor" },
            policySettings: {
                enabledState: "Enabled",
                mode: args.wafMode === "prevention" ? "Prevention" : "Detection",
                requestBodyCheck: "Enabled",
            },
            managedRules: { managedRuleSets: AZURE_MANAGED_RULE_SETS.map((s) => ({ ...s })) },
            customRules: {
                rules: [
                    {
                        name: "ratelimitperip",
                        priority: 100,
                        enabledState: "Enabled",
                        ruleType: "RateLimitRule",
                        rateLimitDurationInMinutes: 5,
                        rateLimitThreshold: args.rateLimitPer5Minutes,
                        groupBy: [{ variableName: "SocketAddr" }],
                        // Every request counts: the rule's one match condition matches any URI.
                        matchConditions: [{ matchVariable: "RequestUri", operator: "Any", matchValue: [] }],
                        action: "Block",
                    },
                ],
            },
            tags: args.tags,
        },
        opts,
    );
}
