/** Prints bench/results.json as the tables `npm run bench` shows (and bench/README.md quotes). */
import type { PathStep } from "./critical-path";
import type { CriticalPathRow, Measured, Results } from "./results";

export function table(headers: string[], rows: (string | number)[][]): string {
    const cells = [headers, ...rows.map((r) => r.map(String))];
    const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
    const line = (r: string[]) =>
        r
            .map((c, i) =>
                i === 0 || isNaN(Number(c.replace(/[×%s,]/g, ""))) ? c.padEnd(widths[i]) : c.padStart(widths[i]),
            )
            .join("  ")
            .trimEnd();
    return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

const s = (ms: number) => (isFinite(ms) ? (ms / 1000).toFixed(2) : "-");
const mib = (x: number) => (isFinite(x) && x > 0 ? x.toFixed(0) : "-");
const min = (x: number | undefined) => (x === undefined ? "-" : x.toFixed(1));
const shortType = (t: string) =>
    t.replace(/^([^:]+):([^:]+):/, (_, pkg, mod) => `${pkg}:${String(mod).split("/")[0]}:`);

function measuredCells(m: Measured): string[] {
    return [s(m.wallMs), `${s(m.wallMinMs)}-${s(m.wallMaxMs)}`, mib(m.peakMiB), mib(m.treePeakMiB), s(m.cpuMs)];
}

/** The critical path as one line: the slow steps with their minutes, seconds-long steps folded. */
export function pathLine(path: PathStep[] | undefined): string {
    if (!path) return "";
    const customs = path.filter((p) => p.custom);
    const parts: string[] = [];
    let folded = 0;
    for (const p of customs) {
        if (p.minutes < 1) {
            folded += p.minutes;
            continue;
        }
        if (folded > 0) parts.push(`(${folded.toFixed(1)} min of quick steps)`);
        folded = 0;
        parts.push(`${shortType(p.type)} ${p.minutes}`);
    }
    if (folded > 0) parts.push(`(${folded.toFixed(1)})`);
    return parts.join(" → ");
}

function criticalPathTable(rows: CriticalPathRow[]): string {
    return table(
        [
            "stack",
            "cloud",
            "resources",
            "critical path min (low-high)",
            "serial sum min",
            "slowest single resource",
            "CP/slowest",
            "path (slow steps, min)",
        ],
        rows.map((r) =>
            r.ok
                ? [
                      r.stack,
                      r.cloud,
                      r.customResources ?? "-",
                      `${min(r.minutes?.typical)} (${min(r.minutes?.low)}-${min(r.minutes?.high)})`,
                      min(r.serialMinutes?.typical),
                      `${min(r.slowest?.minutes)} ${shortType(r.slowest?.type ?? "")}`,
                      `${r.ratio?.toFixed(2)}×`,
                      pathLine(r.path),
                  ]
                : [r.stack, r.cloud, "-", `FAILED: ${r.error ?? "unknown"}`, "", "", "", ""],
        ),
    );
}

function dependencyFindings(rows: CriticalPathRow[]): string {
    const lines: string[] = [];
    for (const r of rows.filter((x) => x.ok)) {
        const name = (urn: string) => urn.split("::").pop();
        for (const x of r.suspects ?? []) {
            lines.push(
                `  ${r.stack}/${r.cloud}: ${name(x.urn)} (${shortType(x.type)}) waits on ${x.wholeComponent ? "the whole component " : ""}${name(x.on)} (${shortType(x.onType)}) via ${x.kind}${x.property ? ` ${x.property}` : ""}` +
                    `${x.dataStoreOnCluster ? " [data store on cluster]" : ""}: removing it saves ${x.minutesSaved.toFixed(1)} min`,
            );
        }
        const top = [...(r.savings ?? [])].sort((a, b) => b.minutesSaved - a.minutesSaved).slice(0, 3);
        if (top.length) {
            lines.push(
                `  ${r.stack}/${r.cloud} critical-path waits (minutes each would save): ` +
                    top
                        .map((x) =>
                            x.allExplicit
                                ? `${name(x.urn)} ← all its dependsOn [${x.allExplicit.map(name).join(", ")}] ${x.minutesSaved.toFixed(1)}`
                                : `${name(x.urn)} ← ${name(x.on)} (${x.kind}${x.property ? ` ${x.property}` : ""}) ${x.minutesSaved.toFixed(1)}`,
                        )
                        .join("; "),
            );
        }
        if (r.unweightedTypes?.length)
            lines.push(`  ${r.stack}/${r.cloud}: no weight row for ${r.unweightedTypes.join(", ")} (0.5 min assumed)`);
    }
    return lines.length ? lines.join("\n") : "  none";
}

export function printResults(r: Results): string {
    const out: string[] = [];
    const m = r.machine;
    out.push(
        `Platform benchmark — ${r.date}, commit ${r.commit}${r.uncommittedFiles ? ` + ${r.uncommittedFiles} uncommitted files` : ""}`,
        `machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, node ${m.node}, ${m.platform}; load average ${m.loadStart} at start, ${m.loadEnd} at end`,
        "",
    );
    if (r.evaluation) {
        const f = r.evaluation.floor;
        out.push(
            `1. Evaluation cost — ${r.checkCommand}, each run a fresh process, median of ${r.options.runs} (wall s, min-max; peak MiB of the check process and of its process tree incl. the policy pack; CPU s of the tree)`,
            table(
                [
                    "stack",
                    "cloud",
                    "resources",
                    "violations",
                    "wall s",
                    "min-max",
                    "check/floor",
                    "cpu/floor",
                    "peak MiB",
                    "tree MiB",
                    "CPU s",
                ],
                [
                    ...r.evaluation.rows.map((x) =>
                        x.ok
                            ? [
                                  x.stack,
                                  x.cloud,
                                  x.resources ?? "-",
                                  x.violations
                                      ? Object.entries(x.violations)
                                            .map(([k, v]) => `${v} ${k}`)
                                            .join(", ") || "0"
                                      : "n/a",
                                  s(x.wallMs),
                                  `${s(x.wallMinMs)}-${s(x.wallMaxMs)}`,
                                  `${x.ratio?.toFixed(1)}×`,
                                  `${x.cpuRatio?.toFixed(1)}×`,
                                  mib(x.peakMiB),
                                  mib(x.treePeakMiB),
                                  s(x.cpuMs),
                              ]
                            : [x.stack, x.cloud, "FAILED", x.error ?? "", "", "", "", "", "", "", ""],
                    ),
                    [
                        "floor",
                        "(require @pulumi/pulumi)",
                        "",
                        "",
                        s(f.wallMs),
                        `${s(f.wallMinMs)}-${s(f.wallMaxMs)}`,
                        "1.0×",
                        "1.0×",
                        mib(f.peakMiB),
                        mib(f.treePeakMiB),
                        s(f.cpuMs),
                    ],
                ],
            ),
            "",
        );
    }
    if (r.typecheck || r.tests) {
        const rows: string[][] = [];
        if (r.typecheck) {
            const t = r.typecheck;
            rows.push(["tsc --noEmit, cold", ...measuredCells(t.cold), t.cold.ok ? "clean" : `${t.errors} errors`]);
            if (t.warm) rows.push(["tsc --noEmit, warm incremental", ...measuredCells(t.warm), ""]);
        }
        if (r.tests) {
            const t = r.tests;
            rows.push([
                "mocha (whole suite)",
                ...measuredCells(t),
                `${t.passing} passing, ${t.failing} failing, ${t.pending} pending`,
            ]);
        }
        if (r.typecheck && r.tests) {
            rows.push(["npm test (tsc cold + mocha)", s(r.typecheck.cold.wallMs + r.tests.wallMs), "", "", "", "", ""]);
        }
        out.push(
            "Type-check and tests",
            table(["what", "wall s", "min-max", "peak MiB", "tree MiB", "CPU s", "result"], rows),
            "",
        );
    }
    if (r.criticalPath) {
        out.push(
            "2. Deploy critical path — minutes, typical weights (low-high) from bench/weights.ts; CP/slowest = critical path ÷ slowest single resource",
            criticalPathTable(r.criticalPath),
            "Needless-dependency candidates (data store on cluster, dependsOn a whole component) and the costliest critical-path waits:",
            dependencyFindings(r.criticalPath),
            "",
        );
    }
    if (r.scaling) {
        const sc = r.scaling;
        out.push(
            `3. Scaling — ${sc.note}`,
            table(
                [
                    sc.mode === "services" ? "services" : "stacks",
                    "resources",
                    "wall s",
                    "min-max",
                    "peak MiB",
                    "tree MiB",
                    "CPU s",
                    "runs",
                ],
                sc.rows.map((x) =>
                    x.ok
                        ? [x.size, x.resources ?? "-", ...measuredCells(x), x.runs]
                        : x.error?.startsWith("not run: ")
                          ? [x.size, "not run", x.error.slice("not run: ".length), "", "", "", "", ""]
                          : [x.size, "FAILED", x.error ?? "", "", "", "", "", ""],
                ),
            ),
            sc.growth.length
                ? "growth: " +
                      sc.growth
                          .map(
                              (g) =>
                                  `${g.from}→${g.to}: +${g.wallMsPerResource.toFixed(1)} ms wall, +${g.cpuMsPerResource.toFixed(1)} ms CPU, +${g.peakMiBPer100Resources.toFixed(1)} MiB per 100 resources`,
                          )
                          .join("; ")
                : "",
            "",
        );
    }
    if (r.modes) {
        out.push(
            "4. Runtime modes (dev/aws check)",
            table(
                ["mode", "wall s", "min-max", "peak MiB", "tree MiB", "CPU s", "runs"],
                r.modes.map((x) =>
                    x.result.ok
                        ? [x.name, ...measuredCells(x.result), x.result.runs]
                        : [x.name, "FAILED", x.result.error ?? ""],
                ),
            ),
            "",
        );
    }
    if (r.imports) {
        out.push(
            "5. Import cost (fresh process, median of 3)",
            table(
                ["imports", "wall s", "min-max", "peak MiB", "tree MiB", "CPU s"],
                r.imports.map((x) => [x.name, ...measuredCells(x.result)]),
            ),
            "",
        );
    }
    if (r.notes.length) out.push("Notes:", ...r.notes.map((n) => `  - ${n}`));
    return `${out.join("\n")}\n`;
}
