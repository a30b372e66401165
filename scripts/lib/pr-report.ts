/**
 * The pull-request check's results and their two renderings: a plain table for the terminal and CI log,
 * and a Markdown report for the PR comment. Pure functions of the data, so tests can pin the format.
 */
import type { OpMap } from "@pulumi/pulumi/automation";
import type { PolicyExemption, Violation } from "../../check";
import { CostRow, CostsFile, changeText, usd } from "./cost/render";

/** The offline check of one stack on one cloud. */
export interface CheckRow {
    readonly stack: string;
    readonly cloud: string;
    /** Resources in the desired graph; undefined when the program failed. */
    readonly resources?: number;
    /** Policy findings; undefined when the program failed before the pack could run. */
    readonly violations?: readonly Violation[];
    /** Resources the stack's policy config exempts from a rule, and expired exemptions (never silent). */
    readonly exemptions?: readonly PolicyExemption[];
    /** The policy pack that evaluated the graph (`name version`); undefined when none did. */
    readonly policyPack?: string;
    /** Why the check failed (bad configuration, a program error), when it did. */
    readonly error?: string;
    /** Wall time of this check in seconds. */
    readonly seconds: number;
    /** Of which the policy pack (start, evaluation, stop), in seconds. */
    readonly policySeconds?: number;
    /** The monthly cost estimate (scripts/lib/cost/), when the graph could be priced. */
    readonly cost?: { readonly region: string; readonly monthlyUsd: number; readonly unpriced: number };
    /** Why there is no cost estimate (e.g. a region the price table does not cover). */
    readonly costNote?: string;
    /** The stack's Mermaid diagram (check/diagram.ts). */
    readonly diagram?: string;
}

/** A real `pulumi preview` with the policy pack, run when the CLI and the cloud's credentials are present. */
export interface PreviewRow {
    readonly stack: string;
    readonly cloud: string;
    readonly status: "passed" | "failed" | "skipped";
    /** Why it was skipped or how it failed. */
    readonly reason?: string;
    readonly changes?: OpMap;
    readonly mandatory: number;
    readonly advisory: number;
    readonly seconds: number;
}

export interface PrReport {
    readonly checks: readonly CheckRow[];
    readonly previews: readonly PreviewRow[];
    /** Why no real previews ran at all (no CLI, --no-preview), when none did. */
    readonly previewNote?: string;
    /** Total wall time in seconds. */
    readonly seconds: number;
    /** The commit checked (GITHUB_SHA in CI), for the report's heading. */
    readonly commit?: string;
    /** The base branch's costs (`--base-costs`), to show the change this PR makes. */
    readonly baseCosts?: CostsFile;
}

export const LEVELS = ["mandatory", "remediate", "advisory"] as const;

function count(violations: readonly Violation[] | undefined, level: Violation["enforcementLevel"]): number {
    return violations?.filter((v) => v.enforcementLevel === level).length ?? 0;
}

export function checkPassed(row: CheckRow): boolean {
    return row.error === undefined && count(row.violations, "mandatory") === 0;
}

export function reportPassed(report: PrReport): boolean {
    return report.checks.every(checkPassed) && report.previews.every((p) => p.status !== "failed");
}

/** The short verdict in the table's last column. */
export function verdict(row: CheckRow): string {
    if (row.error !== undefined) return `FAILED: ${row.error.split("\n")[0]}`;
    const mandatory = count(row.violations, "mandatory");
    if (mandatory > 0) return `FAILED: ${mandatory} mandatory violation${mandatory === 1 ? "" : "s"}`;
    return "passed";
}

function seconds(s: number): string {
    return `${s.toFixed(1)}s`;
}

function table(header: string[], rows: string[][], rightAligned: Set<number>): string[] {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) =>
        cells
            .map((c, i) =>
                i === cells.length - 1 ? c : rightAligned.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]),
            )
            .join("  ")
            .trimEnd();
    return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

