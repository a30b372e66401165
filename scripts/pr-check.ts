/**
 * `npm run pr-check -- [--report <path>] [--stack <stack> ...] [--cloud <cloud> ...] [--preview | --no-preview]
 *  [--base-costs <file>]`
 *
 * The pull-request check. Offline, with no CLI and no credentials: the program and the policy pack for every
 * stack file on every cloud it is checked on (scripts/pr-check.yaml), one after another (runs of the program
 * share the Pulumi SDK's global runtime state). With the Pulumi CLI and a stack's cloud credentials present, it
 * also runs a real `pulumi preview` with the policy pack for that stack (`--preview` insists, `--no-preview`
 * skips). Prints one summary table and writes a Markdown report for the PR comment
 * (default pr-check-report.md; a relative --report path is relative to the repository root). The report
 * shows each stack's monthly cost estimate (scripts/lib/cost/) and diagram (check/diagram.ts); the costs are
 * also written next to the report (`<report>.costs.json`), so a run on the base branch gives the file
 * `--base-costs` reads to show the change a PR makes (docs/cost.md).
 *
 * Exit codes: 0 everything passed; 1 a check or preview failed or found a mandatory violation; 2 bad arguments
 * or configuration of the check itself.
 */
import { forgottenDashDashHint, helpRequested } from "./lib/args";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { runCheck } from "../check";
import { renderMermaid } from "../check/diagram";
import { ROOT, loadStackConfig, stackNames } from "../check/stack";
import { CLOUDS } from "../components/shared/context";
import { EXIT, ExitError } from "./lib/exit-codes";
import {
    Env,
    INSTALL_HINT,
    detectCredentials,
    findPulumiCli,
    readStackFile,
    requireServiceLogin,
    resolveBackend,
    resolveSecrets,
} from "./lib/environment";
import { explainFailure } from "./lib/failures";
import { findPlaceholders, stackFileConfig } from "./lib/placeholders";
import { requirePolicyPack } from "./lib/policy";
import {
    CheckRow,
    PrReport,
    PreviewRow,
    checkPassed,
    costRows,
    renderMarkdown,
    renderText,
    reportPassed,
    verdict,
} from "./lib/pr-report";
import { estimateCost, stackRegion } from "./lib/cost/estimate";
import { CostsFile, costsFile } from "./lib/cost/render";
import { Progress } from "./lib/progress";
import { OutputStream } from "./lib/terminal";
import { openStack } from "./lib/workspace";

export const PR_CHECK_USAGE =
    "usage: npm run pr-check -- [--report <path>] [--stack <stack> ...] [--cloud <cloud> ...] [--preview | --no-preview] [--base-costs <file>]";

/** `--help`: what the command does, its options and exit codes (stdout, exit 0). */
export const PR_CHECK_HELP = [
    PR_CHECK_USAGE,
    "",
    "Runs the offline check (program and policy pack) for every stack on its own cloud and the clouds listed",
    "for it in scripts/pr-check.yaml, then a real `pulumi preview` per stack when the Pulumi CLI and",
    "credentials are there, and writes a Markdown report.",
    "",
    "  --report <path>     where to write the report (default: pr-check-report.md)",
    "  --stack, -s <stack> check only this stack (repeatable; default: every Pulumi.<stack>.yaml)",
    "  --cloud <cloud>     check every stack on this cloud (repeatable; default: scripts/pr-check.yaml)",
    "  --preview           require real previews (exit 2 without the Pulumi CLI)",
    "  --no-preview        skip real previews",
    "  --help, -h          print this help",
    "",
    "Exit codes: 0 every check passed; 1 a check failed or found a mandatory policy violation; 2 bad arguments",
    "or a missing prerequisite.",
].join("\n");

/** The long options npm would take as its own without `--`. */
const PR_CHECK_OPTIONS = ["report", "stack", "cloud", "preview", "no-preview"];

export const DEFAULT_REPORT = "pr-check-report.md";
export const CLOUDS_FILE = "scripts/pr-check.yaml";

export interface PrCheckArgs {
    readonly report: string;
    /** Stacks to check; empty means every stack file. */
    readonly stacks: string[];
    /** Clouds for every stack, replacing scripts/pr-check.yaml; empty means use the file. */
    readonly clouds: string[];
    /** Real previews: `auto` when the CLI and credentials are present, `always`, or `never`. */
    readonly previews: "auto" | "always" | "never";
    /** The base branch's costs file (written next to its report), to show the change this PR makes. */
    readonly baseCosts?: string;
}

