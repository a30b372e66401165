/**
 * The drill's plan, independent of how each step talks to the cloud (scripts/lib/drill/automation.ts does it
 * through the Automation API; tests pass mocks): read the source, find the restore point, create the
 * throwaway stack with the restore, deploy it, check it, and destroy it whatever happened after it was begun.
 */
import { ExitError } from "../exit-codes";
import { DrillReport, minutesBetween, verdictOf } from "./report";
import { rfc3339, type RestorePoint } from "./restore-point";
import type { CheckResult } from "./check-job";
import type { RecoveryTarget, Tier } from "./targets";

/** What the drill reads from the source stack. */
export interface SourceDatabase {
    readonly cloud: string;
    /** platform:awsRegion or platform:azureLocation. */
    readonly region: string;
    readonly environment: string;
    /** RDS identifier / flexible server resource id. */
    readonly source: string;
}

export interface DrillSteps {
    sourceDatabase(): Promise<SourceDatabase>;
    restorePoint(source: SourceDatabase): Promise<RestorePoint>;
    target(source: SourceDatabase): RecoveryTarget;
    /** Creates the throwaway stack and sets its configuration (the restore included). */
    createThrowaway(name: string, point: RestorePoint): Promise<void>;
    /** Previews it with the policy pack and ups it. */
    deploy(name: string): Promise<void>;
    /** Waits until the restored database answers a query. */
    check(name: string): Promise<CheckResult>;
    /** Destroys the throwaway stack and removes it. */
    destroy(name: string): Promise<void>;
}

export interface DrillPlan {
    readonly stack: string;
    readonly drillStack: string;
    readonly tier: Tier;
    /** When the drill started (its throwaway stack is named after it); RPO is measured at this instant. */
    readonly startedAt: Date;
    readonly now: () => Date;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Runs the drill; usage errors before anything was created are thrown, everything else is in the report. */
export async function runDrill(plan: DrillPlan, steps: DrillSteps): Promise<DrillReport> {
    const { startedAt } = plan;
    const failures: string[] = [];
    const measured: { point?: RestorePoint; target?: RecoveryTarget; cloud?: string } = {};
    let begun = false;
    let destroyed = false;
    let restoreStartedAt: Date | undefined;
    let check: CheckResult | undefined;
    try {
        const source = await steps.sourceDatabase();
        measured.cloud = source.cloud;
        measured.target = steps.target(source);
        measured.point = await steps.restorePoint(source);
        begun = true;
        restoreStartedAt = plan.now();
        await steps.createThrowaway(plan.drillStack, measured.point);
        await steps.deploy(plan.drillStack);
        check = await steps.check(plan.drillStack);
    } catch (err) {
        if (!begun && err instanceof ExitError) throw err;
        failures.push(messageOf(err));
    } finally {
        if (begun) {
            try {
                await steps.destroy(plan.drillStack);
                destroyed = true;
            } catch (err) {
                failures.push(`Destroying ${plan.drillStack} failed: ${messageOf(err)}`);
            }
        }
    }
    const point = measured.point;
    const report = {
        stack: plan.stack,
        drillStack: plan.drillStack,
        cloud: measured.cloud ?? "unknown",
        tier: plan.tier,
        target: measured.target ?? { rpoMinutes: 0, rtoMinutes: 0 },
        startedAt: rfc3339(startedAt),
        finishedAt: rfc3339(plan.now()),
        ...(point ? { restorePoint: point } : {}),
        rpoMinutes: point?.reported ? minutesBetween(new Date(point.time), startedAt) : null,
        rtoMinutes: check && restoreStartedAt ? minutesBetween(restoreStartedAt, check.readyAt) : null,
        ...(check ? { check: check.answer } : {}),
        failures,
        destroyed,
    };
    return { ...report, verdict: verdictOf(report) };
}
