/**
 * `npm run deploy -- <preview|up|destroy|refresh|outputs> --stack <stack> [--yes] [--parallel N]`
 *
 * Drives this repository's Pulumi program through the Automation API (a LocalWorkspace on the repository
 * root): the backend from PULUMI_BACKEND_URL or the local `.pulumi-state/`, the secrets provider from the
 * stack file, PLATFORM_SECRETS_PROVIDER or the passphrase variables, and the policy pack with the stack's
 * policy config on every preview and up. `preview` and `up` refuse a stack file that still holds
 * documentation placeholders (scripts/lib/placeholders.ts) before anything runs, and `up` always previews
 * with the policy pack first and changes nothing unless that preview passes. Progress streams from the
 * engine's events; the run ends with a summary and the stack outputs, secrets masked. Exit codes: see
 * scripts/lib/exit-codes.ts and docs/deploying.md.
 */
import * as path from "path";
import { ROOT, stackNames } from "../check/stack";
import {
    DEPLOY_OPTIONS,
    DEPLOY_USAGE,
    DeployArgs,
    forgottenDashDashHint,
    helpRequested,
    parseDeployArgs,
} from "./lib/args";
import {
    Backend,
    PulumiCli,
    SecretsChoice,
    StackFile,
    ensureLocalBackend,
    isProduction,
    readStackFile,
    recordedSecretsNote,
    requireDurableBackend,
    requirePulumiCli,
    requireServiceLogin,
    resolveBackend,
    resolveSecrets,
} from "./lib/environment";
import { EXIT, ExitError } from "./lib/exit-codes";
import { explainFailure } from "./lib/failures";
import { DeployIo, Session, finish, hasChanges, operate } from "./lib/operate";
import { findPlaceholders, refusePlaceholders, stackFileConfig } from "./lib/placeholders";
import { PolicyPack, requirePolicyPack } from "./lib/policy";
import { countsAsResource, formatOutputs } from "./lib/progress";
import { Display, Interrupts, confirmByTyping } from "./lib/terminal";
import { OpenStack, maskedOutputs, openStack, stateResources } from "./lib/workspace";

export type { DeployIo } from "./lib/operate";

export function processIo(): DeployIo {
    return {
        env: process.env,
        root: ROOT,
        stdout: process.stdout,
        stderr: process.stderr,
        interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
        confirm: (question, expected) => confirmByTyping(question, expected),
    };
}

/** Expected resources for a preview/up: the offline graph of the same configuration (no CLI, no cloud). */
async function estimateResources(stack: string, root: string): Promise<number | undefined> {
    try {
        const { loadStackConfig } = await import("../check/stack");
        const { runProgram } = await import("../check/runtime");
        const { project, config } = loadStackConfig(stack, [], root);
        const run = await runProgram({ project, stack, config });
        return run.resources.filter((r) => countsAsResource(r.type)).length;
    } catch {
        // Secret config values or a program error: the engine will report the latter; run without a total.
        return undefined;
    }
}

/** Everything decided before the CLI runs. */
interface Prepared {
    readonly args: DeployArgs;
    readonly file: StackFile;
    readonly needsConfirmation: boolean;
    readonly cli: PulumiCli;
    readonly pack?: PolicyPack;
    readonly backend: Backend;
    readonly secrets: SecretsChoice;
}

/** A prod `up`/`destroy` without --yes: asked at a terminal, refused without one (exit 3). */
function confirmationNeeded(args: DeployArgs, file: StackFile, io: DeployIo): boolean {
    const needed = isProduction(args.stack, file) && (args.command === "up" || args.command === "destroy") && !args.yes;
    if (needed && !io.interactive) {
        throw new ExitError(
            EXIT.refused,
            `Refusing to ${args.command} stack ${args.stack} without confirmation. There is no terminal to ` +
                `confirm on, so pass --yes (in CI, the approval of the protected prod environment is the ` +
                `confirmation): npm run deploy -- ${args.command} --stack ${args.stack} --yes`,
        );
    }
    return needed;
}

/**
 * The commands that run the program with the stack's configuration (preview, up) refuse documentation
 * placeholders first (exit 2): nothing has run yet, so nothing can have changed.
 */
