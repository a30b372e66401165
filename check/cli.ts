/**
 * `npm run check -- --stack <dev|staging|prod> [-c <key>=<value> ...] [--json]`
 *
 * Runs the program for a stack offline (no CLI, no credentials) and prints the desired resource graph.
 * Exit codes: 0 success; 2 bad configuration or arguments (message on stderr, nothing on stdout);
 * 3 the program itself failed.
 */
import { ConfigError } from "../components/shared/config";
import { checkJson, renderTree, runCheck } from ".";
import { UsageError, stackNames } from "./stack";

export const USAGE = "usage: npm run check -- --stack <stack> [-c <key>=<value> ...] [--json]";

export interface CliArgs {
    readonly stack: string;
    readonly overrides: string[];
    readonly json: boolean;
}

export function parseArgs(argv: string[]): CliArgs {
    let stack: string | undefined;
    const overrides: string[] = [];
    let json = false;
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
        else throw new UsageError(`Unknown argument "${arg}".\n${USAGE}`);
    }
    if (!stack) {
        throw new UsageError(`--stack is required (one of ${stackNames().join(", ")}).\n${USAGE}`);
    }
    return { stack, overrides, json };
}

export async function main(argv: string[]): Promise<number> {
    try {
        const args = parseArgs(argv);
        const result = await runCheck({ stack: args.stack, overrides: args.overrides });
        process.stdout.write(args.json ? `${JSON.stringify(checkJson(result), null, 2)}\n` : `${renderTree(result)}\n`);
        return 0;
    } catch (err) {
        if (err instanceof UsageError || err instanceof ConfigError) {
            process.stderr.write(`${err.message}\n`);
            return 2;
        }
        process.stderr.write(
            `The program failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
        );
        return 3;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}
