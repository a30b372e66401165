/**
 * `npm run deploy -- <preview|up|destroy|refresh|outputs> --stack <stack> [--yes] [--parallel N]`
 *
 * Drives this repository's Pulumi program through the Automation API (a LocalWorkspace on the repository
 * root): the backend from PULUMI_BACKEND_URL or the local `.pulumi-state/`, the secrets provider from the
 * stack file, PLATFORM_SECRETS_PROVIDER or the passphrase variables, and the policy pack with the stack's
 * policy config on every preview and up. Progress streams from the engine's events; the run ends with a
 * summary and the stack outputs, secrets masked. Exit codes: see scripts/lib/exit-codes.ts and the README.
 */
import type { DestroyOptions, OpMap, PreviewOptions, RefreshOptions, UpOptions } from "@pulumi/pulumi/automation";
import { ROOT, stackNames } from "../check/stack";
import { Command, DeployArgs, parseDeployArgs } from "./lib/args";
import {
    Env,
    ensureLocalBackend,
    isProduction,
    readStackFile,
    requireDurableBackend,
    requirePulumiCli,
    requireServiceLogin,
    resolveBackend,
    resolveSecrets,
} from "./lib/environment";
import { EXIT, ExitError } from "./lib/exit-codes";
import { explainFailure } from "./lib/failures";
import { PolicyPack, requirePolicyPack } from "./lib/policy";
import { Progress, countsAsResource, formatOutputs, formatSummary } from "./lib/progress";
import { Display, Interrupts, OutputStream, confirmByTyping } from "./lib/terminal";
import { OpenStack, StackTarget, maskedOutputs, openStack, stateResources } from "./lib/workspace";

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

function processIo(): DeployIo {
    return {
        env: process.env,
        root: ROOT,
        stdout: process.stdout,
        stderr: process.stderr,
        interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
        confirm: (question, expected) => confirmByTyping(question, expected),
    };
}

const STATUS_EVERY_MS = { tty: 1000, log: 30000 };

/** Expected resources for a preview/up: the offline graph of the same configuration (no CLI, no cloud). */
async function estimateResources(stack: string): Promise<number | undefined> {
    try {
        const { loadStackConfig } = await import("../check/stack");
        const { runProgram } = await import("../check/runtime");
        const { project, config } = loadStackConfig(stack);
        const run = await runProgram({ project, stack, config });
        return run.resources.filter((r) => countsAsResource(r.type)).length;
    } catch {
        // Secret config values or a program error: the engine will report the latter; run without a total.
        return undefined;
    }
}

function hasChanges(changes: OpMap): boolean {
    return Object.entries(changes).some(([op, count]) => op !== "same" && (count ?? 0) > 0);
}

interface Session {
    readonly io: DeployIo;
    readonly args: DeployArgs;
    readonly display: Display;
    readonly interrupts: Interrupts;
    readonly target: StackTarget;
    readonly pack?: PolicyPack;
    progress?: Progress;
}

interface OperationResult {
    readonly command: Command;
    readonly progress: Progress;
    readonly changes: OpMap;
}

/** Runs one engine operation with live progress; throws an ExitError explaining any failure. */
async function operate(session: Session, open: OpenStack, command: Command, expectedTotal?: number) {
    const { display, interrupts, args, pack } = session;
    const progress = new Progress({ command, expectedTotal, write: (line) => display.line(line) });
    session.progress = progress;
    let stderr = "";
    const common = {
        parallel: args.parallel,
        color: "never" as const,
        onEvent: progress.onEvent.bind(progress),
        onError: (chunk: string) => {
            if (stderr.length < 200_000) stderr += chunk;
        },
        signal: interrupts.controller.signal,
    };
    const policy = pack ? { policyPacks: [pack.dir], policyPackConfigs: [pack.config] } : {};
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
        let changes: OpMap = {};
        if (command === "preview") {
            changes = (await open.stack.preview({ ...common, ...policy } satisfies PreviewOptions)).changeSummary;
        } else if (command === "up") {
            const result = await open.stack.up({ ...common, ...policy } satisfies UpOptions);
            changes = result.summary?.resourceChanges ?? {};
        } else if (command === "refresh") {
            const result = await open.stack.refresh(common satisfies RefreshOptions);
            changes = result.summary?.resourceChanges ?? {};
        } else if (command === "destroy") {
            const result = await open.stack.destroy(common satisfies DestroyOptions);
            changes = result.summary?.resourceChanges ?? {};
        }
        if (interrupts.interrupted) {
            // The engine finished before it saw the cancellation; report what happened, not a cancel.
            display.line("The operation completed before the cancellation took effect.");
        }
        return { command, progress, changes: progress.summary?.resourceChanges ?? changes } satisfies OperationResult;
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
            stderr,
        });
        throw new ExitError(failure.code, failure.message);
    } finally {
        interrupts.setRunning(false);
        clearInterval(timer);
        display.clearStatus();
    }
}

