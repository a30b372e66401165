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
].join("\n");

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
                throw new ExitError(EXIT.usage, DEPLOY_USAGE);
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
