/**
 * Pricing rules for the edge: CDN distributions and profiles, web application firewalls, public DNS zones,
 * certificates and secrets. Most of these bill a small fixed fee plus usage (requests, traffic, queries); the
 * rules price the fixed fee from the graph and state that the usage is left out (EXCLUDED in estimate.ts).
 */
import type { Rule } from "./items";
import { monthly, sku } from "./items";

/** Front Door tiers by the profile's SKU name (`Standard_AzureFrontDoor`, `Premium_AzureFrontDoor`). */
function frontDoorTier(name: string | undefined): "standard" | "premium" | undefined {
    if (name === "Premium_AzureFrontDoor") return "premium";
    if (name === "Standard_AzureFrontDoor") return "standard";
    return undefined;
}

export const EDGE_RULES: Record<string, Rule> = {
    // CloudFront: "There are no upfront payments or fixed platform fees" — a distribution costs nothing by
    // existing; data transfer out and requests are usage (https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/cloudfront.html).
    "aws:cloudfront/distribution:Distribution": () => [
        monthly(
            "distribution: no fixed fee (data transfer out and requests are usage, left out)",
            1,
            "aws.cloudfront.distribution-month",
            {
                assumption:
                    "CDN distributions and profiles priced without traffic: data transfer out and requests are not estimated",
            },
        ),
    ],
    // WAF: $5 per web ACL per month, $1 per rule (a managed rule group counts as one rule) per month, $0.60 per
    // million requests inspected (https://c3x.dev/blog/aws-waf-cost-explained/); "The pricing for AWS WAF is
    // consistent across all AWS Regions" (https://aws.amazon.com/blogs/networking-and-content-delivery/cost-effective-ways-for-securing-your-web-applications-using-aws-waf/).
    "aws:wafv2/webAcl:WebAcl": (_r, i) => {
        const rules = Array.isArray(i.rules) ? i.rules.length : 0;
        return [
            monthly("web ACL", 1, "aws.wafv2.web-acl-month", {
                assumption:
                    "WAF priced per web ACL and rule at zero requests: the $0.60 per million requests inspected is usage, not estimated",
            }),
            monthly(`rules × ${rules} (a managed rule group counts as one)`, rules, "aws.wafv2.rule-month"),
        ];
    },
    "aws:route53/zone:Zone": () => [monthly("public hosted zone", 1, "aws.route53.hosted-zone-month")],
    "aws:secretsmanager/secret:Secret": () => [monthly("secret", 1, "aws.secretsmanager.secret-month")],
    "azure-native:cdn:Profile": (_r, i) => {
        const tier = frontDoorTier(sku(i.sku));
        return [
            monthly(
                `Front Door ${tier ?? sku(i.sku) ?? "unknown"} base fee (requests and data transfer are usage, left out)`,
                1,
                `azure.frontdoor.${tier ?? sku(i.sku)}-month`,
                {
                    assumption:
                        "CDN distributions and profiles priced without traffic: data transfer out and requests are not estimated",
                },
            ),
        ];
    },
    "azure-native:dns:Zone": () => [monthly("public DNS zone", 1, "azure.dns.public-zone-month")],
};

/** Edge resource types that cost nothing by existing; sources beside each. */
export const EDGE_FREE_TYPES: RegExp[] = [
    // Public certificates for CloudFront: "Free SSL certificates" (https://aws.amazon.com/cloudfront/pricing/).
    /^aws:acm\/(certificate|certificateValidation):/,
    // Route 53 bills hosted zones, policy records, queries and health checks — not plain records
    // (https://ns1.com/resources/aws-dns, "Route 53 Pricing").
    /^aws:route53\/record:/,
    // Secrets Manager bills secrets and API calls, not their versions (the secret's fee covers its value).
    /^aws:secretsmanager\/secretVersion:/,
    // Azure DNS "billing model is based on the number of DNS zones hosted ... and the number of DNS queries"
    // (https://docs.azure.cn/en-us/dns/dns-faq): record sets are free by existing.
    /^azure-native:dns:RecordSet$/,
    // Front Door: a base fee per profile plus requests and traffic (https://blog.cdnsun.com/microsoft-azure-front-door-pricing/);
    // "The first 100 custom domains are free on both tiers" (https://hivebook.wiki/wiki/azure-front-door-global-cdn-waf-and-load-balancer);
    // the WAF policy is included in the tier (https://webdevkb.pages.dev/en/docs/Azure/Network/azure-front-door, "WAF policy: Included").
    /^azure-native:cdn:(AFDEndpoint|AFDOrigin|AFDOriginGroup|AFDCustomDomain|Route|SecurityPolicy)$/,
    /^azure-native:frontdoor:Policy$/,
];