function changeCount(changes: OpMap | undefined, op: keyof OpMap): string {
    return changes ? String(changes[op] ?? 0) : "-";
}

/** The cost rows of a report: each check with an estimate, with the base branch's figures when known. */
export function costRows(report: PrReport): CostRow[] {
    return report.checks
        .filter((r) => r.cost !== undefined)
        .map((r) => {
            const base = report.baseCosts?.[`${r.stack}/${r.cloud}`];
            return {
                stack: r.stack,
                cloud: r.cloud,
                monthlyUsd: r.cost!.monthlyUsd,
                unpriced: r.cost!.unpriced,
                ...(base ? { baseMonthlyUsd: base.monthlyUsd, baseUnpriced: base.unpriced } : {}),
            };
        });
}

function costCell(r: CheckRow): string {
    if (!r.cost) return r.costNote ? `not estimated: ${r.costNote}` : "–";
    const unpriced = r.cost.unpriced > 0 ? ` + ${r.cost.unpriced} unpriced` : "";
    return `${r.cost.unpriced > 0 ? "≥ " : ""}${usd(r.cost.monthlyUsd)}${unpriced}`;
}

function changeCell(r: CheckRow, report: PrReport): string {
    const row = costRows(report).find((c) => c.stack === r.stack && c.cloud === r.cloud);
    return row ? changeText(row) : "–";
}

/** The plain-text summary for the terminal and CI logs. */
export function renderText(report: PrReport): string {
    const out: string[] = [];
    const dash = (n: number | undefined) => (n === undefined ? "-" : String(n));
    out.push(
        ...table(
            ["stack", "cloud", "resources", ...LEVELS, "time", "result"],
            report.checks.map((r) => [
                r.stack,
                r.cloud,
                dash(r.resources),
                ...LEVELS.map((l) => (r.violations ? String(count(r.violations, l)) : "-")),
                seconds(r.seconds),
                verdict(r),
            ]),
            new Set([2, 3, 4, 5, 6]),
        ),
    );

    const failed = report.checks.filter((r) => r.error !== undefined);
    for (const r of failed) {
        out.push("", `${r.stack} on ${r.cloud} failed:`, ...r.error!.split("\n").map((l) => `  ${l}`));
    }
    const findings = report.checks.flatMap((r) => (r.violations ?? []).map((v) => ({ row: r, v })));
    if (findings.length > 0) {
        out.push("", "Policy findings:");
        for (const level of LEVELS) {
            for (const { row, v } of findings.filter((f) => f.v.enforcementLevel === level)) {
                const where = v.urn ? ` ${v.urn.split("::").pop()}` : "";
                out.push(
                    `  ${level.padEnd(9)} ${row.stack}/${row.cloud} ${v.policyPack}/${v.policy}${where}: ${v.message}`,
                );
            }
        }
    }

    const exempted = report.checks.flatMap((r) => (r.exemptions ?? []).map((e) => ({ row: r, e })));
    if (exempted.length > 0) {
        out.push("", "Policy exemptions (policies/config/<stack>.json):");
        for (const { row, e } of exempted)
            out.push(`  ${e.status.padEnd(9)} ${row.stack}/${row.cloud} ${e.policy}: ${e.message}`);
    }

    const priced = report.checks.filter((r) => r.cost || r.costNote);
    if (priced.length > 0) {
        out.push("", "Monthly cost (estimate, npm run cost -- --stack <stack>):");
        for (const r of priced) out.push(`  ${r.stack}/${r.cloud}: ${costCell(r)}; change ${changeCell(r, report)}`);
    }

    out.push("");
    if (report.previews.length > 0) {
        out.push("Real previews (pulumi preview with the policy pack):");
        out.push(
            ...table(
                ["stack", "cloud", "create", "update", "delete", "replace", "same", "mandatory", "advisory", "result"],
                report.previews.map((p) => [
                    p.stack,
                    p.cloud,
                    changeCount(p.changes, "create"),
                    changeCount(p.changes, "update"),
                    changeCount(p.changes, "delete"),
                    changeCount(p.changes, "replace"),
                    changeCount(p.changes, "same"),
                    String(p.mandatory),
                    String(p.advisory),
                    p.status === "passed" ? "passed" : `${p.status.toUpperCase()}${p.reason ? `: ${p.reason}` : ""}`,
                ]),
                new Set([2, 3, 4, 5, 6, 7, 8]),
            ),
        );
    } else if (report.previewNote) {
        out.push(`Real previews: ${report.previewNote}`);
    }
    const verdictLine = reportPassed(report) ? "pr-check passed" : "pr-check FAILED";
    out.push(`${verdictLine} in ${seconds(report.seconds)}.`);
    return out.join("\n");
}

