/**
 * The dated, sourced price table `npm run cost` estimates with: published on-demand (pay-as-you-go) list
 * prices in USD, per region where the clouds' prices differ. Each price names the page it was read from and
 * the day it was read. The clouds' pricing APIs cannot be reached from here, so only prices found on a
 * readable page are recorded; everything else is priced as "unpriced" by the estimator (listed, never zero).
 *
 * To refresh: read the cloud's pricing page (or its pricing API: AWS Price List API, Azure Retail Prices
 * API), update `usd`, `source` and `retrieved`, and run `npm run cost -- --stack <s>` to see the effect.
 * Adding a region: add its prices under that region's key and the region to PRICED_REGIONS.
 */

/** One published price. */
export interface Price {
    /** USD per `unit`. */
    readonly usd: number;
    /** What one unit is: an hour of a resource, a month of a resource, a GiB-month, a GB ingested. */
    readonly unit: "hour" | "month" | "GiB-month" | "GB";
    /** Where the price was read (a URL). */
    readonly source: string;
    /** The day it was read (YYYY-MM-DD). */
    readonly retrieved: string;
    /** What the source says about the price's scope, when it matters. */
    readonly note?: string;
}

/** A price per region; `*` holds a price the source states for every region. */
export type RegionalPrice = Readonly<Record<string, Price>>;

export const CURRENCY = "USD";
/** Hours in the average month (8,760 / 12), the convention of both clouds' calculators. */
export const HOURS_PER_MONTH = 730;
/** The day the table was last read as a whole. */
export const PRICES_RETRIEVED = "2026-12-01";

/**
 * The regions the table covers. A stack in any other region is refused (exit 2) rather than estimated with
 * another region's prices: prices differ by region, and a silently borrowed price would be wrong.
 */
export const PRICED_REGIONS = {
    aws: ["eu-west-1", "us-east-1"],
    azure: ["eastus", "westeurope"],
} as const;

const D = PRICES_RETRIEVED;

/**
 * Karpenter's on-demand price table, generated from the AWS Price List API (the file says "generated at
 * 2026-07-20T13:44:30Z for us-east-1"; it holds us-east-1 only). Linux, shared tenancy.
 */
const KARPENTER_PRICES =
    "https://github.com/aws/karpenter-provider-aws/blob/6fc13b5236fd04fd16ff3f9dc7490d0813994099/pkg/providers/pricing/zz_generated.pricing_aws.go";
const KARPENTER_NOTE =
    "Linux on-demand, us-east-1, from the AWS Price List API as generated into Karpenter on 2026-07-20.";

/**
 * Karpenter for Azure's VM price table, generated from the Azure Retail Prices API ("generated at
 * 2026-06-18T03:43:41Z"): priceType Consumption, USD, serviceName "Virtual Machines", Windows, Spot and Low
 * Priority meters dropped (pkg/providers/pricing/pricing.go FetchPricing), so Linux pay-as-you-go per region.
 */
const AZURE_KARPENTER_PRICES =
    "https://github.com/Azure/karpenter-provider-azure/blob/2b431da153a6a92b705c18046512c60b1631b682/pkg/providers/pricing/zz_generated.pricing.go";
const AZURE_KARPENTER_NOTE =
    "Linux pay-as-you-go VM price for an AKS node, from the Azure Retail Prices API as generated into Karpenter for Azure on 2026-06-18.";

/** AWS WAF's three meters, from c3x's WAF cost guide; AWS states the pricing is the same in every region. */
const WAF_PRICES = "https://c3x.dev/blog/aws-waf-cost-explained/";
const WAF_NOTE =
    'Requests inspected ($0.60 per million) are usage. "The pricing for AWS WAF is consistent across all AWS Regions" ' +
    "(https://aws.amazon.com/blogs/networking-and-content-delivery/cost-effective-ways-for-securing-your-web-applications-using-aws-waf/).";

/** Azure Front Door base fees per tier (a buyer's guide quoting Microsoft's pricing page). */
const FRONT_DOOR_PRICES = "https://blog.cdnsun.com/microsoft-azure-front-door-pricing/";

/** Azure Container Registry daily tier fees (c3x's registry page; its example registry is in eastus). */
const ACR_PRICES = "https://c3x.dev/resources/azure/azurerm_container_registry";
const ACR_NOTE =
    "Per registry, storage included (Basic 10 GB, Standard 100 GB, Premium 500 GB). The page states no region; recorded for eastus only.";

