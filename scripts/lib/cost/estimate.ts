/**
 * The monthly cost of a stack's desired graph (the resources the program registers under the check's mocks),
 * per component and per resource, from the dated price table (prices.ts). Pure functions of the graph, so the
 * arithmetic is tested on hand-made graphs (test/cost/estimate.test.ts).
 *
 * What it prices is what the resources' inputs fix: instance classes × counts × 730 hours, provisioned
 * storage, per-resource monthly fees. What depends on use is either left out (see EXCLUDED) or priced from a
 * stated assumption (see ASSUMPTIONS). A resource type with no rule here, or a price missing for the region,
 * is listed as unpriced, never counted as zero.
 */
import type { ResourceRecord } from "../../../check/runtime";
import { plain } from "../../../check/runtime";
import { componentOf } from "../../../check/component-of";
import { KUBERNETES_VERSIONS_BY_CLOUD } from "../../../components/shared/facts/kubernetes";
import { CURRENCY, HOURS_PER_MONTH, PRICED_REGIONS, PRICES, PRICES_RETRIEVED, priceOf } from "./prices";
import { ASSUMPTIONS, EXCLUDED } from "./assumptions";
import { Item, Rule, RuleContext, gibMonths, hourly, monthly, num, sku, str } from "./items";
import { BACKUP_FREE_TYPES, BACKUP_RULES, rdsInstanceByArn } from "./rules-backup";
import { EDGE_FREE_TYPES, EDGE_RULES } from "./rules-edge";

export { ASSUMPTIONS, EXCLUDED };

/** One priced (or unpriced) item of a resource. */
export interface CostLine {
    /** The platform component the resource belongs to (network, database, cache, cluster, ...). */
    readonly component: string;
    /** The resource's name (its Pulumi name), or a description for things the cluster creates. */
    readonly resource: string;
    readonly type: string;
    /** What is priced: "db.r7g.xlarge × 2 (Multi-AZ)". */
    readonly item: string;
    readonly quantity: number;
    /** hour, month, GiB-month, GB: the price's unit; hours are per month (730). */
    readonly unit: string;
    /** The price key in the table. */
    readonly priceKey: string;
    /** USD per unit; absent when unpriced. */
    readonly unitUsd?: number;
    /** quantity × unit price (× 730 for hourly prices); absent when unpriced. */
    readonly monthlyUsd?: number;
    readonly source?: string;
    /** Why it is unpriced, when it is. */
    readonly unpriced?: string;
    /** The assumption the quantity rests on, when it is not fixed by the graph. */
    readonly assumption?: string;
}

export interface ComponentCost {
    readonly component: string;
    /** Sum of the priced lines. */
    readonly monthlyUsd: number;
    readonly lines: CostLine[];
}

export interface CostEstimate {
    readonly stack: string;
    readonly cloud: string;
    readonly region: string;
    readonly currency: string;
    readonly hoursPerMonth: number;
    readonly pricesRetrieved: string;
    /** Sum of every priced line: a lower bound while anything is unpriced. */
    readonly monthlyUsd: number;
    /** True when nothing is unpriced. */
    readonly complete: boolean;
    readonly components: ComponentCost[];
    /** Every unpriced line, also listed in its component. */
    readonly unpriced: CostLine[];
    readonly assumptions: string[];
    readonly excluded: string[];
}

/** A stack whose region the table does not cover, or a cloud it does not know. */
export class UnpricedRegionError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UnpricedRegionError";
    }
}

