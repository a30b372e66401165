/**
 * The graphs users have deployed do not change by accident: every stack × cloud is compared with its
 * committed snapshot (test/graph/baseline/), resource by resource, after resolving URNs through aliases
 * the way the engine does on the next `pulumi up` (check/aliases.ts). A resource that would be created,
 * deleted or updated fails the test with what differs; an intended change is committed by regenerating
 * the snapshots (`npm run graph:baseline`) so that the review shows the diff.
 */
import * as assert from "assert";
import { AliasResolver } from "../../check/aliases";
import { MATRIX, runStack } from "../harness";
import { Snapshot, SnapshotResource, readBaseline, snapshotOf } from "./snapshot";

/** What the next `up` would do to the deployed graph: creates, deletes and the fields that differ. */
export function graphDifferences(before: Snapshot, after: Snapshot, project: string): string[] {
    const olds = new Map(before.resources.map((r) => [r.urn, r]));
    const resolver = new AliasResolver(new Set(olds.keys()), project, before.stack);
    const toOld = new Map<string, string>();
    const problems: string[] = [];
    for (const r of after.resources) {
        const old = resolver.resolve(r);
        if (!old) problems.push(`created: ${r.urn}`);
        else toOld.set(r.urn, old);
    }
    const taken = new Set(toOld.values());
    for (const urn of olds.keys()) if (!taken.has(urn)) problems.push(`deleted: ${urn}`);
    const mapUrns = (value: unknown): unknown => rewrite(value, toOld);
    // Inputs hold URNs as resource references and provider references; both name the old resource.
    for (const r of after.resources) {
        const oldUrn = toOld.get(r.urn);
        if (!oldUrn) continue;
        const old = olds.get(oldUrn)!;
        const now = mapUrns(comparable(r)) as Record<string, unknown>;
        now.dependencies = [...(now.dependencies as string[])].sort();
        const was = comparable(old) as Record<string, unknown>;
        for (const field of Object.keys(was)) {
            const paths = diffPaths(was[field], now[field], field);
            if (paths.length > 0) problems.push(`changed: ${oldUrn}: ${paths.slice(0, 5).join("; ")}`);
        }
    }
    return problems;
}

function comparable(r: SnapshotResource): Omit<SnapshotResource, "urn"> {
    const { type, parent, provider, custom, options, inputs } = r;
    return { type, parent, provider, custom, options, dependencies: r.dependencies, inputs };
}

/** Replaces every URN string (and `urn::id` provider reference) that an alias resolved with its old URN. */
function rewrite(value: unknown, urns: ReadonlyMap<string, string>): unknown {
    if (typeof value === "string") {
        return urns.get(value) ?? value;
    }
    if (Array.isArray(value)) {
        return value.map((v) => rewrite(v, urns));
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, urns)]));
    }
    return value;
}

/** The paths at which two JSON values differ, with both values (shortened). */
export function diffPaths(a: unknown, b: unknown, at: string): string[] {
    if (JSON.stringify(a) === JSON.stringify(b)) return [];
    const bothObjects = a !== null && b !== null && typeof a === "object" && typeof b === "object";
    if (bothObjects && Array.isArray(a) === Array.isArray(b)) {
        const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
        return [...keys].flatMap((k) =>
            diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`),
        );
    }
    const show = (v: unknown) => (v === undefined ? "(absent)" : JSON.stringify(v).slice(0, 120));
    return [`${at}: ${show(a)} → ${show(b)}`];
}

describe("graph: every stack's graph is the deployed one (test/graph/baseline/)", () => {
    for (const { stack, cloud } of MATRIX) {
        it(`${stack} on ${cloud}: nothing created, deleted or changed, URNs resolved through aliases`, async () => {
            const run = await runStack(stack, cloud);
            const problems = graphDifferences(readBaseline(stack, cloud), snapshotOf(run, cloud), run.project);
            assert.deepStrictEqual(
                problems,
                [],
                `${problems.length} differences from test/graph/baseline/${stack}.${cloud}.json; if intended, ` +
                    `run \`npm run graph:baseline\` and review the diff:\n  ${problems.slice(0, 40).join("\n  ")}`,
            );
        });
    }
});
