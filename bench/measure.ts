/**
 * Runs one command as a fresh process and measures it: wall time from spawn to exit (taken here), and
 * from bench/probe.js, preloaded into every Node process of the tree, each process's peak resident memory
 * and CPU time.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const BENCH_DIR = __dirname;
export const TMP_DIR = path.join(BENCH_DIR, "tmp");
const PROBE = path.join(BENCH_DIR, "probe.js");

export interface Command {
    /** Executable; `node` means this Node binary. */
    readonly file: string;
    readonly args: readonly string[];
    readonly cwd: string;
    readonly env?: Readonly<Record<string, string>>;
    /** Kill after this many ms (the run then counts as failed). @default 180000 */
    readonly timeoutMs?: number;
}

/** One Node process of the measured tree, as bench/probe.js reported it. */
export interface ProbeRecord {
    readonly pid: number;
    readonly ppid: number;
    readonly code: number;
    readonly argv: string[];
    readonly maxRssKiB: number;
    readonly cpuMs: number;
    readonly uptimeMs: number;
}

export interface Sample {
    readonly wallMs: number;
    /** Exit code; null when killed (timeout). */
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
    /** Peak RSS of the process started, MiB. */
    readonly peakMiB: number;
    /** Sum of the peaks of every Node process in the tree (an upper bound of the tree's peak), MiB. */
    readonly treePeakMiB: number;
    /** CPU time of the whole tree, ms. */
    readonly cpuMs: number;
    readonly processes: number;
    /** Every Node process of the tree, as bench/probe.js reported it. */
    readonly records: ProbeRecord[];
}

let sequence = 0;

interface Prepared {
    readonly file: string;
    readonly args: string[];
    readonly env: NodeJS.ProcessEnv;
    readonly probeFile: string;
    readonly stdoutFile: string;
    readonly stdoutFd: number;
}

function prepare(command: Command): Prepared {
    fs.mkdirSync(TMP_DIR, { recursive: true });
    const probeFile = path.join(TMP_DIR, `probe-${process.pid}-${++sequence}`);
    const nodeOptions = [process.env.NODE_OPTIONS ?? "", `--require "${PROBE}"`].join(" ").trim();
    // stdout goes to a file, not a pipe: a process that calls process.exit() right after a large write
    // loses the part still queued for a pipe (check/cli.ts --json beyond 64 KiB), never for a file.
    const stdoutFile = `${probeFile}.stdout`;
    return {
        file: command.file === "node" ? process.execPath : command.file,
        args: [...command.args],
        env: { ...process.env, ...command.env, NODE_OPTIONS: nodeOptions, BENCH_PROBE_FILE: probeFile },
        probeFile,
        stdoutFile,
        stdoutFd: fs.openSync(stdoutFile, "w"),
    };
}

function finish(p: Prepared, wallMs: number, pid: number | undefined, code: number | null, stderr: string): Sample {
    fs.closeSync(p.stdoutFd);
    const stdout = fs.readFileSync(p.stdoutFile, "utf8");
    fs.rmSync(p.stdoutFile, { force: true });
    const records = readProbe(p.probeFile);
    const main = records.find((r) => r.pid === pid) ?? records.find((r) => r.ppid === process.pid);
    const kib = (k: number) => k / 1024;
    return {
        wallMs,
        code,
        stdout,
        stderr,
        peakMiB: kib(main?.maxRssKiB ?? 0),
        treePeakMiB: kib(records.reduce((sum, r) => sum + r.maxRssKiB, 0)),
        cpuMs: records.reduce((sum, r) => sum + r.cpuMs, 0),
        processes: records.length,
        records,
    };
}

