/**
 * The deploy critical path of a recorded resource graph: how long `pulumi up` must take on an empty stack
 * given what it creates, if the engine runs every independent step in parallel (it does, by default).
 *
 * Scheduling rules, as the Pulumi engine and the Node.js SDK apply them:
 * - A resource starts once everything it waits for is done: its explicit `dependsOn`, every resource its
 *   inputs came from, and its provider.
 * - A child waits for its parent: for a custom parent until it is created; for a component parent until
 *   the component is registered, which itself waits for the component's own dependencies.
 * - Waiting for a component means waiting for the component's registration and for every child (through
 *   nested components, not through custom resources' children), the way the SDK expands a component in
 *   `dependsOn` or in an input's dependencies.
 * - A custom resource takes its weight (minutes); a component takes no time of its own.
 *
 * Pure functions over plain data: the benchmark feeds them the graph the program registers under the mock
 * runtime, the tests feed them tiny synthetic graphs.
 */
import { Inputs, Minutes, weightOf } from "./weights";

/** One registered resource, as recorded by check/runtime.ts (inputs redacted). */
export interface GraphNode {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** URN of the parent; null (or a URN not in the graph, e.g. the stack) for top-level resources. */
    readonly parent: string | null;
    /** True for cloud (custom) resources and providers, false for components. */
    readonly custom: boolean;
    /** Provider reference `urn::id`, or null. */
    readonly provider?: string | null;
    /** Every URN this resource waits for: explicit `dependsOn` plus every input's dependencies. */
    readonly dependencies: readonly string[];
    /** For each input property, the URNs its value came from. Absent: every dependency counts as explicit. */
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
    readonly inputs?: Inputs;
}

export type WeightSet = keyof Minutes;

/** Why a resource waited for another. */
export type EdgeKind = "parent" | "dependsOn" | "input" | "provider";

export interface PathStep {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    /** Minutes this resource itself takes (0 for components). */
    readonly minutes: number;
    /** When it starts and when it is done (for a component: when its last child is done), in minutes. */
    readonly start: number;
    readonly done: number;
    /** A component parent whose registration (not completion) is what the next step waited for. */
    readonly registeredOnly: boolean;
    /** How this step waited on the previous step in the path ("child": a component waiting for its child). */
    readonly via?: { readonly kind: EdgeKind | "child"; readonly property?: string };
}

export interface CriticalPath {
    /** Length of the longest path, in minutes. */
    readonly minutes: number;
    /** Every custom resource created one after another. */
    readonly serialMinutes: number;
    /** The slowest single resource: the floor any deployment of this graph is bound by. */
    readonly slowest: { readonly urn: string; readonly type: string; readonly minutes: number; readonly done: number };
    /** minutes / slowest.minutes: 1.0 means the deployment is as short as its slowest resource. */
    readonly ratio: number;
    readonly path: PathStep[];
    readonly customCount: number;
}

/** A dependency on the critical path and what removing it would save. */
export interface EdgeSaving {
    /** The resource that waits. */
    readonly urn: string;
    readonly type: string;
    /** What it waits for: a resource, or the component whose every child it waits for. */
    readonly on: string;
    readonly onType: string;
    readonly kind: EdgeKind;
    readonly property?: string;
    /** Set when the waiting resource's explicit dependsOn covers every child of this component. */
    readonly wholeComponent: boolean;
    /** A data store (database, cache, storage component) waiting on the cluster component. */
    readonly dataStoreOnCluster: boolean;
    /** The top-level components of both ends. */
    readonly fromComponent: string;
    readonly toComponent: string;
    /** Critical-path minutes saved if this dependency (or this whole-component dependsOn) were removed. */
    readonly minutesSaved: number;
    /** Set when every explicit dependsOn of the resource was removed together: the URNs removed. */
    readonly allExplicit?: string[];
}

const edgeKey = (from: string, to: string) => `${from}\u0000${to}`;

/** Strips the `::id` suffix of a provider reference. */
export function providerUrn(ref: string | null | undefined): string | undefined {
    if (!ref) return undefined;
    const at = ref.lastIndexOf("::");
    return at > 0 ? ref.slice(0, at) : ref;
}

