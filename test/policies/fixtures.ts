/**
 * Runs the pack's exported policy functions on fixtures, with the arguments the analyzer would pass
 * (props, options, config, notApplicable), and generates the three cases every policy gets: compliant,
 * non-compliant (one property changed) and the property left undefined (the cloud's default decides).
 */
import * as assert from "assert";
import type {
    Policy,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";

/** A resource in a fixture graph; `propertyDependencies` and `parent` name other fixture resources. */
export interface FixtureResource {
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, unknown>;
    readonly protect?: boolean;
    readonly parent?: string;
    readonly propertyDependencies?: Record<string, string[]>;
}

/** "unverifiable": the rule reported, through the engine's advisory, that a preview value decides it. */
export type Verdict = "pass" | "fail" | "not applicable" | "unverifiable";

export interface Outcome {
    readonly verdict: Verdict;
    readonly messages: string[];
    readonly urns: string[];
    /** The reasons the rule gave for not applying (an exempted resource's starts with "exempted"). */
    readonly notApplicable?: string[];
}

class NotApplicable extends Error {
    constructor(public readonly reason?: string) {
        super(reason);
    }
}

/**
 * The analyzer's own unknown handling (node_modules/@pulumi/policy/proxy.js, used by server.js for every
 * Analyze and AnalyzeStack call): props are wrapped in `unknownCheckingProxy`, reading a value the engine sent
 * as unknown throws `UnknownValueError`, and the server turns that into an advisory "can't run ... during
 * preview". The fixtures run through the same proxy, so a rule's verdict on unknowns is the engine's.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- proxy.d.ts exports no types; the module is internal to @pulumi/policy
const proxy = require("@pulumi/policy/proxy") as {
    unknownCheckingProxy<T>(props: T): T;
    UnknownValueError: new (...args: unknown[]) => Error;
    unknownStringValue: string;
};

/** A value the engine sends as unknown during a preview (the analyzer's sentinel for an unknown string). */
export const UNKNOWN_INPUT = proxy.unknownStringValue;

export function urnOf(r: { type: string; name: string }): string {
    return `urn:pulumi:test::platform::${r.type}::${r.name}`;
}

function isStackPolicy(p: Policy): p is StackValidationPolicy {
    return typeof (p as StackValidationPolicy).validateStack === "function";
}

function options(r: FixtureResource) {
    return {
        protect: r.protect ?? false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        parent: r.parent,
    };
}

const common = (config: object) => ({
    stackTags: new Map<string, string>(),
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
        throw new NotApplicable(reason);
    },
});

/** Runs a resource policy on each resource of `graph` (as Analyze does, one call per resource). */
async function runResourcePolicy(
    policy: ResourceValidationPolicy,
    graph: FixtureResource[],
    config: object,
): Promise<Outcome> {
    const messages: string[] = [];
    const urns: string[] = [];
    const notApplicable: string[] = [];
    let applied = false;
    let unverifiable = false;
    const validations = [policy.validateResource ?? []].flat();
    for (const r of graph) {
        for (const validate of validations) {
            // The analyzer skips a function tagged with another type without calling it.
            const only = (validate as { __pulumiType?: string }).__pulumiType;
            if (only && only !== r.type) continue;
            const args: ResourceValidationArgs = {
                type: r.type,
                props: proxy.unknownCheckingProxy(structuredClone(r.props)),
                urn: urnOf(r),
                name: r.name,
                opts: options(r),
                isType: () => false,
                asType: () => undefined,
                ...common(config),
            };
            try {
                await validate(args, (message, urn) => {
                    messages.push(message);
                    urns.push(urn ?? "");
                });
                applied = true;
            } catch (err) {
                if (err instanceof proxy.UnknownValueError) unverifiable = true;
                else if (err instanceof NotApplicable) notApplicable.push(err.reason ?? "");
                else throw err;
            }
        }
    }
    const verdict = messages.length > 0 ? "fail" : unverifiable ? "unverifiable" : applied ? "pass" : "not applicable";
    return { verdict, messages, urns, notApplicable };
}

/** The graph as AnalyzeStack hands it to a stack policy: parents and dependencies as resource objects. */
export function policyResources(graph: FixtureResource[]): PolicyResource[] {
    const resources = graph.map(
        (r): PolicyResource => ({
            type: r.type,
            props: proxy.unknownCheckingProxy(structuredClone(r.props)),
            urn: urnOf(r),
            name: r.name,
            opts: options(r),
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        }),
    );
    const byName = new Map(resources.map((r) => [r.name, r]));
    graph.forEach((r, i) => {
        const resource = resources[i];
        if (r.parent) resource.parent = byName.get(r.parent);
        for (const [property, names] of Object.entries(r.propertyDependencies ?? {})) {
            const deps = names.map((n) => byName.get(n)).filter((d): d is PolicyResource => d !== undefined);
            resource.propertyDependencies[property] = deps;
            resource.dependencies.push(...deps.filter((d) => !resource.dependencies.includes(d)));
        }
    });
    return resources;
}

