/**
 * A stand-in `pulumi` executable for the deploy command's tests: answers the commands the Automation API
 * runs from a scenario (stdout, stderr, exit code, engine events written to `--event-log`), records every
 * invocation, and can wait for Ctrl-C the way the real CLI does (acknowledge on the event stream, then exit).
 * It reports the version of the installed @pulumi/pulumi SDK (as the CLI of the same release does), so the
 * Automation API streams events the way it does with today's CLI: above 3.205.0 it serves a gRPC EventsService
 * and passes `--event-log tcp://127.0.0.1:<port>` (node_modules/@pulumi/pulumi/automation/stack.js,
 * `setupEventLog`); a scenario's `version` step (e.g. "v3.200.0") selects the older file log instead.
 * With `startPolicyPack` on a preview/up step, it starts the pack named by `--policy-pack` the way the Node
 * language host does (check/policy-launch.ts) and configures it with the `--policy-pack-config` file, failing
 * like the CLI when either is wrong.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface FakeStep {
    readonly stdout?: string;
    readonly stderr?: string;
    /** @default 0 */
    readonly exit?: number;
    /** Engine events (without sequence/timestamp), written to the `--event-log` file. */
    readonly events?: object[];
    /** Keep running until SIGINT, then acknowledge it as the CLI does and finish with `afterInterrupt`. */
    readonly waitForInterrupt?: boolean;
    readonly afterInterrupt?: object[];
    /** Appended to Pulumi.<stack>.yaml in the working directory, as `pulumi stack init` records its secrets settings. */
    readonly appendToStackFile?: string;
    /**
     * The secrets settings this stack's state records (`secretsprovider: ...` lines). When Pulumi.<stack>.yaml
     * records none, the command behaves as the real CLI's secrets manager loader: with
     * PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER=true it restores these lines into the stack file; without it,
     * it makes up a new passphrase provider and records its `encryptionsalt:` (pulumi/pulumi#17236).
     */
    readonly stateSecrets?: string;
    /** Start the `--policy-pack` as the language host does and configure it with `--policy-pack-config`. */
    readonly startPolicyPack?: boolean;
}

/**
 * Steps by command: `preview`, `up`, `stack select`, `stack output`, `stack output --show-secrets`,
 * `config set-all`, ...; a key ending in a stack name (`stack select prod-drill-20261201-0300`) answers for
 * that stack only. `version` sets what `pulumi version` prints.
 */
export type FakeScenario = Record<string, FakeStep>;

export interface Invocation {
    readonly args: string[];
    readonly backend?: string;
    readonly passphrase: boolean;
    /** PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER as the CLI saw it. */
    readonly fallbackToState?: string;
    /** Set when the process received SIGINT. */
    readonly signal?: string;
    /** The PULUMI_*, PLATFORM_* and cloud credential variables the CLI saw. */
    readonly env: Record<string, string>;
    /** Where the event log went: a file, or a `tcp://` gRPC address. */
    readonly eventLog?: string;
    /** With `startPolicyPack`: what the started pack answered. */
    readonly policyPack?: { readonly dir: string; readonly policies: number };
}

export interface FakePulumi {
    /** Contains bin/pulumi. */
    readonly root: string;
    /** An environment that finds only the fake CLI, with a temporary HOME and file backend. */
    readonly env: Record<string, string>;
    invocations(): Invocation[];
    cleanup(): void;
}

