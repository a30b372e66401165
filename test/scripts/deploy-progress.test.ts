import * as assert from "assert";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { explainFailure, FailureContext } from "../../scripts/lib/failures";
import { EXIT } from "../../scripts/lib/exit-codes";
import { Progress, formatDuration, formatOutputs, formatSummary, plainText } from "../../scripts/lib/progress";

function event(partial: Partial<EngineEvent>): EngineEvent {
    return { sequence: 0, timestamp: 0, ...partial };
}

function step(kind: "resourcePreEvent" | "resOutputsEvent", op: string, type: string, name: string): EngineEvent {
    const metadata = { op, type, urn: `urn:pulumi:dev::platform::${type}::${name}`, provider: "" };
    return event({ [kind]: { metadata } } as Partial<EngineEvent>);
}

function progressFor(command: "up" | "preview", expectedTotal?: number) {
    const lines: string[] = [];
    let now = 0;
    const progress = new Progress({ command, expectedTotal, write: (l) => lines.push(l), now: () => now });
    return { progress, lines, tick: (ms: number) => (now += ms) };
}

describe("deploy progress", () => {
    it("prints one line per changed resource with done/total and how long it took", () => {
        const { progress, lines, tick } = progressFor("up", 3);
        progress.onEvent(step("resourcePreEvent", "create", "aws:rds/instance:Instance", "platform-dev-db"));
        tick(242_000);
        progress.onEvent(step("resOutputsEvent", "create", "aws:rds/instance:Instance", "platform-dev-db"));
        assert.deepStrictEqual(lines, ["[1/3] created   aws:rds/instance:Instance  platform-dev-db (4m02s)"]);
    });

    it("counts unchanged resources without printing them, and not the stack or providers", () => {
        const { progress, lines } = progressFor("up");
        progress.onEvent(step("resourcePreEvent", "same", "pulumi:pulumi:Stack", "platform-dev"));
        progress.onEvent(step("resourcePreEvent", "same", "pulumi:providers:aws", "default"));
        progress.onEvent(step("resourcePreEvent", "same", "aws:kms/key:Key", "key"));
        progress.onEvent(step("resOutputsEvent", "same", "aws:kms/key:Key", "key"));
        assert.deepStrictEqual(lines, []);
        assert.strictEqual(progress.done, 1);
        assert.strictEqual(progress.total, 1);
    });

    it("uses the planned verbs in a preview, and a total that grows past the estimate", () => {
        const { progress, lines } = progressFor("preview", 1);
        progress.onEvent(step("resOutputsEvent", "create", "aws:s3/bucketV2:BucketV2", "a"));
        progress.onEvent(step("resOutputsEvent", "replace", "aws:s3/bucketV2:BucketV2", "b"));
        assert.deepStrictEqual(lines, [
            "[1/1] + create  aws:s3/bucketV2:BucketV2  a",
            "[2/2] +-replace aws:s3/bucketV2:BucketV2  b",
        ]);
    });

    it("reports the operations in flight, longest first", () => {
        const { progress, tick } = progressFor("up", 10);
        assert.strictEqual(progress.status(), undefined);
        progress.onEvent(step("resourcePreEvent", "create", "aws:rds/instance:Instance", "db"));
        tick(60_000);
        progress.onEvent(step("resourcePreEvent", "update", "aws:eks/cluster:Cluster", "cluster"));
        tick(5_000);
        assert.strictEqual(progress.status(), "[ 0/10] in progress: creating db (1m05s), updating cluster (5s)");
    });

    it("collects policy findings and errors, and notices the CLI's Ctrl-C acknowledgement", () => {
        const { progress, lines } = progressFor("up");
        progress.onEvent(
            event({
                policyEvent: {
                    resourceUrn: "urn:pulumi:dev::platform::aws:rds/instance:Instance::db",
                    message: "<{%fg 1%}>Backups must be kept 14 days.<{%reset%}>",
                    color: "raw",
                    policyName: "rds-backup-retention",
                    policyPackName: "platform-policies",
                    policyPackVersion: "0.1.0",
                    policyPackVersionTag: "0.1.0",
                    enforcementLevel: "mandatory",
                },
            }),
        );
        progress.onEvent(event({ diagnosticEvent: { message: "boom\n", color: "never", severity: "error" } }));
        progress.onEvent(event({ stdoutEvent: { message: "^C received; cancelling.", color: "never" } }));
        assert.strictEqual(progress.mandatoryViolations.length, 1);
        assert.deepStrictEqual(progress.errors, ["boom"]);
        assert.strictEqual(progress.interruptAcknowledged, true);
        assert.strictEqual(
            lines[0],
            "policy MANDATORY: platform-policies/rds-backup-retention on db: Backups must be kept 14 days.",
        );
    });

    it("summarises created, updated, deleted, unchanged and the duration", () => {
        assert.strictEqual(
            formatSummary("up", { create: 12, update: 1, same: 40 }, 252),
            "Summary: 12 created, 1 updated, 0 deleted, 40 unchanged in 4m12s",
        );
        assert.strictEqual(
            formatSummary("preview", { create: 2, replace: 1 }, 3),
            "Summary: 2 to create, 0 to update, 0 to delete, 1 to replace, 0 unchanged in 3s",
        );
        assert.strictEqual(formatDuration(3725), "1h02m");
        assert.strictEqual(plainText("\x1b[31mred\x1b[0m <{%bold%}>x<{%reset%}>"), "red x");
    });

    it("prints outputs with every secret masked, at any depth", () => {
        const lines = formatOutputs({
            cloud: "aws",
            database: { host: "db.internal", password: "[secret]" },
            cache: {
                token: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "t0ken" },
            },
        });
        assert.deepStrictEqual(lines, [
            "Outputs:",
            '  cache     {"token":"[secret]"}',
            "  cloud     aws",
            '  database  {"host":"db.internal","password":"[secret]"}',
        ]);
        assert.ok(!lines.join("\n").includes("t0ken"));
        assert.deepStrictEqual(formatOutputs({}), ["Outputs: none"]);
    });
});