/** Resource types that cost nothing by existing (their use, if any, is in EXCLUDED). */
const FREE_TYPES: RegExp[] = [
    /^pulumi:providers:/,
    /^pulumi-nodejs:dynamic:/,
    /^random:/,
    /^kubernetes:(?!helm\.sh)/,
    /^aws:ec2\/(vpc|subnet|routeTable|routeTableAssociation|internetGateway|securityGroup|defaultSecurityGroup|flowLog):/,
    /^aws:iam\//,
    /^aws:s3\/bucket(?!:Bucket$)/,
    /^aws:rds\/(subnetGroup|parameterGroup):/,
    /^aws:elasticache\/subnetGroup:/,
    // Passwordless cache: ElastiCache bills node-hours of the replication group (priced on it); its RBAC users,
    // user groups and their association are access-control settings with no charge of their own
    // (https://aws.amazon.com/elasticache/pricing/ lists node-hours, serverless data and ECPUs, backups, transfer).
    /^aws:elasticache\/(user|userGroup|userGroupAssociation):/,
    // A launch template is stored instance parameters; the instances launched from it are billed (priced on
    // the node group) and the template itself is not a billed item (https://aws.amazon.com/ec2/pricing/ bills
    // instances, EBS volumes and transfer; https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-launch-templates.html).
    /^aws:ec2\/launchTemplate:/,
    /^aws:kms\/alias:/,
    /^aws:eks\/(addon|podIdentityAssociation|accessEntry|accessPolicyAssociation):/,
    /^aws:sns\//,
    // Rules matching AWS service events on the default bus (Karpenter's interruption and state-change rules)
    // and their targets: "Internal AWS Events - free" (https://blog.awsfundamentals.com/aws-eventbridge-pricing-guide).
    /^aws:cloudwatch\/(eventRule|eventTarget):/,
    // SQS bills requests only: "no charges for creating or maintaining queues"
    // (https://cloudburn.io/blog/amazon-sqs-pricing, US East, March 2026); requests are in EXCLUDED.
    /^aws:sqs\/(queue|queuePolicy):/,
    /^aws:ecr\/lifecyclePolicy:/,
    /^azure-native:resources:ResourceGroup$/,
    /^azure-native:network:(VirtualNetwork|Subnet|NetworkSecurityGroup|PrivateDnsZoneGroup)$/,
    /^azure-native:privatedns:VirtualNetworkLink$/,
    // Server and cache settings billed with the server / cluster they configure (priced on it): the Entra
    // administrator of a flexible server and a Managed Redis database's access policy assignment.
    /^azure-native:dbforpostgresql:(Configuration|Database|FirewallRule|AdministratorsMicrosoftEntra)$/,
    /^azure-native:redisenterprise:(Database|AccessPolicyAssignment)$/,
    // A disk encryption set has no charge of its own; the disks are billed as disks and the key's operations
    // by Key Vault (in EXCLUDED) (https://learn.microsoft.com/azure/virtual-machines/disk-encryption#customer-managed-keys).
    /^azure-native:compute:DiskEncryptionSet$/,
    /^azure-native:authorization:/,
    /^azure-native:managedidentity:/,
    /^azure-native:storage:(BlobContainer|BlobServiceProperties|ManagementPolicy)$/,
    /^azure-native:monitor:(DiagnosticSetting|DataCollectionRule|DataCollectionRuleAssociation|DataCollectionEndpoint|ActionGroup)$/,
    /^azure-native:applicationinsights:Workbook$/,
    /^azure-native:alertsmanagement:PrometheusRuleGroup$/,
    // Key Vault (Standard) bills per 10,000 operations; "Secrets, Keys, and Certificates are not charged for
    // storage" (https://azure-cost-management-playbook.turbo360.com/docs/key-vault). Operations and rotations
    // are in EXCLUDED.
    /^azure-native:keyvault:(Vault|Key)$/,
    // VNet flow logs bill per GB of logs collected and Traffic Analytics per GB processed: usage, in EXCLUDED
    // (https://learn.microsoft.com/en-us/azure/network-watcher/vnet-flow-logs-overview, "Pricing").
    /^azure-native:network:FlowLog$/,
    ...EDGE_FREE_TYPES,
    ...BACKUP_FREE_TYPES,
];

