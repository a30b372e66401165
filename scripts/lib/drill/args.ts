/** Arguments and help of `npm run drill` (scripts/drill.ts). */
import { stackNames } from "../../../check/stack";
import { EXIT, ExitError } from "../exit-codes";
import { TIERS, Tier } from "./targets";

export const DRILL_USAGE =
    "usage: npm run drill -- --stack <stack> [--tier standard|critical] [--source <database id>] [--report-dir <dir>] [--parallel N]";

export const DRILL_HELP = [
    DRILL_USAGE,
    "",
    "Restore drill: restores the latest restorable point of the stack's database into a throwaway stack",
    "<stack>-drill-<UTC time> (the platform without application services, with platform:database.restore),",
    "waits until a Kubernetes Job in the throwaway cluster can query it, records the backup's age (RPO) and the",
    "time until it answered (RTO), always destroys the throwaway stack, and writes a JSON and Markdown report.",
    "Needs the Pulumi CLI, the cloud's CLI (aws or az) and kubectl, and the credentials `npm run deploy` needs.",
    "",
    "  --stack, -s <stack>     the stack whose database is restored (a Pulumi.<stack>.yaml)",
    "  --tier <tier>           the targets to hold it to: standard (RPO 1 h, RTO 4 h) or critical (15 min each)",
    "                          (scripts/lib/drill/targets.ts) @default standard",
    "  --source <id>           the database to restore (RDS identifier / flexible server resource id)",
    "                          @default the stack's database.resourceName (AWS) / resourceId (Azure) output",
    "  --report-dir <dir>      where <stack>-drill-<time>.json and .md go @default drill-reports/",
    "  --parallel, -p <N>      engine parallelism for the throwaway stack's up and destroy",
    "  --help, -h              print this help",
    "",
    "Exit codes: 0 restored, queried and within both targets; 7 restored and queried but a target was missed;",
    "1 the drill failed (restore, readiness, query, or destroying the throwaway stack); 2 bad arguments or a",
    "missing prerequisite (nothing was created); 130 cancelled (the throwaway stack is still destroyed).",
].join("\n");

export const DRILL_OPTIONS = ["stack", "tier", "source", "report-dir", "parallel"];

export interface DrillArgs {
    readonly stack: string;
    readonly tier: Tier;
    readonly source?: string;
    readonly reportDir: string;
    readonly parallel?: number;
}

const usage = (message: string) => new ExitError(EXIT.usage, `${message}\n${DRILL_USAGE}`);

function take(argv: readonly string[], i: number, name: string): string {
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("-")) throw usage(`${name} needs a value.`);
    return value;
}

export function parseDrillArgs(argv: readonly string[], stacks: readonly string[] = stackNames()): DrillArgs {
    const found: Record<string, string> = {};
    const names: Record<string, string> = { "-s": "stack", "-p": "parallel" };
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].split(/=(.*)/s, 2);
        const name = names[flag] ?? (flag.startsWith("--") ? flag.slice(2) : undefined);
        if (!name || !DRILL_OPTIONS.includes(name)) throw usage(`Unknown argument "${argv[i]}".`);
        found[name] = inline ?? take(argv, i++, flag);
    }
    const { stack, tier = "standard", source, parallel } = found;
    if (stack === undefined) throw usage(`--stack is required: one of ${stacks.join(", ")}.`);
    if (!stacks.includes(stack)) {
        throw usage(`Unknown stack "${stack}": there is no Pulumi.${stack}.yaml. Known stacks: ${stacks.join(", ")}.`);
    }
    if (!(TIERS as readonly string[]).includes(tier)) {
        throw usage(`Unknown --tier "${tier}": use ${TIERS.join(" or ")}.`);
    }
    if (parallel !== undefined && !/^[1-9]\d*$/.test(parallel)) {
        throw usage(`--parallel must be a whole number of 1 or more, got "${parallel}".`);
    }
    return {
        stack,
        tier: tier as Tier,
        ...(source ? { source } : {}),
        reportDir: found["report-dir"] ?? "drill-reports",
        ...(parallel ? { parallel: Number(parallel) } : {}),
    };
}