function usage(message: string): ExitError {
    return new ExitError(EXIT.usage, `${message}\n${PR_CHECK_USAGE}`);
}

export function parsePrCheckArgs(argv: readonly string[]): PrCheckArgs {
    let report = DEFAULT_REPORT;
    const stacks: string[] = [];
    const clouds: string[] = [];
    let previews: PrCheckArgs["previews"] = "auto";
    let baseCosts: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const next = argv[++i];
            if (next === undefined || next.startsWith("-")) throw usage(`${arg} needs a value.`);
            return next;
        };
        if (arg === "--report") report = value();
        else if (arg === "--stack" || arg === "-s") stacks.push(value());
        else if (arg === "--cloud") clouds.push(value());
        else if (arg === "--preview") previews = "always";
        else if (arg === "--no-preview") previews = "never";
        else if (arg === "--base-costs") baseCosts = value();
        else if (arg === "--help" || arg === "-h") throw new ExitError(EXIT.ok, PR_CHECK_HELP);
        else throw usage(`Unknown argument "${arg}".`);
    }
    return { report, stacks, clouds, previews, ...(baseCosts ? { baseCosts } : {}) };
}

interface CloudsFile {
    default?: unknown;
    stacks?: Record<string, unknown> | null;
}

function cloudList(value: unknown, where: string): string[] {
    if (!Array.isArray(value) || value.length === 0 || !value.every((c) => typeof c === "string")) {
        throw new ExitError(EXIT.usage, `${where} must be a non-empty list of clouds (${CLOUDS.join(", ")}).`);
    }
    for (const cloud of value as string[]) {
        if (!(CLOUDS as readonly string[]).includes(cloud)) {
            throw new ExitError(EXIT.usage, `${where}: unknown cloud "${cloud}"; known clouds: ${CLOUDS.join(", ")}.`);
        }
    }
    return value as string[];
}

/**
 * The stack × cloud pairs to check: each stack on its own cloud plus the clouds configured for it in
 * scripts/pr-check.yaml (or given with --cloud), in the order of CLOUDS.
 */
export function planChecks(root: string, args: PrCheckArgs): { stack: string; cloud: string }[] {
    const known = stackNames(root);
    for (const stack of args.stacks) {
        if (!known.includes(stack)) {
            throw usage(
                `Unknown stack "${stack}": there is no Pulumi.${stack}.yaml. Known stacks: ${known.join(", ")}.`,
            );
        }
    }
    const file = path.join(root, CLOUDS_FILE);
    const config = (fs.existsSync(file) ? parse(fs.readFileSync(file, "utf8")) : {}) as CloudsFile | null;
    const defaults = config?.default === undefined ? [...CLOUDS] : cloudList(config.default, `${CLOUDS_FILE} default`);
    const perStack = config?.stacks ?? {};
    for (const [stack, list] of Object.entries(perStack)) {
        if (!known.includes(stack))
            throw new ExitError(EXIT.usage, `${CLOUDS_FILE} names stack "${stack}", which has no stack file.`);
        cloudList(list, `${CLOUDS_FILE} stacks.${stack}`);
    }
    const override = args.clouds.length > 0 ? cloudList(args.clouds, "--cloud") : undefined;

    return (args.stacks.length > 0 ? args.stacks : known).flatMap((stack) => {
        const own = readStackFile(stack, root).cloud ?? "aws";
        const wanted = new Set([own, ...(override ?? (perStack[stack] as string[] | undefined) ?? defaults)]);
        return CLOUDS.filter((c) => wanted.has(c)).map((cloud) => ({ stack, cloud }));
    });
}

function describeFailure(err: unknown): string {
    if (!(err instanceof Error)) return `the check failed: ${String(err)}`;
    // Configuration and usage errors already say what is wrong and how to fix it.
    if (err.name === "ConfigError" || err.name === "UsageError") return err.message;
    return `program error: ${err.message}`;
}

async function checkOne(stack: string, cloud: string): Promise<CheckRow> {
    const started = Date.now();
    try {
        const result = await runCheck({ stack, overrides: [`platform:cloud=${cloud}`] });
        return {
            ...costAndDiagram(stack, cloud, result.run.resources),
            stack,
            cloud,
            resources: result.run.resources.length,
            violations: result.violations,
            exemptions: result.policy?.exemptions,
            policyPack: result.policy ? `${result.policy.pack.name} ${result.policy.pack.version}` : undefined,
            seconds: (Date.now() - started) / 1000,
            policySeconds: result.policy ? result.policy.timings.totalMs / 1000 : undefined,
        };
    } catch (err) {
        return { stack, cloud, error: describeFailure(err), seconds: (Date.now() - started) / 1000 };
    }
}

