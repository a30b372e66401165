/**
 * Turns the engine's event stream into progress a person can follow: one line per resource that changes
 * (`[ 12/57] created aws:rds/instance:Instance platform-prod-db (4m02s)`), what is in flight right now, the
 * policy findings, and the closing summary. Pure apart from the `write` callback, so tests feed it events.
 *
 * "Total" is the number of resources the run is expected to touch: the caller's estimate (the offline graph
 * for preview/up, the state for destroy/refresh) or the resources announced so far, whichever is larger.
 * The engine itself never announces a total, because the program registers resources as it runs.
 */
import type { EngineEvent, OpMap, OpType, PolicyEvent, SummaryEvent } from "@pulumi/pulumi/automation";
import type { Command } from "./args";

/** Resources a person counts: not the stack itself, not provider instances. */
export function countsAsResource(type: string): boolean {
    return type !== "pulumi:pulumi:Stack" && !type.startsWith("pulumi:providers:");
}

/** Removes the CLI's color markup (`<{%fg 1%}>`) and ANSI escapes from an engine message. */
export function plainText(message: string): string {
    return message.replace(/<\{%[^%]*%\}>/g, "").replace(/\x1b\[[0-9;]*m/g, "");
}

/** `4m02s`, `12s`, `1h05m`. */
export function formatDuration(seconds: number): string {
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return `${s}s`;
    if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

function nameOf(urn: string): string {
    return urn.split("::").pop() ?? urn;
}

const PAST: Partial<Record<OpType, string>> = {
    create: "created",
    update: "updated",
    delete: "deleted",
    replace: "replaced",
    "create-replacement": "created replacement",
    "delete-replaced": "deleted replaced",
    read: "read",
    refresh: "refreshed",
    import: "imported",
    discard: "discarded",
};
const PLANNED: Partial<Record<OpType, string>> = {
    create: "+ create",
    update: "~ update",
    delete: "- delete",
    replace: "+-replace",
    "create-replacement": "++create replacement",
    "delete-replaced": "--delete replaced",
    read: "> read",
    import: "= import",
};
const PRESENT: Partial<Record<OpType, string>> = {
    create: "creating",
    update: "updating",
    delete: "deleting",
    replace: "replacing",
    "create-replacement": "creating replacement",
    "delete-replaced": "deleting replaced",
    read: "reading",
    refresh: "refreshing",
    import: "importing",
};

interface InFlight {
    readonly op: OpType;
    readonly type: string;
    readonly started: number;
}

export interface ProgressOptions {
    readonly command: Command;
    /** Expected number of resources (see the module comment); undefined when unknown. */
    readonly expectedTotal?: number;
    /** Receives each finished line (no trailing newline). */
    readonly write: (line: string) => void;
    /** Clock in milliseconds, for tests. @default Date.now */
    readonly now?: () => number;
}

export class Progress {
    private readonly inFlight = new Map<string, InFlight>();
    private readonly announced = new Set<string>();
    private readonly finished = new Set<string>();
    /** Resources whose change finished or failed (see {@link changed}). */
    private readonly touched = new Set<string>();
    private readonly now: () => number;
    readonly started: number;
    /** Every policy finding, in order. */
    readonly policyEvents: PolicyEvent[] = [];
    /** Error diagnostics (resource and program errors), plain text. */
    readonly errors: string[] = [];
    /** The engine's closing summary, when it sent one. */
    summary?: SummaryEvent;
    /** True once the CLI has acknowledged a Ctrl-C ("^C received; cancelling"). */
    interruptAcknowledged = false;

    constructor(private readonly options: ProgressOptions) {
        this.now = options.now ?? Date.now;
        this.started = this.now();
    }

    get done(): number {
        return this.finished.size;
    }

    get total(): number | undefined {
        const seen = this.announced.size;
        if (this.options.expectedTotal === undefined) return seen > 0 ? seen : undefined;
        return Math.max(this.options.expectedTotal, seen);
    }

    /**
     * Resource operations of an `up`, `destroy` or `refresh` that reached the cloud: finished changes (not
     * `same`, not a `read`, not a refresh that found nothing) and failed attempts, which may have left a
     * partial change behind; or the engine summary's count of changes, whichever is larger. Always 0 for a
     * preview, which changes nothing.
     */
    get changed(): number {
        if (this.planning) return 0;
        const summarized = Object.entries(this.summary?.resourceChanges ?? {})
            .filter(([op]) => op !== "same")
            .reduce((sum, [, count]) => sum + (count ?? 0), 0);
        return Math.max(this.touched.size, summarized);
    }

    get mandatoryViolations(): PolicyEvent[] {
        return this.policyEvents.filter((p) => p.enforcementLevel === "mandatory");
    }

    private counter(): string {
        const total = this.total;
        const width = String(total ?? this.done).length;
        return `[${String(this.done).padStart(width)}/${total ?? "?"}]`;
    }

    private get planning(): boolean {
        return this.options.command === "preview";
    }

    onEvent(event: EngineEvent): void {
        const { write } = this.options;
        if (event.resourcePreEvent) {
            const { metadata } = event.resourcePreEvent;
            if (!countsAsResource(metadata.type)) return;
            this.announced.add(metadata.urn);
            if (metadata.op !== "same") {
                this.inFlight.set(metadata.urn, { op: metadata.op, type: metadata.type, started: this.now() });
            }
        } else if (event.resOutputsEvent) {
            const { metadata } = event.resOutputsEvent;
            if (!countsAsResource(metadata.type)) return;
            this.announced.add(metadata.urn);
            this.finished.add(metadata.urn);
            const flight = this.inFlight.get(metadata.urn);
            this.inFlight.delete(metadata.urn);
            if (metadata.op === "same" || (metadata.op === "refresh" && !metadata.diffs?.length)) return;
            if (metadata.op !== "read") this.touched.add(metadata.urn);
            const verb = (this.planning ? PLANNED[metadata.op] : PAST[metadata.op]) ?? metadata.op;
            const took = !this.planning && flight ? ` (${formatDuration((this.now() - flight.started) / 1000)})` : "";
            write(`${this.counter()} ${verb.padEnd(9)} ${metadata.type}  ${nameOf(metadata.urn)}${took}`);
        } else if (event.resOpFailedEvent) {
            const { metadata } = event.resOpFailedEvent;
            this.finished.add(metadata.urn);
            this.touched.add(metadata.urn);
            this.inFlight.delete(metadata.urn);
            write(`${this.counter()} FAILED to ${metadata.op} ${metadata.type}  ${nameOf(metadata.urn)}`);
        } else if (event.diagnosticEvent) {
            const d = event.diagnosticEvent;
            if (d.ephemeral) return;
            const text = plainText(d.message).trimEnd();
            if (!text) return;
            const where = d.urn ? `${nameOf(d.urn)}: ` : "";
            if (d.severity === "error") {
                this.errors.push(`${where}${text}`);
                write(`error: ${where}${text}`);
            } else if (d.severity === "warning") {
                write(`warning: ${where}${text}`);
            } else {
                write(`${where}${text}`);
            }
        } else if (event.policyEvent) {
            const p = event.policyEvent;
            this.policyEvents.push(p);
            const level = p.enforcementLevel === "mandatory" ? "MANDATORY" : "advisory";
            const where = p.resourceUrn ? ` on ${nameOf(p.resourceUrn)}` : "";
            write(`policy ${level}: ${p.policyPackName}/${p.policyName}${where}: ${plainText(p.message).trim()}`);
        } else if (event.stdoutEvent) {
            const text = plainText(event.stdoutEvent.message).trimEnd();
            if (/\^C received|SIGTERM received/.test(text)) this.interruptAcknowledged = true;
            if (text) write(text);
        } else if (event.summaryEvent) {
            this.summary = event.summaryEvent;
        }
    }

    /** What is in flight right now, or undefined when nothing is. */
    status(): string | undefined {
        if (this.inFlight.size === 0) return undefined;
        const now = this.now();
        const items = [...this.inFlight.entries()]
            .sort(([, a], [, b]) => a.started - b.started)
            .map(([urn, f]) => `${PRESENT[f.op] ?? f.op} ${nameOf(urn)} (${formatDuration((now - f.started) / 1000)})`);
        const shown = items.slice(0, 3).join(", ");
        const more = items.length > 3 ? `, and ${items.length - 3} more` : "";
        return `${this.counter()} in progress: ${shown}${more}`;
    }

    /** The closing summary line. */
    summaryLine(): string {
        const changes: OpMap = this.summary?.resourceChanges ?? {};
        const seconds = this.summary?.durationSeconds ?? (this.now() - this.started) / 1000;
        return formatSummary(this.options.command, changes, seconds);
    }
}

/** `Summary: 12 created, 1 updated, 0 deleted, 40 unchanged in 4m12s` (preview: "to create", ...). */
export function formatSummary(command: Command, changes: OpMap, seconds: number): string {
    const n = (op: OpType) => changes[op] ?? 0;
    const planned = command === "preview";
    const parts = [
        `${n("create")} ${planned ? "to create" : "created"}`,
        `${n("update")} ${planned ? "to update" : "updated"}`,
        `${n("delete")} ${planned ? "to delete" : "deleted"}`,
    ];
    if (n("replace") > 0) parts.push(`${n("replace")} ${planned ? "to replace" : "replaced"}`);
    parts.push(`${n("same")} unchanged`);
    return `Summary: ${parts.join(", ")} in ${formatDuration(seconds)}`;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

function mask(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(mask);
    if (value !== null && typeof value === "object") {
        if ((value as Record<string, unknown>)[SECRET_SIG] !== undefined) return "[secret]";
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v)]));
    }
    return value;
}

/**
 * The stack outputs, one per line, from `pulumi stack output --json` (which already shows every secret as
 * "[secret]"); any secret envelope that still got through is masked too, so nothing secret is ever printed.
 */
export function formatOutputs(outputs: Record<string, unknown>): string[] {
    const names = Object.keys(outputs).sort();
    if (names.length === 0) return ["Outputs: none"];
    const width = Math.max(...names.map((n) => n.length));
    return [
        "Outputs:",
        ...names.map((name) => {
            const shown = mask(outputs[name]);
            const text = typeof shown === "string" ? shown : JSON.stringify(shown);
            return `  ${name.padEnd(width)}  ${text}`;
        }),
    ];
}
