/**
 * The offline check: runs the program for a stack's configuration under the mock runtime and reports the
 * desired resource graph. Used by `npm run check`, the pull-request check and the benchmark.
 */
import { ProgramRun, ResourceRecord, redact, runProgram } from "./runtime";
import { loadStackConfig } from "./stack";

export interface CheckOptions {
    /** The stack whose Pulumi.<stack>.yaml is read. */
    readonly stack: string;
    /** `key=value` overrides, as with `pulumi preview -c`. */
    readonly overrides?: string[];
}

/** A policy violation found by the policy pack over the graph. */
export interface Violation {
    readonly policyPack: string;
    readonly policy: string;
    readonly enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
    /** The resource's URN; empty for stack-wide findings. */
    readonly urn: string;
    readonly message: string;
}

export interface CheckResult {
    readonly stack: string;
    readonly cloud: string;
    readonly run: ProgramRun;
}

export async function runCheck(options: CheckOptions): Promise<CheckResult> {
    const { project, stack, config } = loadStackConfig(options.stack, options.overrides ?? []);
    const run = await runProgram({ project, stack, config });
    return { stack, cloud: config[`${project}:cloud`] ?? "aws", run };
}

/** One resource in the documented JSON shape, every secret replaced by "[secret]". */
export function resourceJson(r: ResourceRecord) {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent,
        provider: r.provider,
        dependencies: r.dependencies,
        protect: r.protect,
        inputs: redact(r.inputs),
    };
}

/** The `--json` document. */
export function checkJson(result: CheckResult) {
    return {
        stack: result.stack,
        cloud: result.cloud,
        resources: result.run.resources.map(resourceJson),
        outputs: redact(result.run.outputs),
    };
}

/** A readable tree: each top-level component with its resource counts by type. */
export function renderTree(result: CheckResult): string {
    const { resources } = result.run;
    const children = new Map<string | null, ResourceRecord[]>();
    for (const r of resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const descendants = (urn: string): ResourceRecord[] =>
        (children.get(urn) ?? []).flatMap((c) => [c, ...descendants(c.urn)]);
    const topLevel = resources.filter((r) => !resources.some((p) => p.urn === r.parent));

    const lines = [`stack ${result.stack} (cloud: ${result.cloud}): ${resources.length} resources`];
    topLevel.forEach((top, i) => {
        const last = i === topLevel.length - 1;
        const below = descendants(top.urn);
        const protectedNote = top.protect ? ", protected" : "";
        lines.push(
            `${last ? "└─" : "├─"} ${top.name} (${top.type}${protectedNote})${below.length ? `: ${below.length} resources` : ""}`,
        );
        const counts = new Map<string, number>();
        for (const r of below) {
            counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
        }
        const entries = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
        entries.forEach(([type, count], j) => {
            lines.push(`${last ? "   " : "│  "}${j === entries.length - 1 ? "└─" : "├─"} ${count} × ${type}`);
        });
    });
    return lines.join("\n");
}