/** The row's cost estimate (or why there is none) and diagram, from the graph the check already ran. */
function costAndDiagram(
    stack: string,
    cloud: string,
    resources: Parameters<typeof estimateCost>[0],
): Partial<CheckRow> {
    const diagram = renderMermaid(resources, { stack, cloud });
    const { region } = stackRegion(loadStackConfig(stack, [`platform:cloud=${cloud}`]).config);
    try {
        const e = estimateCost(resources, { stack, cloud, region });
        return { diagram, cost: { region, monthlyUsd: e.monthlyUsd, unpriced: e.unpriced.length } };
    } catch (err) {
        return { diagram, costNote: err instanceof Error ? err.message.split(". ")[0] : String(err) };
    }
}

/** Where a report's costs are written: `pr-check-report.md` → `pr-check-report.costs.json`. */
export function costsPath(reportPath: string): string {
    return `${reportPath.replace(/\.md$/, "")}.costs.json`;
}

function readBaseCosts(file: string | undefined, root: string): CostsFile | undefined {
    if (file === undefined) return undefined;
    const full = path.resolve(root, file);
    try {
        return JSON.parse(fs.readFileSync(full, "utf8")) as CostsFile;
    } catch (err) {
        throw new ExitError(
            EXIT.usage,
            `--base-costs ${file}: cannot read it as JSON (${err instanceof Error ? err.message : err}).`,
        );
    }
}

interface PrCheckIo {
    readonly env: Env;
    readonly root: string;
    readonly stdout: OutputStream;
    readonly stderr: OutputStream;
}

async function previewOne(io: PrCheckIo, stack: string, mode: PrCheckArgs["previews"]): Promise<PreviewRow> {
    const file = readStackFile(stack, io.root);
    const cloud = file.cloud ?? "aws";
    const started = Date.now();
    const row = (status: PreviewRow["status"], reason?: string, extra: Partial<PreviewRow> = {}): PreviewRow => ({
        stack,
        cloud,
        status,
        reason,
        mandatory: 0,
        advisory: 0,
        seconds: (Date.now() - started) / 1000,
        ...extra,
    });
    const credentials = detectCredentials(cloud, io.env);
    if (!credentials && mode === "auto") return row("skipped", `no ${cloud} credentials in the environment`);
    // A real preview of documentation placeholders would talk to the cloud about values that cannot be
    // deployed (and fail at the first Kubernetes resource): say what to replace, as `npm run deploy` does.
    const placeholders = findPlaceholders(stackFileConfig(stack, io.root));
    if (placeholders.length > 0) {
        const keys = [...new Set(placeholders.map((p) => p.key))];
        return row(
            "failed",
            `Pulumi.${stack}.yaml holds ${placeholders.length} documentation placeholders (${keys.slice(0, 3).join(", ")}` +
                `${keys.length > 3 ? ", ..." : ""}); \`npm run placeholders -- --stack ${stack}\` lists what to replace`,
        );
    }

    let target;
    let pack;
    try {
        pack = requirePolicyPack(io.root, stack);
        const backend = resolveBackend(io.env, io.root);
        requireServiceLogin(backend, io.env);
        const secrets = resolveSecrets(stack, file, backend, io.env);
        target = { root: io.root, env: io.env, stack, cli: findPulumiCli(io.env)!, backend, secrets };
    } catch (err) {
        const reason = err instanceof Error ? err.message.split(". ")[0] : String(err);
        return row(mode === "always" ? "failed" : "skipped", reason);
    }

    const progress = new Progress({ command: "preview", write: () => undefined });
    let stderr = "";
    try {
        const open = await openStack(target, false);
        const result = await open.stack.preview({
            color: "never",
            policyPacks: [pack.dir],
            policyPackConfigs: [pack.config],
            onEvent: progress.onEvent.bind(progress),
            onError: (chunk) => {
                if (stderr.length < 200_000) stderr += chunk;
            },
        });
        const mandatory = progress.mandatoryViolations.length;
        return row("passed", undefined, {
            changes: result.changeSummary,
            mandatory,
            advisory: progress.policyEvents.length - mandatory,
        });
    } catch (err) {
        const failure = explainFailure(err, {
            command: "preview",
            stack,
            backend: target.backend.url,
            interrupted: false,
            terminated: false,
            mandatory: progress.mandatoryViolations,
            errors: progress.errors,
            stderr,
        });
        const notDeployed = failure.code === EXIT.usage && /does not exist in/.test(failure.message);
        for (const p of progress.policyEvents) {
            io.stdout.write(
                `  ${stack}: policy ${p.enforcementLevel} ${p.policyPackName}/${p.policyName}: ${p.message}\n`,
            );
        }
        const mandatory = progress.mandatoryViolations.length;
        return row(
            notDeployed ? "skipped" : "failed",
            notDeployed ? `stack not deployed in ${target.backend.url}` : failure.message.split("\n")[0],
            { mandatory, advisory: progress.policyEvents.length - mandatory },
        );
    }
}

