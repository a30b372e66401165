/** The drill's report: one JSON document and the same facts as Markdown, and the exit code they mean. */
import * as fs from "fs";
import * as path from "path";
import { EXIT, ExitCode } from "../exit-codes";
import type { RestorePoint } from "./restore-point";
import type { RecoveryTarget, Tier } from "./targets";

export type Verdict = "passed" | "target-missed" | "failed";

export interface DrillReport {
    readonly stack: string;
    readonly drillStack: string;
    readonly cloud: string;
    readonly tier: Tier;
    readonly target: RecoveryTarget;
    readonly startedAt: string;
    readonly finishedAt: string;
    readonly restorePoint?: RestorePoint;
    /** Minutes between the restore point and the drill's start (null when the cloud does not report it). */
    readonly rpoMinutes: number | null;
    /** Minutes from the throwaway stack's first operation until the restored database answered (null if never). */
    readonly rtoMinutes: number | null;
    /** The check Job's answer, e.g. `tables=42`. */
    readonly check?: string;
    readonly verdict: Verdict;
    readonly failures: string[];
    /** Whether the throwaway stack was destroyed and removed. */
    readonly destroyed: boolean;
}

export const minutesBetween = (from: Date, to: Date) =>
    Math.round(((to.getTime() - from.getTime()) / 60_000) * 10) / 10;

/** Failed when anything failed (including the destroy); else target-missed when RPO or RTO is over its target. */
export function verdictOf(report: Omit<DrillReport, "verdict">): Verdict {
    if (report.failures.length > 0 || report.rtoMinutes === null) return "failed";
    const rpoMissed = report.rpoMinutes !== null && report.rpoMinutes > report.target.rpoMinutes;
    return rpoMissed || report.rtoMinutes > report.target.rtoMinutes ? "target-missed" : "passed";
}

export function exitCodeOf(verdict: Verdict): ExitCode {
    return verdict === "passed" ? EXIT.ok : verdict === "target-missed" ? EXIT.targetMissed : EXIT.failed;
}

const shown = (minutes: number | null, target: number) =>
    minutes === null ? `not measured (target ${target} min)` : `${minutes} min (target ${target} min)`;

export function renderDrillMarkdown(r: DrillReport): string {
    const lines = [
        `# Restore drill of ${r.stack}: ${r.verdict}`,
        "",
        `| | |`,
        `|---|---|`,
        `| Throwaway stack | \`${r.drillStack}\` (${r.destroyed ? "destroyed" : "**NOT destroyed**"}) |`,
        `| Cloud, tier | ${r.cloud}, ${r.tier} |`,
        `| Started, finished | ${r.startedAt}, ${r.finishedAt} |`,
        `| Restored from | ${r.restorePoint ? `\`${r.restorePoint.source}\` as of ${r.restorePoint.time} (${r.restorePoint.how})` : "-"} |`,
        `| RPO (backup age) | ${shown(r.rpoMinutes, r.target.rpoMinutes)} |`,
        `| RTO (until it answered) | ${shown(r.rtoMinutes, r.target.rtoMinutes)} |`,
        `| Query | ${r.check ?? "-"} |`,
    ];
    if (r.failures.length > 0)
        lines.push("", "## Failures", "", ...r.failures.map((f) => `- ${f.replace(/\n/g, " ")}`));
    if (!r.destroyed) {
        lines.push(
            "",
            `Destroy it by hand: \`pulumi destroy --stack ${r.drillStack} && pulumi stack rm ${r.drillStack}\`.`,
        );
    }
    return `${lines.join("\n")}\n`;
}

/** Writes `<drill stack>.json` and `.md` into the directory; returns both paths. */
export function writeDrillReport(dir: string, report: DrillReport): { json: string; markdown: string } {
    fs.mkdirSync(dir, { recursive: true });
    const base = path.join(dir, report.drillStack);
    fs.writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
    fs.writeFileSync(`${base}.md`, renderDrillMarkdown(report));
    return { json: `${base}.json`, markdown: `${base}.md` };
}