/** Every price, keyed `<cloud>.<service>.<what>`. A key missing for a region means "unpriced there". */
export const PRICES: Readonly<Record<string, RegionalPrice>> = {
    // ---- AWS ----
    "aws.eks.cluster-hour": {
        "*": {
            usd: 0.1,
            unit: "hour",
            source: "https://aws.amazon.com/blogs/containers/amazon-eks-extended-support-for-kubernetes-versions-pricing/",
            retrieved: D,
            note: "Per cluster per hour for a Kubernetes version in standard support; no regional variation stated.",
        },
    },
    "aws.eks.extended-cluster-hour": {
        "*": {
            usd: 0.6,
            unit: "hour",
            source: "https://aws.amazon.com/blogs/containers/amazon-eks-extended-support-for-kubernetes-versions-pricing/",
            retrieved: D,
            note: "Per cluster per hour for a Kubernetes version in extended support.",
        },
    },
    "aws.ec2.t3.large": {
        "us-east-1": {
            usd: 0.0832,
            unit: "hour",
            source: "https://go-cloud.io/?p=10607",
            retrieved: D,
            note:
                "Linux on-demand, us-east-1 (the page quotes the AWS EC2 on-demand price list). Karpenter's table from " +
                `the AWS Price List API has the same figure (${KARPENTER_PRICES}).`,
        },
    },
    "aws.ec2.m7i.large": {
        "us-east-1": {
            usd: 0.1008,
            unit: "hour",
            source: KARPENTER_PRICES,
            retrieved: D,
            note: KARPENTER_NOTE,
        },
    },
    "aws.ec2.m7i.xlarge": {
        "us-east-1": {
            usd: 0.2016,
            unit: "hour",
            source: KARPENTER_PRICES,
            retrieved: D,
            note: KARPENTER_NOTE,
        },
    },
    "aws.elb.nlb-hour": {
        "us-east-1": {
            usd: 0.0225,
            unit: "hour",
            source: "https://clustercost.com/blog/network-load-balancer-pricing-2025",
            retrieved: D,
            note: "Per Network Load Balancer-hour in us-east-1; capacity units (NLCU) are usage, not estimated.",
        },
    },
    "aws.vpc.nat-gateway-hour": {
        "us-east-1": {
            usd: 0.045,
            unit: "hour",
            source: "https://basavytix.com/blog/aws-nat-gateway-pricing",
            retrieved: D,
            note: "us-east-1 rate; the page says other regions vary. Data processing ($0.045/GB) is traffic, not estimated.",
        },
    },
    "aws.vpc.public-ipv4-hour": {
        "*": {
            usd: 0.005,
            unit: "hour",
            source: "https://cloudburn.io/blog/aws-nat-gateway-pricing",
            retrieved: D,
            note: "Every public IPv4 address, in use or idle, since February 2024.",
        },
    },
    "aws.rds.db.t4g.medium": {
        "us-east-1": {
            usd: 0.065,
            unit: "hour",
            source: "https://infratally.com/articles/aws-rds-pricing-explained-2026.html",
            retrieved: D,
            note: "PostgreSQL Single-AZ, us-east-1; Multi-AZ is exactly double.",
        },
    },
    "aws.rds.gp3-gib-month": {
        "us-east-1": {
            usd: 0.115,
            unit: "GiB-month",
            source: "https://www.usage.ai/blogs/aws/reserved-instances/rds/pricing-calculator/",
            retrieved: D,
            note: "gp3, 3,000 IOPS and 125 MB/s included; Multi-AZ bills the standby's storage too.",
        },
    },
    "aws.rds.backup-gib-month": {
        "us-east-1": {
            usd: 0.095,
            unit: "GiB-month",
            source: "https://www.usage.ai/blogs/aws/reserved-instances/rds/pricing-calculator/",
            retrieved: D,
            note: "Backup storage above the free allowance of 100% of the provisioned storage.",
        },
    },
    "aws.cloudwatch.alarm-month": {
        "us-east-1": {
            usd: 0.1,
            unit: "month",
            source: "https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm/",
            retrieved: D,
            note: "Standard-resolution alarm per month (the free tier of 10 alarms per account is not applied).",
        },
    },
    "aws.cloudwatch.dashboard-month": {
        "us-east-1": {
            usd: 3,
            unit: "month",
            source: "https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/",
            retrieved: D,
            note: "Per custom dashboard per month (3 free per account, not applied).",
        },
    },
    "aws.cloudwatch.logs-ingest-gb": {
        "us-east-1": {
            usd: 0.5,
            unit: "GB",
            source: "https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/",
            retrieved: D,
            note: "Standard log class ingestion, us-east-1; the page says to verify other regions.",
        },
    },
    "aws.kms.key-month": {
        "*": {
            usd: 1,
            unit: "month",
            source: "https://aws.amazon.com/kms/pricing/",
            retrieved: D,
            note: "Each customer managed key; automatic rotation adds $1/month per rotated backing key (not estimated).",
        },
    },

    // ---- AWS edge, secrets, object storage (added 2026-12-01) ----
    "aws.cloudfront.distribution-month": {
        "*": {
            usd: 0,
            unit: "month",
            source: "https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/cloudfront.html",
            retrieved: D,
            note: '"There are no upfront payments or fixed platform fees": a distribution costs nothing by existing; data transfer out and requests are usage.',
        },
    },
    "aws.wafv2.web-acl-month": {
        "*": {
            usd: 5,
            unit: "month",
            source: WAF_PRICES,
            retrieved: D,
            note: WAF_NOTE,
        },
    },
    "aws.wafv2.rule-month": {
        "*": {
            usd: 1,
            unit: "month",
            source: WAF_PRICES,
            retrieved: D,
            note: `Per rule or managed rule group per web ACL. ${WAF_NOTE}`,
        },
    },
    "aws.route53.hosted-zone-month": {
        "*": {
            usd: 0.5,
            unit: "month",
            source: "https://ns1.com/resources/aws-dns",
            retrieved: D,
            note: "Per hosted zone per month for the first 25 zones ($0.10 beyond); Route 53 is a global service. Queries are usage.",
        },
    },
    "aws.secretsmanager.secret-month": {
        "us-east-1": {
            usd: 0.4,
            unit: "month",
            source: "https://hivebook.wiki/wiki/aws-secrets-manager-rotated-secrets-dynamic-db-credentials-kms",
            retrieved: D,
            note: "Per secret per month, plus $0.05 per 10,000 API calls (usage). The page states no region; recorded for us-east-1 only.",
        },
    },
    "aws.s3.standard-gib-month": {
        "us-east-1": {
            usd: 0.023,
            unit: "GiB-month",
            source: "https://cloudburn.io/blog/amazon-s3-pricing",
            retrieved: D,
            note: 'S3 Standard, first 50 TB per month; "All prices are for US East (N. Virginia) as of March 2026".',
        },
    },

    "aws.ecr.storage-gib-month": {
        "us-east-1": {
            usd: 0.1,
            unit: "GiB-month",
            source: "https://cloudburn.io/blog/amazon-ecr-pricing",
            retrieved: D,
            note: 'Private repository storage (compressed layers); "All pricing reflects US East (N. Virginia) rates ... as of March 2026". Same-region pulls are free.',
        },
    },
    "aws.ebs.gp3-gib-month": {
        "us-east-1": {
            usd: 0.08,
            unit: "GiB-month",
            source: "https://menuvis1-blip.github.io/autonomous-researcher/aws/architecture/storage/2026/02/24/amazon-ebs.html",
            retrieved: D,
            note: "gp3 per GB-month with 3,000 IOPS and 125 MB/s included (page of 2026-02-24). The page states no region; recorded for us-east-1 only.",
        },
    },

    // ---- Azure ----
    "azure.vm.Standard_D2s_v5": {
        eastus: { usd: 0.096, unit: "hour", source: AZURE_KARPENTER_PRICES, retrieved: D, note: AZURE_KARPENTER_NOTE },
        westeurope: {
            usd: 0.115,
            unit: "hour",
            source: AZURE_KARPENTER_PRICES,
            retrieved: D,
            note: AZURE_KARPENTER_NOTE,
        },
    },
    "azure.vm.Standard_D4s_v5": {
        eastus: { usd: 0.192, unit: "hour", source: AZURE_KARPENTER_PRICES, retrieved: D, note: AZURE_KARPENTER_NOTE },
        westeurope: {
            usd: 0.23,
            unit: "hour",
            source: AZURE_KARPENTER_PRICES,
            retrieved: D,
            note: AZURE_KARPENTER_NOTE,
        },
    },
    "azure.vm.Standard_D8s_v5": {
        eastus: { usd: 0.384, unit: "hour", source: AZURE_KARPENTER_PRICES, retrieved: D, note: AZURE_KARPENTER_NOTE },
        westeurope: {
            usd: 0.46,
            unit: "hour",
            source: AZURE_KARPENTER_PRICES,
            retrieved: D,
            note: AZURE_KARPENTER_NOTE,
        },
    },
    "azure.aks.free-cluster-hour": {
        "*": {
            usd: 0,
            unit: "hour",
            source: "https://techmarmot.com/post/6188/architectural-economics-of-azure-kubernetes-service-a-comprehensive-analysis-of-pricing-tiers-resource-consumption-and-cost-optimization-strategies/",
            retrieved: D,
        },
    },
    "azure.aks.standard-cluster-hour": {
        "*": {
            usd: 0.1,
            unit: "hour",
            source: "https://techmarmot.com/post/6188/architectural-economics-of-azure-kubernetes-service-a-comprehensive-analysis-of-pricing-tiers-resource-consumption-and-cost-optimization-strategies/",
            retrieved: D,
            note: "Standard tier (financially backed SLA) per cluster-hour.",
        },
    },
    "azure.privatelink.endpoint-hour": {
        eastus: {
            usd: 0.01,
            unit: "hour",
            source: "https://c3x.dev/resources/azure/azurerm_private_endpoint/",
            retrieved: D,
            note: "Per endpoint-hour; data processed ($0.01/GB) is traffic, not estimated.",
        },
    },
    "azure.dns.private-zone-month": {
        "*": {
            usd: 0.5,
            unit: "month",
            source: "https://gigxp.com/?p=7107",
            retrieved: D,
            note: "Per hosted private zone per month; DNS queries are usage, not estimated.",
        },
    },
    "azure.frontdoor.premium-month": {
        "*": {
            usd: 330,
            unit: "month",
            source: FRONT_DOOR_PRICES,
            retrieved: D,
            note: "Premium base fee per profile per month, before requests ($0.015 per 10,000) and data transfer; Front Door is a global service.",
        },
    },
    "azure.frontdoor.standard-month": {
        "*": {
            usd: 35,
            unit: "month",
            source: FRONT_DOOR_PRICES,
            retrieved: D,
            note: "Standard base fee per profile per month, before requests ($0.009 per 10,000) and data transfer; Front Door is a global service.",
        },
    },
    "azure.acr.Basic-month": {
        eastus: { usd: 5.08, unit: "month", source: ACR_PRICES, retrieved: D, note: `$0.167/day. ${ACR_NOTE}` },
    },
    "azure.acr.Standard-month": {
        eastus: { usd: 20.3, unit: "month", source: ACR_PRICES, retrieved: D, note: `$0.667/day. ${ACR_NOTE}` },
    },
    "azure.acr.Premium-month": {
        eastus: { usd: 50.74, unit: "month", source: ACR_PRICES, retrieved: D, note: `$1.667/day. ${ACR_NOTE}` },
    },
    "azure.lb.standard-hour": {
        eastus: {
            usd: 0.025,
            unit: "hour",
            source: "https://c3x.dev/resources/azure/azurerm_lb",
            retrieved: D,
            note: "Standard load balancer per hour with the first 5 rules included; data processed ($0.005/GB) is traffic. The page states no region (its examples are US); recorded for eastus only.",
        },
    },
    "azure.loganalytics.ingest-gb": {
        eastus: {
            usd: 2.3,
            unit: "GB",
            source: "https://monitoringcost.com/azure-monitor-cost",
            retrieved: D,
            note: "Analytics Logs pay-as-you-go headline rate; the page says prices are regional. 31 days of retention included.",
        },
    },
};

/** The price of `key` in `region`: the region's own entry, else one stated for every region, else none. */
export function priceOf(key: string, region: string): Price | undefined {
    const entry = PRICES[key];
    return entry?.[region] ?? entry?.["*"];
}
