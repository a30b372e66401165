import * as pulumi from "@pulumi/pulumi";
import * as wafv2 from "@pulumi/aws/wafv2";
import { WafMode } from "./waf";

/**
 * The AWS managed rule groups every distribution gets: the Core rule set (OWASP Top 10 classes) and Known bad
 * inputs (Log4j, Java deserialization, ...). Names and vendor as AWS lists them
 * (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html).
 */
export const AWS_MANAGED_RULE_GROUPS = [
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
] as const;

/** Metrics and sampled requests for a rule (or the ACL): CloudWatch metric names are the rule's name. */
const visibility = (metricName: string) => ({
    cloudwatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName,
});

/**
 * The web ACL in front of the distribution. Scope CLOUDFRONT, which AWS WAF accepts only in us-east-1
 * ("you must use the US East (N. Virginia) Region": https://docs.aws.amazon.com/waf/latest/developerguide/how-aws-waf-works-resources.html),
 * hence `provider` (the component's us-east-1 provider). Default allow; the managed groups, then a
 * rate-based rule per client IP over AWS WAF's 5-minute window (`evaluationWindowSec: 300`:
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html).
 * In `detection` mode the groups are overridden to count and the rate rule counts.
 */
export function webAcl(
    name: string,
    settings: { readonly rateLimitPer5Minutes: number; readonly wafMode: WafMode },
    opts: pulumi.CustomResourceOptions,
): wafv2.WebAcl {
    const blocking = settings.wafMode === "prevention";
    const managed = AWS_MANAGED_RULE_GROUPS.map((group, i) => ({
        name: group,
        priority: i + 1,
        overrideAction: blocking ? { none: {} } : { count: {} },
        statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group } },
        visibilityConfig: visibility(group),
    }));
    const rateLimit = {
        name: "rate-limit-per-ip",
        priority: managed.length + 1,
        action: blocking ? { block: {} } : { count: {} },
        statement: {
            rateBasedStatement: {
                limit: settings.rateLimitPer5Minutes,
                aggregateKeyType: "IP",
                evaluationWindowSec: 300,
            },
        },
        visibilityConfig: visibility("rate-limit-per-ip"),
    };
    return new wafv2.WebAcl(
        `${name}-waf`,
        {
            description: `WAF of the ${name} distribution`,
            scope: "CLOUDFRONT",
            defaultAction: { allow: {} },
            rules: [...managed, rateLimit],
            visibilityConfig: visibility(`${name}-waf`),
        },
        opts,
    );
}