/** The Kubernetes volumes the chart's values ask for: every `storage: <n>Gi` under a volume claim template. */
export function chartVolumes(values: unknown): { path: string; gib: number }[] {
    const found: { path: string; gib: number }[] = [];
    const walk = (v: unknown, path: string[], replicas: number) => {
        if (Array.isArray(v)) return v.forEach((x, i) => walk(x, [...path, String(i)], replicas));
        if (v === null || typeof v !== "object") return;
        const o = v as Record<string, unknown>;
        const here = typeof o.replicas === "number" ? o.replicas : replicas;
        for (const [k, x] of Object.entries(o)) {
            const size = typeof x === "string" ? /^(\d+(?:\.\d+)?)Gi$/.exec(x) : null;
            if (k === "storage" && size && path.some((p) => /volumeClaimTemplate|persistence/i.test(p))) {
                found.push({ path: path.join("."), gib: Number(size[1]) * here });
            } else walk(x, [...path, k], here);
        }
    };
    walk(values, [], 1);
    return found;
}

/** Load balancers a chart's Services create (`type: LoadBalancer` in the values). */
function chartLoadBalancers(values: unknown): number {
    let n = 0;
    const walk = (v: unknown) => {
        if (Array.isArray(v)) return v.forEach(walk);
        if (v === null || typeof v !== "object") return;
        const o = v as Record<string, unknown>;
        if (o.type === "LoadBalancer") n++;
        Object.values(o).forEach(walk);
    };
    walk(values);
    return n;
}

