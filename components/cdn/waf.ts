/**
 * The WAF's modes, neutral: `prevention` blocks what the rules match, `detection` only logs it (AWS WAF:
 * managed rule groups with `overrideAction: count` and the rate rule's action `count`; Front Door WAF:
 * policy mode `Detection`, https://learn.microsoft.com/en-us/azure/web-application-firewall/afds/waf-front-door-policy-settings#waf-mode).
 */
export const WAF_MODES = ["prevention", "detection"] as const;
export type WafMode = (typeof WAF_MODES)[number];

/** Prevention in prod; detection elsewhere, so false positives show in dev and staging before they block. */
export function defaultWafMode(environment: string): WafMode {
    return environment === "prod" ? "prevention" : "detection";
}

/** AWS WAF's rate-based rule default: 2,000 requests per client IP per 5 minutes (AWS's console default). */
export const DEFAULT_RATE_LIMIT_PER_5_MINUTES = 2000;
