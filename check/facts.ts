/**
 * `npm run facts -- --refresh [--aws-region <region>] [--azure-location <location>]`
 *
 * Compares the dated Kubernetes support sheet (components/shared/facts/kubernetes.ts) with what the clouds
 * say today and prints the differences, for a person to apply to the sheet (with its sources and
 * `lastReviewed`):
 *  - EKS: `aws eks describe-cluster-versions --include-all` (clusterVersion, releaseDate,
 *    endOfStandardSupportDate; https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeClusterVersions.html);
 *  - AKS: `az aks get-versions --location <location>` (which minor versions AKS offers; it publishes no
 *    dates, https://learn.microsoft.com/cli/azure/aks#az-aks-get-versions).
 * A cloud is asked only when its CLI has credentials (`aws sts get-caller-identity`, `az account show`).
 * Exit codes: 0 the sheet matches; 1 differences (printed); 2 no credentials for either cloud, or bad
 * arguments.
 */
import { spawnSync } from "child_process";
import { KUBERNETES_VERSIONS_BY_CLOUD } from "../components/shared/facts/kubernetes";

export const FACTS_USAGE = "usage: npm run facts -- --refresh [--aws-region <region>] [--azure-location <location>]";

/** `npm run facts -- --help`: the usage and what the refresh does (stdout, exit 0, as every command). */
export const FACTS_HELP = [
    FACTS_USAGE,
    "",
    "Compares the dated Kubernetes support sheet (components/shared/facts/kubernetes.ts) with what the",
    "clouds offer now (aws eks describe-cluster-versions, az aks get-versions) and prints the differences.",
    "Needs AWS and/or Azure CLI credentials; without any, it says so and exits 2.",
    "",
    "  --aws-region <region>        region to ask EKS (default: us-east-1)",
    "  --azure-location <location>  location to ask AKS (default: eastus2)",
].join("\n");

type Sheet = Record<string, Partial<Record<"aws" | "azure", { available: string; standardSupportEnds: string }>>>;

interface Cli {
    (command: string, args: string[]): { ok: boolean; stdout: string; stderr: string };
}

const runCli: Cli = (command, args) => {
    const r = spawnSync(command, args, { encoding: "utf8" });
    return { ok: r.status === 0, stdout: r.stdout ?? "", stderr: (r.stderr ?? r.error?.message ?? "").trim() };
};

/** A timestamp as the AWS CLI prints it (ISO 8601, or epoch seconds) as YYYY-MM-DD. */
function day(value: unknown): string | undefined {
    if (typeof value === "number") return new Date(value * 1000).toISOString().slice(0, 10);
    if (typeof value === "string" && value !== "") return new Date(value).toISOString().slice(0, 10);
    return undefined;
}

/** Differences between the sheet's EKS rows and describe-cluster-versions. */
export function diffEks(sheet: Sheet, answer: { clusterVersions?: Record<string, unknown>[] }): string[] {
    const lines: string[] = [];
    for (const v of answer.clusterVersions ?? []) {
        const version = String(v.clusterVersion);
        const row = sheet[version]?.aws;
        const available = day(v.releaseDate);
        const ends = day(v.endOfStandardSupportDate);
        if (!row) {
            if (v.versionStatus !== "UNSUPPORTED") {
                lines.push(`aws ${version}: not in the sheet (available ${available}, standard support ends ${ends})`);
            }
            continue;
        }
        if (available && available !== row.available) {
            lines.push(`aws ${version}: available ${row.available} → ${available}`);
        }
        if (ends && ends !== row.standardSupportEnds) {
            lines.push(`aws ${version}: standardSupportEnds ${row.standardSupportEnds} → ${ends}`);
        }
    }
    return lines;
}

/** Differences between the sheet's AKS rows and the minor versions `az aks get-versions` offers. */
export function diffAks(sheet: Sheet, answer: { values?: Record<string, unknown>[] }, today: string): string[] {
    const offered = new Set(
        (answer.values ?? [])
            .filter((v) => v.isPreview !== true)
            .map((v) => String(v.version).split(".").slice(0, 2).join(".")),
    );
    const lines: string[] = [];
    for (const version of [...offered].sort()) {
        if (!sheet[version]?.azure) lines.push(`azure ${version}: offered by AKS but not in the sheet`);
    }
    for (const [version, row] of Object.entries(sheet)) {
        if (row.azure && row.azure.standardSupportEnds >= today && !offered.has(version)) {
            lines.push(
                `azure ${version}: in standard support in the sheet until ${row.azure.standardSupportEnds}, not offered by AKS`,
            );
        }
    }
    return lines;
}

export interface FactsOptions {
    readonly argv: string[];
    readonly cli?: Cli;
    readonly sheet?: Sheet;
    readonly today?: string;
    readonly out?: (line: string) => void;
    readonly err?: (line: string) => void;
}

/** Runs the refresh; returns the exit code. */
export function refreshFacts(options: FactsOptions): number {
    const { argv, cli = runCli, sheet = KUBERNETES_VERSIONS_BY_CLOUD as Sheet } = options;
    const out = options.out ?? ((l) => process.stdout.write(`${l}\n`));
    const err = options.err ?? ((l) => process.stderr.write(`${l}\n`));
    const today = options.today ?? new Date().toISOString().slice(0, 10);
    const values: Record<string, string> = {};
    let refresh = false;
    if (argv.includes("--help") || argv.includes("-h")) {
        out(FACTS_HELP);
        return 0;
    }
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--refresh") refresh = true;
        else if ((argv[i] === "--aws-region" || argv[i] === "--azure-location") && argv[i + 1]) {
            values[argv[i]] = argv[++i];
        } else {
            err(`Unknown argument "${argv[i]}".\n${FACTS_USAGE}`);
            return 2;
        }
    }
    if (!refresh) {
        err(FACTS_USAGE);
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
    const lines: string[] = [];
    if (aws.ok) {
        const region = values["--aws-region"] ?? "us-east-1";
        const r = cli("aws", [
            "eks",
            "describe-cluster-versions",
            "--include-all",
            "--region",
            region,
            "--output",
            "json",
        ]);
        if (!r.ok) err(`aws eks describe-cluster-versions failed: ${r.stderr}`);
        else lines.push(...diffEks(sheet, JSON.parse(r.stdout)));
    } else err("AWS skipped: no credentials (aws sts get-caller-identity failed).");
    if (az.ok) {
        const location = values["--azure-location"] ?? "eastus2";
        const r = cli("az", ["aks", "get-versions", "--location", location, "--output", "json"]);
        if (!r.ok) err(`az aks get-versions failed: ${r.stderr}`);
        else lines.push(...diffAks(sheet, JSON.parse(r.stdout), today));
    } else err("Azure skipped: no credentials (az account show failed).");
    if (lines.length === 0) {
        out("The Kubernetes support sheet matches what the clouds report.");
        return 0;
    }
    out("components/shared/facts/kubernetes.ts differs from what the clouds report:");
    lines.forEach((l) => out(`  ${l}`));
    return 1;
}

if (require.main === module) {
    process.exitCode = refreshFacts({ argv: process.argv.slice(2) });
}