/** The rules, by resource type: the priced items of one resource. */
const RULES: Record<string, Rule> = {
    "aws:eks/cluster:Cluster": (_r, i, ctx) => {
        const extended = inExtendedSupport(i, ctx.today);
        const support = extended ? "extended" : "standard";
        return [hourly(`control plane (${support} support)`, 1, `aws.eks.${extended ? "extended-" : ""}cluster-hour`)];
    },
    "aws:eks/nodeGroup:NodeGroup": (_r, i) => {
        const type = ((i.instanceTypes as string[] | undefined) ?? [])[0] ?? "unknown";
        const desired = num((i.scalingConfig as { desiredSize?: number } | undefined)?.desiredSize, 1);
        return [hourly(`${type} × ${desired} nodes (desired size)`, desired, `aws.ec2.${type}`)];
    },
    "aws:ec2/natGateway:NatGateway": () => [hourly("NAT gateway", 1, "aws.vpc.nat-gateway-hour")],
    "aws:ec2/eip:Eip": () => [hourly("public IPv4 address", 1, "aws.vpc.public-ipv4-hour")],
    "aws:ec2/vpcEndpoint:VpcEndpoint": (_r, i) =>
        i.vpcEndpointType === "Gateway" ? [] : [hourly("interface endpoint", 1, "aws.vpc.interface-endpoint-hour")],
    "aws:rds/instance:Instance": (_r, i, ctx) => rdsItems(i, ctx),
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": (_r, i, ctx) => {
        const region = /^arn:aws:kms:([a-z0-9-]+):/.exec(str(i.kmsKeyId) ?? "")?.[1];
        const db = rdsInstanceByArn(str(i.sourceDbInstanceArn) ?? "", ctx.all) ?? primaryRds(ctx);
        const gib = num(db?.allocatedStorage);
        return [
            gibMonths(
                `replicated automated backups in ${region ?? "another region"} (${gib} GiB)`,
                gib,
                "aws.rds.backup-gib-month",
                {
                    region,
                    assumption: "replicated backups hold about the database's provisioned storage",
                },
            ),
        ];
    },
    "aws:elasticache/replicationGroup:ReplicationGroup": (_r, i) => {
        const nodes =
            i.numNodeGroups !== undefined
                ? num(i.numNodeGroups, 1) * (num(i.replicasPerNodeGroup) + 1)
                : num(i.numCacheClusters, 1);
        const engine = str(i.engine) ?? "redis";
        return [
            hourly(
                `${str(i.nodeType)} × ${nodes} nodes (${engine})`,
                nodes,
                `aws.elasticache.${engine}.${str(i.nodeType)}`,
            ),
        ];
    },
    "aws:s3/bucket:Bucket": () => [
        gibMonths(
            `S3 Standard ${ASSUMPTIONS.objectStorageGiB} GiB`,
            ASSUMPTIONS.objectStorageGiB,
            "aws.s3.standard-gib-month",
            {
                assumption: `${ASSUMPTIONS.objectStorageGiB} GiB held in object storage`,
            },
        ),
    ],
    "aws:cloudwatch/metricAlarm:MetricAlarm": () => [
        monthly("standard-resolution alarm", 1, "aws.cloudwatch.alarm-month"),
    ],
    "aws:cloudwatch/dashboard:Dashboard": () => [monthly("dashboard", 1, "aws.cloudwatch.dashboard-month")],
    "aws:cloudwatch/logGroup:LogGroup": () => [
        {
            item: `log ingestion ${ASSUMPTIONS.logIngestGBPerLogGroup} GB`,
            quantity: ASSUMPTIONS.logIngestGBPerLogGroup,
            unit: "GB",
            priceKey: "aws.cloudwatch.logs-ingest-gb",
            assumption: `${ASSUMPTIONS.logIngestGBPerLogGroup} GB ingested per CloudWatch log group per month`,
        },
    ],
    "aws:kms/key:Key": () => [monthly("customer managed key", 1, "aws.kms.key-month")],
    "aws:ecr/repository:Repository": () => [
        gibMonths("image storage 1 GiB", 1, "aws.ecr.storage-gib-month", {
            assumption: "1 GiB of images per repository",
        }),
    ],
    "kubernetes:helm.sh/v3:Release": (r, i, ctx) => chartItems(r, i.values, ctx.cloud),
    "azure-native:containerservice:ManagedCluster": (_r, i) => {
        const tier = (str((i.sku as { tier?: string } | undefined)?.tier) ?? "Free").toLowerCase();
        const pools = (i.agentPoolProfiles as { vmSize?: string; count?: number; name?: string }[] | undefined) ?? [];
        return [
            hourly(`AKS ${tier} tier control plane`, 1, `azure.aks.${tier}-cluster-hour`),
            ...pools.map((p) =>
                hourly(
                    `${p.vmSize} × ${num(p.count, 1)} nodes (pool ${p.name}, initial count)`,
                    num(p.count, 1),
                    `azure.vm.${p.vmSize}`,
                ),
            ),
            hourly("Standard load balancer AKS creates for outbound traffic", 1, "azure.lb.standard-hour", {
                resource: "AKS outbound load balancer",
            }),
        ];
    },
    "azure-native:dbforpostgresql:Server": (_r, i) => {
        // High availability runs a standby of the same SKU and storage, billed as a second server.
        const ha = str((i.highAvailability as { mode?: string } | undefined)?.mode);
        const copies = ha && ha !== "Disabled" ? 2 : 1;
        const gib = num((i.storage as { storageSizeGB?: number } | undefined)?.storageSizeGB);
        const note = copies === 2 ? ` (HA ${ha}: primary and standby)` : "";
        return [
            hourly(`${sku(i.sku)} × ${copies}${note}`, copies, `azure.postgres.${sku(i.sku)}`),
            gibMonths(`storage ${gib} GiB × ${copies}${note}`, gib * copies, "azure.postgres.storage-gib-month"),
            // "Flexible Server provides up to 100 percent of your provisioned server storage as backup storage at
            // no additional cost" (MicrosoftDocs azure-databases-docs, postgresql flexible-server
            // concepts-backup-restore.md, "Backup storage cost"). A replica keeps no backups of its own.
            ...(i.createMode === "Replica"
                ? []
                : [
                      gibMonths(
                          "backup storage beyond the free allowance",
                          ASSUMPTIONS.backupBeyondFreeGiB,
                          "azure.postgres.backup-gib-month",
                          {
                              assumption:
                                  "database backups stay within the free allowance (100% of the provisioned storage)",
                          },
                      ),
                  ]),
        ];
    },
    "azure-native:redisenterprise:RedisEnterprise": (_r, i) => {
        const ha = i.highAvailability !== "Disabled";
        const label = `Azure Managed Redis ${sku(i.sku)} (${ha ? "with" : "without"} high availability)`;
        return [hourly(label, 1, `azure.redis.${sku(i.sku)}${ha ? "" : "-noha"}`)];
    },
    "azure-native:storage:StorageAccount": (_r, i) => {
        const name = sku(i.sku) ?? "Standard_LRS";
        const tier = str(i.accessTier) ?? "Hot";
        const gib = ASSUMPTIONS.objectStorageGiB;
        return [
            gibMonths(`Blob ${tier} ${name} ${gib} GiB`, gib, `azure.storage.${name}-${tier.toLowerCase()}-gib-month`, {
                assumption: `${gib} GiB held in object storage`,
            }),
        ];
    },
    "azure-native:operationalinsights:Workspace": () => [
        {
            item: `Log Analytics ingestion ${ASSUMPTIONS.logAnalyticsIngestGB} GB`,
            quantity: ASSUMPTIONS.logAnalyticsIngestGB,
            unit: "GB",
            priceKey: "azure.loganalytics.ingest-gb",
            assumption: `${ASSUMPTIONS.logAnalyticsIngestGB} GB ingested into Log Analytics per month`,
        },
    ],
    "azure-native:monitor:MetricAlert": () => [monthly("metric alert rule", 1, "azure.monitor.metric-alert-month")],
    "azure-native:network:PrivateEndpoint": () => [hourly("private endpoint", 1, "azure.privatelink.endpoint-hour")],
    "azure-native:privatedns:PrivateZone": () => [monthly("private DNS zone", 1, "azure.dns.private-zone-month")],
    "azure-native:containerregistry:Registry": (_r, i) => [
        monthly(`Container Registry ${sku(i.sku)}`, 1, `azure.acr.${sku(i.sku)}-month`),
    ],
    "azure-native:monitor:AzureMonitorWorkspace": () => [
        {
            item: "managed Prometheus samples",
            quantity: 1,
            unit: "month",
            priceKey: "azure.monitor.prometheus-ingest",
            assumption: "managed Prometheus ingestion is usage-based",
        },
    ],
    "azure-native:authorization:ManagementLockByScope": () => [],
    ...EDGE_RULES,
    ...BACKUP_RULES,
};