describe("deploy failures", () => {
    const base: FailureContext = {
        command: "up",
        stack: "staging",
        backend: "s3://state",
        interrupted: false,
        terminated: false,
        mandatory: [],
        errors: [],
        stderr: "",
    };

    it("explains a concurrent update (409 or a held lock) with exit code 5", () => {
        for (const stderr of [
            "error: [409] Conflict: Another update is currently in progress.",
            "error: the stack is currently locked by 1 lock(s).",
        ]) {
            const failure = explainFailure(new Error("x"), { ...base, stderr });
            assert.strictEqual(failure.code, EXIT.concurrent);
            assert.match(failure.message, /^Concurrent update: another update is already running on stack staging/);
            assert.match(failure.message, /pulumi cancel --stack staging/);
        }
        const named = new Error("x");
        named.name = "ConcurrentUpdateError";
        assert.strictEqual(explainFailure(named, base).code, EXIT.concurrent);
    });

    it("puts a cancellation before anything else, with exit code 130", () => {
        const failure = explainFailure(new Error("x"), { ...base, interrupted: true, stderr: "[409] Conflict" });
        assert.strictEqual(failure.code, EXIT.cancelled);
        assert.match(failure.message, /state records everything that was done/);
        const terminated = explainFailure(new Error("x"), { ...base, interrupted: true, terminated: true });
        assert.match(terminated.message, /pending/);
    });

    it("falls back to the first error diagnostic, with exit code 1", () => {
        const failure = explainFailure(new Error("x"), { ...base, errors: ["db: InvalidParameterValue"] });
        assert.strictEqual(failure.code, EXIT.failed);
        assert.match(
            failure.message,
            /The up of stack staging failed: 1 error \(printed above\); the first: db: InvalidParameterValue/,
        );
    });
});
