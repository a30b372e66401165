/**
 * The price kinds added for the edge, secrets, object storage, backups and read replicas, each read from a
 * stack's real graph (the committed snapshots in test/graph/baseline/, which test/graph/graph.test.ts keeps
 * equal to what the program registers) and priced; and the list of what stays unpriced, named.
 *
 * The snapshots place the stacks in eu-west-1 and westeurope. Where a price is recorded for us-east-1 or
 * eastus only, the same graph is re-homed there (every region name in it replaced), so the figure is read from
 * the stack's own resources at that region's prices.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { ResourceRecord } from "../../check/runtime";
import { ROOT } from "../../check/stack";
import { CostEstimate, CostLine, EXCLUDED, estimateCost } from "../../scripts/lib/cost/estimate";

interface BaselineResource {
    urn: string;
    type: string;
    parent: string | null;
    provider: string | null;
    custom: boolean;
    dependencies: string[];
    inputs: Record<string, unknown>;
}

/** A stack's graph from its snapshot, optionally moved from one region to another. */
function graph(stack: string, cloud: "aws" | "azure", move?: [string, string]): ResourceRecord[] {
    let text = fs.readFileSync(path.join(ROOT, "test", "graph", "baseline", `${stack}.${cloud}.json`), "utf8");
    if (move) text = text.split(move[0]).join(move[1]);
    const doc = JSON.parse(text) as { resources: BaselineResource[] };
    return doc.resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.urn.split("::").pop() ?? r.urn,
        parent: r.parent,
        provider: r.provider,
        dependencies: r.dependencies ?? [],
        propertyDependencies: {},
        protect: false,
        retainOnDelete: false,
        custom: r.custom,
        inputs: r.inputs,
        outputs: {},
    }));
}

const TODAY = "2026-12-01";
const estimate = (stack: string, cloud: "aws" | "azure", region: string, move?: [string, string]) =>
    estimateCost(graph(stack, cloud, move), { stack, cloud, region, today: TODAY });

const lines = (e: CostEstimate, type: string): CostLine[] =>
    e.components.flatMap((c) => c.lines).filter((l) => l.type === type);

const cents = (n: number) => Math.round(n * 100) / 100;

