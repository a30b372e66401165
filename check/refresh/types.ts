/**
 * What every sheet's refresh shares: a way to ask a cloud's CLI (faked in tests with the answer shapes the
 * clouds document) and the lines it reports. A sheet's refresh never edits the sheet: it prints what differs
 * for a person to apply, with the sheet's sources and its "last reviewed" date.
 */

/** A cloud CLI call: the command (`aws`, `az`), its arguments, and what it answered. */
export interface Cli {
    (command: string, args: string[]): { ok: boolean; stdout: string; stderr: string };
}

/** The outcome of asking one cloud about one sheet. */
export interface SheetReport {
    /** Differences between the sheet and the cloud's answer, one per line, prefixed with the cloud. */
    readonly differences: string[];
    /** Queries that failed or answered in a shape not understood (so the sheet was only partly compared). */
    readonly failures: string[];
    /** What this refresh cannot compare, said once so nobody reads silence as agreement. */
    readonly notes: string[];
}

/** An empty report, to fill. */
export function report(): { differences: string[]; failures: string[]; notes: string[] } {
    return { differences: [], failures: [], notes: [] };
}

/**
 * Runs one CLI query that answers JSON; a failure or unparsable answer is recorded in `into.failures` and
 * yields undefined.
 */
export function askJson(
    cli: Cli,
    into: { failures: string[] },
    command: string,
    args: string[],
): Record<string, unknown> | unknown[] | undefined {
    const r = cli(command, [...args, "--output", "json"]);
    const line = `${command} ${args.join(" ")}`;
    if (!r.ok) {
        into.failures.push(`${line} failed: ${r.stderr || "no message"}`);
        return undefined;
    }
    try {
        return JSON.parse(r.stdout) as Record<string, unknown> | unknown[];
    } catch {
        into.failures.push(`${line} answered something that is not JSON: ${r.stdout.slice(0, 80)}`);
        return undefined;
    }
}

/** A list field of an answer (`answer[key]`), or [] when absent. */
export function listOf(answer: unknown, key?: string): Record<string, unknown>[] {
    const value = key === undefined ? answer : (answer as Record<string, unknown> | undefined)?.[key];
    return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
}

/** A timestamp as the AWS CLI prints it (ISO 8601, or epoch seconds) as YYYY-MM-DD. */
export function day(value: unknown): string | undefined {
    if (typeof value === "number") return new Date(value * 1000).toISOString().slice(0, 10);
    if (typeof value === "string" && value !== "") return new Date(value).toISOString().slice(0, 10);
    return undefined;
}
