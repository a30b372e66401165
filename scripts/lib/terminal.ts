/**
 * The terminal side of the deploy command: lines plus one live status line when stdout is a terminal,
 * typed confirmations, and Ctrl-C handling that lets the engine cancel cleanly.
 */
import * as readline from "readline";
import { EXIT } from "./exit-codes";

export interface OutputStream {
    write(chunk: string): unknown;
    readonly isTTY?: boolean;
    readonly columns?: number;
}

/** Prints lines; on a terminal, also keeps one status line under them that is redrawn in place. */
export class Display {
    private statusShown = false;

    constructor(private readonly out: OutputStream) {}

    get tty(): boolean {
        return this.out.isTTY === true;
    }

    line(text: string): void {
        this.clearStatus();
        this.out.write(`${text}\n`);
    }

    /** Replaces the status line (terminals only); undefined clears it. */
    status(text: string | undefined): void {
        if (!this.tty) return;
        this.clearStatus();
        if (text) {
            const width = Math.max(20, (this.out.columns ?? 120) - 1);
            this.out.write(text.length > width ? `${text.slice(0, width - 1)}…` : text);
            this.statusShown = true;
        }
    }

    clearStatus(): void {
        if (this.statusShown) {
            this.out.write("\r\x1b[K");
            this.statusShown = false;
        }
    }
}

/**
 * Asks on the terminal and resolves true only when the answer is exactly `expected` (the stack name), so a
 * reflexive "y" does not deploy to prod. Ctrl-C or end of input answers no.
 */
export function confirmByTyping(
    question: string,
    expected: string,
    input: NodeJS.ReadableStream = process.stdin,
    output: NodeJS.WritableStream = process.stdout,
): Promise<boolean> {
    return new Promise((resolve) => {
        const rl = readline.createInterface({ input, output, terminal: true });
        let answered = false;
        const finish = (ok: boolean) => {
            if (answered) return;
            answered = true;
            rl.close();
            resolve(ok);
        };
        rl.on("SIGINT", () => {
            output.write("\n");
            finish(false);
        });
        rl.on("close", () => finish(false));
        rl.question(question, (answer) => finish(answer.trim() === expected));
    });
}

/**
 * Ctrl-C (SIGINT) and SIGTERM while an operation runs:
 *  - the first asks the engine to cancel: it stops starting new resource operations, lets the ones in flight
 *    finish, writes the state and releases the stack's lock. At a terminal the CLI receives the same Ctrl-C
 *    itself (it is in our process group) and acknowledges it on the event stream; when no acknowledgement
 *    arrives within `forwardAfterMs` (the signal was sent to this process only, e.g. by CI), it is forwarded
 *    through the Automation API's abort signal. It is never sent twice, which the CLI would take as "stop now";
 *  - the second tells the user the engine is stopping without waiting (the CLI gets that second Ctrl-C from
 *    the terminal), and exits if the CLI has not ended within `stopAfterMs`;
 *  - a third exits at once.
 * Before an operation has started (prompts, stack selection) a signal exits at once: nothing was changed.
 */
export class Interrupts {
    private count = 0;
    private running = false;
    readonly controller = new AbortController();
    private readonly handler = () => this.onSignal();

    constructor(
        private readonly say: (line: string) => void,
        private readonly acknowledged: () => boolean,
        private readonly exit: (code: number) => void = (code) => process.exit(code),
        private readonly forwardAfterMs = 2000,
        private readonly stopAfterMs = 15000,
    ) {}

    get interrupted(): boolean {
        return this.count > 0;
    }

    get terminated(): boolean {
        return this.count > 1;
    }

    install(): void {
        process.on("SIGINT", this.handler);
        process.on("SIGTERM", this.handler);
    }

    uninstall(): void {
        process.off("SIGINT", this.handler);
        process.off("SIGTERM", this.handler);
    }

    /** Marks whether an engine operation is running (signals then cancel it rather than exit). */
    setRunning(running: boolean): void {
        this.running = running;
    }

    onSignal(): void {
        this.count++;
        if (!this.running) {
            this.say("Interrupted before any operation started; nothing was changed.");
            this.exit(EXIT.cancelled);
            return;
        }
        if (this.count === 1) {
            this.say(
                "Cancelling: operations already in flight finish and are recorded, nothing new starts. " +
                    "Press Ctrl-C again to stop immediately (may leave pending operations).",
            );
            setTimeout(() => {
                if (!this.acknowledged()) this.controller.abort();
            }, this.forwardAfterMs).unref();
        } else if (this.count === 2) {
            this.say("Stopping immediately, without waiting for operations in flight.");
            setTimeout(() => this.exit(EXIT.cancelled), this.stopAfterMs).unref();
        } else {
            this.exit(EXIT.cancelled);
        }
    }
}