/** Runs one command to completion, nothing else running from here meanwhile. */
export function run(command: Command): Sample {
    const p = prepare(command);
    const started = process.hrtime.bigint();
    const result = spawnSync(p.file, p.args, {
        cwd: command.cwd,
        env: p.env,
        stdio: ["ignore", p.stdoutFd, "pipe"],
        encoding: "utf8",
        maxBuffer: 512 * 1024 * 1024,
        timeout: command.timeoutMs ?? 180_000,
        killSignal: "SIGKILL",
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const stderr = (result.stderr ?? "") + (result.error ? `\n${result.error.message}` : "");
    return finish(p, wallMs, result.pid, result.error && !result.status ? null : result.status, stderr);
}

/**
 * Runs commands at the same time. Only for work whose time is not a figure (preparing graphs, warming
 * caches): concurrent processes slow each other down.
 */
export function runConcurrently(commands: readonly Command[]): Promise<Sample[]> {
    return Promise.all(
        commands.map(
            (command) =>
                new Promise<Sample>((resolve) => {
                    const p = prepare(command);
                    const started = process.hrtime.bigint();
                    const child = spawn(p.file, p.args, {
                        cwd: command.cwd,
                        env: p.env,
                        stdio: ["ignore", p.stdoutFd, "pipe"],
                    });
                    let stderr = "";
                    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
                    const timer = setTimeout(() => child.kill("SIGKILL"), command.timeoutMs ?? 180_000);
                    let settled = false;
                    const done = (code: number | null, error?: Error) => {
                        if (settled) return;
                        settled = true;
                        clearTimeout(timer);
                        const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
                        resolve(finish(p, wallMs, child.pid, code, error ? `${stderr}\n${error.message}` : stderr));
                    };
                    child.on("error", (err) => done(null, err));
                    child.on("close", (code) => done(code));
                }),
        ),
    );
}

/** Reads and removes the `<base>.<pid>` files bench/probe.js wrote, one per Node process. */
function readProbe(base: string): ProbeRecord[] {
    const dir = path.dirname(base);
    const prefix = `${path.basename(base)}.`;
    const records: ProbeRecord[] = [];
    for (const name of fs.readdirSync(dir).filter((f) => f.startsWith(prefix) && /\.\d+$/.test(f))) {
        const file = path.join(dir, name);
        try {
            records.push(JSON.parse(fs.readFileSync(file, "utf8")) as ProbeRecord);
        } catch {
            // A snapshot cut short by SIGKILL: nothing usable.
        }
        fs.rmSync(file, { force: true });
    }
    return records;
}

export function median(values: readonly number[]): number {
    if (values.length === 0) return NaN;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Medians of a series of samples. */
export interface Summary {
    readonly runs: number;
    readonly wallMs: number;
    readonly wallMinMs: number;
    readonly wallMaxMs: number;
    readonly peakMiB: number;
    readonly treePeakMiB: number;
    readonly cpuMs: number;
    readonly processes: number;
}

export function summarize(samples: readonly Sample[]): Summary {
    const walls = samples.map((s) => s.wallMs);
    return {
        runs: samples.length,
        wallMs: median(walls),
        wallMinMs: Math.min(...walls),
        wallMaxMs: Math.max(...walls),
        peakMiB: median(samples.map((s) => s.peakMiB)),
        treePeakMiB: median(samples.map((s) => s.treePeakMiB)),
        cpuMs: median(samples.map((s) => s.cpuMs)),
        processes: Math.max(...samples.map((s) => s.processes)),
    };
}

/** The first line of a failed run's stderr that says what went wrong. */
export function failureReason(sample: Sample): string {
    const tsError = /error TS\d+: [^\n]*/.exec(sample.stderr);
    if (/TSError/.test(sample.stderr) && tsError) return `TSError: ${tsError[0]}`.slice(0, 300);
    const lines = sample.stderr
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !/^npm (warn|notice)/i.test(l) && !/^at /.test(l) && !/^\S+\.[jt]s:\d+$/.test(l));
    // "Invalid stack configuration (1 problem):" says little without the problem on the next line.
    const reason =
        lines[0]?.endsWith(":") && lines[1] ? `${lines[0]} ${lines[1]}` : (lines[0] ?? `exit code ${sample.code}`);
    return reason.replace(/^The program failed: (Error: )?/, "").slice(0, 300);
}
