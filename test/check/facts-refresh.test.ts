/**
 * `npm run facts -- --refresh` for the sheets beyond Kubernetes: regions and zones, engine versions and the
 * size profiles' SKUs. The CLIs are faked with the answer shapes the clouds document (cited beside each
 * refresh in check/refresh/*.ts): DescribeRegions / DescribeAvailabilityZones, Subscriptions - List
 * Locations, DescribeDBMajorEngineVersions, DescribeCacheEngineVersions, the flexible server's
 * location-based capabilities, DescribeInstanceTypeOfferings, DescribeOrderableDBInstanceOptions and
 * `az vm list-skus`.
 */
import * as assert from "assert";
import { Sheets, refreshFacts } from "../../check/facts";

type Answers = Record<string, { ok: boolean; stdout?: string; stderr?: string }>;

const SHEETS: Partial<Sheets> = {
    regions: {
        aws: { "eu-west-1": { zones: 3 }, "us-west-1": { zones: 2 }, "me-south-1": { zones: 3 } },
        azure: {
            westeurope: { zones: true },
            ukwest: { zones: false },
            norwaywest: { zones: false, restricted: true },
        },
        azurePair: (l) => ({ westeurope: "northeurope", ukwest: "uksouth" })[l],
    },
    engines: {
        postgres: ["16", "17"],
        cache: { valkey: { version: "8.2", parameterGroupFamily: "valkey8" } },
    },
    skus: {
        awsNodes: ["m7i.large", "t3.large"],
        awsDatabases: ["db.m7g.large"],
        azureNodes: ["Standard_D4s_v5", "Standard_D2s_v5"],
        azureDatabases: ["Standard_D2ds_v5"],
    },
};

const json = (value: unknown) => ({ ok: true, stdout: JSON.stringify(value) });
const AWS = { "aws sts": json({}) };
const AZ = { "az account show": json({}) };

function run(argv: string[], answers: Answers) {
    const out: string[] = [];
    const err: string[] = [];
    const calls: string[] = [];
    const code = refreshFacts({
        argv: ["--refresh", ...argv],
        sheets: SHEETS,
        today: "2026-12-01",
        out: (l) => out.push(l),
        err: (l) => err.push(l),
        cli: (command, args) => {
            const line = [command, ...args].join(" ");
            calls.push(line);
            const key = Object.keys(answers)
                .sort((a, b) => b.length - a.length)
                .find((k) => line.startsWith(k));
            const a = key ? answers[key] : { ok: false, stderr: `unexpected call: ${line}` };
            return { ok: a.ok, stdout: a.stdout ?? "", stderr: a.stderr ?? "" };
        },
    });
    return { code, out: out.join("\n"), err: err.join("\n"), calls };
}

const zones = (n: number) =>
    json({ AvailabilityZones: Array.from({ length: n }, (_, i) => ({ ZoneName: `z${i}`, State: "available" })) });

