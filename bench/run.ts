/**
 * `npm run bench [-- --quick] [--runs N] [--sections a,b] [--budget S] [--out file] [--scaling auto|services|stacks]`
 *
 * Measures the platform program the way issue 7 asks, prints one table per section and writes
 * bench/results.json:
 *   critical-path  the deploy critical path of every stack file on every cloud (graph from the mock runtime)
 *   evaluation     the offline check per stack × cloud, each run a fresh process, against the floor
 *   typecheck      tsc --noEmit, cold and warm-incremental
 *   tests          the whole mocha suite
 *   scaling        evaluation cost as the platform grows (services, or stacks' worth of components)
 * and, on request only (they take a while): `modes` (ts-node type-check vs transpile-only vs precompiled
 * JS) and `imports` (provider SDK root imports vs submodule imports).
 *
 * The default run is planned to fit in five minutes on an otherwise idle 2-core machine: a preparation
 * phase that is not measured runs concurrently (the graph pass, one process per cloud, and the warm-up: the
 * floor and one check); then the required figures (the evaluation rows in 5 measured rounds, the cold
 * type-check, the test suite, one scaling round); a warm type-check and scaling rounds 2-3 only while the
 * budget (--budget, 285 s) allows.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { loadStackConfig, stackNames } from "../check/stack";
import { GraphNode, criticalPath, minutesFor, round, savings, suspects } from "./critical-path";
import type { GraphLine } from "./graph";
import { Command, Sample, TMP_DIR, failureReason, run, runConcurrently, summarize } from "./measure";
import { printResults } from "./report";
import type { CriticalPathRow, EvaluationRow, Measured, Results, ScalingRow } from "./results";
import { generateServices, growth, maxItemsOf } from "./scaling";
import { weightOf } from "./weights";

const ROOT = path.join(__dirname, "..");
const DEFAULT_SECTIONS = ["critical-path", "evaluation", "typecheck", "tests", "scaling"];
const OPTIONAL_SECTIONS = ["modes", "imports"];
const TS_NODE = ["-r", "ts-node/register/transpile-only"];

interface Options {
    readonly quick: boolean;
    readonly runs: number;
    readonly sections: string[];
    /** Seconds the whole run should stay within; optional work is cut to fit. */
    readonly budget: number;
    readonly out: string;
    /** Scaling mode: "auto" uses platform:services when the config module has it, else stacks' worth. */
    readonly scaling: "auto" | "services" | "stacks";
}

/** `--help`: the options (stdout, exit 0). The file's opening comment says what each section measures. */
export const BENCH_HELP = [
    `usage: npm run bench -- [--quick] [--runs N] [--sections ${[...DEFAULT_SECTIONS, ...OPTIONAL_SECTIONS].join(",")}]`,
    "                        [--budget seconds] [--out file] [--scaling auto|services|stacks]",
    "",
    "Measures the program (critical path, offline check per stack x cloud, type-check, tests, scaling), prints",
    "one table per section and writes bench/results.json (a --quick run writes bench/tmp/results.quick.json).",
    "",
    "  --quick             one run, no test suite and no type-check: for trying the tool",
    "  --runs N            measured rounds per evaluation row (default 5; 1 with --quick)",
    `  --sections a,b      sections to run (default ${DEFAULT_SECTIONS.join(",")}; also ${OPTIONAL_SECTIONS.join(", ")})`,
    "  --budget seconds    time the whole run should stay within; optional work is cut to fit (default 285)",
    "  --out file          where to write the results",
    "  --scaling mode      auto, services or stacks (default auto)",
    "  --help, -h          print this help",
    "",
    "Exit codes: 0 done; 2 bad arguments or a failed measurement.",
].join("\n");