/** The stack's primary RDS instance (the one that is not a read replica). */
function primaryRds(ctx: RuleContext): Record<string, unknown> | undefined {
    return ctx.all
        .filter((x) => x.type === "aws:rds/instance:Instance")
        .map((x) => plain(x.inputs) as Record<string, unknown>)
        .find((x) => x.replicateSourceDb === undefined);
}

/**
 * An RDS instance: class × 730 h and storage, both × 2 for Multi-AZ, which bills the standby's instance hours
 * and storage too (AWS RDS User Guide, "Multi-AZ DB instances":
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_OnDemandDBInstances.html). A read replica names
 * no storage of its own: it has its source's allocated storage, and keeps no automated backups of its own.
 */
function rdsItems(i: Record<string, unknown>, ctx: RuleContext): Item[] {
    const replicaOf = str(i.replicateSourceDb);
    const source = replicaOf ? (rdsInstanceByArn(replicaOf, ctx.all) ?? primaryRds(ctx)) : undefined;
    const copies = i.multiAz === true ? 2 : 1;
    const az = copies === 2 ? " (Multi-AZ: primary and standby)" : replicaOf ? " (read replica)" : "";
    const storage = num(i.allocatedStorage ?? source?.allocatedStorage);
    const type = str(i.storageType) ?? "gp3";
    const items = [
        hourly(`${str(i.instanceClass)} × ${copies}${az}`, copies, `aws.rds.${str(i.instanceClass)}`),
        gibMonths(`${type} storage ${storage} GiB × ${copies}${az}`, storage * copies, `aws.rds.${type}-gib-month`, {
            ...(replicaOf ? { assumption: "a read replica has its source's allocated storage" } : {}),
        }),
    ];
    if (replicaOf) return items;
    return [
        ...items,
        gibMonths(
            "backup storage beyond the free allowance",
            ASSUMPTIONS.backupBeyondFreeGiB,
            "aws.rds.backup-gib-month",
            {
                assumption: `database backups stay within the free allowance (100% of the provisioned storage)`,
            },
        ),
    ];
}