function refuseDocumentationValues(args: DeployArgs, root: string): void {
    if (args.command !== "preview" && args.command !== "up") return;
    const found = findPlaceholders(stackFileConfig(args.stack, root));
    if (found.length > 0) throw refusePlaceholders(args.command, args.stack, found);
}

/** Arguments, the stack file and every prerequisite, in order; throws an ExitError for the first missing. */
function prepare(argv: readonly string[], io: DeployIo): Prepared {
    const args = parseDeployArgs(argv, stackNames(io.root));
    const file = readStackFile(args.stack, io.root);
    const needsConfirmation = confirmationNeeded(args, file, io);
    refuseDocumentationValues(args, io.root);
    const cli = requirePulumiCli(io.env);
    const pack =
        args.command === "preview" || args.command === "up" ? requirePolicyPack(io.root, args.stack) : undefined;
    const backend = resolveBackend(io.env, io.root);
    requireDurableBackend(io.env, args.command !== "preview" && args.command !== "outputs");
    requireServiceLogin(backend, io.env);
    const secrets = resolveSecrets(args.stack, file, backend, io.env);
    return { args, file, needsConfirmation, cli, pack, backend, secrets };
}

function printHeader(display: Display, p: Prepared): void {
    display.line(`${p.args.command} stack ${p.args.stack} (cloud ${p.file.cloud ?? "aws"})`);
    display.line(`  backend:  ${p.backend.source}`);
    display.line(`  secrets:  ${p.secrets.source}`);
    if (p.pack) display.line(`  policy:   policies/ with ${path.relative(path.dirname(p.pack.dir), p.pack.config)}`);
    if (p.args.parallel) display.line(`  parallel: ${p.args.parallel}`);
    for (const note of p.secrets.notes) display.line(`  note:     ${note}`);
}

async function printOutputs(session: Session, open: OpenStack): Promise<void> {
    for (const line of formatOutputs(await maskedOutputs(open, session.io.root))) {
        session.display.line(line);
    }
}

