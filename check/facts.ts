/**
 * `npm run facts -- --refresh [--sheet <name>]... [--aws-region <region>] [--azure-location <location>]`
 *
 * Compares the dated facts the program depends on with what the clouds say today and prints the
 * differences, for a person to apply to the sheets (with their sources and review dates):
 *  - kubernetes: components/shared/facts/kubernetes.ts (check/refresh/kubernetes.ts);
 *  - regions: AWS regions and their zones, Azure locations, their zones and pairs (check/refresh/regions.ts);
 *  - engines: PostgreSQL majors on RDS and flexible server, the ElastiCache engines (check/refresh/engines.ts);
 *  - skus: the size profiles' node types and database classes in the region (check/refresh/skus.ts).
 * A cloud is asked only when its CLI has credentials (`aws sts get-caller-identity`, `az account show`).
 * Exit codes: 0 every sheet asked matches; 1 differences (printed); 2 no credentials for either cloud, or
 * bad arguments; 3 no differences found, but a query failed, so a sheet was only partly compared.
 */
import { spawnSync } from "child_process";
import {
    ENGINE_SHEETS,
    EngineSheets,
    refreshAzurePostgres,
    refreshCacheEngines,
    refreshRdsPostgres,
} from "./refresh/engines";
import { KUBERNETES_SHEET, KubernetesSheet, refreshAks, refreshEks } from "./refresh/kubernetes";
import { REGION_SHEETS, RegionSheets, refreshAwsRegions, refreshAzureLocations } from "./refresh/regions";
import { SKU_SHEET, SkuSheet, refreshAwsSkus, refreshAzureSkus } from "./refresh/skus";
import { Cli, SheetReport } from "./refresh/types";

export { diffAks, diffEks } from "./refresh/kubernetes";

export const FACTS_USAGE =
    "usage: npm run facts -- --refresh [--sheet kubernetes|regions|engines|skus]... [--aws-region <region>] [--azure-location <location>]";

/** `npm run facts -- --help`: the usage and what the refresh does (stdout, exit 0, as every command). */
export const FACTS_HELP = [
    FACTS_USAGE,
    "",
    "Compares the dated facts in components/shared/facts/ (Kubernetes support windows, regions and zones,",
    "database and cache engine versions, the size profiles' SKUs) with what the clouds report now, through",
    "the aws and az CLIs, and prints the differences for you to apply to the sheets.",
    "Needs AWS and/or Azure CLI credentials; without any, it says so and exits 2.",
    "",
    "  --sheet <name>               compare only this sheet (repeatable; default: all four)",
    "  --aws-region <region>        region to ask AWS (default: us-east-1)",
    "  --azure-location <location>  location to ask Azure (default: eastus2)",
    "",
    "Exit codes: 0 matches, 1 differences, 2 no credentials or bad arguments, 3 a query failed.",
].join("\n");

const SHEET_NAMES = ["kubernetes", "regions", "engines", "skus"] as const;
type SheetName = (typeof SHEET_NAMES)[number];

/** The sheets compared; tests pass their own. */
export interface Sheets {
    readonly kubernetes: KubernetesSheet;
    readonly regions: RegionSheets;
    readonly engines: EngineSheets;
    readonly skus: SkuSheet;
}

const runCli: Cli = (command, args) => {
    const r = spawnSync(command, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    return { ok: r.status === 0, stdout: r.stdout ?? "", stderr: (r.stderr ?? r.error?.message ?? "").trim() };
};

/** Asks each distinct query once (two sheets read `az postgres flexible-server list-skus`). */
function remembering(cli: Cli): Cli {
    const answers = new Map<string, ReturnType<Cli>>();
    return (command, args) => {
        const key = JSON.stringify([command, ...args]);
        if (!answers.has(key)) answers.set(key, cli(command, args));
        return answers.get(key)!;
    };
}

export interface FactsOptions {
    readonly argv: string[];
    readonly cli?: Cli;
    /** The Kubernetes sheet (kept for the tests written before the other sheets). */
    readonly sheet?: KubernetesSheet;
    readonly sheets?: Partial<Sheets>;
    readonly today?: string;
    readonly out?: (line: string) => void;
    readonly err?: (line: string) => void;
}

interface Parsed {
    readonly sheets: Set<SheetName>;
    readonly region: string;
    readonly location: string;
}

/** The arguments, or the message that refuses them. */
function parse(argv: string[]): Parsed | string {
    let refresh = false;
    const chosen = new Set<SheetName>();
    const values: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const [arg, next] = [argv[i], argv[i + 1]];
        if (arg === "--refresh") refresh = true;
        else if (arg === "--sheet" && (SHEET_NAMES as readonly string[]).includes(next ?? "")) {
            chosen.add(next as SheetName);
            i++;
        } else if (arg === "--sheet") {
            return `--sheet takes one of ${SHEET_NAMES.join(", ")}, got "${next ?? ""}".\n${FACTS_USAGE}`;
        } else if ((arg === "--aws-region" || arg === "--azure-location") && next) {
            values[arg] = next;
            i++;
        } else return `Unknown argument "${arg}".\n${FACTS_USAGE}`;
    }
    if (!refresh) return FACTS_USAGE;
    return {
        sheets: chosen.size > 0 ? chosen : new Set(SHEET_NAMES),
        region: values["--aws-region"] ?? "us-east-1",
        location: values["--azure-location"] ?? "eastus2",
    };
}

