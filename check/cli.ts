/**
 * `npm run check -- --stack <dev|staging|prod> [-c <key>=<value> ...] [--policy-config <file>] [--today <YYYY-MM-DD>] [--phase preview|update] [--json]`
 *
 * Runs the program for a stack offline (no CLI, no credentials), prints the desired resource graph and
 * evaluates the policy pack (policies/) over it with the stack's policy config
 * (policies/config/<stack>.json, or --policy-config), printing every violation. `--today` judges dated facts
 * (Kubernetes support windows) as of another day, e.g. to see whether a stack still passes next month.
 * `--phase` models one phase of a real run (default both): `preview`, where new resources' computed values
 * are unknown and rules that read them are reported as undecidable, or `update`, after the changes are made.
 * Warnings (a Kubernetes version close to its end of standard support) go to stderr, one line each.
 * Exit codes: 0 success; 1 a mandatory policy violation (the graph is still printed); 2 bad
 * configuration or arguments (message on stderr, nothing on stdout), including a config value that makes
 * the engine refuse the program (check/engine.ts, the key named); 3 the program or the policy pack itself
 * failed, or the engine would refuse the program (duplicate URN, unknown type, ...; the resources named).
 */
import { ConfigError } from "../components/shared/config";
import { isIsoDate } from "../components/shared/facts";
import { checkJson, renderTree, runCheck } from ".";
import { EngineRefusalError } from "./engine";
import { PHASES, Phase, PolicyPackError, hasMandatoryViolations, renderViolations } from "./policy";
import { UsageError, loadStackConfig, stackNames } from "./stack";
import { findPlaceholders, placeholderWarning } from "../scripts/lib/placeholders";

export const USAGE =
    "usage: npm run check -- --stack <stack> [-c <key>=<value> ...] [--policy-config <file>] [--today <YYYY-MM-DD>] [--phase preview|update] [--json]";

export interface CliArgs {
    readonly stack: string;
    readonly overrides: string[];
    readonly json: boolean;
    /** Policy config file replacing policies/config/<stack>.json. */
    readonly policyConfig?: string;
    /** The day dated facts are judged on. */
    readonly today?: string;
    /** Only this phase of a real run (check/preview.ts). @default both */
    readonly phase?: Phase;
}

export function parseArgs(argv: string[]): CliArgs {
    let stack: string | undefined;
    const overrides: string[] = [];
    let json = false;
    let policyConfig: string | undefined;
    let today: string | undefined;
    let phase: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) {
                throw new UsageError(`${arg} needs a value.\n${USAGE}`);
            }
            return v;
        };
        if (arg === "--stack" || arg === "-s") stack = value();
        else if (arg.startsWith("--stack=")) stack = arg.slice("--stack=".length);
        else if (arg === "-c" || arg === "--config") overrides.push(value());
        else if (arg === "--json") json = true;
        else if (arg === "--policy-config") policyConfig = value();
        else if (arg.startsWith("--policy-config=")) policyConfig = arg.slice("--policy-config=".length);
        else if (arg === "--today") today = value();
        else if (arg.startsWith("--today=")) today = arg.slice("--today=".length);
        else if (arg === "--phase") phase = value();
        else if (arg.startsWith("--phase=")) phase = arg.slice("--phase=".length);
        else throw new UsageError(`Unknown argument "${arg}".\n${USAGE}`);
    }
    if (!stack) {
        throw new UsageError(`--stack is required (one of ${stackNames().join(", ")}).\n${USAGE}`);
    }
    if (today !== undefined && !isIsoDate(today)) {
        throw new UsageError(`--today needs a calendar date such as 2027-01-31, got "${today}".\n${USAGE}`);
    }
    if (phase !== undefined && !(PHASES as readonly string[]).includes(phase)) {
        throw new UsageError(`--phase must be preview or update, got "${phase}".\n${USAGE}`);
    }
    return { stack, overrides, json, policyConfig, today, phase: phase as Phase | undefined };
}

export async function main(argv: string[]): Promise<number> {
    try {
        const args = parseArgs(argv);
        const result = await runCheck({
            stack: args.stack,
            overrides: args.overrides,
            policyConfig: args.policyConfig,
            today: args.today,
            phases: args.phase ? [args.phase] : undefined,
        });
        process.stdout.write(
            args.json
                ? `${JSON.stringify(checkJson(result), null, 2)}\n`
                : `${renderTree(result)}\n${result.policy ? `\n${renderViolations(result.policy)}\n` : ""}`,
        );
        // One line on stderr (stdout stays clean for --json): these values run offline but cannot be deployed.
        const placeholders = findPlaceholders(loadStackConfig(args.stack, args.overrides).config);
        if (placeholders.length > 0) process.stderr.write(`${placeholderWarning(args.stack, placeholders)}\n`);
        return hasMandatoryViolations(result.violations) ? 1 : 0;
    } catch (err) {
        if (err instanceof UsageError || err instanceof ConfigError) {
            process.stderr.write(`${err.message}\n`);
            return 2;
        }
        if (err instanceof EngineRefusalError) {
            process.stderr.write(`${err.message}\n`);
            return err.causedByConfig ? 2 : 3;
        }
        if (err instanceof PolicyPackError) {
            process.stderr.write(`The policy pack failed: ${err.message}\n`);
            return 3;
        }
        process.stderr.write(
            `The program failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
        );
        return 3;
    }
}

if (require.main === module) {
    // Exit only once stdout has drained: a plain process.exit() cuts off large output written to a pipe.
    main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
        process.stdout.write("", () => process.exit(code));
    });
}
