/**
 * The graph of a stack on a cloud as a reviewable snapshot: every resource's URN, type, parent, provider,
 * options, dependencies and inputs (secrets as a digest of their value, never the value). The committed
 * snapshots under test/graph/baseline/ are the graphs users have deployed; graph.test.ts compares each run
 * with its snapshot, resolving URNs through aliases as the engine would (check/aliases.ts).
 *
 * Regenerate after a change that is meant to change a graph, and review the diff:
 *     npm run graph:baseline
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import type { AliasSpec, ProgramRun } from "../../check/runtime";

export const BASELINE_DIR = path.join(__dirname, "baseline");

export interface SnapshotResource {
    readonly urn: string;
    readonly type: string;
    readonly parent: string | null;
    readonly provider: string | null;
    readonly custom: boolean;
    readonly options: { protect: boolean; retainOnDelete: boolean; deleteBeforeReplace: boolean };
    readonly dependencies: string[];
    readonly inputs: unknown;
    /** The `aliases` option, when set: how the engine finds the resource under an older URN. */
    readonly aliases?: AliasSpec[];
}

export interface Snapshot {
    readonly stack: string;
    readonly cloud: string;
    readonly resources: SnapshotResource[];
}

export function baselinePath(stack: string, cloud: string): string {
    return path.join(BASELINE_DIR, `${stack}.${cloud}.json`);
}

/** A run as a snapshot, in registration order. */
export function snapshotOf(run: ProgramRun, cloud: string): Snapshot & { resources: SnapshotResource[] } {
    return {
        stack: run.stack,
        cloud,
        resources: run.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            parent: r.parent,
            // The provider reference is `urn::id`; the id is the mock's, so only the URN is compared.
            provider: r.provider ? r.provider.split("::").slice(0, -1).join("::") : null,
            custom: r.custom,
            options: {
                protect: r.protect,
                retainOnDelete: r.retainOnDelete,
                deleteBeforeReplace: r.deleteBeforeReplace ?? false,
            },
            dependencies: [...new Set(r.dependencies)].sort(),
            inputs: canonical(r.inputs),
            ...(r.aliases && r.aliases.length > 0 ? { aliases: r.aliases } : {}),
        })),
    };
}

/** Wire values made stable and free of secrets: keys sorted, secrets as `[secret sha256:<12 hex>]`. */
export function canonical(value: unknown): unknown {
    if (value === rpc.unknownValue) return "[unknown]";
    if (Array.isArray(value)) return value.map(canonical);
    if (value !== null && typeof value === "object") {
        const v = value as Record<string, unknown>;
        const sig = v[rpc.specialSigKey];
        if (sig === rpc.specialSecretSig) {
            const digest = createHash("sha256")
                .update(JSON.stringify(canonical(v.value)))
                .digest("hex");
            return `[secret sha256:${digest.slice(0, 12)}]`;
        }
        if (sig === rpc.specialResourceSig) return { resource: v.urn };
        if (sig === rpc.specialAssetSig || sig === rpc.specialArchiveSig) {
            return { asset: createHash("sha256").update(JSON.stringify(v)).digest("hex").slice(0, 12) };
        }
        return Object.fromEntries(
            Object.keys(v)
                .sort()
                .map((k) => [k, canonical(v[k])]),
        );
    }
    return value;
}

export function readBaseline(stack: string, cloud: string): Snapshot {
    return JSON.parse(fs.readFileSync(baselinePath(stack, cloud), "utf8")) as Snapshot;
}

export function writeBaseline(snapshot: Snapshot): void {
    fs.mkdirSync(BASELINE_DIR, { recursive: true });
    fs.writeFileSync(baselinePath(snapshot.stack, snapshot.cloud), JSON.stringify(snapshot, null, 1) + "\n");
}
