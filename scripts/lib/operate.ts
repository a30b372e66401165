/**
 * One engine operation (preview, up, refresh, destroy) of the deploy command, with live progress, and the
 * closing summary. A failure becomes an {@link ExitError} whose message says what happened, including
 * whether anything was changed (scripts/lib/failures.ts).
 */
import type { DestroyOptions, OpMap, PreviewOptions, RefreshOptions, UpOptions } from "@pulumi/pulumi/automation";
import type { Command, DeployArgs } from "./args";
import type { Env } from "./environment";
import { ExitError } from "./exit-codes";
import { explainFailure } from "./failures";
import type { PolicyPack } from "./policy";
import { Progress, formatSummary } from "./progress";
import type { Display, Interrupts, OutputStream } from "./terminal";
import type { OpenStack, StackTarget } from "./workspace";

export interface DeployIo {
    readonly env: Env;
    /** The repository root: Pulumi.yaml, the stack files, policies/. */
    readonly root: string;
    readonly stdout: OutputStream;
    readonly stderr: OutputStream;
    /** stdin and stdout are terminals, so a prod `up`/`destroy` can be confirmed by typing. */
    readonly interactive: boolean;
    /** Asks a question; true only when the answer is exactly `expected`. */
    readonly confirm: (question: string, expected: string) => Promise<boolean>;
    /** Expected resources of a preview/up, for progress. @default the offline graph's count */
    readonly estimateResources?: (stack: string) => Promise<number | undefined>;
}

export interface Session {
    readonly io: DeployIo;
    readonly args: DeployArgs;
    readonly display: Display;
    readonly interrupts: Interrupts;
    readonly target: StackTarget;
    readonly pack?: PolicyPack;
    /** A prod `up`/`destroy` at a terminal without --yes: ask before changing anything. */
    readonly needsConfirmation: boolean;
    progress?: Progress;
}

export interface OperationResult {
    readonly command: Command;
    readonly progress: Progress;
    readonly changes: OpMap;
}

const STATUS_EVERY_MS = { tty: 1000, log: 30000 };

export function hasChanges(changes: OpMap): boolean {
    return Object.entries(changes).some(([op, count]) => op !== "same" && (count ?? 0) > 0);
}

/** Calls the Automation API for one command; resolves to the engine's change counts. */
type CommonOptions = Pick<UpOptions, "parallel" | "color" | "onEvent" | "onError" | "signal">;

async function callEngine(open: OpenStack, command: Command, common: CommonOptions, pack?: PolicyPack): Promise<OpMap> {
    // The policy pack runs on every preview and up. (`up()` runs `pulumi up --yes --skip-preview`, so the
    // deploy command previews with the same pack first: see runUp in scripts/deploy.ts.)
    const policy =
        pack && (command === "preview" || command === "up")
            ? { policyPacks: [pack.dir], policyPackConfigs: [pack.config] }
            : {};
    if (command === "preview") {
        return (await open.stack.preview({ ...common, ...policy } satisfies PreviewOptions)).changeSummary;
    }
    if (command === "up") {
        return (await open.stack.up({ ...common, ...policy } satisfies UpOptions)).summary?.resourceChanges ?? {};
    }
    if (command === "refresh") {
        return (await open.stack.refresh(common satisfies RefreshOptions)).summary?.resourceChanges ?? {};
    }
    if (command === "destroy") {
        return (await open.stack.destroy(common satisfies DestroyOptions)).summary?.resourceChanges ?? {};
    }
    return {};
}

/** Runs one engine operation with live progress; throws an ExitError explaining any failure. */
export async function operate(
    session: Session,
    open: OpenStack,
    command: Command,
    expectedTotal?: number,
): Promise<OperationResult> {
    const { display, interrupts, args, pack } = session;
    const progress = new Progress({ command, expectedTotal, write: (line) => display.line(line) });
    session.progress = progress;
    let stderr = "";
    const common: CommonOptions = {
        parallel: args.parallel,
        color: "never" as const,
        onEvent: progress.onEvent.bind(progress),
        onError: (chunk: string) => {
            if (stderr.length < 200_000) stderr += chunk;
        },
        signal: interrupts.controller.signal,
    };
    const timer = setInterval(
        () => {
            const status = progress.status();
            if (display.tty) display.status(status);
            else if (status) display.line(status);
        },
        display.tty ? STATUS_EVERY_MS.tty : STATUS_EVERY_MS.log,
    );
    interrupts.setRunning(true);
    try {
        const changes = await callEngine(open, command, common, pack);
        if (interrupts.interrupted) {
            // The engine finished before it saw the cancellation; report what happened, not a cancel.
            display.line("The operation completed before the cancellation took effect.");
        }
        return { command, progress, changes: progress.summary?.resourceChanges ?? changes };
    } catch (err) {
        display.clearStatus();
        if (progress.summary) {
            // What the engine did before it stopped.
            display.line("");
            display.line(progress.summaryLine());
        }
        const failure = explainFailure(err, {
            command,
            stack: args.stack,
            backend: session.target.backend.url,
            interrupted: interrupts.interrupted,
            terminated: interrupts.terminated,
            mandatory: progress.mandatoryViolations,
            errors: progress.errors,
            changed: progress.changed,
            stderr,
        });
        throw new ExitError(failure.code, failure.message);
    } finally {
        interrupts.setRunning(false);
        clearInterval(timer);
        display.clearStatus();
    }
}

/** The closing summary of an operation, and the policy findings of a preview or up. */
export function finish(session: Session, result: OperationResult): void {
    const { display } = session;
    const seconds = (Date.now() - result.progress.started) / 1000;
    display.line("");
    display.line(formatSummary(result.command, result.changes, result.progress.summary?.durationSeconds ?? seconds));
    const findings = result.progress.policyEvents;
    if (session.pack && (result.command === "preview" || result.command === "up")) {
        const advisory = findings.filter((p) => p.enforcementLevel !== "mandatory").length;
        display.line(
            `Policy: ${findings.length - advisory} mandatory, ${advisory} advisory finding${advisory === 1 ? "" : "s"}.`,
        );
    }
}
