import type { ResourceRecord } from "./runtime";

/**
 * The platform component a resource belongs to: its top-level ancestor's capability (`platform:<cap>:…`),
 * "monitoring" for the stack-level Log Analytics / monitor resources, "shared" otherwise. Used by the cost
 * estimate's per-component totals and the stack diagram's groups.
 */
export function componentOf(r: ResourceRecord, byUrn: ReadonlyMap<string, ResourceRecord>): string {
    let top = r;
    while (top.parent && byUrn.has(top.parent)) top = byUrn.get(top.parent)!;
    const capability = /^platform:([a-z]+):/.exec(top.type)?.[1];
    if (capability) return capability;
    if (/operationalinsights|monitor/.test(top.type)) return "monitoring";
    return "shared";
}