describe("cost: price kinds read from the stacks' graphs", () => {
    const prodAws = estimate("prod", "aws", "eu-west-1");
    const prodAwsUs = estimate("prod", "aws", "us-east-1", ["eu-west-1", "us-east-1"]);
    const prodAzure = estimate("prod", "azure", "westeurope");
    const prodAzureUs = estimate("prod", "azure", "eastus", ["westeurope", "eastus"]);

    it("prices prod's CloudFront WAF at $5 per web ACL and $1 per rule at zero requests, the same in every region", () => {
        // c3x.dev/blog/aws-waf-cost-explained; "consistent across all AWS Regions" (AWS networking blog).
        const waf = lines(prodAws, "aws:wafv2/webAcl:WebAcl");
        assert.deepStrictEqual(
            waf.map((l) => [l.quantity, l.monthlyUsd]),
            [
                [1, 5],
                [3, 3],
            ],
            "one web ACL and its three rules (two AWS managed rule groups and the per-IP rate limit)",
        );
        assert.ok(waf[0].assumption && /zero requests/.test(waf[0].assumption));
        assert.ok(EXCLUDED.some((x) => /WAF requests inspected/.test(x)));
    });

    it("prices prod's CloudFront distribution at no fixed fee and says its traffic is left out", () => {
        // "There are no upfront payments or fixed platform fees" (AWS whitepaper, How AWS Pricing Works: CloudFront).
        const [cdn] = lines(prodAws, "aws:cloudfront/distribution:Distribution");
        assert.deepStrictEqual([cdn.monthlyUsd, cdn.unpriced], [0, undefined]);
        assert.ok(EXCLUDED.some((x) => /CloudFront and Front Door data transfer out and requests/.test(x)));
        assert.ok(prodAws.assumptions.some((a) => /priced without traffic/.test(a)));
    });

    it("prices prod's public Route 53 hosted zone at $0.50 a month and its records as free", () => {
        assert.deepStrictEqual(
            lines(prodAws, "aws:route53/zone:Zone").map((l) => l.monthlyUsd),
            [0.5],
        );
        assert.deepStrictEqual(lines(prodAws, "aws:route53/record:Record"), []);
        assert.ok(!prodAws.unpriced.some((l) => l.type === "aws:route53/record:Record"));
    });

    it("prices a Secrets Manager secret at $0.40 in us-east-1 (prod's proxy no longer needs any)", () => {
        // Since P1 the RDS Proxy signs in with IAM end to end, so no stack graph holds a secret any more; the
        // rule is judged on one secret re-homed into the prod graph's region instead.
        assert.deepStrictEqual(lines(prodAwsUs, "aws:secretsmanager/secret:Secret"), []);
        const secret = (region: string) =>
            estimateCost(
                [
                    {
                        urn: "urn:pulumi:prod::platform::aws:secretsmanager/secret:Secret::s",
                        type: "aws:secretsmanager/secret:Secret",
                        name: "s",
                        parent: null,
                        provider: null,
                        dependencies: [],
                        propertyDependencies: {},
                        protect: false,
                        retainOnDelete: false,
                        custom: true,
                        inputs: {},
                        outputs: {},
                    },
                ],
                { stack: "prod", cloud: "aws", region, today: TODAY },
            );
        const us = lines(secret("us-east-1"), "aws:secretsmanager/secret:Secret");
        assert.deepStrictEqual(
            us.map((l) => [l.monthlyUsd, l.unpriced]),
            [[0.4, undefined]],
        );
        assert.ok(
            lines(secret("eu-west-1"), "aws:secretsmanager/secret:Secret").every((l) => l.unpriced !== undefined),
        );
    });

    it("prices prod's S3 buckets at S3 Standard $0.023 per GiB on the 100 GiB assumption in us-east-1", () => {
        const s3 = lines(prodAwsUs, "aws:s3/bucket:Bucket");
        assert.deepStrictEqual(
            s3.map((l) => l.monthlyUsd),
            [2.3, 2.3, 2.3, 2.3],
            "the storage bucket and its replica, Velero's bucket and its replica",
        );
    });

    it("prices prod's ECR repositories at $0.10 per GiB (1 GiB each assumed) and the monitoring volumes at gp3 $0.08 per GiB in us-east-1", () => {
        // cloudburn.io/blog/amazon-ecr-pricing (US East, March 2026); EBS gp3 $0.08/GB-month with 3,000 IOPS included.
        assert.deepStrictEqual(
            lines(prodAwsUs, "aws:ecr/repository:Repository").map((l) => l.monthlyUsd),
            [0.1, 0.1, 0.1],
        );
        const volumes = lines(prodAwsUs, "kubernetes:helm.sh/v3:Release").filter(
            (l) => l.priceKey === "aws.ebs.gp3-gib-month",
        );
        assert.deepStrictEqual(
            volumes.map((l) => [l.quantity, l.monthlyUsd]),
            [
                [15, 1.2],
                [200, 16],
            ],
            "Alertmanager's and Prometheus's claims",
        );
    });

    it("prices the read replica's storage at its source's 512 GiB (a replica names no storage of its own)", () => {
        const replica = lines(prodAwsUs, "aws:rds/instance:Instance").filter((l) => l.resource.includes("replica"));
        const storage = replica.find((l) => l.priceKey === "aws.rds.gp3-gib-month");
        assert.strictEqual(storage?.quantity, 512);
        assert.strictEqual(storage?.monthlyUsd, cents(512 * 0.115));
        assert.ok(!replica.some((l) => l.priceKey === "aws.rds.backup-gib-month"), "a replica keeps no backups");
    });

    it("prices AWS Backup's RDS snapshots at the database's allocated size, home and copy region, as an upper bound", () => {
        // AWS Backup bills storage only ("no minimum fee and there are no set-up charges"); RDS recovery points
        // are RDS snapshots at the RDS snapshot rate, $0.095 per GiB-month in us-east-1.
        const backup = lines(prodAwsUs, "aws:backup/selection:Selection");
        const rds = backup.filter((l) => l.priceKey === "aws.rds.backup-gib-month");
        assert.deepStrictEqual(
            rds.map((l) => [l.quantity, l.monthlyUsd, l.unpriced]),
            [
                [512, cents(512 * 0.095), undefined],
                [512, undefined, "no published price recorded for eu-central-1"],
            ],
            "one copy in the stack's region, one in the copy vault's region (eu-central-1)",
        );
        assert.ok(rds[0].assumption && /upper bound/.test(rds[0].assumption));
        for (const t of [
            "aws:backup/vault:Vault",
            "aws:backup/plan:Plan",
            "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
        ]) {
            assert.deepStrictEqual([lines(prodAws, t), prodAws.unpriced.filter((l) => l.type === t)], [[], []], t);
        }
    });

    it("counts the RDS Proxy at the primary's 4 vCPUs and lists it unpriced", () => {
        const [proxy] = lines(prodAws, "aws:rds/proxy:Proxy");
        assert.deepStrictEqual([proxy.quantity, proxy.unit, proxy.unpriced], [4, "hour", "not in the price table"]);
    });

    it("prices prod's Front Door Premium profile at its $330 base fee, its endpoints, routes and WAF policy as included", () => {
        // blog.cdnsun.com/microsoft-azure-front-door-pricing: Premium starts at $330/month before traffic and requests.
        assert.deepStrictEqual(
            lines(prodAzure, "azure-native:cdn:Profile").map((l) => [l.priceKey, l.monthlyUsd]),
            [["azure.frontdoor.premium-month", 330]],
        );
        const included = prodAzure.unpriced.filter((l) => /^azure-native:(cdn|frontdoor):/.test(l.type));
        assert.deepStrictEqual(included, []);
    });

    it("prices the Container Registry tier per month and the AKS outbound Standard load balancer in eastus", () => {
        // c3x.dev: ACR Premium $1.667/day ($50.74/month), Standard $0.667/day; Standard LB $0.025/hour.
        assert.deepStrictEqual(
            lines(prodAzureUs, "azure-native:containerregistry:Registry").map((l) => l.monthlyUsd),
            [50.74],
        );
        const devUs = estimate("dev", "azure", "eastus", ["westeurope", "eastus"]);
        assert.deepStrictEqual(
            lines(devUs, "azure-native:containerregistry:Registry").map((l) => l.monthlyUsd),
            [20.3],
        );
        const lb = lines(prodAzureUs, "azure-native:containerservice:ManagedCluster").find(
            (l) => l.priceKey === "azure.lb.standard-hour",
        );
        assert.strictEqual(lb?.monthlyUsd, cents(0.025 * 730));
    });

    it("models Azure Backup of the PostgreSQL server as a protected instance plus vault storage up to its 512 GiB", () => {
        const pg = lines(prodAzure, "azure-native:dataprotection:BackupInstance").filter((l) =>
            l.item.includes("db-server"),
        );
        assert.deepStrictEqual(
            pg.map((l) => [l.priceKey, l.quantity]),
            [
                ["azure.backup.postgres-instance-month", 1],
                ["azure.backup.vault-gib-month", 512],
            ],
        );
        for (const t of [
            "azure-native:dataprotection:BackupVault",
            "azure-native:network:FlowLog",
            "azure-native:dns:RecordSet",
        ]) {
            assert.deepStrictEqual(
                prodAzure.unpriced.filter((l) => l.type === t),
                [],
                t,
            );
        }
    });

    it("prices a zero-quantity item at $0 even where its price is unknown (backups within the free allowance)", () => {
        const [backup] = lines(prodAzure, "azure-native:dbforpostgresql:Server").filter(
            (l) => l.priceKey === "azure.postgres.backup-gib-month",
        );
        assert.deepStrictEqual([backup.quantity, backup.monthlyUsd, backup.unpriced], [0, 0, undefined]);
    });
});

