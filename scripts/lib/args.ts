/**
 * Argument parsing for `npm run deploy`. Pure: no environment, no I/O, so every usage error is testable.
 */
import { stackNames } from "../../check/stack";
import { EXIT, ExitError } from "./exit-codes";

export const COMMANDS = ["preview", "up", "destroy", "refresh", "outputs"] as const;
export type Command = (typeof COMMANDS)[number];

export const DEPLOY_USAGE = [
    "usage: npm run deploy -- <preview|up|destroy|refresh|outputs> --stack <stack> [--yes] [--parallel N]",
    "",
    "  preview   show what `up` would change, with the policy pack",
    "  up        create or update the stack's resources, with the policy pack",
    "  destroy   delete every resource of the stack (refused while resources are protected)",
    "  refresh   read the real state of the stack's resources into the stack's state",
    "  outputs   print the stack's outputs (secrets masked)",
    "",
    "  --stack, -s <stack>   a stack with a Pulumi.<stack>.yaml file",
    "  --yes, -y             confirm `up`/`destroy` on prod without a prompt (required without a terminal)",
    "  --parallel, -p <N>    at most N resource operations at once (default: unbounded)",
    "  --help, -h            print this help",
    "",
    "preview and up run the policy pack with policies/config/<stack>.json, or, for a stack without one, the",
    "file of its platform:environment (policies/config/<environment>.json).",
    "",
    "Exit codes: 0 done; 1 the operation failed; 2 nothing ran (arguments, stack, a missing prerequisite);",
    "3 refused for safety; 4 a mandatory policy violation, nothing changed; 5 another update holds the lock;",
    "6 a mandatory policy violation after resources changed; 130 cancelled.",
].join("\n");

/** The long options of `npm run deploy` that npm would take as its own without `--` ("yes" is npm's own too). */
export const DEPLOY_OPTIONS = ["stack", "parallel"];

export interface DeployArgs {
    readonly command: Command;
    readonly stack: string;
    /** `--yes`: the caller confirms a prod `up` or `destroy` in advance. */
    readonly yes: boolean;
    /** `--parallel N`: resource operations at once; undefined leaves the engine's default. */
    readonly parallel?: number;
}

function usage(message: string): ExitError {
    return new ExitError(EXIT.usage, `${message}\n\n${DEPLOY_USAGE}`);
}

/**
 * Parses `argv` (the arguments after `npm run deploy --`). Throws an {@link ExitError} with exit code 2 and
 * the usage text for an unknown command, an unknown or missing stack, an unknown flag or a bad `--parallel`.
 * `stacks` defaults to the stack files in the repository.
 */
export function parseDeployArgs(argv: readonly string[], stacks: readonly string[] = stackNames()): DeployArgs {
    let command: string | undefined;
    let stack: string | undefined;
    let yes = false;
    let parallel: number | undefined;

    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
        const value = (): string => {
            if (inline !== undefined) return inline;
            const next = argv[++i];
            if (next === undefined || next.startsWith("-")) {
                throw usage(`${flag} needs a value.`);
            }
            return next;
        };
        switch (flag) {
            case "--stack":
            case "-s":
                stack = value();
                break;
            case "--yes":
            case "-y":
                yes = true;
                break;
            case "--parallel":
            case "-p": {
                const raw = value();
                if (!/^[1-9]\d*$/.test(raw)) {
                    throw usage(`--parallel must be a whole number of 1 or more, got "${raw}".`);
                }
                parallel = Number(raw);
                break;
            }
            case "--help":
            case "-h":
                throw new ExitError(EXIT.ok, DEPLOY_USAGE);
            default:
                if (flag.startsWith("-")) {
                    throw usage(`Unknown option "${arg}".`);
                }
                if (command !== undefined) {
                    throw usage(`Only one command at a time: got "${command}" and "${arg}".`);
                }
                command = arg;
        }
    }

    if (command === undefined) {
        throw usage(`A command is required: one of ${COMMANDS.join(", ")}.`);
    }
    if (!(COMMANDS as readonly string[]).includes(command)) {
        throw usage(`Unknown command "${command}": use one of ${COMMANDS.join(", ")}.`);
    }
    if (stack === undefined) {
        throw usage(`--stack is required: one of ${stacks.join(", ")}.`);
    }
    if (!stacks.includes(stack)) {
        throw usage(`Unknown stack "${stack}": there is no Pulumi.${stack}.yaml. Known stacks: ${stacks.join(", ")}.`);
    }
    if (parallel !== undefined && command === "outputs") {
        throw usage(`--parallel does not apply to "outputs".`);
    }
    return { command: command as Command, stack, yes, parallel };
}

/** Whether the arguments ask for the command's help (`--help` or `-h` anywhere). */
export function helpRequested(argv: readonly string[]): boolean {
    return argv.includes("--help") || argv.includes("-h");
}

/**
 * A hint for `npm run <script> --stack prod` (the `--` forgotten): npm takes options placed before `--` as its
 * own configuration, so the script never sees them; npm passes its configuration to the script's environment
 * as `npm_config_<name>` instead (https://docs.npmjs.com/cli/v11/using-npm/scripts#environment; seen with npm
 * 11.19: `npm run check --stack=prod` runs the script with no arguments and npm_config_stack=prod, and
 * `npm run check --stack prod` with the argument "prod" and npm_config_stack=true). Returns the sentence to
 * add to a usage error when one of the command's own options arrived that way, else undefined.
 *
 * @param options the command's long options without dashes, e.g. ["stack", "policy-config"]
 */
export function forgottenDashDashHint(
    script: string,
    options: readonly string[],
    env: NodeJS.ProcessEnv = process.env,
): string | undefined {
    const eaten = options
        .map((o) => ({ option: `--${o}`, value: env[`npm_config_${o.replace(/-/g, "_")}`] }))
        .filter((e) => e.value !== undefined);
    if (eaten.length === 0) return undefined;
    const example = eaten.map((e) =>
        e.value === "true" || e.value === "" ? `${e.option} <value>` : `${e.option} ${e.value}`,
    );
    return (
        `npm took ${eaten.map((e) => e.option).join(", ")} as its own option${eaten.length === 1 ? "" : "s"}, so the ` +
        `command never saw ${eaten.length === 1 ? "it" : "them"}: put \`--\` before the command's options, e.g. ` +
        `npm run ${script} -- ${example.join(" ")}`
    );
}
