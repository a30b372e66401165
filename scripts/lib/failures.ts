/**
 * Explains why an operation ended badly, in one paragraph a person can act on, with its exit code. The
 * engine's own error diagnostics have already been printed as they arrived; this is the closing word.
 */
import type { PolicyEvent } from "@pulumi/pulumi/automation";
import type { Command } from "./args";
import { EXIT, ExitCode } from "./exit-codes";
import { plainText } from "./progress";

export interface FailureContext {
    readonly command: Command;
    readonly stack: string;
    /** The backend URL, for the lock and not-found explanations. */
    readonly backend: string;
    /** True when the user pressed Ctrl-C (or the process got SIGTERM) during the operation. */
    readonly interrupted: boolean;
    /** True when the user pressed Ctrl-C twice: the engine was told to stop without waiting. */
    readonly terminated: boolean;
    /** Mandatory policy findings seen in the event stream. */
    readonly mandatory: readonly PolicyEvent[];
    /**
     * Resources the operation changed (or tried to) before it stopped (`Progress.changed`).
     * @default 0
     */
    readonly changed?: number;
    /** Error diagnostics seen in the event stream. */
    readonly errors: readonly string[];
    /** Everything the CLI wrote to stderr. */
    readonly stderr: string;
}

export interface Failure {
    readonly code: ExitCode;
    readonly message: string;
}

const CONCURRENT = [/\[409\] Conflict/, /currently locked by/, /Another update is currently in progress/];
const NOT_FOUND = /no stack named .* found/;
const BAD_PASSPHRASE = /incorrect passphrase|failed to decrypt|passphrase must be set/i;

function lastLines(text: string, count: number): string {
    const lines = plainText(text)
        .split("\n")
        .map((l) => l.trimEnd())
        .filter((l) => l.trim().length > 0);
    return lines.slice(-count).join("\n");
}

function errorText(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

/** The CLI's stderr inside an Automation API CommandError ("code: 255\n stdout: ...\n stderr: ...\n err?: ..."). */
export function commandStderr(err: unknown): string {
    const match = /\n stderr: ([\s\S]*?)\n err\?:/.exec(errorText(err));
    return match ? match[1] : "";
}

/** One paragraph and an exit code for a failed operation. */
export function explainFailure(err: unknown, ctx: FailureContext): Failure {
    const { command, stack } = ctx;
    const name = err instanceof Error ? err.name : "";
    const stderr = ctx.stderr || commandStderr(err);
    const text = `${stderr}\n${errorText(err)}`;

    if (ctx.interrupted) {
        const after = ctx.terminated
            ? `The engine was stopped without waiting, so operations that were in flight may be recorded as ` +
              `pending: run \`npm run deploy -- refresh --stack ${stack}\` (and \`pulumi refresh --clear-pending-creates ` +
              `--stack ${stack}\` if it reports pending creates) before the next up.`
            : `Operations already in flight were allowed to finish and the state records everything that was done, ` +
              `so the stack is consistent; run \`npm run deploy -- preview --stack ${stack}\` to see what remains.`;
        return {
            code: EXIT.cancelled,
            message: `Cancelled: the ${command} of stack ${stack} was interrupted. ${after}`,
        };
    }

    if (ctx.mandatory.length > 0) {
        return explainViolation(ctx);
    }

    if (name === "ConcurrentUpdateError" || CONCURRENT.some((re) => re.test(text))) {
        return {
            code: EXIT.concurrent,
            message:
                `Concurrent update: another update is already running on stack ${stack} (backend ${ctx.backend}), ` +
                `and Pulumi lets only one at a time hold the stack's lock, so this ${command} did not start and ` +
                `nothing was changed. Wait for the other run (a CI deployment or a colleague) to finish and try ` +
                `again. If you are sure nothing is running (a run that crashed can leave the lock behind), release ` +
                `it with \`pulumi cancel --stack ${stack}\` and run \`npm run deploy -- refresh --stack ${stack}\` ` +
                `before the next up.`,
        };
    }

    if (name === "StackNotFoundError" || NOT_FOUND.test(text)) {
        return {
            code: EXIT.usage,
            message:
                `Stack ${stack} does not exist in ${ctx.backend}: nothing has been deployed there. Run ` +
                `\`npm run deploy -- up --stack ${stack}\` first, or set PULUMI_BACKEND_URL to the backend that ` +
                `holds it.`,
        };
    }

    if (BAD_PASSPHRASE.test(text)) {
        return {
            code: EXIT.usage,
            message:
                `The secrets of stack ${stack} cannot be decrypted: ${lastLines(text, 1)}. Set ` +
                `PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the passphrase this stack was ` +
                `created with, or the credentials for its KMS / Key Vault key.`,
        };
    }

    const detail =
        ctx.errors.length > 0
            ? `${ctx.errors.length} error${ctx.errors.length === 1 ? "" : "s"} (printed above); the first: ${ctx.errors[0]}`
            : lastLines(stderr, 15) || errorText(err).split("\n")[0];
    const partial =
        command === "up" || command === "destroy"
            ? ` Resources changed before the error are recorded in the state; re-run the ${command} after fixing it.`
            : "";
    return { code: EXIT.failed, message: `The ${command} of stack ${stack} failed: ${detail}.${partial}` };
}

/** A mandatory policy violation: whether anything was changed decides the code and what to do next. */
function explainViolation(ctx: FailureContext): Failure {
    const { command, stack } = ctx;
    const listed = ctx.mandatory
        .slice(0, 5)
        .map((p) => `${p.policyName}${p.resourceUrn ? ` on ${p.resourceUrn.split("::").pop()}` : ""}`)
        .join(", ");
    const more = ctx.mandatory.length > 5 ? ` and ${ctx.mandatory.length - 5} more` : "";
    const count = `${ctx.mandatory.length} mandatory violation${ctx.mandatory.length === 1 ? "" : "s"}`;
    const fix =
        `Fix the settings the messages name, usually in Pulumi.${stack}.yaml or a component's override bag, check ` +
        `the fix offline with \`npm run check -- --stack ${stack}\``;
    const changed = ctx.changed ?? 0;
    if (command === "up" && changed > 0) {
        return {
            code: EXIT.policyAfterChanges,
            message:
                `Policy violation after changes: resources WERE changed. The up of stack ${stack} changed ` +
                `${changed} resource${changed === 1 ? "" : "s"} (listed above) before the policy pack failed it ` +
                `with ${count} (${listed}${more}; each message is printed above). Stack policies run only after ` +
                `every resource step, and values unknown at preview time are checked only then, so the preview ` +
                `before the up could not catch this. The stack now runs with what the policy rejects. ${fix}, ` +
                `and run \`npm run deploy -- up --stack ${stack}\` again (it previews first); to go back instead, ` +
                `revert the change that caused it and run the up.`,
        };
    }
    const when = command === "up" ? "before any resource was changed" : "so nothing was changed";
    return {
        code: EXIT.policy,
        message:
            `Policy violation: the policy pack stopped the ${command} of stack ${stack} with ${count} ` +
            `(${listed}${more}; each message is printed above), ${when}. ${fix}, and run the ${command} again. ` +
            `The thresholds are in policies/config/${stack}.json; changing them is a policy decision for review, ` +
            `not a workaround.`,
    };
}
