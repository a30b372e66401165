/**
 * `npm run check -- --stack <dev|staging|prod> | --stack-file <file.yaml> [-c <key>=<value> ...] [--policy-config <file>] [--today <YYYY-MM-DD>] [--phase preview|update] [--json]`
 *
 * Runs the program for a stack offline (no CLI, no credentials), prints the desired resource graph and
 * evaluates the policy pack (policies/) over it with the stack's policy config
 * (policies/config/<stack>.json, else the one of the stack's platform:environment, or --policy-config),
 * printing every violation. `--today` judges dated facts (Kubernetes support windows) as of another day,
 * e.g. to see whether a stack still passes next month.
 * `--phase` models one phase of a real run (default both): `preview`, where new resources' computed values
 * are unknown and rules that read them are reported as undecidable, or `update`, after the changes are made.
 * Warnings (a Kubernetes version close to its end of standard support) go to stderr, one line each.
 * Exit codes: 0 success; 1 a mandatory policy violation (the graph is still printed); 2 bad
 * configuration or arguments (message on stderr, nothing on stdout), including a config value that makes
 * the engine refuse the program (check/engine.ts, the key named); 3 the program or the policy pack itself
 * failed, or the engine would refuse the program (duplicate URN, unknown type, ...; the resources named), or
 * a Kubernetes object or Helm values violate their schema (check/schemas.ts; exit 2 when the value refused is
 * a config value). Kinds and charts without a schema are listed on stderr as "not validated: ...".
 */
import { ConfigError, parseConfig } from "../components/shared/config";
import { isIsoDate } from "../components/shared/facts";
import { checkJson, renderTree, runCheck } from ".";
import { EngineRefusalError } from "./engine";
import { PHASES, Phase, PolicyPackError, hasMandatoryViolations, renderViolations } from "./policy";
import { schemaNotes } from "./schemas";
import { UsageError, commandLineKeys, loadStackConfig, stackNameOfFile, stackNames } from "./stack";
import { forgottenDashDashHint, helpRequested } from "../scripts/lib/args";
import { findPlaceholders, placeholderWarning } from "../scripts/lib/placeholders";

export const USAGE =
    "usage: npm run check -- --stack <stack> | --stack-file <file.yaml> [-c <key>=<value> ...] [--policy-config <file>] [--today <YYYY-MM-DD>] [--phase preview|update] [--json]";

/** `--help`: what the command does, its options and exit codes (on stdout, exit 0). */
export const HELP = [
    USAGE,
    "",
    "Runs the program for a stack offline (no Pulumi CLI, no cloud credentials) under the SDK's mocks, prints the",
    "resource graph and evaluates the policy pack (policies/) over it.",
    "",
    "  --stack, -s <stack>        a stack with a Pulumi.<stack>.yaml file",
    "  --stack-file <file.yaml>   check a stack file kept elsewhere (e.g. examples/bell24h.yaml) as the stack",
    "                             its file name names (bell24h), with the policy config of its environment",
    "  -c, --config <key>=<value> override a config value, as `pulumi preview -c` (repeatable;",
    "                             e.g. -c platform:cloud=azure)",
    "  --policy-config <file>     policy config to apply instead of policies/config/<stack>.json",
    "                             (default: that file, else policies/config/<platform:environment>.json)",
    "  --today <YYYY-MM-DD>       judge dated facts (Kubernetes support windows) as of that day (default: today)",
    "  --phase <preview|update>   model one phase of a real run: preview (computed values unknown; rules that",
    "                             read them reported as undecidable) or update (default: both)",
    "  --json                     print one JSON document (resources, outputs, violations) instead of the tree",
    "  --help, -h                 print this help",
    "",
    "For JSON alone on stdout, run it without npm's banner: ./scripts/platform.js check --stack prod --json",
    "(or npm run --silent check -- --stack prod --json). Plain `npm run` prints `> platform@0.1.0 check` first.",
    "",
    "Kubernetes objects are validated against the API of the cluster's version (platform:cluster",
    "kubernetesVersion, default 1.36) and the CRDs of the pinned charts, and Helm values against the chart's",
    "values.schema.json (else its values.yaml keys and what its templates read: warnings), with the schema",
    "bundle in $PLATFORM_SCHEMAS, check/data/schemas or ../shared/schemas (npm run schemas:vendor writes it).",
    'What has no schema there is listed on stderr as "not validated: ...".',
    "",
    "Exit codes: 0 success; 1 a mandatory policy violation (the graph is still printed); 2 bad configuration",
    "or arguments (message on stderr, nothing on stdout), including a config value the engine or the API",
    "server would refuse (the key named); 3 the program or the policy pack itself failed, or the engine would",
    "refuse the graph (duplicate URN, unknown type, one Kubernetes object twice), or a Kubernetes object or",
    "Helm values violate their schema (unknown field, wrong type, value not in the enum; URN, path, value and",
    "what is allowed named).",
].join("\n");