const SCRIPT = (scenarioFile: string, logFile: string, helper: string) => `#!${process.execPath}
"use strict";
const fs = require("fs");
const helper = require(${JSON.stringify(helper)});
const scenario = JSON.parse(fs.readFileSync(${JSON.stringify(scenarioFile)}, "utf8"));
const args = process.argv.slice(2);
const at = args.indexOf("--event-log");
const log = at >= 0 ? args[at + 1] : undefined;
const record = (extra) => fs.appendFileSync(${JSON.stringify(logFile)}, JSON.stringify({
    args, backend: process.env.PULUMI_BACKEND_URL, passphrase: process.env.PULUMI_CONFIG_PASSPHRASE !== undefined,
    fallbackToState: process.env.PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER, env: helper.recordedEnv(process.env),
    eventLog: log, ...extra,
}) + "\\n");
if (args[0] === "version") { console.log((scenario.version || {}).stdout || helper.cliVersion()); process.exit(0); }
const sub = args[0] === "stack" || (args[0] === "config" && args[1] && !args[1].startsWith("-"));
const key = sub ? args[0] + " " + args[1] : args[0];
const stackName = args[0] === "stack" && args[1] === "init" ? args[2] : args[args.indexOf("--stack") + 1];
// A step for one stack ("stack select prod-drill-...") wins over the command's step.
const secrets = args.includes("--show-secrets") ? " --show-secrets" : "";
const candidates = [key + secrets + " " + stackName, key + secrets, key + " " + stackName, key];
const step = scenario[candidates.find((c) => scenario[c]) || ""] || {};
const stackFile = require("path").join(process.cwd(), "Pulumi." + stackName + ".yaml");
if (step.appendToStackFile) fs.appendFileSync(stackFile, step.appendToStackFile);
if (step.stateSecrets && !/^(secretsprovider|encryptionsalt):/m.test(fs.readFileSync(stackFile, "utf8"))) {
    fs.appendFileSync(stackFile, process.env.PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER === "true"
        ? step.stateSecrets : "encryptionsalt: v1:bmV3IHNhbHQ=:v1:made-up-by-this-run\\n");
}
const events = helper.eventSink(log);
const finish = async () => {
    await events.close();
    if (step.stdout) process.stdout.write(step.stdout);
    if (step.stderr) process.stderr.write(step.stderr);
    process.exit(step.exit || 0);
};
const main = async () => {
    const pack = step.startPolicyPack ? await helper.startPolicyPack(args, stackName) : undefined;
    record(pack && pack.error ? {} : { policyPack: pack });
    if (pack && pack.error) { process.stderr.write(pack.error + "\\n"); process.exit(255); }
    (step.events || []).forEach(events.emit);
    if (!step.waitForInterrupt) return finish();
    process.on("SIGINT", () => {
        record({ signal: "SIGINT" });
        events.emit({ stdoutEvent: { message: "^C received; cancelling. If you would like to terminate immediately, press ^C again.\\n", color: "never" } });
        (step.afterInterrupt || []).forEach(events.emit);
        finish();
    });
    setInterval(() => undefined, 1000);
};
main();
`;

export function fakePulumi(scenario: FakeScenario): FakePulumi {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-"));
    const bin = path.join(root, "bin");
    const home = path.join(root, "home");
    const state = path.join(root, "state");
    for (const dir of [bin, home, state]) fs.mkdirSync(dir, { recursive: true });
    const scenarioFile = path.join(root, "scenario.json");
    const logFile = path.join(root, "invocations.jsonl");
    fs.writeFileSync(scenarioFile, JSON.stringify(scenario));
    const helper = path.join(__dirname, "fixtures", "fake-pulumi-helper.js");
    fs.writeFileSync(path.join(bin, "pulumi"), SCRIPT(scenarioFile, logFile, helper), { mode: 0o755 });
    return {
        root,
        env: {
            PATH: bin,
            HOME: home,
            PULUMI_HOME: path.join(home, ".pulumi"),
            PULUMI_BACKEND_URL: `file://${state}`,
            PULUMI_CONFIG_PASSPHRASE: "correct horse battery staple",
        },
        invocations: () =>
            fs.existsSync(logFile)
                ? fs
                      .readFileSync(logFile, "utf8")
                      .split("\n")
                      .filter(Boolean)
                      .map((l) => JSON.parse(l) as Invocation)
                : [],
        cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
    };
}

/** Engine events for one resource operation, as the CLI emits them. */
export function resourceEvents(op: string, type: string, name: string, stack = "dev"): object[] {
    const urn = `urn:pulumi:${stack}::platform::${type}::${name}`;
    const metadata = { op, urn, type, provider: "" };
    return [{ resourcePreEvent: { metadata } }, { resOutputsEvent: { metadata } }];
}

export function summaryEvent(changes: Record<string, number>, durationSeconds = 12): object {
    return { summaryEvent: { maybeCorrupt: false, durationSeconds, resourceChanges: changes, policyPacks: {} } };
}

/** A policy finding, as the CLI streams it when the policy pack reports a violation. */
export function policyEvent(
    policyName: string,
    urn: string,
    message: string,
    enforcementLevel: "mandatory" | "advisory" = "mandatory",
): object {
    return {
        policyEvent: {
            resourceUrn: urn,
            message,
            color: "never",
            policyName,
            policyPackName: "platform-policies",
            policyPackVersion: "0.1.0",
            policyPackVersionTag: "0.1.0",
            enforcementLevel,
        },
    };
}
