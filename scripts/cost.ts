/**
 * `npm run cost -- --stack <stack> [-c <key>=<value> ...] [--json]`
 *
 * Estimates the monthly cost of a stack per component and per resource: runs the real program offline under
 * the SDK's mocks, exactly as `npm run check` does (check/runtime.ts runProgram, check/stack.ts
 * loadStackConfig), and prices the registered resources from the dated price table
 * (scripts/lib/cost/prices.ts). See docs/cost.md for what it prices, assumes and leaves out.
 *
 * Exit codes: 0 estimated (unpriced items are listed, not an error); 2 bad arguments, bad configuration, or a
 * region the price table does not cover; 3 the program failed.
 */
import { ConfigError } from "../components/shared/config";
import { runProgram } from "../check/runtime";
import { UsageError, loadStackConfig, stackNames } from "../check/stack";
import { CostEstimate, UnpricedRegionError, estimateCost, stackRegion } from "./lib/cost/estimate";
import { costJson, renderCostText } from "./lib/cost/render";
import { forgottenDashDashHint, helpRequested } from "./lib/args";

export const COST_USAGE = "usage: npm run cost -- --stack <stack> [-c <key>=<value> ...] [--json]";

/** `--help`: what the command does, its options and exit codes (on stdout, exit 0). */
export const COST_HELP = [
    COST_USAGE,
    "",
    "Estimates a stack's monthly cost per component and resource: runs the program offline (no Pulumi CLI, no",
    "cloud credentials) and prices what it registers from the dated, sourced table in scripts/lib/cost/prices.ts.",
    "Items without a recorded price are listed as unpriced, so the total is then a lower bound (docs/cost.md).",
    "",
    "  --stack, -s <stack>        a stack with a Pulumi.<stack>.yaml file",
    "  -c, --config <key>=<value> override a config value (repeatable; e.g. -c platform:cloud=azure,",
    "                             -c platform:awsRegion=us-east-1)",
    "  --json                     print the estimate as one JSON document",
    "  --help, -h                 print this help",
    "",
    "For JSON alone on stdout: npm run --silent cost -- --stack prod --json",
    "",
    "Exit codes: 0 estimated; 2 bad arguments or configuration, or a region the price table does not cover",
    "(message on stderr, nothing on stdout); 3 the program failed.",
].join("\n");

export interface CostArgs {
    readonly stack: string;
    readonly overrides: string[];
    readonly json: boolean;
}

export function parseCostArgs(argv: readonly string[]): CostArgs {
    let stack: string | undefined;
    const overrides: string[] = [];
    let json = false;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) throw new UsageError(`${arg} needs a value.\n${COST_USAGE}`);
            return v;
        };
        if (arg === "--stack" || arg === "-s") stack = value();
        else if (arg.startsWith("--stack=")) stack = arg.slice("--stack=".length);
        else if (arg === "-c" || arg === "--config") overrides.push(value());
        else if (arg === "--json") json = true;
        else throw new UsageError(`Unknown argument "${arg}".\n${COST_USAGE}`);
    }
    if (!stack) throw new UsageError(`--stack is required (one of ${stackNames().join(", ")}).\n${COST_USAGE}`);
    return { stack, overrides, json };
}

/** Runs the program for a stack's config offline and estimates its cost. */
export async function estimateStack(stack: string, overrides: readonly string[] = []): Promise<CostEstimate> {
    const { project, config } = loadStackConfig(stack, [...overrides]);
    const { cloud, region } = stackRegion(config, project);
    // Refuse an unpriced region before the program runs.
    estimateCost([], { stack, cloud, region });
    const run = await runProgram({ project, stack, config });
    return estimateCost(run.resources, { stack, cloud, region });
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
    if (helpRequested(argv)) {
        process.stdout.write(`${COST_HELP}\n`);
        return 0;
    }
    try {
        const args = parseCostArgs(argv);
        const estimate = await estimateStack(args.stack, args.overrides);
        process.stdout.write(
            args.json ? `${JSON.stringify(costJson(estimate), null, 2)}\n` : `${renderCostText(estimate)}\n`,
        );
        return 0;
    } catch (err) {
        if (err instanceof UsageError || err instanceof ConfigError || err instanceof UnpricedRegionError) {
            const hint =
                err instanceof UsageError ? forgottenDashDashHint("cost", ["stack", "config"], env) : undefined;
            process.stderr.write(`${err.message}\n${hint ? `\n${hint}\n` : ""}`);
            return 2;
        }
        process.stderr.write(
            `The program failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
        );
        return 3;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.stdout.write("", () => process.exit(code)));
}
