/**
 * The offline check: runs the program for a stack's configuration under the mock runtime, reports the
 * desired resource graph and evaluates the policy pack over it (check/policy.ts). Used by `npm run check`,
 * the pull-request check and the benchmark.
 */
import { assertEngineAccepts } from "./engine";
import { Phase, PolicyRunResult, evaluatePolicies, loadPolicyConfig } from "./policy";
import type { EnforcementLevel } from "./policy-config";
import { ProgramRun, ResourceRecord, redact, runProgram } from "./runtime";
import { SchemaReport, schemaRefusals, validateSchemas } from "./schemas";
import { loadStackConfig } from "./stack";

export type { Phase };

export interface CheckOptions {
    /** The stack whose Pulumi.<stack>.yaml is read. */
    readonly stack: string;
    /**
     * Read the stack's settings from this file instead (`--stack-file examples/bell24h.yaml`).
     * @default Pulumi.<stack>.yaml in `root`
     */
    readonly stackFile?: string;
    /** `key=value` overrides, as with `pulumi preview -c`. */
    readonly overrides?: string[];
    /**
     * Evaluate the policy pack (policies/) over the graph, as `pulumi preview --policy-pack` would.
     * @default true
     */
    readonly policies?: boolean;
    /**
     * Policy config file.
     * @default policies/config/<stack>.json, else policies/config/<platform:environment>.json
     */
    readonly policyConfig?: string;
    /** Judge dated facts (Kubernetes support windows) as of this day, YYYY-MM-DD. @default today */
    readonly today?: string;
    /** The project directory holding Pulumi.yaml and the stack files. @default the repository */
    readonly root?: string;
    /**
     * The runs to model: `preview` (new resources' computed values unknown, check/preview.ts) and/or
     * `update` (after `up`: every value known, stack rules on the provider's state).
     * @default ["preview", "update"]
     */
    readonly phases?: readonly Phase[];
    /**
     * The schema bundle directory Kubernetes objects and Helm values are validated against (check/schemas.ts);
     * null to skip the validation.
     * @default the first of $PLATFORM_SCHEMAS, check/data/schemas, ../shared/schemas that exists
     */
    readonly schemas?: string | null;
}

/** A policy violation found by the policy pack over the graph. */
export interface Violation {
    readonly policyPack: string;
    readonly policy: string;
    readonly enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
    /** The resource's URN; empty for stack-wide findings. */
    readonly urn: string;
    readonly message: string;
    /** The run it was found in: `pulumi preview` (with unknowns) or `pulumi up` (realistic outputs). */
    readonly phase?: Phase;
    /**
     * Set when the pack could not decide the rule in preview because it read an unknown value ("can't run
     * policy ... during preview"): the rule's configured level, which only applies once the changes are made.
     */
    readonly undecidable?: { readonly level: EnforcementLevel };
}

/**
 * A resource a rule did not judge because the stack's policy config exempts it (policies/lib/exemptions.ts),
 * or whose exemption expired (not applied). Listed next to the violations, never dropped.
 */
export interface PolicyExemption {
    readonly policy: string;
    readonly urn: string;
    readonly status: "exempted" | "expired";
    /** The pack's words: the reason, the expiry, what the rule would have reported. */
    readonly message: string;
    readonly phase?: Phase;
}

export interface CheckResult {
    readonly stack: string;
    readonly cloud: string;
    readonly run: ProgramRun;
    /** What the policy pack found (empty when policies were not evaluated). */
    readonly violations: Violation[];
    /** The policy run: pack, config file, timings. Absent when policies were not evaluated. */
    readonly policy?: PolicyRunResult;
    /** Kubernetes objects and Helm values against their schemas (refused findings throw instead). */
    readonly schemas: SchemaReport;
}

export async function runCheck(options: CheckOptions): Promise<CheckResult> {
    const { project, stack, config } = loadStackConfig(
        options.stack,
        options.overrides ?? [],
        options.root,
        options.stackFile,
    );
    const cloud = config[`${project}:cloud`] ?? "aws";
    // A bad policy config file is bad input: read it before any work is done.
    const environment = config[`${project}:environment`];
    const policyConfig =
        options.policies === false ? null : loadPolicyConfig(stack, options.policyConfig, undefined, environment);
    const run = await runProgram({ project, stack, config, today: options.today });
    // What `pulumi preview` itself would refuse (duplicate URNs, unknown types, objects the API server
    // rejects, ...) fails before the pack runs.
    const schemas = validateSchemas(run, { config, bundle: options.schemas });
    assertEngineAccepts(run, config, schemaRefusals(schemas, config));
    if (options.policies === false) {
        return { stack, cloud, run, violations: [], schemas };
    }
    const policy = await evaluatePolicies(run.resources, {
        project,
        stack,
        config,
        policyConfig,
        phases: options.phases,
    });
    return { stack, cloud, run, violations: policy.violations, policy, schemas };
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
        violations: result.violations,
        schemas: {
            kubernetesVersion: result.schemas.kubernetesVersion,
            validated: result.schemas.validated,
            warnings: result.schemas.findings,
            notValidated: result.schemas.notValidated,
        },
        exemptions: result.policy?.exemptions ?? [],
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