interface Incoming {
    readonly from: string;
    readonly kind: EdgeKind;
    readonly property?: string;
}

/** The graph with indexes the schedule needs. */
export class Graph {
    readonly nodes = new Map<string, GraphNode>();
    readonly children = new Map<string, GraphNode[]>();
    readonly order: GraphNode[];

    constructor(nodes: readonly GraphNode[]) {
        this.order = [...nodes];
        for (const n of nodes) this.nodes.set(n.urn, n);
        for (const n of nodes) {
            if (n.parent && this.nodes.has(n.parent)) {
                const list = this.children.get(n.parent) ?? [];
                list.push(n);
                this.children.set(n.parent, list);
            }
        }
    }

    parentOf(n: GraphNode): GraphNode | undefined {
        return n.parent ? this.nodes.get(n.parent) : undefined;
    }

    /** The top-most ancestor that is in the graph (the resource itself when it is top-level). */
    topLevel(n: GraphNode): GraphNode {
        let cur = n;
        for (let p = this.parentOf(cur); p; p = this.parentOf(cur)) cur = p;
        return cur;
    }

    private readonly customsCache = new Map<string, GraphNode[]>();

    /** Custom resources a dependency on `n` waits for, as the SDK expands components. */
    customsOf(n: GraphNode): GraphNode[] {
        if (n.custom) return [n];
        let found = this.customsCache.get(n.urn);
        if (!found) {
            found = (this.children.get(n.urn) ?? []).flatMap((c) => this.customsOf(c));
            this.customsCache.set(n.urn, found);
        }
        return found;
    }

    /** Every edge `n` waits on, each with its reason. */
    incoming(n: GraphNode): Incoming[] {
        const out: Incoming[] = [];
        const parent = this.parentOf(n);
        if (parent) out.push({ from: parent.urn, kind: "parent" });
        const byProperty = new Map<string, string>();
        for (const [property, urns] of Object.entries(n.propertyDependencies ?? {})) {
            for (const urn of urns) if (!byProperty.has(urn)) byProperty.set(urn, property);
        }
        for (const dep of new Set(n.dependencies)) {
            if (!this.nodes.has(dep) || dep === n.urn) continue;
            const property = byProperty.get(dep);
            out.push(property ? { from: dep, kind: "input", property } : { from: dep, kind: "dependsOn" });
        }
        const provider = providerUrn(n.provider);
        if (provider && this.nodes.has(provider) && !n.dependencies.includes(provider)) {
            out.push({ from: provider, kind: "provider" });
        }
        return out;
    }
}

/** Earliest start and completion of every resource, for one weight set and optional removed edges. */
export class Schedule {
    private readonly startAt = new Map<string, number>();
    private readonly startVia = new Map<string, Incoming>();
    private readonly doneAt = new Map<string, number>();
    private readonly doneVia = new Map<string, string>();
    private readonly visiting = new Set<string>();

    constructor(
        readonly graph: Graph,
        readonly minutesOf: (n: GraphNode) => number,
        private readonly removed: ReadonlySet<string> = new Set(),
    ) {}

    /** When `n` may start. */
    start(n: GraphNode): number {
        const known = this.startAt.get(n.urn);
        if (known !== undefined) return known;
        if (this.visiting.has(n.urn)) {
            throw new Error(`dependency cycle through ${n.urn}`);
        }
        this.visiting.add(n.urn);
        let best = 0;
        let via: Incoming | undefined;
        for (const edge of this.graph.incoming(n)) {
            if (this.removed.has(edgeKey(edge.from, n.urn))) continue;
            const from = this.graph.nodes.get(edge.from)!;
            // A child waits for a component parent's registration only; everything else waits for done.
            const t = edge.kind === "parent" && !from.custom ? this.start(from) : this.done(from);
            if (t > best) {
                best = t;
                via = edge;
            }
        }
        this.visiting.delete(n.urn);
        this.startAt.set(n.urn, best);
        if (via) this.startVia.set(n.urn, via);
        return best;
    }