/**
 * Whether an EKS cluster is billed at the extended-support rate on `today`: only when its Kubernetes version is
 * past the end of standard support (components/shared/facts/kubernetes.ts) and its upgrade policy lets it stay
 * (`EXTENDED`, the API's default). The policy alone costs nothing: "If a cluster merely has the upgrade policy
 * set to enable extended support, and is otherwise in the standard support period, it incurs standard costs"
 * (https://docs.aws.amazon.com/eks/latest/userguide/enable-extended-support.html).
 */
export function inExtendedSupport(inputs: Record<string, unknown>, today: string): boolean {
    const policy = (inputs.upgradePolicy as { supportType?: string } | undefined)?.supportType ?? "EXTENDED";
    if (policy !== "EXTENDED") return false;
    const version = str(inputs.version) as keyof typeof KUBERNETES_VERSIONS_BY_CLOUD | undefined;
    const window = version ? KUBERNETES_VERSIONS_BY_CLOUD[version]?.aws : undefined;
    return window !== undefined && today > window.standardSupportEnds;
}

/** What a Helm release makes the cluster create: load balancers for its Services, disks for its claims. */
function chartItems(r: ResourceRecord, values: unknown, cloud: "aws" | "azure"): Item[] {
    const lbs = Array.from({ length: chartLoadBalancers(values) }, () =>
        cloud === "aws"
            ? hourly("Network Load Balancer for a LoadBalancer Service", 1, "aws.elb.nlb-hour", {
                  resource: `${r.name} (Service)`,
              })
            : hourly(
                  "public IP on the AKS load balancer for a LoadBalancer Service",
                  1,
                  "azure.network.public-ip-hour",
                  {
                      resource: `${r.name} (Service)`,
                  },
              ),
    );
    const volumes = chartVolumes(values).map((v) =>
        gibMonths(
            `persistent volume ${v.gib} GiB (${v.path})`,
            v.gib,
            cloud === "aws" ? "aws.ebs.gp3-gib-month" : "azure.disk.premium-ssd-gib-month",
            {
                resource: `${r.name} (volume)`,
            },
        ),
    );
    return [...lbs, ...volumes];
}

const round = (n: number) => Math.round(n * 100) / 100;

function priceLine(r: ResourceRecord, component: string, item: Item, region: string): CostLine {
    const where = item.region ?? region;
    const price = priceOf(item.priceKey, where);
    const base = {
        component,
        resource: item.resource ?? r.name,
        type: r.type,
        item: item.item,
        quantity: item.quantity,
        unit: item.unit,
        priceKey: item.priceKey,
        assumption: item.assumption,
    };
    // None of a thing costs nothing at any price: a zero quantity (an assumption of "within the free
    // allowance") is $0 exactly, not an unknown.
    if (!price && item.quantity === 0) return { ...base, unitUsd: undefined, monthlyUsd: 0 };
    if (!price) {
        const reason = item.priceKey in PRICES ? `no published price recorded for ${where}` : "not in the price table";
        return { ...base, unpriced: reason };
    }
    if (price.unit !== item.unit) {
        throw new Error(`Price ${item.priceKey} is per ${price.unit}, but ${r.name} counts ${item.unit}s.`);
    }
    const hours = price.unit === "hour" ? HOURS_PER_MONTH : 1;
    return { ...base, unitUsd: price.usd, monthlyUsd: round(item.quantity * price.usd * hours), source: price.source };
}

