/**
 * `npm run drill -- --stack <stack> [--tier standard|critical] [--source <id>] [--report-dir <dir>]`
 *
 * The restore drill (issue 15 item 4): restores the latest restorable point of the stack's database into a
 * throwaway stack `<stack>-drill-<UTC time>` through the Automation API, waits until a Job in its cluster can
 * query the copy, records the backup's age (RPO) and the time until it answered (RTO) against the targets in
 * scripts/lib/drill/targets.ts, always destroys the throwaway stack, and writes a JSON and Markdown report.
 * The plan is scripts/lib/drill/plan.ts; its steps scripts/lib/drill/automation.ts. Exit codes: `--help`.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT, stackNames } from "../check/stack";
import { forgottenDashDashHint, helpRequested } from "./lib/args";
import { DRILL_HELP, DRILL_OPTIONS, DrillArgs, parseDrillArgs } from "./lib/drill/args";
import { AutomationSteps, DrillContext } from "./lib/drill/automation";
import { DrillPlan, DrillSteps, runDrill } from "./lib/drill/plan";
import { DrillReport, exitCodeOf, renderDrillMarkdown, writeDrillReport } from "./lib/drill/report";
import { Exec } from "./lib/drill/restore-point";
import { drillStackName } from "./lib/drill/stack-config";
import {
    Env,
    readStackFile,
    requireDurableBackend,
    requirePulumiCli,
    requireServiceLogin,
    resolveBackend,
    resolveSecrets,
} from "./lib/environment";
import { EXIT, ExitError } from "./lib/exit-codes";
import type { DeployIo } from "./lib/operate";
import { requirePolicyPack } from "./lib/policy";
import { Display, Interrupts } from "./lib/terminal";
import { processIo } from "./deploy";

export interface DrillIo extends DeployIo {
    /** Runs aws, az and kubectl. @default child_process.execFile */
    readonly exec?: Exec;
    readonly sleep?: (ms: number) => Promise<void>;
    readonly now?: () => Date;
    /** Builds the steps (tests pass mocks). @default the Automation API steps */
    readonly steps?: (context: DrillContext) => DrillSteps;
}

const execProcess: Exec = (command, args, options) =>
    new Promise((resolve, reject) => {
        const env = { ...process.env, ...options?.env };
        const child = execFile(command, [...args], { env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
            err ? reject(Object.assign(err, { stderr })) : resolve(stdout),
        );
        if (options?.input !== undefined) child.stdin?.end(options.input);
    });

/** kubectl runs the check Job: without it nothing may be created. */
function requireKubectl(env: Env): void {
    const executable = (file: string) => {
        try {
            fs.accessSync(file, fs.constants.X_OK);
            return true;
        } catch {
            return false;
        }
    };
    const dirs = (env.PATH ?? "").split(path.delimiter).filter(Boolean);
    if (!dirs.some((dir) => executable(path.join(dir, "kubectl")))) {
        throw new ExitError(
            EXIT.usage,
            "The drill checks the restored database with a Kubernetes Job and needs kubectl on PATH " +
                "(https://kubernetes.io/docs/tasks/tools/); nothing was created.",
        );
    }
}

/** Every prerequisite, before anything is created; throws an exit-2 ExitError for the first one missing. */
function prepare(args: DrillArgs, io: DrillIo, display: Display, interrupts: Interrupts): DrillContext {
    const file = readStackFile(args.stack, io.root);
    const cli = requirePulumiCli(io.env);
    const pack = requirePolicyPack(io.root, args.stack);
    const backend = resolveBackend(io.env, io.root);
    requireDurableBackend(io.env, true);
    requireServiceLogin(backend, io.env);
    const sourceSecrets = resolveSecrets(args.stack, file, backend, io.env);
    const drillSecrets = resolveSecrets(`${args.stack}-drill`, {}, backend, io.env);
    if (!io.exec) requireKubectl(io.env); // an injected exec stands in for aws/az and kubectl
    const exec = io.exec ?? execProcess;
    const sleep = io.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const now = io.now ?? (() => new Date());
    return { io, args, display, interrupts, cli, backend, sourceSecrets, drillSecrets, pack, exec, sleep, now };
}

function printReport(display: Display, report: DrillReport, files: { json: string; markdown: string }): void {
    display.line("");
    for (const line of renderDrillMarkdown(report).trimEnd().split("\n")) display.line(line);
    display.line("");
    display.line(`Report: ${files.json}, ${files.markdown}`);
}

/** Runs the drill; resolves to the exit code. */
export async function main(argv: readonly string[], io: DrillIo = processIo()): Promise<number> {
    if (helpRequested(argv)) {
        io.stdout.write(`${DRILL_HELP}\n`);
        return EXIT.ok;
    }
    const display = new Display(io.stdout);
    const interrupts = new Interrupts(
        (line) => display.line(line),
        () => false,
    );
    interrupts.install();
    try {
        const args = parseDrillArgs(argv, stackNames(io.root));
        const context = prepare(args, io, display, interrupts);
        const startedAt = context.now();
        const drillStack = drillStackName(args.stack, startedAt);
        const plan: DrillPlan = { stack: args.stack, drillStack, tier: args.tier, startedAt, now: context.now };
        display.line(`Restore drill of ${args.stack} into the throwaway stack ${plan.drillStack}`);
        const report = await runDrill(plan, (io.steps ?? ((c) => new AutomationSteps(c)))(context));
        printReport(display, report, writeDrillReport(path.resolve(io.root, args.reportDir), report));
        if (interrupts.interrupted) return EXIT.cancelled;
        return exitCodeOf(report.verdict);
    } catch (err) {
        if (!(err instanceof ExitError)) throw err;
        const hint = err.code === EXIT.usage ? forgottenDashDashHint("drill", DRILL_OPTIONS, io.env) : undefined;
        io.stderr.write(`${hint ? `${err.message}\n\n${hint}` : err.message}\n`);
        return err.code;
    } finally {
        interrupts.uninstall();
    }
}

if (require.main === module) {
    main(process.argv.slice(2), { ...processIo(), root: ROOT }).then(
        (code) => process.stdout.write("", () => process.exit(code)),
        (err: unknown) => {
            process.stderr.write(`drill failed: ${err instanceof Error ? err.message : String(err)}\n`);
            process.exit(EXIT.failed);
        },
    );
}