    /** When `n` is done: created (custom), or registered with every child done (component). */
    done(n: GraphNode): number {
        const known = this.doneAt.get(n.urn);
        if (known !== undefined) return known;
        let t = this.start(n) + (n.custom ? this.minutesOf(n) : 0);
        if (!n.custom) {
            for (const child of this.graph.children.get(n.urn) ?? []) {
                const c = this.done(child);
                if (c > t) {
                    t = c;
                    this.doneVia.set(n.urn, child.urn);
                }
            }
        }
        this.doneAt.set(n.urn, t);
        return t;
    }

    /** The resource that finishes last, and the chain of waits that leads to it. */
    longest(): { minutes: number; path: PathStep[] } {
        let end: GraphNode | undefined;
        let minutes = 0;
        for (const n of this.graph.order) {
            const t = this.done(n);
            if (n.custom && (end === undefined || t > minutes)) {
                end = n;
                minutes = t;
            }
        }
        return { minutes, path: end ? this.pathTo(end) : [] };
    }

    /** Walks back from `end` along the waits that set each start time; returns the steps in time order. */
    pathTo(end: GraphNode): PathStep[] {
        const steps: PathStep[] = [];
        const step = (n: GraphNode, registeredOnly: boolean, via?: Incoming | { kind: "child" }): PathStep => ({
            urn: n.urn,
            type: n.type,
            name: n.name,
            custom: n.custom,
            minutes: n.custom ? this.minutesOf(n) : 0,
            start: this.start(n),
            done: registeredOnly ? this.start(n) : this.done(n),
            registeredOnly,
            via: via && { kind: via.kind, property: "property" in via ? via.property : undefined },
        });
        // Each pushed step records the wait that links it to the step pushed after it (the earlier one).
        let cur: GraphNode | undefined = end;
        let registeredOnly = false;
        const seen = new Set<string>();
        while (cur && !seen.has(`${cur.urn}:${registeredOnly}`)) {
            seen.add(`${cur.urn}:${registeredOnly}`);
            if (!cur.custom && !registeredOnly) {
                const child = this.doneVia.get(cur.urn);
                if (child) {
                    steps.push(step(cur, false, { kind: "child" }));
                    cur = this.graph.nodes.get(child);
                    continue;
                }
            }
            const via = this.startVia.get(cur.urn);
            steps.push(step(cur, registeredOnly, via));
            if (!via) break;
            const from: GraphNode = this.graph.nodes.get(via.from)!;
            registeredOnly = via.kind === "parent" && !from.custom;
            cur = from;
        }
        return steps.reverse();
    }
}

const sumMinutes = (nodes: GraphNode[], minutesOf: (n: GraphNode) => number) =>
    nodes.reduce((sum, n) => sum + (n.custom ? minutesOf(n) : 0), 0);

/** Minutes of a custom resource for a weight set, from bench/weights.ts. */
export function minutesFor(set: WeightSet): (n: GraphNode) => number {
    return (n) => (n.custom ? weightOf(n.type, n.inputs ?? {}).minutes[set] : 0);
}

/** Critical path, serial sum and slowest single resource of a graph. */
export function criticalPath(
    nodes: readonly GraphNode[],
    minutesOf: (n: GraphNode) => number = minutesFor("typical"),
): CriticalPath {
    const graph = new Graph(nodes);
    const schedule = new Schedule(graph, minutesOf);
    const { minutes, path } = schedule.longest();
    const customs = graph.order.filter((n) => n.custom);
    let slowest = customs[0];
    for (const n of customs) if (minutesOf(n) > minutesOf(slowest)) slowest = n;
    const slowestMinutes = slowest ? minutesOf(slowest) : 0;
    return {
        minutes,
        serialMinutes: sumMinutes(customs, minutesOf),
        slowest: slowest
            ? { urn: slowest.urn, type: slowest.type, minutes: slowestMinutes, done: schedule.done(slowest) }
            : { urn: "", type: "", minutes: 0, done: 0 },
        ratio: slowestMinutes > 0 ? minutes / slowestMinutes : 0,
        path,
        customCount: customs.length,
    };
}

