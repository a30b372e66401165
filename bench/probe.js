/**
 * Preloaded into every Node process the benchmark starts (NODE_OPTIONS=--require bench/probe.js), including
 * the processes those start (the policy pack, test subprocesses). Each process keeps one JSON file,
 * `$BENCH_PROBE_FILE.<pid>`, with its own peak resident memory and CPU time, so the benchmark can report
 * the peak memory of the measured process and of its whole process tree without /usr/bin/time.
 *
 * The file is written at exit, when the process is stopped with SIGTERM/SIGINT (the signal is then raised
 * again when no one else handles it, so the process ends exactly as it would have), and every 200 ms in between (peak RSS only grows,
 * so a process killed with SIGKILL still leaves a figure at most 200 ms old).
 *
 * Plain JavaScript on purpose: it must load before (and without) ts-node.
 */
"use strict";

const base = process.env.BENCH_PROBE_FILE;
if (base) {
    const fs = process.getBuiltinModule("fs");
    const file = `${base}.${process.pid}`;
    const write = (code) => {
        const usage = process.resourceUsage();
        const record = {
            pid: process.pid,
            ppid: process.ppid,
            code,
            argv: process.argv.slice(1, 3),
            maxRssKiB: usage.maxRSS,
            cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
            uptimeMs: process.uptime() * 1000,
        };
        try {
            fs.writeFileSync(file, JSON.stringify(record));
        } catch {
            // Measuring must never change the measured program's behaviour.
        }
    };
    process.on("exit", (code) => write(code));
    for (const signal of ["SIGTERM", "SIGINT"]) {
        process.once(signal, () => {
            write(null);
            // Alone, re-raise so the default action (termination by the signal) happens as it would have.
            if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
        });
    }
    setInterval(() => write(undefined), 200).unref();
}
