/**
 * Dated facts: things about the clouds and upstream projects that change on a calendar (supported
 * versions, their support windows, pinned chart versions). Each sheet records where it was read and when
 * a person last checked it, so a reviewer can tell how stale it is. Sheets live beside this module, one per
 * subject (`kubernetes.ts` today; PostgreSQL and Valkey versions, regions and SKUs can join it with the same
 * shape). Code asks these modules, never a constant of its own.
 */

/** Where a sheet's facts were read, and when a person last compared the sheet with those sources. */
export interface FactSource {
    /** The pages the facts were read from, by what they cover. */
    readonly urls: Readonly<Record<string, string>>;
    /** Calendar date (YYYY-MM-DD, UTC) of the last review against `urls`. */
    readonly lastReviewed: string;
}

/**
 * When a cloud offers a release with standard support. Dates are calendar dates (YYYY-MM-DD, UTC). A date
 * the source gives only as a month is taken as that month's last day (AKS's own rule for its end dates).
 */
export interface SupportWindow {
    /** First day the release can be used for new resources (general availability). */
    readonly available: string;
    /** First day the release is no longer in standard support: from this day on it is refused. */
    readonly standardSupportEnds: string;
}

/** Where a release stands on a given day. */
export type SupportStatus =
    | { readonly state: "supported"; readonly daysLeft: number; readonly ends: string }
    | { readonly state: "ending"; readonly daysLeft: number; readonly ends: string }
    | { readonly state: "ended"; readonly ends: string }
    | { readonly state: "not-yet-available"; readonly available: string }
    | { readonly state: "not-offered" };

const DAY_MS = 24 * 60 * 60 * 1000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
    return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/**
 * The status of a release on `today`: "ending" when standard support ends within `warnDays` days, "ended"
 * from its end date on.
 */
export function supportStatus(window: SupportWindow | undefined, today: string, warnDays: number): SupportStatus {
    if (!window) return { state: "not-offered" };
    if (today < window.available) return { state: "not-yet-available", available: window.available };
    const daysLeft = daysBetween(today, window.standardSupportEnds);
    if (daysLeft <= 0) return { state: "ended", ends: window.standardSupportEnds };
    return { state: daysLeft <= warnDays ? "ending" : "supported", daysLeft, ends: window.standardSupportEnds };
}

/** A Date as the calendar date (UTC) the facts compare against. */
export function isoDate(date: Date): string {
    return date.toISOString().slice(0, 10);
}

/** Whether text is a real calendar date in the YYYY-MM-DD form. */
export function isIsoDate(text: string): boolean {
    return ISO_DATE.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && isoDate(new Date(text)) === text;
}

let evaluationDate: string | undefined;

/**
 * The day the facts are judged on: today (UTC), unless a caller that runs the program in-process (the
 * offline check's `--today`, tests) asked for another day with `setEvaluationDate`.
 */
export function evaluationDay(): string {
    return evaluationDate ?? isoDate(new Date());
}

/** Judges the facts as of `day` (YYYY-MM-DD) until called again with `undefined`. */
export function setEvaluationDate(day: string | undefined): void {
    if (day !== undefined && !isIsoDate(day)) {
        throw new Error(`An evaluation date must be a calendar date such as 2027-01-31, got "${day}".`);
    }
    evaluationDate = day;
}
