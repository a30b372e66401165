/**
 * The cost estimate's renderings: a table for the terminal, the `--json` document, and the Markdown lines the
 * pull-request report shows (each stack's cost and the change a PR makes to it). Pure functions of the data.
 */
import type { CostEstimate, CostLine } from "./estimate";

export const usd = (n: number): string =>
    `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** "$1,234.56/month" or "at least $1,234.56/month (3 items unpriced)". */
export function totalText(e: Pick<CostEstimate, "monthlyUsd" | "unpriced">): string {
    const n = e.unpriced.length;
    return n === 0
        ? `${usd(e.monthlyUsd)}/month`
        : `at least ${usd(e.monthlyUsd)}/month (${n} item${n === 1 ? "" : "s"} unpriced)`;
}

function lineCost(l: CostLine): string {
    return l.monthlyUsd === undefined ? "unpriced" : usd(l.monthlyUsd);
}

/**
 * Under the headline, which components the total leaves partly unpriced, so a lower bound is not read as the
 * bill: "Not in the total, so the real bill is higher: database (2 items), cache (1 item); ...".
 */
export function partlyUnpriced(e: Pick<CostEstimate, "unpriced" | "region">): string[] {
    if (e.unpriced.length === 0) return [];
    const counts = new Map<string, number>();
    for (const l of e.unpriced) counts.set(l.component, (counts.get(l.component) ?? 0) + 1);
    const parts = [...counts].map(([c, n]) => `${c} (${n} item${n === 1 ? "" : "s"})`);
    return [
        `Not in the total, so the real bill is higher: ${parts.join(", ")}; see "Unpriced" below (prices not recorded for ${e.region}).`,
    ];
}

/** The terminal table: per component, per resource, then what is unpriced, assumed and left out. */
export function renderCostText(e: CostEstimate): string {
    const out = [
        `Monthly cost of stack ${e.stack} on ${e.cloud} (${e.region}): ${totalText(e)}`,
        ...partlyUnpriced(e),
        `On-demand list prices in ${e.currency}, ${e.hoursPerMonth} hours a month, read ${e.pricesRetrieved} (scripts/lib/cost/prices.ts).`,
        "",
    ];
    for (const c of e.components) {
        out.push(`${c.component}: ${usd(c.monthlyUsd)}`);
        for (const l of c.lines) out.push(`  ${lineCost(l).padStart(12)}  ${l.resource}: ${l.item}`);
    }
    if (e.unpriced.length > 0) {
        out.push("", `Unpriced (not in the total; ${e.unpriced.length}):`);
        for (const l of e.unpriced)
            out.push(`  ${l.component}/${l.resource}: ${l.item} [${l.priceKey || l.type}] ${l.unpriced}`);
    }
    out.push("", "Assumed:", ...e.assumptions.map((a) => `  - ${a}`));
    out.push("", "Left out:", ...e.excluded.map((x) => `  - ${x}`));
    return out.join("\n");
}

/** The `--json` document: the estimate as is (documented in docs/cost.md). */
export function costJson(e: CostEstimate): CostEstimate {
    return e;
}

/** One stack × cloud's cost in a PR: this branch's estimate and the base branch's, when known. */
export interface CostRow {
    readonly stack: string;
    readonly cloud: string;
    readonly monthlyUsd: number;
    readonly unpriced: number;
    readonly baseMonthlyUsd?: number;
    readonly baseUnpriced?: number;
}

/** The change a PR makes: "+$12.34" / "-$5.00" / "±$0.00", or "new" when the base has no estimate. */
export function changeText(row: CostRow): string {
    if (row.baseMonthlyUsd === undefined) return "no base estimate";
    const delta = Math.round((row.monthlyUsd - row.baseMonthlyUsd) * 100) / 100;
    const sign = delta > 0 ? "+" : delta < 0 ? "-" : "±";
    const unpriced = row.baseUnpriced !== undefined && row.baseUnpriced !== row.unpriced;
    return `${sign}${usd(Math.abs(delta))}${unpriced ? ` (unpriced items ${row.baseUnpriced} → ${row.unpriced})` : ""}`;
}

/** The base-branch costs file `npm run pr-check` writes and reads: `{ "<stack>/<cloud>": {monthlyUsd, unpriced} }`. */
export type CostsFile = Record<string, { monthlyUsd: number; unpriced: number }>;

export function costsFile(rows: readonly CostRow[]): CostsFile {
    return Object.fromEntries(
        rows.map((r) => [`${r.stack}/${r.cloud}`, { monthlyUsd: r.monthlyUsd, unpriced: r.unpriced }]),
    );
}