/** Marks the PR comment, so CI updates its own comment instead of adding one per push. */
export const REPORT_MARKER = "<!-- platform:pr-check -->";

/** GitHub rejects comments over 65,536 characters; the details are cut to stay well under. */
const MAX_MARKDOWN = 60_000;

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

function fence(text: string): string {
    return ["```text", text.replace(/```/g, "'''"), "```"].join("\n");
}

function packs(report: PrReport): string {
    const names = [...new Set(report.checks.map((r) => r.policyPack).filter((p) => p !== undefined))];
    return names.length > 0 ? `; policy pack ${names.map((n) => `\`${n}\``).join(", ")}` : "";
}

/** The Markdown report for the pull-request comment. */
export function renderMarkdown(report: PrReport): string {
    const passed = reportPassed(report);
    const failedChecks = report.checks.filter((r) => !checkPassed(r)).length;
    const mandatory = report.checks.reduce((n, r) => n + count(r.violations, "mandatory"), 0);
    const head = [
        REPORT_MARKER,
        `## ${passed ? "✅" : "❌"} Platform pull-request check`,
        "",
        `${passed ? "Passed" : "Failed"}: ${report.checks.length} stack × cloud check${report.checks.length === 1 ? "" : "s"}, ` +
            `${failedChecks} failing, ${mandatory} mandatory policy violation${mandatory === 1 ? "" : "s"}` +
            `${report.commit ? ` on \`${report.commit.slice(0, 12)}\`` : ""} (${seconds(report.seconds)}).`,
        "",
        "The program and the policy pack, run offline for every stack file on each cloud it is checked on " +
            `(\`npm run pr-check\`; no credentials)${packs(report)}.`,
        "",
        "| Stack | Cloud | Resources | Mandatory | Remediate | Advisory | Time | Result |",
        "|---|---|--:|--:|--:|--:|--:|---|",
        ...report.checks.map((r) => {
            const icon = checkPassed(r) ? "✅" : "❌";
            const levels = LEVELS.map((l) => (r.violations ? String(count(r.violations, l)) : "–"));
            return `| ${r.stack} | ${r.cloud} | ${r.resources ?? "–"} | ${levels.join(" | ")} | ${seconds(r.seconds)} | ${icon} ${cell(verdict(r))} |`;
        }),
        "",
    ];

    const costs = report.checks.filter((r) => r.cost || r.costNote);
    if (costs.length > 0) {
        head.push(
            "### Monthly cost (estimate)",
            "",
            "On-demand list prices from the dated table in `scripts/lib/cost/prices.ts`; unpriced items are not in the " +
                `figure, traffic and usage beyond the stated assumptions are left out (docs/cost.md).` +
                (report.baseCosts
                    ? " Change against the base branch."
                    : " No base-branch costs given (`--base-costs`)."),
            "",
            "| Stack | Cloud | Region | Monthly cost | Change |",
            "|---|---|---|--:|--:|",
            ...costs.map(
                (r) =>
                    `| ${r.stack} | ${r.cloud} | ${r.cost?.region ?? "–"} | ${cell(costCell(r))} | ${cell(changeCell(r, report))} |`,
            ),
            "",
        );
    }

    const previews: string[] = [];
    if (report.previews.length > 0) {
        previews.push(
            "### Real previews",
            "",
            "`pulumi preview` with the policy pack, against each stack's state and cloud.",
            "",
            "| Stack | Cloud | Create | Update | Delete | Replace | Unchanged | Mandatory | Advisory | Result |",
            "|---|---|--:|--:|--:|--:|--:|--:|--:|---|",
            ...report.previews.map(
                (p) =>
                    `| ${p.stack} | ${p.cloud} | ${changeCount(p.changes, "create")} | ${changeCount(p.changes, "update")} | ` +
                    `${changeCount(p.changes, "delete")} | ${changeCount(p.changes, "replace")} | ${changeCount(p.changes, "same")} | ` +
                    `${p.mandatory} | ${p.advisory} | ${p.status === "passed" ? "✅" : p.status === "failed" ? "❌" : "⏭️"} ` +
                    `${cell(p.status + (p.reason ? `: ${p.reason}` : ""))} |`,
            ),
            "",
        );
    } else if (report.previewNote) {
        previews.push(`Real previews: ${report.previewNote}`, "");
    }

    // Each details block is whole, so a cut never leaves an unclosed <details>.
    const blocks: string[] = [];
    for (const r of report.checks.filter((c) => c.error !== undefined)) {
        blocks.push(
            [
                `<details><summary>❌ ${r.stack} on ${r.cloud}: failed</summary>`,
                "",
                fence(r.error!),
                "",
                "</details>",
            ].join("\n"),
        );
    }
    for (const r of report.checks.filter((c) => (c.violations?.length ?? 0) > 0)) {
        const rank = (v: Violation) => LEVELS.indexOf(v.enforcementLevel as (typeof LEVELS)[number]);
        const sorted = [...r.violations!].sort((a, b) => rank(a) - rank(b));
        const open = count(r.violations, "mandatory") > 0 ? " open" : "";
        const n = r.violations!.length;
        blocks.push(
            [
                `<details${open}><summary>${r.stack} on ${r.cloud}: ${n} policy finding${n === 1 ? "" : "s"}</summary>`,
                "",
                "| Level | Policy | Resource | Message |",
                "|---|---|---|---|",
                ...sorted.map(
                    (v) =>
                        `| ${v.enforcementLevel} | \`${v.policyPack}/${v.policy}\` | ` +
                        `${v.urn ? `\`${v.urn.split("::").pop()}\`` : "stack"} | ${cell(v.message)} |`,
                ),
                "",
                "</details>",
            ].join("\n"),
        );
    }

    for (const r of report.checks.filter((c) => (c.exemptions?.length ?? 0) > 0)) {
        const n = r.exemptions!.length;
        blocks.push(
            [
                `<details><summary>${r.stack} on ${r.cloud}: ${n} policy exemption${n === 1 ? "" : "s"}</summary>`,
                "",
                "| Status | Policy | Exemption |",
                "|---|---|---|",
                ...r.exemptions!.map((e) => `| ${e.status} | \`${e.policy}\` | ${cell(e.message)} |`),
                "",
                "</details>",
            ].join("\n"),
        );
    }
    for (const r of report.checks.filter((c) => c.diagram !== undefined)) {
        blocks.push(
            [
                `<details><summary>${r.stack} on ${r.cloud}: diagram</summary>`,
                "",
                "```mermaid",
                r.diagram!.trimEnd(),
                "```",
                "",
                "</details>",
            ].join("\n"),
        );
    }

    const body = [...head, ...previews];
    let text = body.join("\n");
    const footer =
        "\nRun it locally: `npm run pr-check` (offline), `npm run check -- --stack <stack>` for one stack.\n";
    for (const block of blocks) {
        if (text.length + block.length + footer.length > MAX_MARKDOWN) {
            text += "\n_Details cut to fit a comment; every finding is listed in the workflow's log._\n";
            break;
        }
        text += `\n${block}\n`;
    }
    return `${text.trimEnd()}\n${footer}`;
}
