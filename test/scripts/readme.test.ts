/**
 * The README as a walkthrough a newcomer follows: every shell command in its ```sh blocks is either run here,
 * as a user types it, with the exit code the README states beside it (`# exit N`; no statement means 0), or
 * listed below as skipped with the reason it cannot run here. A command that is neither fails the test, and so
 * does a skip entry that no longer matches a README command, so the README and this list cannot drift apart.
 * The README's links must resolve, and each reference page in docs/ is linked from it exactly once.
 */
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../check/stack";
import { ReadmeCommand, readmeCommands } from "./readme-commands";

/** Commands that cannot run in a test here, each with the reason. Matched as a prefix of the README command. */
export const SKIPPED: ReadonlyArray<{ readonly prefix: string; readonly reason: string }> = [
    { prefix: "npm ci", reason: "reinstalls node_modules under the running suite; .ci/run runs it on a clean clone" },
    { prefix: "npm test", reason: "is the suite this test is part of (.ci/run runs it)" },
    { prefix: "bash .ci/run", reason: "is CI itself: npm ci, format check, lint, npm test and pr-check" },
    {
        prefix: "npm run typecheck",
        reason: "runs as the first step of npm test, which this test is part of; running it again doubles its time",
    },
    { prefix: "npm run lint", reason: "runs in .ci/run on every build (over a minute on a loaded 2-core machine)" },
    { prefix: "npm run format", reason: "rewrites files in the working tree; .ci/run runs npm run format:check" },
    {
        prefix: "npm run build:policies",
        reason: "rebuilds policies/bin while the policy tests of the same (parallel) run load it; npm ci's prepare builds it",
    },
    { prefix: "export PULUMI_", reason: "sets up a deploy session against a real backend: needs the Pulumi CLI" },
    { prefix: "npm run deploy --", reason: "needs the Pulumi CLI, a backend and credentials for the stack's cloud" },
    { prefix: "pulumi ", reason: "needs the Pulumi CLI, a backend and credentials for the stack's cloud" },
];

function skipOf(command: string) {
    return SKIPPED.find((s) => command.startsWith(s.prefix));
}

/** The environment of a command the test starts: this one without npm's (the suite may itself run under npm). */
function cleanEnv(): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

interface Run {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs one README line with bash in the repository root, as a user pastes it. */
function runLine(command: string): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn("bash", ["-c", command], { cwd: ROOT, env: cleanEnv() });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

/** Runs every command, two at a time (the check takes ~10 s and one core). */
async function runAll(commands: readonly ReadmeCommand[]): Promise<Map<ReadmeCommand, Run>> {
    const results = new Map<ReadmeCommand, Run>();
    const queue = [...commands];
    const worker = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) results.set(next, await runLine(next.command));
    };
    await Promise.all([worker(), worker()]);
    return results;
}

const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const COMMANDS = readmeCommands(README);
const RUNNABLE = COMMANDS.filter((c) => !skipOf(c.command));

describe("README walkthrough: every command it shows runs with the exit code it states", function () {
    this.timeout(600000);
    let results: Map<ReadmeCommand, Run>;
    before(async () => {
        results = await runAll(RUNNABLE);
    });

    it("finds the quick-start commands (the parser reads the README's shell blocks)", () => {
        const found = COMMANDS.map((c) => c.command);
        for (const quickStart of ["npm ci", "npm run check -- --stack prod", "npm test"]) {
            assert.ok(found.includes(quickStart), `README shows \`${quickStart}\`: ${found.join(" | ")}`);
        }
    });

    it("shows one command a line (no && or ; chains), so each one runs or is skipped on its own", () => {
        const chained = COMMANDS.filter((c) => /&&|\|\||;/.test(c.command)).map((c) => `line ${c.line}: ${c.command}`);
        assert.deepStrictEqual(chained, [], "split chained commands: a skipped prefix would hide the rest");
    });

    it("lists every skipped command with a reason, and no skip entry matches nothing", () => {
        for (const entry of SKIPPED) {
            assert.ok(
                COMMANDS.some((c) => c.command.startsWith(entry.prefix)),
                `skip entry "${entry.prefix}" matches no README command: remove it`,
            );
        }
        const skipped = COMMANDS.filter((c) => skipOf(c.command)).map(
            (c) => `${c.command}: ${skipOf(c.command)?.reason}`,
        );
        // The list is the test's record of what the walkthrough leaves to CI or to a machine with the CLI.
        assert.ok(skipped.length > 0 && skipped.every((s) => s.includes(": ")));
    });

    for (const command of RUNNABLE) {
        it(`README line ${command.line}: \`${command.command}\` exits ${command.expectedExit}`, () => {
            const run = results.get(command);
            assert.ok(run, "not run");
            assert.strictEqual(
                run.code,
                command.expectedExit,
                `exit ${run.code}\n--- stdout\n${run.stdout.slice(-2000)}\n--- stderr\n${run.stderr.slice(-2000)}`,
            );
            if (/--json\b/.test(command.command)) {
                assert.doesNotThrow(() => JSON.parse(run.stdout), "--json prints JSON alone on stdout");
            }
            if (command.expectedExit === 2) {
                // npm's own banner ("> platform@0.1.0 check" and the script line) is npm's, not the command's.
                const own = run.stdout.replace(/^\n?> platform@[^\n]*\n> [^\n]*\n\n?/, "");
                assert.strictEqual(own, "", "a refusal prints nothing on stdout");
                assert.match(run.stderr, /\S/, "and says why on stderr");
            }
        });
    }

    it("shows the figures `npm run cost` prints for prod on AWS (the cost table is not stale)", () => {
        const cost = [...results.entries()].find(([c]) =>
            c.command.startsWith("npm run --silent cost -- --stack prod"),
        );
        assert.ok(cost, "the README runs the prod cost estimate");
        const total = /on aws \([^)]+\): (?:at least )?(\$[\d,.]+)\/month(?: \((\d+) items? unpriced\))?/.exec(
            cost[1].stdout,
        );
        assert.ok(total, cost[1].stdout.slice(0, 500));
        const row = /^\| *prod *\| *(?:at least )?(\$[\d,.]+)(?: \((\d+) unpriced\))?/m.exec(README);
        assert.ok(row, "README has a prod row in the cost table");
        assert.deepStrictEqual(
            [row[1], row[2]],
            [total[1], total[2]],
            "README's prod-on-AWS figure and unpriced count equal the estimate's",
        );
    });
});

describe("README links", () => {
    const links = [...README.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
        .map((m) => m[1])
        .filter((l) => !/^https?:/.test(l));

    it("resolve to files in the repository", () => {
        for (const link of links) assert.ok(fs.existsSync(path.join(ROOT, link)), `README links ${link}`);
    });

    it("reach each reference page in docs/ exactly once", () => {
        const pages = fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md"));
        for (const page of pages) {
            const count = links.filter((l) => l === `docs/${page}`).length;
            assert.strictEqual(count, 1, `docs/${page} is linked ${count} times from the README`);
        }
    });

    it("in the docs/ pages it links resolve too (reference material moved there from the README)", () => {
        const pages = fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md"));
        for (const page of pages) {
            const text = fs.readFileSync(path.join(ROOT, "docs", page), "utf8");
            for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
                if (/^https?:/.test(m[1])) continue;
                assert.ok(fs.existsSync(path.join(ROOT, "docs", m[1])), `docs/${page} links ${m[1]}`);
            }
        }
    });
});