export function parseArgs(argv: string[]): Options {
    let quick = false;
    let runs: number | undefined;
    let sections: string[] | undefined;
    let budget = 285;
    let out: string | undefined;
    let scaling: Options["scaling"] = "auto";
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined) throw new Error(`${arg} needs a value`);
            return v;
        };
        if (arg === "--quick") quick = true;
        else if (arg === "--runs") runs = Number(value());
        else if (arg === "--sections") sections = value().split(",");
        else if (arg === "--budget") budget = Number(value());
        else if (arg === "--out") out = value();
        else if (arg === "--scaling") {
            const v = value();
            if (v !== "auto" && v !== "services" && v !== "stacks")
                throw new Error("--scaling takes auto, services or stacks");
            scaling = v;
        } else
            throw new Error(
                `Unknown argument "${arg}". Usage: npm run bench -- [--quick] [--runs N] [--sections ${[...DEFAULT_SECTIONS, ...OPTIONAL_SECTIONS].join(",")}] [--budget seconds] [--out file] [--scaling auto|services|stacks]`,
            );
    }
    const known = [...DEFAULT_SECTIONS, ...OPTIONAL_SECTIONS];
    for (const s of sections ?? []) {
        if (!known.includes(s)) throw new Error(`Unknown section "${s}"; known: ${known.join(", ")}`);
    }
    if (runs !== undefined && !(Number.isInteger(runs) && runs >= 1))
        throw new Error("--runs must be a whole number >= 1");
    return {
        quick,
        runs: runs ?? (quick ? 1 : 5),
        // --quick is for trying the tool: no test suite, no type-check.
        sections: sections ?? (quick ? ["critical-path", "evaluation", "scaling"] : DEFAULT_SECTIONS),
        budget,
        // A quick run never overwrites the committed figures.
        out: out ?? path.join(quick ? TMP_DIR : __dirname, quick ? "results.quick.json" : "results.json"),
        scaling,
    };
}

const started = Date.now();
const elapsed = () => (Date.now() - started) / 1000;
const log = (message: string) => process.stderr.write(`bench [${elapsed().toFixed(0).padStart(3)} s] ${message}\n`);

