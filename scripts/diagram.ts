/**
 * `npm run diagram -- --stack <stack> [-c <key>=<value> ...]` prints the stack's graph as a Mermaid flowchart
 * (check/diagram.ts), running the program offline exactly as `npm run check` does.
 * `npm run diagram -- --write-docs` regenerates docs/diagrams/<stack>-<cloud>.md for every stack file × cloud.
 *
 * Exit codes: 0 written; 2 bad arguments or configuration; 3 the program failed.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../components/shared/config";
import { CLOUDS } from "../components/shared/context";
import { diagramPage, renderMermaid } from "../check/diagram";
import { ProgramRun, runProgram } from "../check/runtime";
import { ROOT, UsageError, loadStackConfig, stackNames } from "../check/stack";
import { helpRequested } from "./lib/args";

export const DIAGRAM_USAGE =
    "usage: npm run diagram -- --stack <stack> [-c <key>=<value> ...]  |  npm run diagram -- --write-docs";

/** `--help`: what the command does, its options and exit codes (on stdout, exit 0). */
export const DIAGRAM_HELP = [
    DIAGRAM_USAGE,
    "",
    "Prints a stack's desired graph as a Mermaid flowchart grouped by component (the program runs offline, as in",
    "npm run check), or regenerates docs/diagrams/ for every stack file on every cloud.",
    "",
    "  --stack, -s <stack>  a stack with a Pulumi.<stack>.yaml file",
    "  -c <key>=<value>     override a config value (repeatable; e.g. -c platform:cloud=azure)",
    "  --write-docs         write docs/diagrams/<stack>-<cloud>.md for every stack × cloud",
    "  --help, -h           print this help",
    "",
    "Exit codes: 0 written; 2 bad arguments or configuration; 3 the program failed.",
].join("\n");

export const DIAGRAMS_DIR = path.join(ROOT, "docs", "diagrams");

/** Runs the program for a stack on a cloud (and overrides) offline. */
export async function runFor(stack: string, overrides: readonly string[]): Promise<ProgramRun & { cloud: string }> {
    const { project, config } = loadStackConfig(stack, [...overrides]);
    const run = await runProgram({ project, stack, config });
    return { ...run, cloud: config[`${project}:cloud`] ?? "aws" };
}

/** The committed page's path for a stack × cloud. */
export function diagramFile(stack: string, cloud: string): string {
    return path.join(DIAGRAMS_DIR, `${stack}-${cloud}.md`);
}

async function writeDocs(): Promise<void> {
    fs.mkdirSync(DIAGRAMS_DIR, { recursive: true });
    for (const stack of stackNames()) {
        for (const cloud of CLOUDS) {
            const run = await runFor(stack, [`platform:cloud=${cloud}`]);
            fs.writeFileSync(diagramFile(stack, cloud), diagramPage(run.resources, { stack, cloud }));
            process.stdout.write(`${path.relative(ROOT, diagramFile(stack, cloud))}\n`);
        }
    }
}

export async function main(argv: readonly string[]): Promise<number> {
    if (helpRequested(argv)) {
        process.stdout.write(`${DIAGRAM_HELP}\n`);
        return 0;
    }
    try {
        let stack: string | undefined;
        const overrides: string[] = [];
        for (let i = 0; i < argv.length; i++) {
            const arg = argv[i];
            if (arg === "--write-docs") return (await writeDocs(), 0);
            if ((arg === "--stack" || arg === "-s" || arg === "-c") && argv[i + 1] !== undefined) {
                if (arg === "-c") overrides.push(argv[++i]);
                else stack = argv[++i];
            } else throw new UsageError(`Unknown argument "${arg}".\n${DIAGRAM_USAGE}`);
        }
        if (!stack) throw new UsageError(`--stack is required (one of ${stackNames().join(", ")}).\n${DIAGRAM_USAGE}`);
        const run = await runFor(stack, overrides);
        process.stdout.write(renderMermaid(run.resources, { stack, cloud: run.cloud }));
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
    main(process.argv.slice(2)).then((code) => process.stdout.write("", () => process.exit(code)));
}
