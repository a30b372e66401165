/**
 * `npm run placeholders -- --stack <stack>`
 *
 * Lists the documentation placeholders (scripts/lib/placeholders.ts) left in Pulumi.<stack>.yaml, each with
 * its key and field, its value and what to put there instead. Exit codes: 0 none; 2 some (the same refusal
 * `npm run deploy` prints), or bad arguments. Runs nothing else: no CLI, no credentials, no program.
 */
import { ROOT, stackNames } from "../check/stack";
import { EXIT, ExitError } from "./lib/exit-codes";
import { findPlaceholders, refusePlaceholders, stackFileConfig } from "./lib/placeholders";

export const PLACEHOLDERS_USAGE = "usage: npm run placeholders -- --stack <stack>";

export function main(argv: readonly string[], root = ROOT, write = (s: string) => process.stderr.write(s)): number {
    try {
        const at = argv.findIndex((a) => a === "--stack" || a === "-s");
        const stack = at >= 0 ? argv[at + 1] : undefined;
        if (stack === undefined || argv.length !== 2) throw new ExitError(EXIT.usage, PLACEHOLDERS_USAGE);
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