/** `npm run check`'s entry, read from package.json so the benchmark follows it if it changes. */
function checkEntry(): { file: string; args: string[]; text: string } {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
        scripts?: Record<string, string>;
    };
    const script = pkg.scripts?.check ?? "node -r ts-node/register/transpile-only check/cli.ts";
    const words = script.trim().split(/\s+/);
    if (words[0] === "node" && !/[|&;<>$`]/.test(script)) {
        return { file: "node", args: words.slice(1), text: script };
    }
    // Anything fancier runs through npm itself (npm's own start-up is then part of the figure).
    return { file: "npm", args: ["run", "--silent", "check", "--"], text: `npm run check (${script})` };
}

function measured(samples: Sample[], ok: boolean, error?: string): Measured {
    return { ...summarize(samples), ok, error };
}

interface CheckDoc {
    resources?: unknown[];
    violations?: { enforcementLevel?: string }[];
}

/** Parses a check run's --json output; undefined when the run did not produce the graph. */
function checkDoc(sample: Sample): CheckDoc | undefined {
    if (sample.code !== 0 && sample.code !== 1) return undefined;
    try {
        const doc = JSON.parse(sample.stdout) as CheckDoc;
        return Array.isArray(doc.resources) ? doc : undefined;
    } catch {
        return undefined;
    }
}

function violationsByLevel(doc: CheckDoc): Record<string, number> | undefined {
    if (!Array.isArray(doc.violations)) return undefined;
    const out: Record<string, number> = {};
    for (const v of doc.violations)
        out[v.enforcementLevel ?? "unknown"] = (out[v.enforcementLevel ?? "unknown"] ?? 0) + 1;
    return out;
}

/** The clouds the config module knows, falling back to both when it cannot be loaded mid-edit. */
function clouds(): string[] {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { CLOUDS } = require("../components/shared/context") as { CLOUDS: readonly string[] };
        return [...CLOUDS];
    } catch {
        return ["aws", "azure"];
    }
}

// ---- critical path ------------------------------------------------------------------------------------

/** The graph pass: one process per cloud, each running that cloud's stacks under the mock runtime. */
function graphCommands(targets: { stack: string; cloud: string }[]): Command[] {
    return [...new Set(targets.map((t) => t.cloud))].map((cloud) => ({
        file: "node",
        args: [
            ...TS_NODE,
            path.join(__dirname, "graph.ts"),
            ...targets.filter((t) => t.cloud === cloud).map((t) => `${t.stack}:${t.cloud}`),
        ],
        cwd: ROOT,
        // Three programs per process: on a shared 2-core machine (load 15+) the 180 s default killed the
        // prod and staging runs; the graph pass is preparation, not a measurement, so it may take its time.
        timeoutMs: 900_000,
    }));
}

function criticalPathSection(targets: { stack: string; cloud: string }[], samples: Sample[]): CriticalPathRow[] {
    const lines = samples.flatMap((sample) =>
        sample.stdout
            .split("\n")
            .filter((l) => l.startsWith("{"))
            .map((l) => JSON.parse(l) as GraphLine),
    );
    return targets.map(({ stack, cloud }) => {
        const line = lines.find((l) => l.stack === stack && l.cloud === cloud);
        if (!line) {
            const failed = samples.find((s) => s.code !== 0) ?? samples[0];
            return { stack, cloud, ok: false, error: failed ? failureReason(failed) : "no graph" };
        }
        if (!line.ok || !line.nodes) return { stack, cloud, ok: false, error: line.error };
        return analyzeGraph(stack, cloud, line.nodes);
    });
}

export function analyzeGraph(stack: string, cloud: string, nodes: GraphNode[]): CriticalPathRow {
    try {
        const low = criticalPath(nodes, minutesFor("low"));
        const typical = criticalPath(nodes, minutesFor("typical"));
        const high = criticalPath(nodes, minutesFor("high"));
        const unweighted = new Set(
            nodes.filter((n) => n.custom && !weightOf(n.type, n.inputs ?? {}).known).map((n) => n.type),
        );
        return {
            stack,
            cloud,
            ok: true,
            resources: nodes.length,
            customResources: typical.customCount,
            minutes: { low: round(low.minutes), typical: round(typical.minutes), high: round(high.minutes) },
            serialMinutes: {
                low: round(low.serialMinutes),
                typical: round(typical.serialMinutes),
                high: round(high.serialMinutes),
            },
            slowest: {
                type: typical.slowest.type,
                urn: typical.slowest.urn,
                minutes: typical.slowest.minutes,
                done: round(typical.slowest.done),
            },
            ratio: round(typical.ratio),
            path: typical.path.map((s) => ({ ...s, start: round(s.start), done: round(s.done) })),
            savings: savings(nodes),
            suspects: suspects(nodes),
            unweightedTypes: [...unweighted].sort(),
        };
    } catch (err) {
        return { stack, cloud, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
}

// ---- evaluation cost ----------------------------------------------------------------------------------

const FLOOR: Command = { file: "node", args: ["-e", 'require("@pulumi/pulumi")'], cwd: ROOT };

/** The offline check of one stack on one cloud, as `npm run check` runs it, with --json. */
function checkCommand(stack: string, cloud: string, extra: string[] = []): Command {
    const entry = checkEntry();
    return {
        file: entry.file,
        args: [...entry.args, "--stack", stack, "-c", `platform:cloud=${cloud}`, ...extra, "--json"],
        cwd: ROOT,
    };
}

function evaluationSection(
    targets: { stack: string; cloud: string }[],
    options: Options,
    notes: string[],
): NonNullable<Results["evaluation"]> {
    const entry = checkEntry();
    const floor: Sample[] = [];
    const samples = new Map<string, Sample[]>(targets.map((t) => [`${t.stack}:${t.cloud}`, []]));
    const failures = new Map<string, Sample[]>();

    // Rounds interleave every target (and the floor), so a burst of other load on the machine spreads
    // over all rows instead of landing on one.
    for (let round = 1; round <= options.runs; round++) {
        log(`evaluation round ${round}/${options.runs}`);
        floor.push(run(FLOOR));
        for (const t of targets) {
            const key = `${t.stack}:${t.cloud}`;
            const failed = failures.get(key) ?? [];
            if (failed.length >= 2) continue; // failing the same way twice: no point paying for more
            const sample = run(checkCommand(t.stack, t.cloud));
            if (checkDoc(sample)) samples.get(key)!.push(sample);
            else failures.set(key, [...failed, sample]);
        }
    }
    const floorSummary = measured(
        floor,
        floor.every((s) => s.code === 0),
    );
    const rows: EvaluationRow[] = targets.map(({ stack, cloud }) => {
        const key = `${stack}:${cloud}`;
        const ok = samples.get(key)!;
        const failed = failures.get(key) ?? [];
        if (ok.length === 0) {
            return { stack, cloud, ...measured(failed, false, failureReason(failed[failed.length - 1])) };
        }
        const doc = checkDoc(ok[ok.length - 1])!;
        const summary = summarize(ok);
        return {
            stack,
            cloud,
            ...summary,
            ok: true,
            error: failed.length
                ? `${failed.length} of ${ok.length + failed.length} runs failed: ${failureReason(failed[0])}`
                : undefined,
            resources: doc.resources?.length,
            violations: violationsByLevel(doc),
            ratio: round(summary.wallMs / floorSummary.wallMs),
            cpuRatio: round(summary.cpuMs / floorSummary.cpuMs),
        };
    });
    notes.push(`Check command measured: ${entry.text} --stack <stack> -c platform:cloud=<cloud> --json`);
    return { floor: floorSummary, rows };
}

// ---- type-check and tests -----------------------------------------------------------------------------

/** tsc --noEmit with a build-info file of its own: the first run is cold, a second one is warm-incremental. */
function typecheckRun(cold: boolean): Sample {
    const tsc = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
    const buildInfo = path.join(TMP_DIR, "tsbuildinfo");
    if (cold) fs.rmSync(buildInfo, { force: true });
    log(`type-check: tsc --noEmit, ${cold ? "cold (no build info)" : "warm incremental (nothing changed)"}`);
    return run({
        file: "node",
        args: [tsc, "--noEmit", "-p", ".", "--incremental", "--tsBuildInfoFile", buildInfo],
        cwd: ROOT,
        timeoutMs: 240_000,
    });
}

function typecheckResult(cold: Sample, warm: Sample | undefined): NonNullable<Results["typecheck"]> {
    const errors = (cold.stdout.match(/error TS\d+/g) ?? []).length;
    const result = (s: Sample) => measured([s], s.code === 0, s.code === 0 ? undefined : `${errors} type errors`);
    return { cold: result(cold), warm: warm ? result(warm) : undefined, errors };
}

function testsSection(): NonNullable<Results["tests"]> {
    const mocha = require.resolve("mocha/bin/mocha.js", { paths: [ROOT] });
    log("tests: the whole mocha suite (.mocharc.json)");
    const sample = run({ file: "node", args: [mocha], cwd: ROOT, timeoutMs: 280_000 });
    const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(sample.stdout)?.[1] ?? 0);
    const failing = count("failing");
    return {
        ...measured(
            [sample],
            sample.code === 0,
            sample.code === 0 ? undefined : `${failing} failing (exit ${sample.code})`,
        ),
        passing: count("passing"),
        failing,
        pending: count("pending"),
    };
}

// ---- scaling ------------------------------------------------------------------------------------------

interface ServicesKey {
    readonly allowed?: string;
}

/** Whether the config module has `platform:services` (the workloads issue), and its list's description. */
function servicesKey(): ServicesKey | undefined {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { CONFIG_KEYS } = require("../components/shared/config") as {
            CONFIG_KEYS: Record<string, { field?: { allowed?: string } }>;
        };
        return "services" in CONFIG_KEYS ? { allowed: CONFIG_KEYS.services.field?.allowed } : undefined;
    } catch {
        // Mid-edit: fall back to the declaration in Pulumi.yaml.
        const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { config?: object };
        return project.config && "services" in project.config ? {} : undefined;
    }
}

function scalingSection(options: Options, notes: string[]): NonNullable<Results["scaling"]> {
    const key = options.scaling === "stacks" ? undefined : servicesKey();
    let mode: "services" | "stacks";
    let note: string;
    let plan: { size: number; command: Command }[];
    let overLimit: number[] = [];
    let limit: number | undefined;
    const templates = key ? servicesOf("dev") : [];
    if (key && templates.length > 0) {
        mode = "services";
        const max = maxItemsOf(key.allowed);
        limit = max;
        const wanted = [1, 10, 50];
        // A size over the schema's limit is rejected by the config module (exit 2) before anything runs:
        // reported, not run; the largest accepted size is measured instead.
        overLimit = max === undefined ? [] : wanted.filter((n) => n > max);
        const sizes = wanted.filter((n) => !overLimit.includes(n));
        if (overLimit.length && max !== undefined && !sizes.includes(max)) sizes.push(max);
        note =
            `platform:services on the dev stack (AWS), generated from its own ${templates.map((t) => t.name).join(", ")}; ` +
            `the full check CLI (program + policy pack)` +
            (overLimit.length
                ? `; the config module accepts at most ${max} services, so ${overLimit.join(", ")} is not run and ${max} is measured instead`
                : "");
        plan = sizes.map((size) => ({
            size,
            command: checkCommand("dev", "aws", [
                "-c",
                `platform:services=${JSON.stringify(generateServices(templates, size))}`,
            ]),
        }));
    } else {
        if (options.scaling === "services")
            throw new Error("--scaling services: the stacks define no platform:services");
        mode = "stacks";
        note =
            (options.scaling === "stacks" ? "--scaling stacks" : "platform:services does not exist yet") +
            ": N stacks' worth of platform (dev, prod, staging, ...) in one program " +
            "(bench/scale-program.ts) under the mock runtime, AWS, without the policy pack";
        plan = [1, 3, 10].map((size) => ({
            size,
            command: {
                file: "node",
                args: [...TS_NODE, path.join(__dirname, "scale.ts"), "--copies", String(size)],
                cwd: ROOT,
            },
        }));
    }

    const samples = new Map<number, Sample[]>(plan.map((p) => [p.size, []]));
    const failed = new Map<number, Sample>();
    const maxRounds = options.quick ? 1 : 3;
    for (let round = 1; round <= maxRounds; round++) {
        const roundStart = elapsed();
        log(`scaling round ${round}: ${mode} ${plan.map((p) => p.size).join(", ")}`);
        for (const p of plan) {
            if (failed.has(p.size)) continue;
            const sample = run(p.command);
            const resources = resourcesOf(mode, sample);
            if (resources === undefined) failed.set(p.size, sample);
            else samples.get(p.size)!.push(sample);
        }
        const roundCost = elapsed() - roundStart;
        // Keep room for the warm type-check that follows.
        if (round < maxRounds && elapsed() + roundCost + 15 > options.budget) {
            notes.push(`Scaling: ${round} round(s) per size (the ${options.budget} s budget left no room for more).`);
            break;
        }
    }
    const rows: ScalingRow[] = plan.map(({ size }) => {
        const ok = samples.get(size)!;
        if (ok.length === 0) {
            const f = failed.get(size)!;
            const limit = /\(at most (\d+)\)/.exec(f.stderr);
            const reason =
                f.code === 2 && limit
                    ? `rejected by the config module: platform:services takes at most ${limit[1]} services (exit 2)`
                    : failureReason(f);
            return { size, ...measured([f], false, reason) };
        }
        return { size, ...measured(ok, true), resources: resourcesOf(mode, ok[ok.length - 1]) };
    });
    for (const size of overLimit) {
        rows.push({
            size,
            ...measured(
                [],
                false,
                `not run: the config module takes at most ${limit} services (more is rejected, exit 2)`,
            ),
        });
    }
    const points = rows
        .filter((r) => r.ok && r.resources !== undefined)
        .map((r) => ({ size: r.size, resources: r.resources!, wallMs: r.wallMs, cpuMs: r.cpuMs, peakMiB: r.peakMiB }));
    return { mode, note, rows, growth: growth(points) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function servicesOf(stack: string): any[] {
    try {
        const value = loadStackConfig(stack).config["platform:services"];
        const list = value ? JSON.parse(value) : [];
        return Array.isArray(list) ? list : [];
    } catch {
        return [];
    }
}

function resourcesOf(mode: "services" | "stacks", sample: Sample): number | undefined {
    if (mode === "services") return checkDoc(sample)?.resources?.length;
    try {
        const line = JSON.parse(sample.stdout.trim().split("\n").pop() ?? "") as { resources?: number };
        return sample.code === 0 ? line.resources : undefined;
    } catch {
        return undefined;
    }
}

// ---- optional: runtime modes and import costs ----------------------------------------------------------

function modesSection(notes: string[]): NonNullable<Results["modes"]> {
    const args = ["--stack", "dev", "-c", "platform:cloud=aws", "--json"];
    const out: NonNullable<Results["modes"]> = [];
    const measure = (name: string, command: Command, runs: number) => {
        log(`mode: ${name}`);
        const samples = Array.from({ length: runs }, () => run(command));
        const good = samples.filter((s) => checkDoc(s));
        out.push({
            name,
            command: [command.file, ...command.args].join(" ").replace(/platform:services=\S+/, ""),
            result: good.length
                ? measured(good, true)
                : measured(samples, false, failureReason(samples[samples.length - 1])),
        });
    };
    measure(
        "ts-node, transpile-only (npm run check)",
        { file: "node", args: [...TS_NODE, "check/cli.ts", ...args], cwd: ROOT },
        3,
    );
    measure(
        "ts-node with type-checking (Pulumi's default for TypeScript)",
        {
            file: "node",
            args: ["-r", "ts-node/register", "check/cli.ts", ...args],
            cwd: ROOT,
            // Type errors are logged instead of thrown, so the full type-checking cost is measured even
            // while the tree has errors (a real `pulumi preview` would stop at the first).
            env: { TS_NODE_TRANSPILE_ONLY: "false", TS_NODE_LOG_ERROR: "true" },
        },
        1,
    );
    // Precompiled: tsc emits the whole project into bench/tmp/js; the project files the check reads next
    // to its sources are linked in, so the compiled check finds Pulumi.yaml, the stacks and the policy pack.
    const js = path.join(TMP_DIR, "js");
    fs.rmSync(js, { recursive: true, force: true });
    log("mode: compiling the project with tsc for the precompiled run");
    const tsc = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
    const emit = run({
        file: "node",
        args: [tsc, "-p", ".", "--outDir", js, "--incremental", "false", "--sourceMap", "false", "--noEmit", "false"],
        cwd: ROOT,
        timeoutMs: 240_000,
    });
    notes.push(`Precompiling the project (tsc emit) took ${(emit.wallMs / 1000).toFixed(1)} s.`);
    for (const name of fs.readdirSync(ROOT)) {
        if (/^Pulumi(\..+)?\.yaml$/.test(name) || name === "package.json" || name === "policies") {
            // policies/ is replaced even when tsc emitted parts of it: the pack runs from its own build.
            const target = path.join(js, name);
            fs.rmSync(target, { recursive: true, force: true });
            fs.symlinkSync(path.join(ROOT, name), target);
        }
    }
    measure(
        "precompiled JavaScript (tsc, then plain node)",
        { file: "node", args: [path.join(js, "check", "cli.js"), ...args], cwd: ROOT },
        3,
    );

    // The program as `pulumi preview` starts it (bench/pulumi-runner.ts: stand-in engine, real runner),
    // with Pulumi.yaml's runtime block and with Pulumi's defaults. Figures are the program process's own.
    const viaRunner = (name: string, extra: string[], runs: number) => {
        log(`mode: ${name}`);
        const samples = Array.from({ length: runs }, () =>
            run({
                file: "node",
                args: [...TS_NODE, path.join(__dirname, "pulumi-runner.ts"), "--stack", "dev", ...extra],
                cwd: ROOT,
            }),
        );
        const parsed = samples.map((s) => {
            try {
                return JSON.parse(s.stdout.trim().split("\n").pop() ?? "") as {
                    ok: boolean;
                    wallMs: number;
                    error?: string;
                    nodeargs: string;
                    typescript: boolean;
                };
            } catch {
                return { ok: false, wallMs: NaN, error: failureReason(s), nodeargs: "", typescript: false };
            }
        });
        const program = (s: Sample, wallMs: number): Sample => {
            const p = s.records.find((r) => /cmd[\\/]run/.test(r.argv[0] ?? "")) ?? s.records[0];
            return {
                ...s,
                wallMs,
                peakMiB: (p?.maxRssKiB ?? 0) / 1024,
                treePeakMiB: (p?.maxRssKiB ?? 0) / 1024,
                cpuMs: p?.cpuMs ?? NaN,
                processes: 1,
            };
        };
        const good = samples.flatMap((s, i) => (parsed[i].ok ? [program(s, parsed[i].wallMs)] : []));
        const last = parsed[parsed.length - 1];
        out.push({
            name,
            command:
                `node ${last.nodeargs} @pulumi/pulumi/cmd/run (PULUMI_NODEJS_TYPESCRIPT=${last.typescript})`.replace(
                    /\s+/g,
                    " ",
                ),
            result: good.length ? measured(good, true) : measured(samples, false, last.error),
        });
    };
    viaRunner("pulumi preview's runner, Pulumi.yaml runtime block as committed", [], 2);
    viaRunner(
        "pulumi preview's runner, typescript: true (Pulumi's default: type-checks)",
        ["--typescript", "true", "--nodeargs", ""],
        1,
    );
    return out;
}

/** Provider SDK imports the program uses, read from the components' sources. */
function programImports(): Map<string, Set<string>> {
    const found = new Map<string, Set<string>>();
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const file = path.join(dir, entry.name);
            if (entry.isDirectory()) walk(file);
            else if (entry.name.endsWith(".ts")) {
                const text = fs.readFileSync(file, "utf8");
                for (const m of text.matchAll(/from "(@pulumi\/(aws|azure-native|kubernetes))(\/[^"]+)?"/g)) {
                    const set = found.get(m[1]) ?? new Set<string>();
                    set.add(m[3] ? `${m[1]}${m[3]}` : m[1]);
                    found.set(m[1], set);
                }
            }
        }
    };
    walk(path.join(ROOT, "components"));
    return found;
}

function importsSection(): NonNullable<Results["imports"]> {
    const out: NonNullable<Results["imports"]> = [];
    const measure = (name: string, modules: string[], script: string) => {
        log(`imports: ${name}`);
        const samples = Array.from({ length: 3 }, () => run({ file: "node", args: ["-e", script], cwd: ROOT }));
        out.push({
            name,
            modules,
            result: measured(
                samples,
                samples.every((s) => s.code === 0),
            ),
        });
    };
    measure("@pulumi/pulumi alone (the floor)", ["@pulumi/pulumi"], 'require("@pulumi/pulumi")');
    for (const [pkg, modules] of programImports()) {
        const submodules = [...modules].filter((m) => m !== pkg).sort();
        if (submodules.length === 0) continue;
        const touch = submodules.map(
            (m) =>
                `r${m
                    .slice(pkg.length)
                    .replace(/\//g, ".")
                    .replace(/\.([^.]+)/g, '["$1"]')}`,
        );
        measure(
            `${pkg}: the ${submodules.length} submodules the program imports`,
            submodules,
            submodules.map((m) => `require(${JSON.stringify(m)});`).join(""),
        );
        measure(
            `${pkg}: root import, then the same ${submodules.length} namespaces`,
            [pkg],
            `const r = require(${JSON.stringify(pkg)}); ${touch.map((t) => `void ${t};`).join(" ")}`,
        );
    }
    return out;
}

// ---- main ---------------------------------------------------------------------------------------------

function git(args: string[]): string {
    try {
        return execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
        return "";
    }
}

/**
 * Keeps bench/README.md's measured tables equal to the last full run: the default sections fill the block
 * between `<!-- bench:results -->` markers, a run with `modes`/`imports` fills `<!-- bench:speed -->`.
 */
function updateReadme(results: Results, printed: string): void {
    const readme = path.join(__dirname, "README.md");
    if (!fs.existsSync(readme)) return;
    const all = DEFAULT_SECTIONS.every((s) => results.options.sections.includes(s));
    const speed = results.modes !== undefined || results.imports !== undefined;
    let text = fs.readFileSync(readme, "utf8");
    const fill = (block: string, body: string) => {
        const pattern = new RegExp(`(<!-- bench:${block} -->\\n)[\\s\\S]*?(<!-- /bench:${block} -->)`);
        text = text.replace(
            pattern,
            // Blank lines around the fence, as prettier writes Markdown, so `prettier --check` stays clean.
            (_, start: string, end: string) => `${start}\n\`\`\`text\n${body.trimEnd()}\n\`\`\`\n\n${end}`,
        );
    };
    if (all) fill("results", printed);
    if (speed)
        fill(
            "speed",
            printResults({
                ...results,
                evaluation: undefined,
                typecheck: undefined,
                tests: undefined,
                criticalPath: undefined,
                scaling: undefined,
            }),
        );
    if (all || speed) fs.writeFileSync(readme, text);
}