describe("npm run facts -- --refresh: regions", () => {
    const regions = json({
        Regions: [
            { RegionName: "eu-west-1", OptInStatus: "opt-in-not-required" },
            { RegionName: "us-west-1", OptInStatus: "opt-in-not-required" },
            { RegionName: "me-south-1", OptInStatus: "not-opted-in" },
            { RegionName: "eu-west-4", OptInStatus: "not-opted-in" },
        ],
    });

    it("names a new AWS region and a zone count that moved, and skips the zones of regions not opted in", () => {
        const r = run(["--sheet", "regions"], {
            ...AWS,
            "aws ec2 describe-regions --all-regions": regions,
            "aws ec2 describe-availability-zones --filters Name=zone-type,Values=availability-zone --region eu-west-1":
                zones(3),
            "aws ec2 describe-availability-zones --filters Name=zone-type,Values=availability-zone --region us-west-1":
                zones(3),
        });
        assert.strictEqual(r.code, 1, r.err);
        assert.match(r.out, /aws region eu-west-4: not in the sheet \(not-opted-in\)/);
        assert.match(r.out, /aws region us-west-1: zones 2 → 3/);
        assert.doesNotMatch(r.out, /eu-west-1/);
        assert.match(r.err, /me-south-1: zones not compared \(the account has not opted in/);
        assert.ok(!r.calls.some((c) => c.includes("--region me-south-1")), "a region not opted in cannot be asked");
    });

    it("names Azure locations whose zones or pair changed, one it lacks, and keeps restricted ones as notes", () => {
        const r = run(["--sheet", "regions"], {
            ...AZ,
            "az account list-locations": json([
                {
                    name: "westeurope",
                    metadata: { regionType: "Physical", pairedRegion: [{ name: "northeurope" }] },
                    availabilityZoneMappings: [{ logicalZone: "1" }],
                },
                {
                    name: "ukwest",
                    metadata: { regionType: "Physical", pairedRegion: [{ name: "uknorth" }] },
                    availabilityZoneMappings: [{ logicalZone: "1" }],
                },
                {
                    name: "denmarkeast",
                    metadata: { regionType: "Physical" },
                    availabilityZoneMappings: [{ logicalZone: "1" }],
                },
                { name: "europe", metadata: { regionType: "Logical" } },
            ]),
        });
        assert.strictEqual(r.code, 1, r.err);
        assert.match(r.out, /azure location ukwest: zones false → true/);
        assert.match(r.out, /azure location ukwest: paired region uksouth → uknorth/);
        assert.match(r.out, /azure location denmarkeast: not in the sheet \(zones: yes\)/);
        assert.doesNotMatch(r.out, /westeurope|europe:/);
        assert.match(r.err, /norwaywest: restricted/);
    });
});

describe("npm run facts -- --refresh: engines", () => {
    it("names a PostgreSQL major RDS offers beyond the sheet, and one whose standard support ended", () => {
        const lifecycle = (end: string) => [
            {
                LifecycleSupportName: "open-source-rds-standard-support",
                LifecycleSupportEndDate: `${end}T00:00:00+00:00`,
            },
            {
                LifecycleSupportName: "open-source-rds-extended-support",
                LifecycleSupportEndDate: "2032-02-28T00:00:00+00:00",
            },
        ];
        const r = run(["--sheet", "engines"], {
            ...AWS,
            "aws rds describe-db-major-engine-versions --engine postgres": json({
                DBMajorEngineVersions: [
                    { MajorEngineVersion: "15", SupportedEngineLifecycles: lifecycle("2027-02-28") },
                    { MajorEngineVersion: "16", SupportedEngineLifecycles: lifecycle("2026-11-30") },
                    { MajorEngineVersion: "17", SupportedEngineLifecycles: lifecycle("2030-02-28") },
                    { MajorEngineVersion: "18", SupportedEngineLifecycles: lifecycle("2031-02-28") },
                ],
            }),
            "aws elasticache describe-cache-engine-versions --engine valkey": json({
                CacheEngineVersions: [
                    { EngineVersion: "8.2", CacheParameterGroupFamily: "valkey8" },
                    { EngineVersion: "9.1", CacheParameterGroupFamily: "valkey9" },
                ],
            }),
        });
        assert.strictEqual(r.code, 1, r.err);
        assert.match(r.out, /aws postgres 16: RDS standard support ended 2026-11-30/);
        assert.match(r.out, /aws postgres 18: offered by RDS \(standard support until 2031-02-28\), not in the sheet/);
        assert.doesNotMatch(r.out, /postgres 15/, "older majors the program does not offer are not news");
        assert.match(r.err, /valkey: newer than the pinned 8\.2: 9\.1/);
    });

    it("names a cache engine version that moved parameter group family", () => {
        const r = run(["--sheet", "engines"], {
            ...AWS,
            "aws rds describe-db-major-engine-versions": json({
                DBMajorEngineVersions: [
                    { MajorEngineVersion: "16", SupportedEngineLifecycles: [] },
                    { MajorEngineVersion: "17", SupportedEngineLifecycles: [] },
                ],
            }),
            "aws elasticache describe-cache-engine-versions --engine valkey": json({
                CacheEngineVersions: [{ EngineVersion: "8.2", CacheParameterGroupFamily: "valkey8.2" }],
            }),
        });
        assert.strictEqual(r.code, 1, r.err);
        assert.match(r.out, /aws valkey 8\.2: parameter group family valkey8 → valkey8\.2/);
    });

    it("reads the flexible server's majors from either capabilities shape", () => {
        const current = json([{ supportedServerVersions: [{ name: "16" }, { name: "17" }, { name: "18" }] }]);
        const older = json([{ supportedServerEditions: [{ supportedServerVersions: [{ name: "16" }] }] }]);
        const a = run(["--sheet", "engines"], { ...AZ, "az postgres flexible-server list-skus": current });
        assert.strictEqual(a.code, 1, a.err);
        assert.match(a.out, /azure postgres 18: offered in eastus2, not in the sheet/);
        const b = run(["--sheet", "engines"], { ...AZ, "az postgres flexible-server list-skus": older });
        assert.match(b.out, /azure postgres 17: in the sheet, not offered in eastus2/);
    });
});

describe("npm run facts -- --refresh: SKUs", () => {
    it("names node types and database classes not offered in the AWS region, and says what it cannot compare", () => {
        const r = run(["--sheet", "skus", "--aws-region", "eu-west-1"], {
            ...AWS,
            "aws ec2 describe-instance-type-offerings --location-type region --filters Name=instance-type,Values=m7i.large,t3.large --region eu-west-1":
                json({ InstanceTypeOfferings: [{ InstanceType: "t3.large" }] }),
            "aws rds describe-orderable-db-instance-options --engine postgres --db-instance-class db.m7g.large": json({
                OrderableDBInstanceOptions: [],
            }),
        });
        assert.strictEqual(r.code, 1, r.err);
        assert.match(r.out, /aws node type m7i\.large: not offered in eu-west-1/);
        assert.match(r.out, /aws database class db\.m7g\.large: not offered for postgres in eu-west-1/);
        assert.doesNotMatch(r.out, /t3\.large/);
        assert.match(r.err, /not compared: ElastiCache node types and Azure Managed Redis SKUs/);
    });

    it("names an AKS node size restricted in the location and a flexible server SKU not offered", () => {
        const r = run(["--sheet", "skus"], {
            ...AZ,
            "az vm list-skus --location eastus2": json([
                { name: "Standard_D4s_v5", restrictions: [] },
                {
                    name: "Standard_D2s_v5",
                    restrictions: [{ type: "Location", reasonCode: "NotAvailableForSubscription" }],
                },
            ]),
            "az postgres flexible-server list-skus": json([
                {
                    supportedServerEditions: [
                        { name: "GeneralPurpose", supportedServerSkus: [{ name: "Standard_D4ds_v5" }] },
                    ],
                },
            ]),
        });
        assert.strictEqual(r.code, 1, r.err);
        assert.match(r.out, /azure node size Standard_D2s_v5: restricted in eastus2 \(NotAvailableForSubscription\)/);
        assert.match(r.out, /azure database SKU Standard_D2ds_v5: not offered in eastus2/);
        assert.doesNotMatch(r.out, /Standard_D4s_v5/);
    });
});

describe("npm run facts -- --refresh: every sheet", () => {
    it("asks a query two sheets share only once", () => {
        const r = run(["--sheet", "engines", "--sheet", "skus"], {
            ...AZ,
            "az vm list-skus": json([]),
            "az postgres flexible-server list-skus": json([
                { supportedServerVersions: [{ name: "16" }, { name: "17" }] },
            ]),
        });
        assert.strictEqual(r.calls.filter((c) => c.startsWith("az postgres flexible-server list-skus")).length, 1);
    });

    it("exits 3, not 0, when a query failed and nothing else differed", () => {
        const r = run(["--sheet", "regions", "--sheet", "engines", "--sheet", "skus"], {
            ...AZ,
            "az account list-locations": { ok: false, stderr: "AuthorizationFailed" },
            "az postgres flexible-server list-skus": json([
                { supportedServerVersions: [{ name: "16" }, { name: "17" }] },
            ]),
            "az vm list-skus": json([{ name: "Standard_D4s_v5" }, { name: "Standard_D2s_v5" }]),
        });
        assert.strictEqual(r.code, 3, r.out + r.err);
        assert.match(r.err, /az account list-locations failed: AuthorizationFailed/);
        assert.match(r.out, /the failed queries above were not compared/);
    });

    it("refuses an unknown sheet with the names it takes", () => {
        const r = run(["--sheet", "prices"], {});
        assert.strictEqual(r.code, 2);
        assert.match(r.err, /--sheet takes one of kubernetes, regions, engines, skus, got "prices"/);
    });
});