const DATA_STORE = /^platform:(database|cache|storage):/;
const CLUSTER = /^platform:cluster:/;

/**
 * For every wait along the critical path, the minutes removing it would save. A dependsOn that covers
 * every child of a component is treated as one dependency on that component and removed as a whole.
 */
export function savings(
    nodes: readonly GraphNode[],
    minutesOf: (n: GraphNode) => number = minutesFor("typical"),
): EdgeSaving[] {
    const graph = new Graph(nodes);
    const base = new Schedule(graph, minutesOf).longest();
    const out: EdgeSaving[] = [];
    const tried = new Set<string>();
    for (let i = 1; i < base.path.length; i++) {
        const waiting = graph.nodes.get(base.path[i].urn)!;
        const via = base.path[i].via;
        if (!via || via.kind === "child" || via.kind === "parent") continue;
        const on = graph.nodes.get(base.path[i - 1].urn)!;
        const incoming = graph.incoming(waiting).find((e) => e.from === on.urn);
        if (!incoming) continue;

        // A dependsOn on a whole component: the explicit dependencies cover every custom resource of it.
        let target = on;
        let group = [on.urn];
        if (incoming.kind === "dependsOn" && on.custom) {
            const explicit = new Set(
                graph
                    .incoming(waiting)
                    .filter((e) => e.kind === "dependsOn")
                    .map((e) => e.from),
            );
            for (let p = graph.parentOf(on); p && !p.custom; p = graph.parentOf(p)) {
                const customs = graph.customsOf(p).map((c) => c.urn);
                if (customs.length > 1 && customs.every((u) => explicit.has(u))) {
                    target = p;
                    group = customs;
                }
            }
        }
        const key = `${waiting.urn}>${target.urn}`;
        if (tried.has(key)) continue;
        tried.add(key);

        const removed = new Set(group.map((u) => edgeKey(u, waiting.urn)));
        const without = new Schedule(graph, minutesOf, removed).longest().minutes;
        const fromTop = graph.topLevel(waiting);
        const toTop = graph.topLevel(target);
        out.push({
            urn: waiting.urn,
            type: waiting.type,
            on: target.urn,
            onType: target.type,
            kind: incoming.kind,
            property: incoming.property,
            wholeComponent: target !== on,
            dataStoreOnCluster: DATA_STORE.test(fromTop.type) && CLUSTER.test(toTop.type) && fromTop !== toTop,
            fromComponent: fromTop.urn,
            toComponent: toTop.urn,
            minutesSaved: round(base.minutes - without),
        });
    }
    // Every explicit dependsOn of a resource on the path, removed together: orderings often come in sets
    // (`dependsOn: [controller, issuer]`) where removing one alone saves little.
    const waiting = new Set(base.path.slice(1).map((s) => s.urn));
    for (const urn of waiting) {
        const n = graph.nodes.get(urn)!;
        const explicit = graph.incoming(n).filter((e) => e.kind === "dependsOn");
        if (explicit.length < 2) continue;
        const removed = new Set(explicit.map((e) => edgeKey(e.from, n.urn)));
        const saved = round(base.minutes - new Schedule(graph, minutesOf, removed).longest().minutes);
        const best = Math.max(0, ...out.filter((o) => o.urn === urn).map((o) => o.minutesSaved));
        if (saved <= best) continue;
        const first = graph.nodes.get(explicit[0].from)!;
        out.push({
            urn,
            type: n.type,
            on: first.urn,
            onType: first.type,
            kind: "dependsOn",
            wholeComponent: false,
            dataStoreOnCluster: false,
            fromComponent: graph.topLevel(n).urn,
            toComponent: graph.topLevel(first).urn,
            minutesSaved: saved,
            allExplicit: explicit.map((e) => e.from),
        });
    }
    return out.filter((s) => s.minutesSaved > 0);
}

/**
 * Every dependency in the graph that looks needless by construction, whether or not it is on the critical
 * path today: a data store waiting on the cluster, or an explicit dependsOn that covers a whole component
 * the waiting resource is not part of. Minutes saved are computed the same way as in `savings`.
 */