async function runStackPolicy(
    policy: StackValidationPolicy,
    graph: FixtureResource[],
    config: object,
): Promise<Outcome> {
    const messages: string[] = [];
    const urns: string[] = [];
    try {
        await policy.validateStack({ resources: policyResources(graph), ...common(config) }, (message, urn) => {
            messages.push(message);
            urns.push(urn ?? "");
        });
    } catch (err) {
        // Violations reported before the rule ended as not applicable (exempted resources) still stand.
        if (err instanceof NotApplicable) {
            const verdict = messages.length > 0 ? "fail" : "not applicable";
            return { verdict, messages, urns, notApplicable: [err.reason ?? ""] };
        }
        if (err instanceof proxy.UnknownValueError) {
            return { verdict: messages.length > 0 ? "fail" : "unverifiable", messages, urns };
        }
        throw err;
    }
    return { verdict: messages.length > 0 ? "fail" : "pass", messages, urns };
}

/** Runs any policy of the pack over a fixture graph with the given settings. */
export function evaluate(policy: Policy, graph: FixtureResource[], config: object = {}): Promise<Outcome> {
    return isStackPolicy(policy)
        ? runStackPolicy(policy, graph, config)
        : runResourcePolicy(policy as ResourceValidationPolicy, graph, config);
}

/** A fixture resource in the graph by name (for mutating a copy). */
export function named(graph: FixtureResource[], name: string): FixtureResource {
    const found = graph.find((r) => r.name === name);
    assert.ok(found, `no fixture resource ${name}`);
    return found;
}

/** Sets (or with `undefined`, deletes) a dotted property path in a resource's props. */
export function setPath(props: Record<string, unknown>, dotted: string, value: unknown): void {
    const keys = dotted.split(".");
    let target = props as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) {
        target[key] ??= {};
        target = target[key] as Record<string, unknown>;
    }
    const last = keys[keys.length - 1];
    if (value === undefined) delete target[last];
    else target[last] = value;
}

/** The three cases of one policy. */
export interface PolicyCases {
    readonly policy: Policy;
    /** Settings for all three cases (as the stack's policy config would give). @default the schema defaults */
    readonly config?: object;
    /** A graph that complies. */
    readonly compliant: () => FixtureResource[];
    /** One property changed to something weak. */
    readonly nonCompliant: { readonly what: string; readonly change: (graph: FixtureResource[]) => void };
    /** A property left out, and what the cloud then does. */
    readonly undefinedProperty: {
        readonly what: string;
        readonly remove: (graph: FixtureResource[]) => void;
        readonly verdict: "pass" | "fail";
        readonly because: string;
    };
    /**
     * When the property the non-compliant case changes is unknown (a preview of a new resource): the rule must
     * fail or say it cannot verify it (the engine's advisory); a pass is declared here with its reason.
     * @default fail or unverifiable
     */
    readonly unknownProperty?: { readonly verdict: "pass"; readonly because: string };
}

/**
 * The compliant graph with every top-level property that the non-compliant change touches set to the
 * engine's unknown sentinel; undefined when the change adds or removes resources or changes options only.
 */
export function withChangedPropertiesUnknown(c: PolicyCases): FixtureResource[] | undefined {
    const before = c.compliant();
    const after = c.compliant();
    c.nonCompliant.change(after);
    if (before.length !== after.length) return undefined;
    let changed = false;
    before.forEach((r, i) => {
        const other = after[i];
        for (const key of new Set([...Object.keys(r.props), ...Object.keys(other.props)])) {
            if (JSON.stringify(r.props[key]) !== JSON.stringify(other.props[key])) {
                r.props[key] = UNKNOWN_INPUT;
                changed = true;
            }
        }
    });
    return changed ? before : undefined;
}

/** Generates the compliant / non-compliant / undefined-property tests of each policy. */
export function describePolicies(title: string, cases: PolicyCases[]): void {
    describe(title, () => {
        for (const c of cases) {
            describe(c.policy.name, () => {
                it("passes on the compliant fixture", async () => {
                    const outcome = await evaluate(c.policy, c.compliant(), c.config);
                    assert.strictEqual(outcome.verdict, "pass", outcome.messages.join("\n"));
                });
                it(`fails when ${c.nonCompliant.what}`, async () => {
                    const graph = c.compliant();
                    c.nonCompliant.change(graph);
                    const outcome = await evaluate(c.policy, graph, c.config);
                    assert.strictEqual(outcome.verdict, "fail");
                    for (const message of outcome.messages) {
                        assert.match(message, /Fix: /, "every message says how to fix it");
                    }
                });
                const unknownGraph = withChangedPropertiesUnknown(c);
                if (unknownGraph) {
                    const declared = c.unknownProperty;
                    it(
                        declared
                            ? `passes when the property is unknown in a preview (${declared.because})`
                            : "never passes silently when the deciding property is unknown in a preview",
                        async () => {
                            const outcome = await evaluate(c.policy, unknownGraph, c.config);
                            if (declared) assert.strictEqual(outcome.verdict, "pass", outcome.messages.join("\n"));
                            else
                                assert.ok(
                                    ["fail", "unverifiable"].includes(outcome.verdict),
                                    `verdict ${outcome.verdict}`,
                                );
                        },
                    );
                }
                const u = c.undefinedProperty;
                it(`${u.verdict === "pass" ? "passes" : "fails"} when ${u.what} is left undefined (${u.because})`, async () => {
                    const graph = c.compliant();
                    u.remove(graph);
                    const outcome = await evaluate(c.policy, graph, c.config);
                    assert.strictEqual(outcome.verdict, u.verdict, outcome.messages.join("\n"));
                });
            });
        }
    });
}