function finish(session: Session, result: OperationResult): void {
    const { display } = session;
    const seconds = (Date.now() - result.progress.started) / 1000;
    display.line("");
    display.line(formatSummary(result.command, result.changes, result.progress.summary?.durationSeconds ?? seconds));
    const findings = result.progress.policyEvents;
    if (session.pack) {
        const advisory = findings.filter((p) => p.enforcementLevel !== "mandatory").length;
        display.line(
            `Policy: ${findings.length - advisory} mandatory, ${advisory} advisory finding${advisory === 1 ? "" : "s"}.`,
        );
    }
}

async function printOutputs(session: Session, open: OpenStack): Promise<void> {
    for (const line of formatOutputs(await maskedOutputs(open, session.io.root))) {
        session.display.line(line);
    }
}

function refuseProtected(stack: string, resources: { urn: string; type: string }[]): ExitError {
    const shown = resources
        .slice(0, 12)
        .map((r) => `  - ${r.type}  ${r.urn.split("::").pop()}`)
        .join("\n");
    const more = resources.length > 12 ? `\n  ... and ${resources.length - 12} more` : "";
    return new ExitError(
        EXIT.refused,
        `Refusing to destroy stack ${stack}: ${resources.length} resource${resources.length === 1 ? " is" : "s are"} ` +
            `protected. These hold the stack's data:\n${shown}${more}\n\n` +
            `To destroy the stack on purpose, first lift the protection through review: set ` +
            `platform:deletionProtection to false in Pulumi.${stack}.yaml, merge that change, and run ` +
            `\`npm run deploy -- up --stack ${stack}\`. That removes Pulumi's protect and retainOnDelete and the ` +
            `clouds' own deletion protection, so destroy then deletes the data for real: take a final backup ` +
            `first. Then run destroy again. To remove everything except the protected resources instead, run ` +
            `\`pulumi destroy --exclude-protected --stack ${stack}\`.`,
    );
}

async function run(session: Session, needsConfirmation: boolean): Promise<number> {
    const { args, display, io } = session;
    const { command, stack } = args;
    const changes = command === "preview" || command === "up";
    // The expected total runs the program offline (a few seconds); overlap it with selecting the stack.
    const expectedTotal = changes ? (io.estimateResources ?? estimateResources)(stack) : undefined;
    const open = await openStack(session.target, changes);
    const version = open.command.version ? `v${open.command.version.version}` : "unknown version";
    display.line(`  pulumi:   ${version} (${session.target.cli.path})`);
    display.line("");

    if (command === "outputs") {
        await printOutputs(session, open);
        return EXIT.ok;
    }

    if (command === "destroy") {
        const resources = (await stateResources(open, io.root)).filter((r) => countsAsResource(r.type));
        if (resources.length === 0) {
            display.line(`Stack ${stack} has no resources; there is nothing to destroy.`);
            return EXIT.ok;
        }
        const protectedResources = resources.filter((r) => r.protect);
        if (protectedResources.length > 0) throw refuseProtected(stack, protectedResources);
        if (needsConfirmation) {
            const ok = await io.confirm(
                `This deletes all ${resources.length} resources of stack ${stack}. Type the stack name to confirm: `,
                stack,
            );
            if (!ok) throw new ExitError(EXIT.refused, `Not confirmed; nothing was destroyed.`);
        }
        finish(session, await operate(session, open, "destroy", resources.length));
        display.line(
            `Stack ${stack} has no resources now; its configuration and history are kept ` +
                `(\`pulumi stack rm ${stack}\` removes them).`,
        );
        return EXIT.ok;
    }

    if (command === "refresh") {
        const total = (await stateResources(open, io.root)).filter((r) => countsAsResource(r.type)).length;
        finish(session, await operate(session, open, "refresh", total));
        display.line("");
        await printOutputs(session, open);
        return EXIT.ok;
    }

    const expected = await expectedTotal;
    if (command === "preview") {
        finish(session, await operate(session, open, "preview", expected));
        return EXIT.ok;
    }

    // up
    if (needsConfirmation) {
        display.line(`Previewing the changes to ${stack} first:`);
        const preview = await operate(session, open, "preview", expected);
        finish(session, preview);
        if (session.interrupts.interrupted) {
            throw new ExitError(EXIT.cancelled, `Cancelled before the up started; nothing was changed.`);
        }
        if (!hasChanges(preview.changes)) {
            display.line(`No changes to apply to ${stack}.`);
            return EXIT.ok;
        }
        const ok = await io.confirm(`Apply these changes to ${stack}? Type the stack name to confirm: `, stack);
        if (!ok) throw new ExitError(EXIT.refused, `Not confirmed; nothing was changed.`);
        display.line("");
    }
    finish(session, await operate(session, open, "up", expected));
    display.line("");
    await printOutputs(session, open);
    return EXIT.ok;
}