/** Tells the user to commit secrets settings the CLI has just written into the stack file. */
function noteRecordedSecrets(session: Session, before: StackFile): void {
    const { io, args, display } = session;
    const note = recordedSecretsNote(args.stack, before, readStackFile(args.stack, io.root), io.env);
    const annotation = note.filter((line) => line.startsWith("::"));
    const [text, ...lines] = note.filter((line) => !line.startsWith("::"));
    for (const line of annotation) display.line(line);
    if (text) display.line(`  note:     ${text}`);
    for (const line of lines) display.line(`              ${line}`);
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

async function runDestroy(session: Session, open: OpenStack): Promise<number> {
    const { args, display, io } = session;
    const { stack } = args;
    const resources = (await stateResources(open, io.root)).filter((r) => countsAsResource(r.type));
    if (resources.length === 0) {
        display.line(`Stack ${stack} has no resources; there is nothing to destroy.`);
        return EXIT.ok;
    }
    const protectedResources = resources.filter((r) => r.protect);
    if (protectedResources.length > 0) throw refuseProtected(stack, protectedResources);
    if (session.needsConfirmation) {
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

async function runRefresh(session: Session, open: OpenStack): Promise<number> {
    const total = (await stateResources(open, session.io.root)).filter((r) => countsAsResource(r.type)).length;
    finish(session, await operate(session, open, "refresh", total));
    session.display.line("");
    await printOutputs(session, open);
    return EXIT.ok;
}

/**
 * The gate in front of every `up`: a preview with the policy pack, in the same command. The Automation
 * API's `up()` runs `pulumi up --yes --skip-preview` (node_modules/@pulumi/pulumi/automation/stack.js), so
 * without this the engine would apply each step as it goes and stack policies, which run only after every
 * step (https://www.pulumi.com/docs/iac/using-pulumi/crossguard/core-concepts/), could fail the update
 * only once the cloud had been changed. Any failure here ends the command before the up starts.
 */
async function gateUp(session: Session, open: OpenStack, expected?: number) {
    const { display, args } = session;
    display.line(`Previewing the changes to ${args.stack} with the policy pack; the up starts only if it passes:`);
    let preview;
    try {
        preview = await operate(session, open, "preview", expected);
    } catch (err) {
        if (!(err instanceof ExitError)) throw err;
        const said = /nothing was changed/.test(err.message);
        throw new ExitError(err.code, `${err.message} The up did not start${said ? "" : ", so nothing was changed"}.`);
    }
    finish(session, preview);
    if (session.interrupts.interrupted) {
        throw new ExitError(EXIT.cancelled, `Cancelled before the up started; nothing was changed.`);
    }
    return preview;
}

/**
 * `up`: the gate preview, the confirmation (prod at a terminal), then the up itself. Not an update plan
 * (`preview({ plan })` / `up({ plan })`): plans are an experimental CLI feature behind PULUMI_EXPERIMENTAL
 * that fail an up whose resources are created inside an apply of unknown values
 * (https://www.pulumi.com/docs/iac/concepts/update-plans/). So the up re-runs the program and may differ
 * from the preview if the cloud changes in between; resource policies still run before each of its steps.
 */
async function runUp(session: Session, open: OpenStack, expected?: number): Promise<number> {
    const { args, display, io } = session;
    const preview = await gateUp(session, open, expected);
    if (session.needsConfirmation) {
        if (!hasChanges(preview.changes)) {
            display.line(`No changes to apply to ${args.stack}.`);
            return EXIT.ok;
        }
        const ok = await io.confirm(
            `Apply these changes to ${args.stack}? Type the stack name to confirm: `,
            args.stack,
        );
        if (!ok) throw new ExitError(EXIT.refused, `Not confirmed; nothing was changed.`);
    }
    display.line("");
    finish(session, await operate(session, open, "up", expected));
    display.line("");
    await printOutputs(session, open);
    return EXIT.ok;
}

async function run(session: Session, file: StackFile): Promise<number> {
    const { args, display, io } = session;
    const changes = args.command === "preview" || args.command === "up";
    // The expected total runs the program offline (a few seconds); overlap it with selecting the stack.
    const expectedTotal = changes
        ? (io.estimateResources ?? ((stack: string) => estimateResources(stack, io.root)))(args.stack)
        : undefined;
    const open = await openStack(session.target, changes);
    const version = open.command.version ? `v${open.command.version.version}` : "unknown version";
    display.line(`  pulumi:   ${version} (${session.target.cli.path})`);
    noteRecordedSecrets(session, file);
    display.line("");

    if (args.command === "outputs") {
        await printOutputs(session, open);
        return EXIT.ok;
    }
    if (args.command === "destroy") return runDestroy(session, open);
    if (args.command === "refresh") return runRefresh(session, open);
    if (args.command === "preview") {
        finish(session, await operate(session, open, "preview", await expectedTotal));
        return EXIT.ok;
    }
    return runUp(session, open, await expectedTotal);
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
    if (helpRequested(argv)) {
        io.stdout.write(`${DEPLOY_USAGE}\n`);
        return EXIT.ok;
    }
    interrupts.install();
    try {
        const prepared = prepare(argv, io);
        printHeader(display, prepared);
        ensureLocalBackend(prepared.backend);
        const { args, cli, backend, secrets, pack, needsConfirmation } = prepared;
        const target = { root: io.root, env: io.env, stack: args.stack, cli, backend, secrets };
        session = { io, args, display, interrupts, target, pack, needsConfirmation };
        return await run(session, prepared.file);
    } catch (err) {
        if (err instanceof ExitError) {
            const hint = session ? undefined : forgottenDashDashHint("deploy", DEPLOY_OPTIONS, io.env);
            fail(hint && err.code === EXIT.usage ? `${err.message}\n\n${hint}` : err.message);
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

/** The command as a process: `main` with this process's streams (and `root`, for tests), then exit. */
export function runProcess(argv: readonly string[], root?: string): void {
    const io = root === undefined ? processIo() : { ...processIo(), root };
    main(argv, io).then(exitAfterFlush, (err: unknown) => {
        process.stderr.write(`deploy failed: ${err instanceof Error ? err.message : String(err)}\n`);
        exitAfterFlush(EXIT.failed);
    });
}

if (require.main === module) runProcess(process.argv.slice(2));
