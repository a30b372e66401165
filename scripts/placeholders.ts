/**
 * `npm run placeholders -- --stack <stack>` (`--help` for the options)
 *
 * Lists the documentation placeholders (scripts/lib/placeholders.ts) left in Pulumi.<stack>.yaml, each with
 * its key and field, its value and what to put there instead. Exit codes: 0 none; 2 some (the same refusal
 * `npm run deploy` prints), or bad arguments. Runs nothing else: no CLI, no credentials, no program.
 */
import { ROOT, stackNames } from "../check/stack";
import { forgottenDashDashHint, helpRequested } from "./lib/args";
import { EXIT, ExitError } from "./lib/exit-codes";
import { findPlaceholders, refusePlaceholders, stackFileConfig } from "./lib/placeholders";

export const PLACEHOLDERS_USAGE = "usage: npm run placeholders -- --stack <stack>";

/** `--help` (stdout, exit 0). */
export const PLACEHOLDERS_HELP = [
    PLACEHOLDERS_USAGE,
    "",
    "Lists the documentation placeholders (example addresses, ids and ARNs) left in Pulumi.<stack>.yaml, each",
    "with its key and field, its value and what to put there instead. Runs nothing else.",
    "",
    "  --stack, -s <stack>  a stack with a Pulumi.<stack>.yaml file",
    "  --help, -h           print this help",
    "",
    "Exit codes: 0 no placeholders; 2 some (the refusal `npm run deploy` prints), or bad arguments.",
].join("\n");

export function main(
    argv: readonly string[],
    root = ROOT,
    write = (s: string) => process.stderr.write(s),
    env: NodeJS.ProcessEnv = process.env,
): number {
    if (helpRequested(argv)) {
        process.stdout.write(`${PLACEHOLDERS_HELP}\n`);
        return EXIT.ok;
    }
    try {
        const at = argv.findIndex((a) => a === "--stack" || a === "-s");
        const stack = at >= 0 ? argv[at + 1] : undefined;
        if (stack === undefined || argv.length !== 2) {
            const hint = forgottenDashDashHint("placeholders", ["stack"], env);
            throw new ExitError(EXIT.usage, `${PLACEHOLDERS_USAGE}${hint ? `\n\n${hint}` : ""}`);
        }
        if (!stackNames(root).includes(stack)) {
            throw new ExitError(EXIT.usage, `Unknown stack "${stack}": there is no Pulumi.${stack}.yaml.`);
        }
        const found = findPlaceholders(stackFileConfig(stack, root));
        if (found.length > 0) throw refusePlaceholders("deploy", stack, found);
        process.stdout.write(`Pulumi.${stack}.yaml holds no documentation placeholders.\n`);
        return EXIT.ok;
    } catch (err) {
        if (!(err instanceof ExitError)) throw err;
        write(`${err.message}\n`);
        return err.code;
    }
}

if (require.main === module) {
    const code = main(process.argv.slice(2));
    process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}
