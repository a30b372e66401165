/**
 * The cost estimate's arithmetic on hand-made graphs, its region handling, the unpriced listing and the
 * JSON shape; and one real run of `npm run cost` as users run it.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import type { ResourceRecord } from "../../check/runtime";
import { ROOT } from "../../check/stack";
import { UnpricedRegionError, chartVolumes, estimateCost } from "../../scripts/lib/cost/estimate";
import { PRICES, PRICED_REGIONS, priceOf } from "../../scripts/lib/cost/prices";
import { changeText, renderCostText, totalText } from "../../scripts/lib/cost/render";

let seq = 0;
function record(
    type: string,
    inputs: Record<string, unknown>,
    parent: string | null = null,
    custom = true,
): ResourceRecord {
    const name = `r${seq++}`;
    return {
        urn: `urn:pulumi:dev::platform::${type}::${name}`,
        type,
        name,
        parent,
        provider: null,
        dependencies: [],
        propertyDependencies: {},
        protect: false,
        retainOnDelete: false,
        custom,
        inputs,
        outputs: {},
    };
}

function component(capability: string): ResourceRecord {
    return record(`platform:${capability}:X`, {}, null, false);
}

describe("cost estimate", () => {
    it("prices an EKS control plane, t3.large nodes × desired size and Multi-AZ RDS at 730 hours in us-east-1", () => {
        // Prices: scripts/lib/cost/prices.ts (EKS $0.10/h, t3.large $0.0832/h, db.t4g.medium $0.065/h, gp3 $0.115).
        const cluster = component("cluster");
        const db = component("database");
        const graph = [
            cluster,
            record("aws:eks/cluster:Cluster", { upgradePolicy: { supportType: "STANDARD" } }, cluster.urn),
            record(
                "aws:eks/nodeGroup:NodeGroup",
                { instanceTypes: ["t3.large"], scalingConfig: { desiredSize: 3 } },
                cluster.urn,
            ),
            db,
            record(
                "aws:rds/instance:Instance",
                { instanceClass: "db.t4g.medium", allocatedStorage: 100, multiAz: true, storageType: "gp3" },
                db.urn,
            ),
        ];
        const e = estimateCost(graph, { stack: "dev", cloud: "aws", region: "us-east-1" });
        const c = Object.fromEntries(e.components.map((x) => [x.component, x.monthlyUsd]));
        assert.strictEqual(c.cluster, 73 + 182.21, "73 + 3 × $0.0832 × 730 = 182.208, rounded to cents per line");
        assert.strictEqual(c.database, Math.round(2 * 0.065 * 730 * 100) / 100 + 200 * 0.115);
        assert.strictEqual(e.monthlyUsd, Math.round((c.cluster + c.database) * 100) / 100);
        assert.strictEqual(e.complete, true);
    });

    it("doubles Azure PostgreSQL for zone-redundant HA and prices the AKS Standard tier per cluster-hour", () => {
        const cluster = component("cluster");
        const graph = [
            cluster,
            record(
                "azure-native:containerservice:ManagedCluster",
                { sku: { tier: "Standard" }, agentPoolProfiles: [] },
                cluster.urn,
            ),
            record("azure-native:dbforpostgresql:Server", {
                sku: { name: "Standard_B2s" },
                storage: { storageSizeGB: 64 },
                highAvailability: { mode: "ZoneRedundant" },
            }),
        ];
        const e = estimateCost(graph, { stack: "dev", cloud: "azure", region: "eastus" });
        const aks = e.components
            .find((x) => x.component === "cluster")!
            .lines.find((l) => l.priceKey === "azure.aks.standard-cluster-hour")!;
        assert.strictEqual(aks.monthlyUsd, 73);
        const db = e.unpriced.filter((l) => l.type === "azure-native:dbforpostgresql:Server");
        assert.deepStrictEqual(
            db.map((l) => l.quantity),
            [2, 128],
            "primary and standby: two servers' hours and twice the storage",
        );
    });

    it("lists a price missing for the stack's region as unpriced, not zero, and says the total is a lower bound", () => {
        const graph = [record("aws:ec2/natGateway:NatGateway", {}), record("aws:kms/key:Key", {})];
        const e = estimateCost(graph, { stack: "dev", cloud: "aws", region: "eu-west-1" });
        assert.strictEqual(e.monthlyUsd, 1, "the KMS key's price holds in every region; the NAT gateway's does not");
        assert.strictEqual(e.complete, false);
        assert.deepStrictEqual(
            e.unpriced.map((l) => [l.priceKey, l.unpriced, l.monthlyUsd]),
            [["aws.vpc.nat-gateway-hour", "no published price recorded for eu-west-1", undefined]],
        );
        assert.strictEqual(totalText(e), "at least $1.00/month (1 item unpriced)");
    });

    it("says under the headline which components the total leaves partly unpriced, so a lower bound is not read as the bill", () => {
        const network = component("network");
        const graph = [
            network,
            record("aws:ec2/natGateway:NatGateway", {}, network.urn),
            record("aws:kms/key:Key", {}),
        ];
        const e = estimateCost(graph, { stack: "dev", cloud: "aws", region: "eu-west-1" });
        const [headline, warning] = renderCostText(e).split("\n");
        assert.match(headline, /at least \$1\.00\/month \(1 item unpriced\)/);
        assert.strictEqual(
            warning,
            'Not in the total, so the real bill is higher: network (1 item); see "Unpriced" below (prices not recorded for eu-west-1).',
        );
        const priced = estimateCost([record("aws:kms/key:Key", {})], {
            stack: "dev",
            cloud: "aws",
            region: "eu-west-1",
        });
        assert.match(
            renderCostText(priced).split("\n")[1],
            /^On-demand list prices/,
            "no warning when everything is priced",
        );
    });

    it("bills an EKS cluster with the EXTENDED upgrade policy at the standard rate while its version is in standard support", () => {
        // "If a cluster merely has the upgrade policy set to enable extended support, and is otherwise in the
        // standard support period, it incurs standard costs." https://docs.aws.amazon.com/eks/latest/userguide/enable-extended-support.html
        // 1.36 leaves EKS standard support on 2027-08-02 (components/shared/facts/kubernetes.ts).
        const price = (inputs: Record<string, unknown>, today: string) =>
            estimateCost([record("aws:eks/cluster:Cluster", inputs)], {
                stack: "prod",
                cloud: "aws",
                region: "us-east-1",
                today,
            }).monthlyUsd;
        const extendedPolicy = { version: "1.36", upgradePolicy: { supportType: "EXTENDED" } };
        assert.strictEqual(price(extendedPolicy, "2026-12-01"), 73, "$0.10 × 730 while 1.36 is in standard support");
        assert.strictEqual(price(extendedPolicy, "2027-08-03"), 438, "$0.60 × 730 once 1.36 is in extended support");
        assert.strictEqual(price({ version: "1.36" }, "2027-08-03"), 438, "EXTENDED is the API's default policy");
        assert.strictEqual(
            price({ version: "1.36", upgradePolicy: { supportType: "STANDARD" } }, "2027-08-03"),
            73,
            "STANDARD: AWS upgrades the cluster instead of billing extended support",
        );
    });

    it("counts EventBridge rules, SQS queues and Key Vault vaults and keys as free by existing (they bill per use)", () => {
        // EventBridge: AWS service events are free; SQS: no charge for creating or maintaining queues; Key Vault:
        // keys are not charged for storage, operations are (sources beside FREE_TYPES in estimate.ts).
        const types = [
            "aws:cloudwatch/eventRule:EventRule",
            "aws:cloudwatch/eventTarget:EventTarget",
            "aws:sqs/queue:Queue",
            "aws:sqs/queuePolicy:QueuePolicy",
        ];
        const aws = estimateCost(
            types.map((t) => record(t, {})),
            { stack: "dev", cloud: "aws", region: "us-east-1" },
        );
        assert.deepStrictEqual([aws.unpriced, aws.monthlyUsd], [[], 0]);
        const azure = estimateCost(
            ["azure-native:keyvault:Vault", "azure-native:keyvault:Key"].map((t) => record(t, {})),
            { stack: "dev", cloud: "azure", region: "eastus" },
        );
        assert.deepStrictEqual([azure.unpriced, azure.monthlyUsd], [[], 0]);
        assert.ok(aws.excluded.some((e) => /Key Vault operations/.test(e) && /SQS requests/.test(e)));
    });

    it("prices the m7i nodes of staging and prod at the AWS Price List's us-east-1 rates", () => {
        // Karpenter's table generated from the AWS Price List API (prices.ts KARPENTER_PRICES).
        assert.strictEqual(priceOf("aws.ec2.m7i.large", "us-east-1")?.usd, 0.1008);
        assert.strictEqual(priceOf("aws.ec2.m7i.xlarge", "us-east-1")?.usd, 0.2016);
        assert.strictEqual(priceOf("aws.ec2.m7i.large", "eu-west-1"), undefined, "no borrowed region");
    });

    it("prices AKS node VMs per region from the Azure Retail Prices API (westeurope costs more than eastus)", () => {
        // Karpenter for Azure's table from the Retail Prices API, Linux pay-as-you-go (prices.ts AZURE_KARPENTER_PRICES).
        const pool = (location: string) =>
            estimateCost(
                [
                    record("azure-native:containerservice:ManagedCluster", {
                        sku: { tier: "Standard" },
                        agentPoolProfiles: [{ name: "system", vmSize: "Standard_D4s_v5", count: 3 }],
                    }),
                ],
                { stack: "staging", cloud: "azure", region: location },
            ).components[0].lines.find((l) => l.priceKey === "azure.vm.Standard_D4s_v5")?.monthlyUsd;
        assert.strictEqual(pool("eastus"), Math.round(3 * 0.192 * 730 * 100) / 100);
        assert.strictEqual(pool("westeurope"), Math.round(3 * 0.23 * 730 * 100) / 100);
    });

    it("lists an RDS Proxy in front of a class whose vCPUs are not recorded as unpriced, never as a free zero", () => {
        const graph = [
            record("aws:rds/instance:Instance", { instanceClass: "db.x2g.large", allocatedStorage: 20 }),
            record("aws:rds/proxy:Proxy", {}),
        ];
        const e = estimateCost(graph, { stack: "prod", cloud: "aws", region: "us-east-1" });
        const proxy = e.unpriced.find((l) => l.type === "aws:rds/proxy:Proxy");
        assert.deepStrictEqual(
            [proxy?.quantity, proxy?.monthlyUsd, proxy?.unpriced],
            [1, undefined, "not in the price table"],
        );
    });

    it("lists a resource type with no pricing rule as unpriced, so a new resource is never silently free", () => {
        const e = estimateCost([record("aws:opensearch/domain:Domain", {})], {
            stack: "dev",
            cloud: "aws",
            region: "us-east-1",
        });
        assert.deepStrictEqual(
            e.unpriced.map((l) => [l.type, l.unpriced]),
            [["aws:opensearch/domain:Domain", "no pricing rule for this resource type"]],
        );
    });

    it("refuses a region the table does not cover, naming the key, the covered regions and the fix", () => {
        assert.throws(
            () => estimateCost([], { stack: "dev", cloud: "aws", region: "ap-south-1" }),
            (err: Error) =>
                err instanceof UnpricedRegionError &&
                /"ap-south-1" \(platform:awsRegion\)/.test(err.message) &&
                /covers eu-west-1, us-east-1/.test(err.message) &&
                /-c platform:awsRegion=eu-west-1/.test(err.message),
        );
        assert.throws(
            () => estimateCost([], { stack: "dev", cloud: "azure", region: "eastus2" }),
            /platform:azureLocation/,
        );
    });

    it("reads persistent volume sizes × replicas from the monitoring chart's volume claim templates", () => {
        const values = {
            prometheus: {
                prometheusSpec: {
                    replicas: 2,
                    storageSpec: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "100Gi" } } } } },
                },
            },
            grafana: { persistence: { enabled: true, size: "10Gi" }, resources: { requests: { storage: "3Gi" } } },
        };
        assert.deepStrictEqual(
            chartVolumes(values).map((v) => v.gib),
            [200],
            "only claim templates count, each replica has its own volume",
        );
    });

    it("records every price with a source URL and a retrieved date, and only for covered regions", () => {
        for (const [key, regions] of Object.entries(PRICES)) {
            const cloud = key.split(".")[0] as keyof typeof PRICED_REGIONS;
            for (const [region, p] of Object.entries(regions)) {
                assert.match(p.source, /^https:\/\//, key);
                assert.match(p.retrieved, /^\d{4}-\d{2}-\d{2}$/, key);
                assert.ok(
                    region === "*" || (PRICED_REGIONS[cloud] as readonly string[]).includes(region),
                    `${key} ${region}`,
                );
            }
        }
        assert.strictEqual(priceOf("aws.kms.key-month", "eu-west-1")?.usd, 1);
        assert.strictEqual(priceOf("aws.vpc.nat-gateway-hour", "eu-west-1"), undefined);
    });

    it("shows the change a PR makes against the base branch's estimate", () => {
        assert.strictEqual(
            changeText({
                stack: "dev",
                cloud: "aws",
                monthlyUsd: 110.5,
                unpriced: 3,
                baseMonthlyUsd: 100,
                baseUnpriced: 3,
            }),
            "+$10.50",
        );
        assert.strictEqual(
            changeText({
                stack: "dev",
                cloud: "aws",
                monthlyUsd: 90,
                unpriced: 2,
                baseMonthlyUsd: 100,
                baseUnpriced: 3,
            }),
            "-$10.00 (unpriced items 3 → 2)",
        );
        assert.strictEqual(changeText({ stack: "dev", cloud: "aws", monthlyUsd: 90, unpriced: 2 }), "no base estimate");
    });
});

describe("cost command", function () {
    this.timeout(180000);
    const run = (...args: string[]) =>
        spawnSync(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", path.join(ROOT, "scripts", "cost.ts"), ...args],
            {
                cwd: ROOT,
                encoding: "utf8",
            },
        );

    it("prints the documented JSON for dev at us-east-1 prices, exit 0", () => {
        const out = run("--stack", "dev", "-c", "platform:awsRegion=us-east-1", "--json");
        assert.strictEqual(out.status, 0, out.stderr);
        const doc = JSON.parse(out.stdout);
        assert.deepStrictEqual(Object.keys(doc), [
            "stack",
            "cloud",
            "region",
            "currency",
            "hoursPerMonth",
            "pricesRetrieved",
            "monthlyUsd",
            "complete",
            "components",
            "unpriced",
            "assumptions",
            "excluded",
        ]);
        assert.deepStrictEqual([doc.stack, doc.cloud, doc.region, doc.currency], ["dev", "aws", "us-east-1", "USD"]);
        const nodes = doc.components
            .flatMap((c: { lines: { priceKey: string; monthlyUsd?: number }[] }) => c.lines)
            .find((l: { priceKey: string }) => l.priceKey === "aws.ec2.t3.large");
        assert.strictEqual(nodes.monthlyUsd, Math.round(2 * 0.0832 * 730 * 100) / 100, "dev: two t3.large nodes");
    });

    it("answers --help with its usage, options and exit codes on stdout, exit 0 (issue 18: --help on every command)", () => {
        const out = run("--help");
        assert.strictEqual(out.status, 0, out.stderr);
        assert.match(out.stdout, /^usage: npm run cost -- --stack <stack>/);
        assert.match(out.stdout, /Exit codes: 0 estimated; 2 /);
        assert.strictEqual(out.stderr, "");
    });

    it("exits 2 with the message on stderr for a region without prices", () => {
        const out = run("--stack", "dev", "-c", "platform:awsRegion=ap-south-1");
        assert.strictEqual(out.status, 2);
        assert.strictEqual(out.stdout, "");
        assert.match(out.stderr, /no prices for aws region "ap-south-1"/);
    });
});
