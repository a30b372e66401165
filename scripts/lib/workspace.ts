/**
 * Opens a stack of this repository through the Automation API: a LocalWorkspace on the repository root,
 * the chosen CLI, backend and secrets provider. The Automation API module is loaded only here, lazily, so
 * argument and prerequisite errors are reported before it (and its gRPC stack) is loaded.
 */
import type { LocalWorkspaceOptions, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { execFile } from "child_process";
import { type Backend, FALLBACK_TO_STATE_VAR, type PulumiCli, type SecretsChoice } from "./environment";

export interface StackTarget {
    /** The repository root (Pulumi.yaml). */
    readonly root: string;
    /** The environment the CLI runs with (this process's, in normal use). */
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly stack: string;
    readonly cli: PulumiCli;
    readonly backend: Backend;
    readonly secrets: SecretsChoice;
}

export interface OpenStack {
    readonly stack: Stack;
    readonly command: PulumiCommand;
    /** Environment variables every CLI call gets on top of this process's environment. */
    readonly envVars: Record<string, string>;
}

/**
 * Selects the stack, creating it first when `create` is true and it does not exist yet. Throws the
 * Automation API's errors (StackNotFoundError, ConcurrentUpdateError, CommandError) for the caller to explain.
 */
export async function openStack(target: StackTarget, create: boolean): Promise<OpenStack> {
    const auto = await import("@pulumi/pulumi/automation");
    const command = await auto.PulumiCommand.get(target.cli.root ? { root: target.cli.root } : undefined);
    const envVars: Record<string, string> = {};
    for (const [key, value] of Object.entries(target.env)) {
        if (value !== undefined) envVars[key] = value;
    }
    envVars.PULUMI_BACKEND_URL = target.backend.url;
    envVars.PULUMI_SKIP_UPDATE_CHECK = "true";
    // A stack whose Pulumi.<stack>.yaml lacks its secrets provider keeps the one in its state (environment.ts).
    envVars[FALLBACK_TO_STATE_VAR] = "true";
    const options: LocalWorkspaceOptions = {
        workDir: target.root,
        pulumiCommand: command,
        envVars,
        secretsProvider: target.secrets.provider,
    };
    const args = { stackName: target.stack, workDir: target.root };
    const stack = create
        ? await auto.LocalWorkspace.createOrSelectStack(args, options)
        : await auto.LocalWorkspace.selectStack(args, options);
    return { stack, command, envVars };
}

/**
 * The stack's outputs exactly as `pulumi stack output --json` prints them without `--show-secrets`: every
 * secret, at any depth, is the string "[secret]". (`Stack.outputs()` is not used for display: it returns the
 * plaintext of every output and flags only top-level secrets, so a secret nested in an object output, such
 * as `database.password`, would be printed in clear.)
 */
export async function maskedOutputs(open: OpenStack, root: string): Promise<Record<string, unknown>> {
    const stdout = await readCommand(open, root, ["stack", "output", "--json", "--stack", open.stack.name]);
    return JSON.parse(stdout || "{}") as Record<string, unknown>;
}

/**
 * Runs a read-only CLI command with the workspace's environment and returns its stdout. (The Automation
 * API has no public call for arbitrary commands; these two reads need flags its wrappers do not offer.)
 */
function readCommand(open: OpenStack, root: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(
            open.command.command,
            [...args, "--non-interactive"],
            { cwd: root, env: { ...process.env, ...open.envVars }, maxBuffer: 512 * 1024 * 1024 },
            (err, stdout, stderr) => {
                if (err) {
                    // Same shape as the Automation API's CommandError message, so failures are explained alike.
                    const failure = new Error(
                        `code: ${err.code}\n stdout: ${stdout}\n stderr: ${stderr}\n err?: ${err}\n`,
                    );
                    failure.name = /no stack named .* found/.test(stderr) ? "StackNotFoundError" : "CommandError";
                    reject(failure);
                } else {
                    resolve(stdout);
                }
            },
        );
    });
}

/** A resource as recorded in the stack's state (the fields this command reads). */
export interface StateResource {
    readonly urn: string;
    readonly type: string;
    readonly protect?: boolean;
    readonly retainOnDelete?: boolean;
}

/**
 * The resources in the stack's current state, read with `pulumi stack export` without `--show-secrets`
 * (unlike `Stack.exportStack()`), so no secret is decrypted to answer "what is there and is it protected".
 */
export async function stateResources(open: OpenStack, root: string): Promise<StateResource[]> {
    const stdout = await readCommand(open, root, ["stack", "export", "--stack", open.stack.name]);
    const exported = JSON.parse(stdout || "{}") as { deployment?: { resources?: StateResource[] } };
    return exported.deployment?.resources ?? [];
}
