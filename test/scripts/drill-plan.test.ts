/**
 * The restore drill's plan (scripts/lib/drill/plan.ts) with mocked steps: the order of the stack operations,
 * the throwaway stack destroyed whatever failed after it was begun, RPO/RTO against the targets, the verdict,
 * the exit code and the report.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT, ExitError } from "../../scripts/lib/exit-codes";
import { DrillSteps, runDrill } from "../../scripts/lib/drill/plan";
import { exitCodeOf, renderDrillMarkdown, writeDrillReport } from "../../scripts/lib/drill/report";
import { RECOVERY_TARGETS, recoveryTarget } from "../../scripts/lib/drill/targets";

const START = Date.parse("2026-12-01T03:00:00Z");
const minutes = (m: number) => new Date(START + m * 60_000);

/** A clock that moves 1 minute per look, and steps that record their calls. */
function harness(overrides: Partial<DrillSteps> = {}, readyAfterMinutes = 30) {
    const calls: string[] = [];
    let tick = 1;
    const now = () => minutes(tick++);
    const steps: DrillSteps = {
        sourceDatabase: async () => (
            calls.push("source"),
            { cloud: "aws", region: "eu-west-1", environment: "prod", source: "platform-prod-db" }
        ),
        target: (s) => (calls.push("target"), recoveryTarget(s.environment as "prod", "standard")),
        restorePoint: async (s) => (
            calls.push("restorePoint"),
            { source: s.source, time: "2026-12-01T02:55:00Z", reported: true, how: "RDS LatestRestorableTime" }
        ),
        createThrowaway: async (name, point) => void calls.push(`create ${name} ${point.time}`),
        deploy: async (name) => void calls.push(`deploy ${name}`),
        check: async (name) => (
            calls.push(`check ${name}`),
            { readyAt: minutes(readyAfterMinutes), answer: "tables=12" }
        ),
        destroy: async (name) => void calls.push(`destroy ${name}`),
        ...overrides,
    };
    const plan = {
        stack: "prod",
        drillStack: "prod-drill-20261201-0300",
        tier: "standard" as const,
        startedAt: minutes(0),
        now,
    };
    return { calls, steps, plan };
}

describe("restore drill: the plan", () => {
    it("restores, deploys, checks and then destroys the throwaway stack, in that order, and passes within the targets", async () => {
        const { calls, steps, plan } = harness();
        const report = await runDrill(plan, steps);
        assert.deepStrictEqual(calls, [
            "source",
            "target",
            "restorePoint",
            "create prod-drill-20261201-0300 2026-12-01T02:55:00Z",
            "deploy prod-drill-20261201-0300",
            "check prod-drill-20261201-0300",
            "destroy prod-drill-20261201-0300",
        ]);
        assert.strictEqual(report.rpoMinutes, 5, "the restore point's age at the drill's start");
        assert.strictEqual(report.rtoMinutes, 29, "from the throwaway stack's first operation until it answered");
        assert.strictEqual(report.verdict, "passed");
        assert.strictEqual(report.destroyed, true);
        assert.strictEqual(exitCodeOf(report.verdict), EXIT.ok);
    });

    for (const failing of ["createThrowaway", "deploy", "check"] as const) {
        it(`destroys the throwaway stack when ${failing} fails, and fails with exit 1`, async () => {
            const { calls, steps, plan } = harness({
                [failing]: async () => {
                    throw new Error(`${failing} broke`);
                },
            });
            const report = await runDrill(plan, steps);
            assert.strictEqual(calls[calls.length - 1], "destroy prod-drill-20261201-0300");
            assert.deepStrictEqual(report.failures, [`${failing} broke`]);
            assert.strictEqual(report.verdict, "failed");
            assert.strictEqual(report.rtoMinutes, null);
            assert.strictEqual(exitCodeOf(report.verdict), EXIT.failed);
        });
    }

    it("misses the target (exit 7) when the restore took longer than the RTO, or the backup was older than the RPO", async () => {
        const late = harness({}, 300);
        const slow = await runDrill(late.plan, late.steps);
        assert.strictEqual(slow.verdict, "target-missed");
        assert.strictEqual(exitCodeOf(slow.verdict), EXIT.targetMissed);
        const stale = harness({
            restorePoint: async (s) => ({ source: s.source, time: "2026-12-01T01:00:00Z", reported: true, how: "RDS" }),
        });
        const report = await runDrill(stale.plan, stale.steps);
        assert.strictEqual(report.rpoMinutes, 120);
        assert.strictEqual(report.verdict, "target-missed");
    });

    it("fails, says the throwaway stack is left and how to remove it, when the destroy fails", async () => {
        const { steps, plan } = harness({
            destroy: async () => {
                throw new Error("DependencyViolation");
            },
        });
        const report = await runDrill(plan, steps);
        assert.strictEqual(report.verdict, "failed");
        assert.strictEqual(report.destroyed, false);
        assert.match(report.failures[0], /^Destroying prod-drill-20261201-0300 failed: DependencyViolation/);
        assert.match(
            renderDrillMarkdown(report),
            /\*\*NOT destroyed\*\*[\s\S]*pulumi destroy --stack prod-drill-20261201-0300/,
        );
    });

    it("creates nothing and destroys nothing when a prerequisite is missing before the restore (exit 2 is thrown)", async () => {
        const { calls, steps, plan } = harness({
            restorePoint: async () => {
                throw new ExitError(EXIT.usage, "no aws CLI");
            },
        });
        await assert.rejects(runDrill(plan, steps), (err: ExitError) => err.code === EXIT.usage);
        assert.ok(!calls.some((c) => c.startsWith("create") || c.startsWith("destroy")));
    });

    it("does not judge the RPO where the cloud reports no restorable time (Azure)", async () => {
        const { steps, plan } = harness({
            restorePoint: async (s) => ({
                source: s.source,
                time: "2026-12-01T03:00:00Z",
                reported: false,
                how: "start",
            }),
        });
        const report = await runDrill(plan, steps);
        assert.strictEqual(report.rpoMinutes, null);
        assert.strictEqual(report.verdict, "passed");
        assert.match(renderDrillMarkdown(report), /RPO \(backup age\) \| not measured \(target 60 min\)/);
    });

    it("writes the report as JSON and Markdown named after the throwaway stack", async () => {
        const { steps, plan } = harness();
        const report = await runDrill(plan, steps);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-report-"));
        try {
            const files = writeDrillReport(dir, report);
            assert.strictEqual(path.basename(files.json), "prod-drill-20261201-0300.json");
            assert.deepStrictEqual(JSON.parse(fs.readFileSync(files.json, "utf8")), report);
            const md = fs.readFileSync(files.markdown, "utf8");
            assert.match(md, /^# Restore drill of prod: passed$/m);
            assert.match(md, /\| RTO \(until it answered\) \| 29 min \(target 240 min\) \|/);
            assert.match(md, /\| Query \| tables=12 \|/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    // The seed requirements: RPO < 1 h / 15 min; RTO < 4 h / 15 min for critical services.
    it("holds every environment to the seeds' targets: RPO 60 / RTO 240 min, critical 15 / 15", () => {
        for (const environment of ["dev", "staging", "prod"] as const) {
            assert.deepStrictEqual(recoveryTarget(environment, "standard"), { rpoMinutes: 60, rtoMinutes: 240 });
            assert.deepStrictEqual(recoveryTarget(environment, "critical"), { rpoMinutes: 15, rtoMinutes: 15 });
        }
        assert.match(RECOVERY_TARGETS.reviewed, /^\d{4}-\d{2}-\d{2}$/);
    });
});
