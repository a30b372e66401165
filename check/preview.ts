/**
 * The graph as the engine sees it during `pulumi preview` of a new stack, when nothing exists yet:
 *
 *  - a new resource's provider-computed properties are unknown: those its SDK class declares as outputs
 *    but its Args interface does not accept (read from the installed SDK's `.d.ts`, e.g. `arn`, `status`),
 *    plus what the provider fills in by itself when the program leaves it unset (what the check/state
 *    models add over the inputs, e.g. S3's default encryption), plus its id;
 *  - an input built from such a value (another resource's ARN, an endpoint inside a kubeconfig or a JSON
 *    policy) is unknown as a whole, as the SDK sends an Output that depends on an unknown as unknown.
 *
 * Unknowns travel as the engine marshals them: the UnknownStringValue sentinel
 * `04da6b54-80e4-46f7-96ec-b56ff0331ba9` (pulumi/pulumi sdk/nodejs/runtime/rpc.ts `unknownValue`), which
 * the @pulumi/policy analyzer wraps in its "unknown checking proxy": a policy that reads one throws
 * UnknownValueError and the pack reports "can't run policy ... during preview" (@pulumi/policy
 * server.js, proxy.js). Resource policies get the inputs (with unknowns), stack policies the planned
 * outputs (inputs plus unknown computed properties).
 */
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as fs from "fs";
import { sdkModuleOf } from "./engine";
import type { ResourceRecord } from "./runtime";

export const UNKNOWN = rpc.unknownValue;

/** The shortest computed string treated as a value an input could be built from (ids, ARNs, endpoints). */
const MIN_TRACKED = 8;

const outputsOnlyCache = new Map<string, Set<string>>();

/** Members of a `{ ... }` block at four spaces' indentation, from its opening line to the closing `}`. */
function blockMembers(text: string, opening: RegExp, member: RegExp): Set<string> {
    const start = text.search(opening);
    if (start < 0) return new Set();
    const end = text.indexOf("\n}", start);
    const body = text.slice(start, end < 0 ? undefined : end);
    return new Set([...body.matchAll(member)].map((m) => m[1]));
}

/**
 * The properties a resource type's provider computes: declared as outputs on the SDK class
 * (`readonly x: pulumi.Output<...>`) but not accepted by its Args interface. Empty for unknown types.
 */
export function outputsOnly(type: string): Set<string> {
    const cached = outputsOnlyCache.get(type);
    if (cached) return cached;
    const module = sdkModuleOf(type);
    const declaration = module?.replace(/\.js$/, ".d.ts");
    const text = declaration && fs.existsSync(declaration) ? fs.readFileSync(declaration, "utf8") : "";
    const className = type.split(":")[2];
    const outputs = blockMembers(
        text,
        new RegExp(`export declare class ${className} extends`),
        /^ {4}readonly (\w+): pulumi\.Output</gm,
    );
    const args = blockMembers(text, new RegExp(`export interface ${className}Args \\{`), /^ {4}(\w+)\??: /gm);
    const result = new Set([...outputs].filter((p) => !args.has(p) && p !== "urn"));
    outputsOnlyCache.set(type, result);
    return result;
}

/** The property names unknown in a new resource's planned state. */
export function unknownProperties(r: ResourceRecord): string[] {
    if (!r.custom) return [];
    const fromSdk = [...outputsOnly(r.type)].filter((p) => r.inputs[p] === undefined);
    // Auto-names are not among them: the provider's Check assigns them before the preview (they are inputs).
    const filledByProvider = Object.keys(r.state ?? {}).filter(
        (p) => r.inputs[p] === undefined && !p.startsWith("__") && p !== "name",
    );
    return [...new Set([...fromSdk, ...filledByProvider])];
}

function stringLeaves(value: unknown, out: Set<string>): void {
    if (typeof value === "string") {
        if (value.length >= MIN_TRACKED) out.add(value);
    } else if (Array.isArray(value)) value.forEach((v) => stringLeaves(v, out));
    else if (value !== null && typeof value === "object") Object.values(value).forEach((v) => stringLeaves(v, out));
}

/** Replaces every string that contains one of the unknown values with the unknown sentinel. */
function withUnknowns(value: unknown, contains: (s: string) => boolean): unknown {
    if (typeof value === "string") return contains(value) ? UNKNOWN : value;
    if (Array.isArray(value)) return value.map((v) => withUnknowns(v, contains));
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withUnknowns(v, contains)]));
    }
    return value;
}

function escape(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The resources as a preview of a new stack sees them: inputs built from computed values unknown, the
 * planned state (`state`) with every computed property unknown, components' outputs likewise.
 */
export function previewResources(resources: readonly ResourceRecord[]): ResourceRecord[] {
    const computed = new Set<string>();
    for (const r of resources) {
        if (r.id) computed.add(r.id);
        for (const p of unknownProperties(r)) stringLeaves(r.state?.[p], computed);
    }
    // One alternation, longest first, answers "does this string embed a computed value?" in one scan.
    const pattern = computed.size
        ? new RegExp(
              [...computed]
                  .sort((a, b) => b.length - a.length)
                  .map(escape)
                  .join("|"),
          )
        : undefined;
    const contains = (s: string) => s.length >= MIN_TRACKED && pattern !== undefined && pattern.test(s);
    return resources.map((r) => {
        const inputs = withUnknowns(r.inputs, contains) as Record<string, unknown>;
        const planned: Record<string, unknown> = { ...inputs };
        for (const p of unknownProperties(r)) planned[p] = UNKNOWN;
        return {
            ...r,
            inputs,
            state: r.custom ? planned : {},
            outputs: withUnknowns(r.outputs, contains) as Record<string, unknown>,
        };
    });
}