function processIo(): PrCheckIo {
    return { env: process.env, root: ROOT, stdout: process.stdout, stderr: process.stderr };
}

/** Runs the pull-request check; resolves to the exit code. */
export async function main(argv: readonly string[], io: PrCheckIo = processIo()): Promise<number> {
    const started = Date.now();
    if (helpRequested(argv)) {
        io.stdout.write(`${PR_CHECK_HELP}\n`);
        return EXIT.ok;
    }
    let parsed = false;
    try {
        const args = parsePrCheckArgs(argv);
        parsed = true;
        const plan = planChecks(io.root, args);
        const baseCosts = readBaseCosts(args.baseCosts, io.root);
        const cli = args.previews === "never" ? undefined : findPulumiCli(io.env);
        if (args.previews === "always" && !cli) throw new ExitError(EXIT.usage, INSTALL_HINT);

        const clouds = [...new Set(plan.map((p) => p.cloud))].join(", ");
        const stacks = [...new Set(plan.map((p) => p.stack))];
        io.stdout.write(`pr-check: ${stacks.length} stacks on ${clouds}, offline (program and policy pack)\n`);
        const checks: CheckRow[] = [];
        for (const { stack, cloud } of plan) {
            const row = await checkOne(stack, cloud);
            checks.push(row);
            const mark = checkPassed(row) ? "ok  " : "FAIL";
            const policy =
                row.policySeconds !== undefined ? `, of which policy pack ${row.policySeconds.toFixed(1)}s` : "";
            io.stdout.write(`  ${mark} ${stack} on ${cloud}: ${verdict(row)} (${row.seconds.toFixed(1)}s${policy})\n`);
        }

        const previews: PreviewRow[] = [];
        let previewNote: string | undefined;
        if (args.previews === "never") previewNote = "skipped (--no-preview).";
        else if (!cli) previewNote = "skipped: the Pulumi CLI is not installed (the offline check above needs none).";
        else {
            io.stdout.write(`pr-check: real previews with ${cli.path}\n`);
            for (const stack of stacks) {
                const row = await previewOne(io, stack, args.previews);
                previews.push(row);
                io.stdout.write(
                    `  ${row.status.padEnd(7)} ${stack} on ${row.cloud}${row.reason ? `: ${row.reason}` : ""}\n`,
                );
            }
        }

        const report: PrReport = {
            checks,
            previews,
            previewNote,
            seconds: (Date.now() - started) / 1000,
            commit: io.env.GITHUB_SHA,
            ...(baseCosts ? { baseCosts } : {}),
        };
        const reportPath = path.resolve(io.root, args.report);
        fs.mkdirSync(path.dirname(reportPath), { recursive: true });
        fs.writeFileSync(reportPath, renderMarkdown(report));
        fs.writeFileSync(costsPath(reportPath), `${JSON.stringify(costsFile(costRows(report)), null, 2)}\n`);
        io.stdout.write(`\n${renderText(report)}\nReport: ${path.relative(process.cwd(), reportPath) || reportPath}\n`);
        return reportPassed(report) ? EXIT.ok : EXIT.failed;
    } catch (err) {
        if (err instanceof ExitError) {
            const hint = parsed ? undefined : forgottenDashDashHint("pr-check", PR_CHECK_OPTIONS, io.env);
            io.stderr.write(`${err.message}\n${hint ? `\n${hint}\n` : ""}`);
            return err.code;
        }
        io.stderr.write(`pr-check failed: ${err instanceof Error ? err.message : String(err)}\n`);
        return EXIT.failed;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.stdout.write("", () => process.exit(code)),
        (err: unknown) => {
            process.stderr.write(`pr-check failed: ${err instanceof Error ? err.message : String(err)}\n`);
            process.exit(EXIT.failed);
        },
    );
}
