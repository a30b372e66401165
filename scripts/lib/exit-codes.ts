/**
 * Exit codes of `npm run deploy`, `npm run pr-check` and `npm run drill`. Each failure a caller (a person or CI) reacts to
 * differently has its own code, so a pipeline can branch on it without parsing messages. Documented in the
 * table in docs/deploying.md (summarised in the README's "Deploy"); keep them in step.
 */
export const EXIT = {
    /** The command did what was asked. */
    ok: 0,
    /** The operation ran and failed: a resource or program error (deploy); any failure or mandatory violation (pr-check). */
    failed: 1,
    /** Nothing ran: bad arguments, an unknown stack, or a missing prerequisite (Pulumi CLI, passphrase, policy pack). */
    usage: 2,
    /** Refused for safety: prod `up`/`destroy` without confirmation, or `destroy` while resources are protected. */
    refused: 3,
    /**
     * A mandatory policy violation stopped `preview`, or stopped `up` before it changed any resource; nothing
     * was changed. (`up` previews with the policy pack first, so a violation the preview can see stops it here.)
     */
    policy: 4,
    /** Another update holds the stack's lock (HTTP 409 on Pulumi Cloud, a lock file on a self-managed backend). */
    concurrent: 5,
    /**
     * A mandatory policy violation failed `up` after it had changed resources: the cloud was changed. Stack
     * policies run only once every resource step is done, and values unknown at preview time are checked only
     * then, so the preview could not catch it. The stack now holds what the policy rejects; fix and up again.
     */
    policyAfterChanges: 6,
    /**
     * `npm run drill`: the restore worked and the restored database answered, but the backup's age (RPO) or
     * the time until it answered (RTO) missed the stack's target (scripts/lib/drill/targets.ts).
     */
    targetMissed: 7,
    /** Cancelled with Ctrl-C (or SIGTERM): 128 + SIGINT, as shells report it. */
    cancelled: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * An error that ends the command with a chosen exit code and a message for people (never a stack trace).
 * `message` is printed to stderr as it is.
 */
export class ExitError extends Error {
    constructor(
        public readonly code: ExitCode,
        message: string,
    ) {
        super(message);
        this.name = "ExitError";
    }
}
