/**
 * The deploy command as a real process, the way people and CI run it: no Pulumi CLI on PATH, no terminal,
 * and Ctrl-C delivered as a signal.
 */
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../../check/stack";
import { EXIT } from "../../scripts/lib/exit-codes";
import { DeployableRoot, deployableRoot } from "./deployable-root";
import { fakePulumi, resourceEvents, summaryEvent } from "./fake-pulumi";

interface Finished {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/**
 * Starts `scripts/deploy.ts` as `npm run deploy` does, with exactly `env` and no terminal on stdin. With
 * `root`, the same process entry runs on that copy of the stack files (the committed ones hold documentation
 * placeholders, which `preview` and `up` refuse).
 */
function start(
    argv: string[],
    env: Record<string, string>,
    root?: string,
): { child: ChildProcess; done: Promise<Finished> } {
    const entry =
        root === undefined
            ? ["scripts/deploy.ts", ...argv]
            : [
                  "-e",
                  'require("./scripts/deploy").runProcess(JSON.parse(process.argv[1]), process.argv[2])',
                  JSON.stringify(argv),
                  root,
              ];
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", ...entry], {
        cwd: ROOT,
        env,
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const done = new Promise<Finished>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
    return { child, done };
}

function emptyDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "deploy-process-"));
}

describe("deploy command as a process", function () {
    this.timeout(60_000);
    let fixture: DeployableRoot;
    before(() => (fixture = deployableRoot()));
    after(() => fixture.cleanup());

    it("exits 2 with how to install the CLI, and no stack trace, when there is no pulumi on PATH", async () => {
        const bare = emptyDir();
        const { done } = start(["preview", "--stack", "dev"], { PATH: bare, HOME: bare }, fixture.root);
        const run = await done;
        assert.strictEqual(run.code, EXIT.usage);
        assert.strictEqual(run.stdout, "");
        assert.match(run.stderr, /^The Pulumi CLI is not installed: there is no `pulumi` on your PATH/);
        assert.match(run.stderr, /curl -fsSL https:\/\/get\.pulumi\.com \| sh/);
        assert.match(run.stderr, /npm run check -- --stack <stack>/);
        assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace");
    });

    it("exits 3 when prod up has no --yes and there is no terminal to confirm on", async () => {
        const bare = emptyDir();
        const run = await start(["up", "--stack", "prod"], { PATH: bare, HOME: bare }).done;
        assert.strictEqual(run.code, EXIT.refused);
        assert.match(run.stderr, /Refusing to up stack prod without confirmation/);
        assert.match(run.stderr, /npm run deploy -- up --stack prod --yes/);
    });

    // RFC 5737 / RFC 2606: the committed stack files' documentation values cannot be deployed.
    it("exits 2 on the committed stack files' placeholders, naming each key, before the CLI runs", async () => {
        const fake = fakePulumi({ preview: { events: [summaryEvent({ create: 1 })] } });
        try {
            const run = await start(["preview", "--stack", "prod"], fake.env).done;
            assert.strictEqual(run.code, EXIT.usage, run.stdout);
            assert.strictEqual(run.stdout, "");
            assert.match(
                run.stderr,
                /^Refusing to preview stack prod: Pulumi\.prod\.yaml still holds 11 documentation placeholders/,
            );
            // platform:dns names the documentation zone example.com (RFC 2606), which no one can delegate.
            assert.match(run.stderr, /^ {2}- platform:dns\.zone = "example\.com": /m);
            assert.match(run.stderr, /^ {2}- platform:apiAllowedCidrs\[1\] = "198\.51\.100\.0\/24": /m);
            // platform:edge.grafanaAllowedCidrs names a documentation range (RFC 5737) that no machine has.
            assert.match(run.stderr, /^ {2}- platform:edge\.grafanaAllowedCidrs\[0\] = "192\.0\.2\.0\/24": /m);
            assert.match(run.stderr, /^ {2}- platform:alertEmail = "platform-oncall@example\.com": /m);
            assert.deepStrictEqual(fake.invocations(), [], "the CLI never runs");
        } finally {
            fake.cleanup();
        }
    });

    it("cancels cleanly on Ctrl-C: the engine is asked once, finishes what is in flight, exit 130", async () => {
        const fake = fakePulumi({
            preview: { events: [summaryEvent({ create: 2 })] },
            up: {
                events: [
                    ...resourceEvents("create", "aws:ec2/vpc:Vpc", "platform-dev-vpc"),
                    ...resourceEvents("create", "aws:rds/instance:Instance", "platform-dev-db").slice(0, 1),
                ],
                waitForInterrupt: true,
                afterInterrupt: [summaryEvent({ create: 1 }, 4)],
                stderr: "error: update canceled\n",
                exit: 255,
            },
        });
        try {
            const { child, done } = start(["up", "--stack", "dev"], fake.env, fixture.root);
            let seen = "";
            child.stdout!.on("data", (d) => {
                seen += d;
                // Interrupt once the update is under way (a resource has been created).
                if (/created/.test(seen) && child.signalCode === null && !child.killed) child.kill("SIGINT");
            });
            const run = await done;
            assert.strictEqual(run.code, EXIT.cancelled, run.stderr);
            assert.match(run.stdout, /Cancelling: operations already in flight finish/);
            assert.match(run.stdout, /\^C received; cancelling/);
            assert.match(run.stdout, /^Summary: 1 created/m);
            assert.match(run.stderr, /^Cancelled: the up of stack dev was interrupted\. .*the stack is consistent/);
            const signals = fake.invocations().filter((i) => i.signal === "SIGINT");
            assert.strictEqual(signals.length, 1, "the CLI gets exactly one interrupt (a second would terminate it)");
        } finally {
            fake.cleanup();
        }
    });
});
