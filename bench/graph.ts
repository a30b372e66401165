/**
 * Child process of the benchmark: runs the real program for each `<stack>:<cloud>` argument under the mock
 * runtime (check/runtime.ts) and prints one JSON line per run with the recorded graph: parents,
 * providers, dependencies, property dependencies and the redacted inputs the weights look at.
 *
 *   node -r ts-node/register/transpile-only bench/graph.ts dev:aws prod:azure ...
 *
 * A run that fails (bad config, an implementation not available yet) prints `{ ok: false, error }` and the
 * next run goes on, so one broken cloud does not hide the other.
 */
import { redact, runProgram } from "../check/runtime";
import { loadStackConfig } from "../check/stack";
import { GraphNode } from "./critical-path";

export interface GraphLine {
    readonly stack: string;
    readonly cloud: string;
    readonly ok: boolean;
    readonly error?: string;
    readonly nodes?: GraphNode[];
}

async function graphOf(stack: string, cloud: string, overrides: string[]): Promise<GraphLine> {
    try {
        const { project, config } = loadStackConfig(stack, [`platform:cloud=${cloud}`, ...overrides]);
        const run = await runProgram({ project, stack, config });
        const nodes: GraphNode[] = run.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: r.parent,
            custom: r.custom,
            provider: r.provider,
            dependencies: r.dependencies,
            propertyDependencies: r.propertyDependencies,
            inputs: redact(r.inputs) as Record<string, unknown>,
        }));
        return { stack, cloud, ok: true, nodes };
    } catch (err) {
        return { stack, cloud, ok: false, error: firstLine(err) };
    }
}

/**
 * Runs a benchmark child script's `main`: on success exit 0 once stdout has drained (a plain
 * process.exit() cuts off large output written to a pipe), on failure print the first line and exit 1.
 */
export function runAsScript(main: (argv: string[]) => Promise<void>): void {
    main(process.argv.slice(2)).then(
        () => process.stdout.write("", () => process.exit(0)),
        (err) => {
            process.stderr.write(`${firstLine(err)}\n`, () => process.exit(1));
        },
    );
}

export function firstLine(err: unknown): string {
    const text = err instanceof Error ? err.message : String(err);
    return text.split("\n").find((l) => l.trim().length > 0) ?? text;
}

async function main(argv: string[]): Promise<void> {
    // A failed run can leave rejections behind; they belong to that run, which is already reported.
    process.on("unhandledRejection", () => undefined);
    const overrides = argv.filter((a) => a.startsWith("-c=")).map((a) => a.slice(3));
    for (const target of argv.filter((a) => !a.startsWith("-c="))) {
        const [stack, cloud] = target.split(":");
        const line = await graphOf(stack, cloud, overrides);
        process.stdout.write(`${JSON.stringify(line)}\n`);
    }
}

if (require.main === module) {
    runAsScript(main);
}