/** Runs the deploy command; resolves to the exit code. */
export async function main(argv: readonly string[], io: DeployIo = processIo()): Promise<number> {
    const display = new Display(io.stdout);
    const fail = (message: string) => {
        display.clearStatus();
        io.stderr.write(`${message}\n`);
    };
    let session: Session | undefined;
    const interrupts = new Interrupts(
        (line) => display.line(line),
        () => session?.progress?.interruptAcknowledged ?? false,
    );
    interrupts.install();
    try {
        const args = parseDeployArgs(argv, stackNames(io.root));
        const file = readStackFile(args.stack, io.root);
        const needsConfirmation =
            isProduction(args.stack, file) && (args.command === "up" || args.command === "destroy") && !args.yes;
        if (needsConfirmation && !io.interactive) {
            throw new ExitError(
                EXIT.refused,
                `Refusing to ${args.command} stack ${args.stack} without confirmation. There is no terminal to ` +
                    `confirm on, so pass --yes (in CI, the approval of the protected prod environment is the ` +
                    `confirmation): npm run deploy -- ${args.command} --stack ${args.stack} --yes`,
            );
        }
        const cli = requirePulumiCli(io.env);
        const pack =
            args.command === "preview" || args.command === "up" ? requirePolicyPack(io.root, args.stack) : undefined;
        const backend = resolveBackend(io.env, io.root);
        requireDurableBackend(io.env, args.command !== "preview" && args.command !== "outputs");
        requireServiceLogin(backend, io.env);
        const secrets = resolveSecrets(args.stack, file, backend, io.env);

        display.line(`${args.command} stack ${args.stack} (cloud ${file.cloud ?? "aws"})`);
        display.line(`  backend:  ${backend.source}`);
        display.line(`  secrets:  ${secrets.source}`);
        if (pack) display.line(`  policy:   policies/ with policies/config/${args.stack}.json`);
        if (args.parallel) display.line(`  parallel: ${args.parallel}`);
        for (const note of secrets.notes) display.line(`  note:     ${note}`);
        ensureLocalBackend(backend);

        const target = { root: io.root, env: io.env, stack: args.stack, cli, backend, secrets };
        session = { io, args, display, interrupts, target, pack };
        return await run(session, needsConfirmation);
    } catch (err) {
        if (err instanceof ExitError) {
            fail(err.message);
            return err.code;
        }
        if (session) {
            // A CLI call outside an operation failed (stack selection, outputs, export): explain it the same way.
            const failure = explainFailure(err, {
                command: session.args.command,
                stack: session.args.stack,
                backend: session.target.backend.url,
                interrupted: false,
                terminated: false,
                mandatory: [],
                errors: [],
                stderr: "",
            });
            fail(failure.message);
            return failure.code;
        }
        fail(`deploy failed: ${err instanceof Error ? err.message : String(err)}`);
        return EXIT.failed;
    } finally {
        interrupts.uninstall();
    }
}

/** Exits once stdout and stderr have been flushed (a plain process.exit can cut off piped output). */
function exitAfterFlush(code: number): void {
    process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

if (require.main === module) {
    main(process.argv.slice(2)).then(exitAfterFlush, (err: unknown) => {
        process.stderr.write(`deploy failed: ${err instanceof Error ? err.message : String(err)}\n`);
        exitAfterFlush(EXIT.failed);
    });
}
