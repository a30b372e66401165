/**
 * Per-resource exemptions (issue 17 item 6). Every policy takes an `exemptions` setting in the stack's
 * policy config, a list of `{ resource, reason, expires? }`:
 *
 *     "aws-rds-multi-az": { "exemptions": [{ "resource": "platform-staging-db-instance",
 *                                            "reason": "single-AZ until the load test, ticket OPS-12",
 *                                            "expires": "2027-01-31" }] }
 *
 * `resource` is the resource's URN or its logical name, or a logical-name pattern with `*` (see `matches`); `reason` is mandatory (the schema requires it, so
 * the Pulumi CLI and `npm run check` both refuse a config without one); `expires` (YYYY-MM-DD, last day the
 * exemption holds) is optional. An exemption is never silent: an exempted finding is reported to the
 * engine as "not applicable" with a reason that starts with `exempted` (the engine records it with the
 * policy's name; `npm run check` and the PR check list it), an expired exemption is not applied and the
 * violation says so, and a reason-less one (a CLI that skipped validation) is not applied either.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

export interface Exemption {
    /** The resource's URN, or its logical name. */
    readonly resource: string;
    /** Why the resource may break the rule, and what ends that (a ticket, a date, a condition). */
    readonly reason: string;
    /** The last day (YYYY-MM-DD, UTC) the exemption holds. @default no expiry */
    readonly expires?: string;
}

/** The `exemptions` setting every policy publishes in its `configSchema`. */
export const EXEMPTIONS_SCHEMA: PolicyConfigJSONSchema = {
    type: "array",
    default: [],
    description:
        "Resources exempt from this rule: { resource (URN or logical name), reason (required), expires (YYYY-MM-DD, optional) }.",
    items: {
        type: "object",
        properties: {
            resource: { type: "string", minLength: 1, description: "The resource's URN or logical name." },
            reason: {
                type: "string",
                minLength: 1,
                description: "Why the resource is exempt (mandatory: an exemption without a reason is refused).",
            },
            expires: {
                type: "string",
                pattern: "^\\d{4}-\\d{2}-\\d{2}$",
                description: "Last day the exemption holds, YYYY-MM-DD (UTC); expired exemptions are not applied.",
            },
        },
        required: ["resource", "reason"],
        additionalProperties: false,
    },
};

/**
 * Whether an exemption's `resource` names this resource: its URN or logical name exactly, or a logical-name
 * pattern where `*` stands for any run of characters within a name (`platform-*-network-flow-logs`), so one
 * environment's config (policies/config/<environment>.json) exempts the same component in every stack of that
 * environment, whatever the stack is called. A pattern never spans URN parts (`*` matches no `:` or `$`).
 */
export function matches(pattern: unknown, resource: { urn: string; name: string }): boolean {
    if (typeof pattern !== "string" || pattern === "") return false;
    if (pattern === resource.urn || pattern === resource.name) return true;
    if (!pattern.includes("*")) return false;
    const body = pattern
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join("[^:$]*");
    return new RegExp(`^${body}$`).test(resource.name);
}

/** What the policy config says about one resource. */
export type ExemptionState =
    | { readonly kind: "none" }
    | { readonly kind: "active"; readonly exemption: Exemption }
    | { readonly kind: "expired"; readonly exemption: Exemption }
    | { readonly kind: "invalid"; readonly exemption: Partial<Exemption> };

/** Today's date as the exemptions compare it (UTC). */
export function today(): string {
    return new Date().toISOString().slice(0, 10);
}

/** The exemption of a resource in a policy's config (an active one wins over expired or invalid ones). */
export function exemptionOf(
    config: { exemptions?: unknown },
    resource: { urn: string; name: string },
    on = today(),
): ExemptionState {
    const list = Array.isArray(config.exemptions) ? (config.exemptions as Partial<Exemption>[]) : [];
    const matching = list.filter((e) => e && matches(e.resource, resource));
    const valid = matching.filter((e) => typeof e.reason === "string" && e.reason.trim() !== "") as Exemption[];
    const active = valid.find((e) => e.expires === undefined || e.expires >= on);
    if (active) return { kind: "active", exemption: active };
    if (valid.length > 0) return { kind: "expired", exemption: valid[0] };
    if (matching.length > 0) return { kind: "invalid", exemption: matching[0] };
    return { kind: "none" };
}

/** The "not applicable" reason of an exempted resource; `findings` are what the rule would have reported. */
export function exemptedReason(urn: string, exemption: Exemption, findings: readonly string[]): string {
    const until = exemption.expires ? ` (until ${exemption.expires})` : "";
    const outcome =
        findings.length > 0
            ? `; would report: ${findings.join(" | ")}`
            : "; the resource passes this rule now, so the exemption can be removed";
    return `exempted ${urn}: ${exemption.reason}${until}${outcome}`;
}

/** The "not applicable" reason of a passing resource whose exemption expired (reported so it is cleaned up). */
export function expiredReason(urn: string, exemption: Exemption): string {
    return `exemption expired ${urn}: ${exemption.reason} (expired on ${exemption.expires}; not applied, the resource passes this rule)`;
}

/** The note a violation gets when the resource's exemption is not applied. */
export function notAppliedNote(state: ExemptionState): string {
    if (state.kind === "expired") {
        return ` (The exemption for this resource expired on ${state.exemption.expires} and is not applied: "${state.exemption.reason}".)`;
    }
    if (state.kind === "invalid") return " (The exemption for this resource has no reason, so it is not applied.)";
    return "";
}