/** The lines for one resource: its rule's items, priced; a type with no rule and not free is unpriced. */
function linesFor(r: ResourceRecord, component: string, region: string, ctx: RuleContext): CostLine[] {
    const rule = RULES[r.type];
    if (rule)
        return rule(r, plain(r.inputs) as Record<string, unknown>, ctx).map((i) => priceLine(r, component, i, region));
    if (!r.custom || FREE_TYPES.some((re) => re.test(r.type))) return [];
    return [
        {
            component,
            resource: r.name,
            type: r.type,
            item: r.type,
            quantity: 1,
            unit: "month",
            priceKey: "",
            unpriced: "no pricing rule for this resource type",
        },
    ];
}

export interface EstimateOptions {
    readonly stack: string;
    readonly cloud: string;
    /** The stack's AWS region or Azure location. */
    readonly region: string;
    /** The day to price (YYYY-MM-DD), for what depends on dates such as EKS extended support. @default today */
    readonly today?: string;
}

/** Refuses a cloud or region the table does not cover, naming the regions it does and how to choose one. */
export function requirePricedRegion(cloud: string, region: string): void {
    const regions = (PRICED_REGIONS as Record<string, readonly string[]>)[cloud];
    if (!regions) {
        throw new UnpricedRegionError(
            `No prices for cloud "${cloud}"; priced clouds: ${Object.keys(PRICED_REGIONS).join(", ")}.`,
        );
    }
    if (!regions.includes(region)) {
        const key = cloud === "aws" ? "platform:awsRegion" : "platform:azureLocation";
        throw new UnpricedRegionError(
            `The price table has no prices for ${cloud} region "${region}" (${key}); it covers ${regions.join(", ")}. ` +
                "Prices differ by region, so the estimate is refused rather than borrowed from another region. " +
                `Estimate at a covered region's prices with -c ${key}=${regions[0]}, or add the region's prices to scripts/lib/cost/prices.ts.`,
        );
    }
}

/** The region a stack's config places it in: platform:awsRegion or platform:azureLocation (their defaults). */
export function stackRegion(
    config: Readonly<Record<string, string>>,
    project = "platform",
): { cloud: string; region: string } {
    const cloud = config[`${project}:cloud`] ?? "aws";
    const region =
        cloud === "azure"
            ? (config[`${project}:azureLocation`] ?? "eastus2")
            : (config[`${project}:awsRegion`] ?? "us-east-1");
    return { cloud, region };
}

/** The estimate for a graph. */
export function estimateCost(resources: ResourceRecord[], options: EstimateOptions): CostEstimate {
    requirePricedRegion(options.cloud, options.region);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const ctx: RuleContext = {
        cloud: options.cloud === "azure" ? "azure" : "aws",
        all: resources,
        today: options.today ?? new Date().toISOString().slice(0, 10),
        region: options.region,
    };
    const lines = resources.flatMap((r) => linesFor(r, componentOf(r, byUrn), options.region, ctx));
    const components = [...new Set(lines.map((l) => l.component))].map((component) => {
        const own = lines.filter((l) => l.component === component);
        return { component, monthlyUsd: round(own.reduce((s, l) => s + (l.monthlyUsd ?? 0), 0)), lines: own };
    });
    const unpriced = lines.filter((l) => l.unpriced !== undefined);
    return {
        stack: options.stack,
        cloud: options.cloud,
        region: options.region,
        currency: CURRENCY,
        hoursPerMonth: HOURS_PER_MONTH,
        pricesRetrieved: PRICES_RETRIEVED,
        monthlyUsd: round(components.reduce((s, c) => s + c.monthlyUsd, 0)),
        complete: unpriced.length === 0,
        components,
        unpriced,
        assumptions: [...new Set(lines.map((l) => l.assumption).filter((a): a is string => a !== undefined))],
        excluded: EXCLUDED,
    };
}
