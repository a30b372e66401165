import { Infer, bool, checked, int, key, list, obj, oneOf, str } from "../shared/schema";
import { CapabilityConfig, CheckContext } from "../shared/settings";
import { WAF_MODES } from "./waf";

/**
 * `platform:cdn`: the optional edge in front of the Gateway (CloudFront + AWS WAF / Front Door Premium + its
 * WAF). Every field is optional; `{}` (the default) means on in prod, off elsewhere (`enabled`). The edge's
 * custom hosts get certificates validated in the stack's DNS zone, so an edge needs `platform:dns`
 * (checkEdgeNeedsZone). Composed with every other capability's by components/shared/config.ts.
 */

/** A host name the CDN answers for: lowercase labels, no trailing dot, no wildcard. */
const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A path pattern both CDNs accept for the static-asset route: CloudFront's cache-behaviour `PathPattern`
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesCacheBehavior.html#DownloadDistValuesPathPattern)
 * and Front Door's route `patternsToMatch` (https://learn.microsoft.com/en-us/azure/frontdoor/front-door-route-matching),
 * whose only wildcard is a trailing `*` after a `/`.
 */
const STATIC_PATH = /^\/([A-Za-z0-9_.~-]+\/)+\*$/;

const cdnField = obj({
    enabled: bool(),
    hosts: list(str({ pattern: HOST, allowed: 'a host name such as "app.example.com"' }), {
        minItems: 1,
        maxItems: 25,
        unique: true,
    }),
    staticPathPattern: checked('a path pattern such as "/static/*"', (value) =>
        STATIC_PATH.test(value)
            ? undefined
            : {
                  allowed: 'a path of one or more segments ending in "/*", such as "/static/*" or "/assets/img/*"',
                  fix: 'Set "staticPathPattern" in platform:cdn to a prefix ending in "/*", e.g. "/static/*"',
              },
    ),
    // AWS WAF's rate-based rules count per 5-minute window and accept 10 to 2,000,000,000
    // (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html).
    rateLimitPer5Minutes: int(10, 2_000_000_000, "requests per client IP per 5 minutes"),
    wafMode: oneOf(WAF_MODES),
});

/** The validated `platform:cdn` object. */
export type CdnConfig = Infer<typeof cdnField>;

/**
 * `hosts` and `staticPathPattern` configure an edge that is on. On Azure the storage cannot be a static
 * origin without becoming public: Front Door reaches a storage account with public network access disabled
 * only through Private Link, and it cannot authenticate to a Private Link origin ("This feature is currently
 * not supported for origins with Private Link enabled":
 * https://learn.microsoft.com/en-us/azure/frontdoor/origin-authentication-with-managed-identities, still a preview
 * with that note when re-checked on 2026-12-01), while the
 * account allows no anonymous blob access.
 */
function checkCdn(cdn: CdnConfig, ctx: CheckContext): void {
    if (cdn.enabled === false && (cdn.hosts ?? cdn.staticPathPattern) !== undefined) {
        ctx.report(
            "cdn.enabled",
            false,
            "true when hosts or staticPathPattern are set (they configure the edge)",
            'Remove "hosts" and "staticPathPattern" from platform:cdn, or set "enabled" to true',
        );
    }
    if (cdn.staticPathPattern !== undefined && ctx.settings.cloud === "azure") {
        ctx.report(
            "cdn.staticPathPattern",
            cdn.staticPathPattern,
            'no static path on Azure: Front Door cannot sign in to the private storage account through Private Link (managed-identity origin authentication "is currently not supported for origins with Private Link enabled", https://learn.microsoft.com/azure/frontdoor/origin-authentication-with-managed-identities, re-checked 2026-12-01), and the account stays private',
            'Remove "staticPathPattern" from platform:cdn and serve static assets from a service behind the Gateway',
        );
    }
}

/** Whether a stack gets the edge: `enabled`, else on in prod. */
export function edgeEnabled(cdn: CdnConfig, environment: string): boolean {
    return cdn.enabled ?? environment === "prod";
}

/**
 * The edge's certificates (ACM in us-east-1 / Front Door managed certificates) are validated through DNS
 * records in the stack's zone, and HTTPS-only origins need the Gateway's own certificate issued by DNS-01: an
 * edge without `platform:dns` could never serve its hosts. Run by components/shared/config.ts on the whole
 * configuration (it reads two keys), taking only the shapes it needs.
 */
export function checkEdgeNeedsZone(
    c: { readonly cdn: CdnConfig; readonly dns: { readonly zone?: string }; readonly environment: string },
    ctx: CheckContext,
): void {
    if (!edgeEnabled(c.cdn, c.environment)) return;
    const zone = c.dns.zone;
    if (zone !== undefined) {
        (c.cdn.hosts ?? []).forEach((host, i) => {
            if (host === zone || host.endsWith(`.${zone}`)) return;
            ctx.report(
                `cdn.hosts[${i}]`,
                host,
                `a host in the stack's DNS zone ${zone} (its certificate is validated there)`,
                `Use a name ending in ".${zone}", or remove it from "hosts" in platform:cdn`,
            );
        });
        return;
    }
    const byDefault = c.cdn.enabled === undefined;
    ctx.report(
        "cdn",
        c.cdn,
        `a DNS zone in platform:dns when the CDN is on${byDefault ? " (it is on by default in prod)" : ""}: its certificates are validated in that zone`,
        byDefault
            ? `Set platform:dns to the zone of your hosts, e.g. '{"zone": "example.com"}', or turn the edge off with platform:cdn '{"enabled": false}'`
            : `Set platform:dns to the zone of your hosts, e.g. '{"zone": "example.com"}', or set "enabled" to false in platform:cdn`,
    );
}

export const CDN_CONFIG: CapabilityConfig<typeof cdnField> = {
    key: key(
        cdnField,
        {},
        "JSON: the CDN and WAF in front of the Gateway {enabled, hosts, staticPathPattern, rateLimitPer5Minutes, wafMode}; on in prod by default.",
    ),
    checks: [checkCdn],
};