export function suspects(
    nodes: readonly GraphNode[],
    minutesOf: (n: GraphNode) => number = minutesFor("typical"),
): EdgeSaving[] {
    const graph = new Graph(nodes);
    const baseMinutes = new Schedule(graph, minutesOf).longest().minutes;
    const out: EdgeSaving[] = [];
    for (const waiting of graph.order) {
        const edges = graph.incoming(waiting).filter((e) => e.kind !== "parent");
        const explicit = new Set(edges.filter((e) => e.kind === "dependsOn").map((e) => e.from));
        const fromTop = graph.topLevel(waiting);
        const covered = new Set<string>();
        // Whole components covered by the explicit dependsOn, largest first.
        const components =
            explicit.size < 2 ? [] : graph.order.filter((c) => !c.custom && !isAncestor(graph, c, waiting));
        for (const c of components) {
            const customs = graph.customsOf(c).map((x) => x.urn);
            if (customs.length < 2 || !customs.every((u) => explicit.has(u))) continue;
            if (customs.every((u) => covered.has(u))) continue;
            customs.forEach((u) => covered.add(u));
            out.push(edgeSaving(graph, minutesOf, baseMinutes, waiting, c, customs, "dependsOn", undefined, true));
        }
        for (const e of edges) {
            const on = graph.nodes.get(e.from)!;
            const toTop = graph.topLevel(on);
            const dataStoreOnCluster = DATA_STORE.test(fromTop.type) && CLUSTER.test(toTop.type) && fromTop !== toTop;
            if (dataStoreOnCluster && !covered.has(on.urn)) {
                out.push(edgeSaving(graph, minutesOf, baseMinutes, waiting, on, [on.urn], e.kind, e.property, false));
            }
        }
    }
    return out;
}

function isAncestor(graph: Graph, maybeAncestor: GraphNode, n: GraphNode): boolean {
    for (let p = graph.parentOf(n); p; p = graph.parentOf(p)) if (p === maybeAncestor) return true;
    return maybeAncestor === n;
}

function edgeSaving(
    graph: Graph,
    minutesOf: (n: GraphNode) => number,
    baseMinutes: number,
    waiting: GraphNode,
    target: GraphNode,
    group: string[],
    kind: EdgeKind,
    property: string | undefined,
    wholeComponent: boolean,
): EdgeSaving {
    const removed = new Set(group.map((u) => edgeKey(u, waiting.urn)));
    const without = new Schedule(graph, minutesOf, removed).longest().minutes;
    const fromTop = graph.topLevel(waiting);
    const toTop = graph.topLevel(target);
    return {
        urn: waiting.urn,
        type: waiting.type,
        on: target.urn,
        onType: target.type,
        kind,
        property,
        wholeComponent,
        dataStoreOnCluster: DATA_STORE.test(fromTop.type) && CLUSTER.test(toTop.type) && fromTop !== toTop,
        fromComponent: fromTop.urn,
        toComponent: toTop.urn,
        minutesSaved: round(baseMinutes - without),
    };
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Every custom resource `target` waits for before it can start, directly or through others, by the schedule's
 * own rules (a child waits for a component parent's registration only; waiting for a component waits for all
 * its children). What a test needs to show that one resource (a CDN) is off another's (a database's) path.
 */
export function upstreamOf(nodes: readonly GraphNode[], target: string): Set<string> {
    const graph = new Graph(nodes);
    const found = new Set<string>();
    const started = new Set<string>();
    const finished = new Set<string>();
    const start = (n: GraphNode): void => {
        if (started.has(n.urn)) return;
        started.add(n.urn);
        for (const edge of graph.incoming(n)) {
            const from = graph.nodes.get(edge.from)!;
            if (edge.kind === "parent" && !from.custom) start(from);
            else done(from);
        }
    };
    const done = (n: GraphNode): void => {
        if (finished.has(n.urn)) return;
        finished.add(n.urn);
        start(n);
        if (n.custom) found.add(n.urn);
        else for (const child of graph.children.get(n.urn) ?? []) done(child);
    };
    const node = graph.nodes.get(target);
    if (node) start(node);
    return found;
}