/** Each chosen sheet's refresh on one cloud. */
function awsReports(cli: Cli, sheets: Sheets, p: Parsed, today: string): [SheetName, () => SheetReport][] {
    return [
        ["kubernetes", () => refreshEks(cli, sheets.kubernetes, p.region)],
        ["regions", () => refreshAwsRegions(cli, sheets.regions.aws, p.region)],
        [
            "engines",
            () =>
                merge(
                    refreshRdsPostgres(cli, sheets.engines.postgres, p.region, today),
                    refreshCacheEngines(cli, sheets.engines.cache, p.region),
                ),
        ],
        ["skus", () => refreshAwsSkus(cli, sheets.skus, p.region)],
    ];
}

function azureReports(cli: Cli, sheets: Sheets, p: Parsed, today: string): [SheetName, () => SheetReport][] {
    return [
        ["kubernetes", () => refreshAks(cli, sheets.kubernetes, p.location, today)],
        ["regions", () => refreshAzureLocations(cli, sheets.regions)],
        ["engines", () => refreshAzurePostgres(cli, sheets.engines.postgres, p.location)],
        ["skus", () => refreshAzureSkus(cli, sheets.skus, p.location)],
    ];
}

function merge(...reports: SheetReport[]): SheetReport {
    return {
        differences: reports.flatMap((r) => r.differences),
        failures: reports.flatMap((r) => r.failures),
        notes: reports.flatMap((r) => r.notes),
    };
}

/** Runs the refresh; returns the exit code. */
export function refreshFacts(options: FactsOptions): number {
    const cli = remembering(options.cli ?? runCli);
    const out = options.out ?? ((l) => process.stdout.write(`${l}\n`));
    const err = options.err ?? ((l) => process.stderr.write(`${l}\n`));
    const today = options.today ?? new Date().toISOString().slice(0, 10);
    const sheets: Sheets = {
        kubernetes: options.sheet ?? options.sheets?.kubernetes ?? KUBERNETES_SHEET,
        regions: options.sheets?.regions ?? REGION_SHEETS,
        engines: options.sheets?.engines ?? ENGINE_SHEETS,
        skus: options.sheets?.skus ?? SKU_SHEET,
    };
    if (options.argv.includes("--help") || options.argv.includes("-h")) {
        out(FACTS_HELP);
        return 0;
    }
    const parsed = parse(options.argv);
    if (typeof parsed === "string") {
        err(parsed);
        return 2;
    }
    const aws = cli("aws", ["sts", "get-caller-identity", "--output", "json"]);
    const az = cli("az", ["account", "show", "--output", "json"]);
    if (!aws.ok && !az.ok) {
        err(
            "No cloud credentials: nothing refreshed.\n" +
                `  AWS (aws sts get-caller-identity): ${aws.stderr || "failed"}\n` +
                `  Azure (az account show): ${az.stderr || "failed"}\n` +
                "Log in with `aws sso login` / `az login` (or set AWS_PROFILE) and run again.",
        );
        return 2;
    }
    const runs: [SheetName, () => SheetReport][] = [];
    if (aws.ok) runs.push(...awsReports(cli, sheets, parsed, today));
    else err("AWS skipped: no credentials (aws sts get-caller-identity failed).");
    if (az.ok) runs.push(...azureReports(cli, sheets, parsed, today));
    else err("Azure skipped: no credentials (az account show failed).");
    const result = merge(...runs.filter(([name]) => parsed.sheets.has(name)).map(([, run]) => run()));
    return print(result, out, err);
}

function print(result: SheetReport, out: (l: string) => void, err: (l: string) => void): number {
    result.failures.forEach((f) => err(f));
    result.notes.forEach((n) => err(`note: ${n}`));
    if (result.differences.length === 0) {
        if (result.failures.length > 0) {
            out("No differences in what could be asked; the failed queries above were not compared.");
            return 3;
        }
        out("The facts sheets match what the clouds report.");
        return 0;
    }
    out("components/shared/facts/ differs from what the clouds report:");
    result.differences.forEach((l) => out(`  ${l}`));
    return 1;
}

if (require.main === module) {
    process.exitCode = refreshFacts({ argv: process.argv.slice(2) });
}
