/**
 * Inputs for the scaling rows: N services generated from the services a stack file ships, and the
 * growth between consecutive sizes. Pure functions; bench/run.ts runs the measurements.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * `n` services built from `templates` (the stack's own api, frontend, worker ...), cycling through them.
 * Copy g of a template is named `<name>-<g>` (the first copy keeps its name), its public host becomes
 * `<first label>-<g>.<rest>` so every route stays unique, and its `calls` point at the same copy of the
 * called service (dropped when that copy is not part of the set).
 */
export function generateServices(templates: readonly Json[], n: number): Json[] {
    if (templates.length === 0) throw new Error("no service to copy: the stack defines no platform:services");
    const names = templates.map((t) => String(t.name));
    const renamed = (name: string, group: number) => (group === 1 ? name : `${name}-${group}`);
    const present = new Set<string>();
    for (let i = 0; i < n; i++) present.add(renamed(names[i % names.length], Math.floor(i / names.length) + 1));

    return Array.from({ length: n }, (_, i) => {
        const template = templates[i % templates.length];
        const group = Math.floor(i / templates.length) + 1;
        const service: Json = JSON.parse(JSON.stringify(template));
        service.name = renamed(String(template.name), group);
        if (service.expose?.host && group > 1) {
            const [first, ...rest] = String(service.expose.host).split(".");
            service.expose.host = [`${first}-${group}`, ...rest].join(".");
        }
        if (Array.isArray(service.calls)) {
            service.calls = service.calls
                .map((called: string) => (names.includes(called) ? renamed(called, group) : called))
                .filter((called: string) => present.has(called));
        }
        return service;
    });
}

/** The largest list the schema accepts, read from its description ("... (at most 30)"). */
export function maxItemsOf(allowed: string | undefined): number | undefined {
    const match = /at most (\d+)/.exec(allowed ?? "");
    return match ? Number(match[1]) : undefined;
}

export interface SizePoint {
    readonly size: number;
    readonly resources: number;
    readonly wallMs: number;
    readonly cpuMs: number;
    readonly peakMiB: number;
}

export interface Growth {
    readonly from: number;
    readonly to: number;
    /** Extra wall time per extra resource, ms. */
    readonly wallMsPerResource: number;
    /** Extra CPU time per extra resource, ms. */
    readonly cpuMsPerResource: number;
    /** Extra peak memory per 100 extra resources, MiB. */
    readonly peakMiBPer100Resources: number;
}

/** Marginal cost between consecutive sizes: how cost grows with the graph. */
export function growth(points: readonly SizePoint[]): Growth[] {
    const out: Growth[] = [];
    for (let i = 1; i < points.length; i++) {
        const a = points[i - 1];
        const b = points[i];
        const extra = b.resources - a.resources;
        if (extra <= 0) continue;
        out.push({
            from: a.size,
            to: b.size,
            wallMsPerResource: (b.wallMs - a.wallMs) / extra,
            cpuMsPerResource: (b.cpuMs - a.cpuMs) / extra,
            peakMiBPer100Resources: ((b.peakMiB - a.peakMiB) / extra) * 100,
        });
    }
    return out;
}