/**
 * The long options npm would take as its own when `--` is forgotten. Not "json": npm exports its own json
 * setting to every script as npm_config_json, so its presence says nothing.
 */
const OPTIONS = ["stack", "stack-file", "config", "policy-config", "today", "phase"];

export interface CliArgs {
    readonly stack: string;
    /** The stack file read instead of Pulumi.<stack>.yaml (`--stack-file`). */
    readonly stackFile?: string;
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
    let stackFile: string | undefined;
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
        else if (arg === "--stack-file") stackFile = value();
        else if (arg.startsWith("--stack-file=")) stackFile = arg.slice("--stack-file=".length);
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
    if (stack && stackFile) {
        throw new UsageError(
            `Give --stack or --stack-file, not both: --stack-file ${stackFile} runs as stack ` +
                `"${stackNameOfFile(stackFile)}" (its file name).\n${USAGE}`,
        );
    }
    if (stackFile) stack = stackNameOfFile(stackFile);
    if (!stack) {
        throw new UsageError(`--stack or --stack-file is required (one of ${stackNames().join(", ")}).\n${USAGE}`);
    }
    if (today !== undefined && !isIsoDate(today)) {
        throw new UsageError(`--today needs a calendar date such as 2027-01-31, got "${today}".\n${USAGE}`);
    }
    if (phase !== undefined && !(PHASES as readonly string[]).includes(phase)) {
        throw new UsageError(`--phase must be preview or update, got "${phase}".\n${USAGE}`);
    }
    return { stack, stackFile, overrides, json, policyConfig, today, phase: phase as Phase | undefined };
}

/**
 * Under `npm run` without --silent, npm has already written its banner ("> platform@0.1.0 check") to stdout,
 * before the JSON: say so on stderr, with the two ways to get JSON alone. npm exports its loglevel to
 * scripts as npm_config_loglevel ("silent" with --silent) and the script's name as npm_lifecycle_event
 * (https://docs.npmjs.com/cli/v11/using-npm/scripts#environment); seen with npm 11.19.
 */
export function npmBannerNote(args: CliArgs, env: NodeJS.ProcessEnv): string | undefined {
    if (!args.json || env.npm_lifecycle_event !== "check" || env.npm_config_loglevel === "silent") return undefined;
    return (
        "note: npm printed its banner on stdout before this JSON. For JSON alone, run " +
        `./scripts/platform.js check --stack ${args.stack} --json, or npm run --silent check -- --stack ${args.stack} --json.`
    );
}

/**
 * The configuration error again, with fixes that point at where each value came from: the stack file by
 * name, or the `-c` value. The program itself cannot tell (under `pulumi up` every value is in the stack
 * file), so the check re-validates the same config with the origins it knows.
 */
function explainConfigError(err: ConfigError, args: CliArgs): string {
    try {
        const loaded = loadStackConfig(args.stack, args.overrides, undefined, args.stackFile);
        parseConfig(loaded.config, loaded.project, args.stack, {
            fromCommandLine: commandLineKeys(loaded),
            stackFile: loaded.file,
            today: args.today,
        });
    } catch (again) {
        if (again instanceof ConfigError) return again.message;
    }
    return err.message;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
    if (helpRequested(argv)) {
        process.stdout.write(`${HELP}\n`);
        return 0;
    }
    let args: CliArgs | undefined;
    try {
        args = parseArgs(argv);
        const result = await runCheck({
            stack: args.stack,
            stackFile: args.stackFile,
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
        for (const line of schemaNotes(result.schemas, { json: args.json })) process.stderr.write(`${line}\n`);
        const banner = npmBannerNote(args, env);
        if (banner) process.stderr.write(`${banner}\n`);
        // One line on stderr (stdout stays clean for --json): these values run offline but cannot be deployed.
        const placeholders = findPlaceholders(
            loadStackConfig(args.stack, args.overrides, undefined, args.stackFile).config,
        );
        if (placeholders.length > 0)
            process.stderr.write(`${placeholderWarning(args.stack, placeholders, args.stackFile)}\n`);
        return hasMandatoryViolations(result.violations) ? 1 : 0;
    } catch (err) {
        if (err instanceof ConfigError && args) {
            process.stderr.write(`${explainConfigError(err, args)}\n`);
            return 2;
        }
        if (err instanceof UsageError || err instanceof ConfigError) {
            const hint = args ? undefined : forgottenDashDashHint("check", OPTIONS, env);
            process.stderr.write(`${err.message}\n${hint ? `\n${hint}\n` : ""}`);
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