export async function main(argv: string[]): Promise<number> {
    const options = parseArgs(argv);
    const notes: string[] = [];
    const loadStart = os.loadavg()[0];
    const targets = stackNames(ROOT).flatMap((stack) => clouds().map((cloud) => ({ stack, cloud })));
    const has = (s: string) => options.sections.includes(s);
    const commit = git(["rev-parse", "--short", "HEAD"]);
    const uncommittedFiles = git(["status", "--porcelain"])
        .split("\n")
        .filter((l) => l.trim()).length;
    log(
        `sections: ${options.sections.join(", ")}; ${targets.length} stack × cloud targets; budget ${options.budget} s`,
    );

    // Required figures first; what only adds detail (a warm type-check, more scaling rounds) runs while the
    // budget allows.
    // Preparation, not measured, so it may run concurrently: the graph pass for the critical path (which
    // also loads every stack's program and both clouds' SDKs from disk) and the warm-up of the evaluation
    // (the floor and one check, which warms what only the check loads: the policy pack).
    const graphs = has("critical-path") ? graphCommands(targets) : [];
    const warmUp = has("evaluation") && !options.quick ? [FLOOR, checkCommand(targets[0].stack, targets[0].cloud)] : [];
    log(
        `preparing (not measured, concurrently): ${graphs.length} graph processes, ${warmUp.length ? "warm-up" : "no warm-up"}`,
    );
    const prepared = await runConcurrently([...graphs, ...warmUp]);
    notes.push(
        `Preparation (graph pass for ${targets.length} stack × cloud runs${warmUp.length ? ", warm-up" : ""}, concurrently): ` +
            `${(Math.max(0, ...prepared.map((p) => p.wallMs)) / 1000).toFixed(1)} s.`,
    );
    const criticalPathRows = has("critical-path")
        ? criticalPathSection(targets, prepared.slice(0, graphs.length))
        : undefined;
    const evaluation = has("evaluation") ? evaluationSection(targets, options, notes) : undefined;
    const coldTypecheck = has("typecheck") ? typecheckRun(true) : undefined;
    const tests = has("tests") ? testsSection() : undefined;
    const scaling = has("scaling") ? scalingSection(options, notes) : undefined;
    let warmTypecheck: Sample | undefined;
    if (coldTypecheck && elapsed() + coldTypecheck.wallMs / 1000 < options.budget) warmTypecheck = typecheckRun(false);
    else if (coldTypecheck) notes.push("Warm incremental type-check skipped: the time budget was used up.");
    const typecheck = coldTypecheck ? typecheckResult(coldTypecheck, warmTypecheck) : undefined;
    const modes = has("modes") ? modesSection(notes) : undefined;
    const imports = has("imports") ? importsSection() : undefined;
    if (elapsed() > 300 && !has("modes") && !has("imports")) {
        notes.push(
            `The run took ${elapsed().toFixed(0)} s, over 5 minutes: the 1-minute load average was ${os.loadavg()[0].toFixed(1)} ` +
                `on ${os.availableParallelism?.() ?? os.cpus().length} CPUs (other work on the machine); compare CPU seconds, not wall time.`,
        );
    }

    const cpus = os.cpus();
    const results: Results = {
        generatedBy: "npm run bench (bench/run.ts)",
        date: new Date().toISOString(),
        commit,
        uncommittedFiles,
        machine: {
            cpus: os.availableParallelism?.() ?? cpus.length,
            cpuModel: cpus[0]?.model ?? "unknown",
            memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
            node: process.version,
            platform: `${os.type()} ${os.release()}`,
            loadStart: round(loadStart),
            loadEnd: round(os.loadavg()[0]),
        },
        options: { runs: options.runs, quick: options.quick, sections: options.sections },
        checkCommand: checkEntry().text,
        evaluation,
        typecheck,
        tests,
        criticalPath: criticalPathRows,
        scaling,
        modes,
        imports,
        notes,
        totalSeconds: round(elapsed(), 1),
    };
    fs.mkdirSync(path.dirname(options.out), { recursive: true });
    fs.writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
    const printed = printResults(results);
    process.stdout.write(printed);
    if (!options.quick) updateReadme(results, printed);
    process.stdout.write(
        `\nbench: finished in ${results.totalSeconds} s; results in ${path.relative(ROOT, options.out)}\n`,
    );
    return 0;
}

if (require.main === module && (process.argv.includes("--help") || process.argv.includes("-h"))) {
    process.stdout.write(`${BENCH_HELP}\n`);
} else if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err) => {
            process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
            process.exit(2);
        },
    );
}