describe("cost: what stays unpriced in prod, by price key", () => {
    const keys = (e: CostEstimate) => [...new Set(e.unpriced.map((l) => l.priceKey || l.type))].sort();

    it("names every unpriced kind of prod on AWS eu-west-1 (no source found for its regional prices)", () => {
        assert.deepStrictEqual(keys(estimate("prod", "aws", "eu-west-1")), [
            "aws.backup.s3-gib-month",
            "aws.cloudwatch.alarm-month",
            "aws.cloudwatch.dashboard-month",
            "aws.cloudwatch.logs-ingest-gb",
            "aws.ebs.gp3-gib-month",
            "aws.ec2.m7i.xlarge",
            "aws.ecr.storage-gib-month",
            "aws.elasticache.valkey.cache.r7g.large",
            "aws.rds.backup-gib-month",
            "aws.rds.db.r7g.xlarge",
            "aws.rds.gp3-gib-month",
            "aws.rds.proxy-vcpu-hour",
            "aws.s3.standard-gib-month",
            "aws.vpc.nat-gateway-hour",
        ]);
    });

    it("names every unpriced kind of prod on Azure westeurope", () => {
        assert.deepStrictEqual(keys(estimate("prod", "azure", "westeurope")), [
            "azure.acr.Premium-month",
            "azure.backup.blob-instance-month",
            "azure.backup.postgres-instance-month",
            "azure.backup.vault-gib-month",
            "azure.disk.premium-ssd-gib-month",
            "azure.dns.public-zone-month",
            "azure.lb.standard-hour",
            "azure.loganalytics.ingest-gb",
            "azure.monitor.metric-alert-month",
            "azure.monitor.prometheus-ingest",
            "azure.postgres.Standard_E4ds_v5",
            "azure.postgres.storage-gib-month",
            "azure.privatelink.endpoint-hour",
            "azure.redis.MemoryOptimized_M10",
            "azure.storage.Standard_GZRS-hot-gib-month",
            "azure.storage.Standard_ZRS-hot-gib-month",
        ]);
    });

    it("leaves no resource type without a pricing rule in any stack on either cloud", () => {
        for (const stack of ["dev", "staging", "prod"]) {
            for (const [cloud, region] of [
                ["aws", "eu-west-1"],
                ["azure", "westeurope"],
            ] as const) {
                const untyped = estimate(stack, cloud, region).unpriced.filter((l) => l.priceKey === "");
                assert.deepStrictEqual(
                    untyped.map((l) => l.type),
                    [],
                    `${stack}/${cloud}`,
                );
            }
        }
    });
});
