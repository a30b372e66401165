/**
 * Runs the CrossGuard policy pack over a program's desired graph offline, the way the Pulumi engine does
 * during `pulumi preview --policy-pack policies --policy-pack-config <file>`:
 *
 *  1. starts the pack as its own process the way the Node language host does (check/policy-launch.ts):
 *     `node <require.resolve of @pulumi/pulumi/cmd/run-policy-pack from the pack> <engine address> <absolute
 *     pack directory>`, working directory the pack, stack identity and config in the PULUMI_NODEJS_* and
 *     PULUMI_CONFIG variables; the pack serves the analyzer gRPC interface and prints its port on stdout;
 *  2. asks for the pack's policies (GetAnalyzerInfo), reconciles the policy config file with their
 *     schemas and levels, and sends it (Configure); sends the stack's identity, config and tags
 *     (ConfigureStack);
 *  3. sends every registered resource through Analyze (inputs, options, provider) and the whole graph
 *     through AnalyzeStack (parents, dependencies, property dependencies, protect; components with the
 *     outputs they registered), using the protocol definitions shipped in @pulumi/pulumi/proto;
 *  4. stops the pack.
 *
 * It does so for each phase of a real run (`phases`): `preview`, where a new stack's computed values are
 * unknown (check/preview.ts) and what the pack cannot decide on them is reported as undecidable, and
 * `update`, where every input is known and stack policies see the provider's state (check/state/).
 */
import * as grpc from "@grpc/grpc-js";
import * as analyzerrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engine from "@pulumi/pulumi/proto/engine_pb";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as path from "path";
import { parse } from "yaml";
import type { PolicyExemption, Violation } from ".";
import { PackLaunch, policyPackLaunch } from "./policy-launch";
import { ensurePackBuilt } from "./policy-build";
import {
    EnforcementLevel,
    JsonSchema,
    PolicyConfigFile,
    PolicyDescription,
    policyConfigFileFor,
    readPolicyConfig,
    reconcilePolicyConfig,
} from "./policy-config";
import { previewResources } from "./preview";
import type { ResourceRecord } from "./runtime";
import { ROOT } from "./stack";

/** A phase of a real run: `pulumi preview` of a new stack, or the `pulumi up` that follows. */
export type Phase = "preview" | "update";
export const PHASES: readonly Phase[] = ["preview", "update"];

/** The pack's own words when a policy read an unknown value (@pulumi/policy server.js). */
const UNDECIDABLE = /^can't run policy '([^']+)' from policy pack .* during preview: /;

/** The policy pack project of this repository. */
export const POLICY_PACK_DIR = path.join(ROOT, "policies");

/** The stack's policy config file, `policies/config/<stack>.json`. */
export function defaultPolicyConfigFile(stack: string, packDir = POLICY_PACK_DIR): string {
    return path.join(packDir, "config", `${stack}.json`);
}

export interface PolicyRunOptions {
    readonly project: string;
    readonly stack: string;
    /** The stack's config as the engine passes it (`{"platform:cloud": "aws"}`). */
    readonly config: Record<string, string>;
    /** Stack tags. @default pulumi:project, pulumi:runtime and pulumi:description from Pulumi.yaml */
    readonly tags?: Record<string, string>;
    /** Policy config file. @default policies/config/<stack>.json when it exists, else none */
    readonly policyConfigFile?: string;
    /** Already-read policy config (overrides `policyConfigFile`; null applies none). */
    readonly policyConfig?: { readonly file: string; readonly config: PolicyConfigFile } | null;
    /** The policy pack project. @default policies/ */
    readonly packDir?: string;
    /** The phases to evaluate, in order, with one pack process. @default ["preview", "update"] */
    readonly phases?: readonly Phase[];
}

/** Wall-clock milliseconds of each phase. */
export interface PolicyTimings {
    /** Re-emitting the pack's JavaScript (0 when it was current). */
    readonly buildMs: number;
    /** Spawning the pack until it printed its port. */
    readonly startMs: number;
    /** GetAnalyzerInfo, Configure, ConfigureStack, every Analyze and AnalyzeStack. */
    readonly evaluateMs: number;
    /** Everything: build check, start, evaluation and stopping the pack. */
    readonly totalMs: number;
}

export interface PolicyRunResult {
    readonly pack: { readonly name: string; readonly version: string };
    /** The policy config file applied, relative to the repository root; null when none. */
    readonly configFile: string | null;
    readonly policies: number;
    readonly resources: number;
    /** The phases evaluated; each violation names its own. */
    readonly phases: readonly Phase[];
    readonly violations: Violation[];
    /** Resources exempted by the policy config, and exemptions that expired (from the pack's "not applicable"). */
    readonly exemptions: PolicyExemption[];
    readonly timings: PolicyTimings;
    /** What the pack wrote on stderr or logged to the engine (diagnostics only). */
    readonly log: string[];
}

/** The pack could not be started or answered with an error: not bad input, an internal failure. */
export class PolicyPackError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicyPackError";
    }
}

const MAX_MESSAGE = 400 * 1024 * 1024;
const START_TIMEOUT_MS = 60_000;

const LEVELS: Record<number, EnforcementLevel> = {
    [analyzer.EnforcementLevel.ADVISORY]: "advisory",
    [analyzer.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzer.EnforcementLevel.DISABLED]: "disabled",
    [analyzer.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL_NUMBERS: Record<EnforcementLevel, analyzer.EnforcementLevel> = {
    advisory: analyzer.EnforcementLevel.ADVISORY,
    mandatory: analyzer.EnforcementLevel.MANDATORY,
    disabled: analyzer.EnforcementLevel.DISABLED,
    remediate: analyzer.EnforcementLevel.REMEDIATE,
};

/** The engine's host server, reduced to what a plugin may call: logs are collected, the rest answered. */
async function startEngineHost(log: string[]): Promise<{ address: string; stop(): void }> {
    const server = new grpc.Server();
    const implementation: enginerpc.IEngineServer = {
        log: (call, callback) => {
            log.push(`[engine log] ${call.request.getMessage()}`);
            callback(null, new Empty());
        },
        getRootResource: (_call, callback) => callback(null, new engine.GetRootResourceResponse()),
        setRootResource: (_call, callback) => callback(null, new engine.SetRootResourceResponse()),
        startDebugging: (_call, callback) => callback(null, new Empty()),
        requirePulumiVersion: (_call, callback) => callback(null, new engine.RequirePulumiVersionResponse()),
    };
    server.addService(enginerpc.EngineService, implementation);
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
            err ? reject(err) : resolve(p),
        ),
    );
    return { address: `127.0.0.1:${port}`, stop: () => server.forceShutdown() };
}

/** Starts the pack as the engine does and resolves with its process and the port it printed. */
function startPack(launch: PackLaunch, log: string[]): Promise<{ child: ChildProcess; port: number }> {
    const packDir = launch.cwd;
    const child = spawn(launch.command, launch.args, {
        cwd: launch.cwd,
        env: launch.env,
        stdio: ["ignore", "pipe", "pipe"],
    });
    return new Promise((resolve, reject) => {
        let stdout = "";
        let stderr = "";
        const fail = (why: string) => {
            clearTimeout(timer);
            child.kill("SIGKILL");
            reject(new PolicyPackError(`The policy pack in ${packDir} ${why}.${stderr ? `\n${stderr.trim()}` : ""}`));
        };
        const timer = setTimeout(() => fail(`printed no port within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
        child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
            stderr += chunk;
            log.push(...chunk.split("\n").filter((l) => l.trim() !== ""));
        });
        child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
            stdout += chunk;
            const line = stdout.split("\n")[0];
            if (stdout.includes("\n") && /^\d+$/.test(line.trim())) {
                clearTimeout(timer);
                resolve({ child, port: Number(line.trim()) });
            } else if (stdout.includes("\n")) {
                fail(`printed "${line}" instead of its port`);
            }
        });
        child.on("error", (err) => fail(`could not be started (${err.message})`));
        child.on("exit", (code, signal) => fail(`exited before serving (${signal ?? `code ${code}`})`));
    });
}

/** Stops the pack process (ours) and waits until it has exited. */
async function stopPack(child: ChildProcess): Promise<void> {
    child.removeAllListeners("exit");
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => {
            clearTimeout(timer);
            resolve();
        });
        child.kill("SIGTERM");
    });
}

function call<Req, Res>(
    fn: (request: Req, callback: (err: grpc.ServiceError | null, response: Res) => void) => unknown,
    request: Req,
    what: string,
): Promise<Res> {
    return new Promise((resolve, reject) =>
        fn(request, (err, response) =>
            err ? reject(new PolicyPackError(`${what} failed: ${err.details || err.message}`)) : resolve(response),
        ),
    );
}

/** Wire-form properties as the engine marshals them: internal keys (`__...`) dropped. */
function struct(properties: Record<string, unknown>): Struct {
    const visible = Object.fromEntries(Object.entries(properties).filter(([k]) => !k.startsWith("__")));
    return Struct.fromJavaScript(visible as Record<string, JavaScriptValue>);
}

function resourceOptions(r: ResourceRecord): analyzer.AnalyzerResourceOptions {
    const options = new analyzer.AnalyzerResourceOptions();
    options.setProtect(r.protect);
    if (r.parent) options.setParent(r.parent);
    options.setCustomtimeouts(new analyzer.AnalyzerResourceOptions.CustomTimeouts());
    return options;
}

function providerOf(
    r: ResourceRecord,
    byUrn: Map<string, ResourceRecord>,
): analyzer.AnalyzerProviderResource | undefined {
    // A provider reference is "<urn>::<id>".
    const urn = r.provider?.slice(0, r.provider.lastIndexOf("::"));
    const provider = urn ? byUrn.get(urn) : undefined;
    if (!provider) return undefined;
    const p = new analyzer.AnalyzerProviderResource();
    p.setUrn(provider.urn);
    p.setType(provider.type);
    p.setName(provider.name);
    p.setProperties(struct(provider.inputs));
    return p;
}

/**
 * The plaintext secrets of the graph, so no violation message can carry one: every string that is itself
 * a secret (4+ characters), and every long string (12+) inside a secret object, such as a Kubernetes
 * Secret's `stringData`, whose short entries ("true", "6379") are ordinary words rather than secrets.
 */
function secretValues(resources: readonly ResourceRecord[]): string[] {
    const found = new Set<string>();
    const walk = (value: unknown, depth: "none" | "direct" | "nested") => {
        if (Array.isArray(value)) value.forEach((v) => walk(v, depth === "none" ? "none" : "nested"));
        else if (value !== null && typeof value === "object") {
            const v = value as Record<string, unknown>;
            if (v[rpc.specialSigKey] === rpc.specialSecretSig) walk(v.value, "direct");
            else Object.values(v).forEach((x) => walk(x, depth === "none" ? "none" : "nested"));
        } else if (
            typeof value === "string" &&
            value.length >= (depth === "direct" ? 4 : depth === "nested" ? 12 : Infinity)
        ) {
            found.add(value);
        }
    };
    for (const r of resources) {
        walk(r.inputs, "none");
        walk(r.outputs, "none");
    }
    return [...found].sort((a, b) => b.length - a.length);
}

function scrub(text: string, secrets: readonly string[]): string {
    return secrets.reduce((t, s) => t.split(s).join("[secret]"), text);
}

function stackTags(project: string): Record<string, string> {
    const file = path.join(ROOT, "Pulumi.yaml");
    const doc = (fs.existsSync(file) ? parse(fs.readFileSync(file, "utf8")) : {}) as {
        runtime?: string | { name: string };
        description?: string;
    };
    const runtime = typeof doc.runtime === "object" ? doc.runtime.name : (doc.runtime ?? "nodejs");
    return {
        "pulumi:project": project,
        "pulumi:runtime": runtime,
        ...(doc.description ? { "pulumi:description": doc.description } : {}),
    };
}

/** The pack's policies as GetAnalyzerInfo describes them. */
function describePolicies(info: analyzer.AnalyzerInfo): PolicyDescription[] {
    return info.getPoliciesList().map((p) => {
        const schema = p.getConfigschema();
        return {
            name: p.getName(),
            enforcementLevel: LEVELS[p.getEnforcementlevel()] ?? "advisory",
            schema: schema
                ? {
                      properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, JsonSchema>,
                      required: schema.getRequiredList(),
                  }
                : undefined,
        };
    });
}

/** Loads the policy config to apply: an explicit file, else the stack's file when it exists. */
export function loadPolicyConfig(
    stack: string,
    file?: string,
    packDir = POLICY_PACK_DIR,
    environment?: string,
): { file: string; config: PolicyConfigFile } | null {
    if (file !== undefined) return { file, config: readPolicyConfig(file) };
    // The stack's own file, else its environment's (check/policy-config.ts).
    const chosen = policyConfigFileFor(path.dirname(defaultPolicyConfigFile(stack, packDir)), stack, environment);
    return chosen ? { file: chosen, config: readPolicyConfig(chosen) } : null;
}

/** What one evaluation needs to know about the stack. */
export interface EvaluationOptions {
    readonly project: string;
    readonly stack: string;
    readonly config: Record<string, string>;
    readonly tags?: Record<string, string>;
    /** The policy config to apply; null or absent applies none (schema defaults and the pack's levels). */
    readonly policyConfig?: { readonly file: string; readonly config: PolicyConfigFile } | null;
    /** Which run to model (see `Phase`). @default "update" */
    readonly phase?: Phase;
}

/**
 * A running policy pack: started the way the engine starts it, answering the analyzer protocol until
 * stopped. `evaluatePolicies` starts one per run, as the engine does per preview; tests reuse one for
 * several evaluations (each evaluation configures the pack afresh).
 */
export class PolicyPackProcess {
    private constructor(
        private readonly child: ChildProcess,
        private readonly client: analyzerrpc.AnalyzerClient,
        private readonly host: { stop(): void },
        /** Milliseconds from spawning the pack until it printed its port. */
        public readonly startMs: number,
        /** Milliseconds spent re-emitting the pack's JavaScript (about 0 when it was current). */
        public readonly buildMs: number,
        /** What the pack wrote on stderr or logged to the engine. */
        public readonly log: string[],
    ) {}

    /** Builds the pack if needed and starts it with the stack's identity and config in its environment. */
    static async start(options: {
        readonly project: string;
        readonly stack: string;
        readonly config: Record<string, string>;
        readonly packDir?: string;
    }): Promise<PolicyPackProcess> {
        const packDir = options.packDir ?? POLICY_PACK_DIR;
        const build = ensurePackBuilt(packDir);
        const log: string[] = [];
        const host = await startEngineHost(log);
        // One process serves both phases, started as for a preview (the engine starts a pack per operation).
        const identity = { project: options.project, stack: options.stack, dryRun: true, config: options.config };
        const launch = policyPackLaunch(packDir, host.address, identity);
        const spawnedAt = performance.now();
        try {
            const { child, port } = await startPack(launch, log);
            const startMs = performance.now() - spawnedAt;
            const client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
                "grpc.max_receive_message_length": MAX_MESSAGE,
                "grpc.max_send_message_length": MAX_MESSAGE,
            });
            return new PolicyPackProcess(child, client, host, startMs, build.ms, log);
        } catch (err) {
            host.stop();
            throw err;
        }
    }

    /** Configures the pack for a stack and sends it every resource and then the whole graph. */
    async evaluate(
        resources: readonly ResourceRecord[],
        options: EvaluationOptions,
    ): Promise<Omit<PolicyRunResult, "timings" | "log" | "phases"> & { readonly evaluateMs: number }> {
        const started = performance.now();
        const phase = options.phase ?? "update";
        const sent = phase === "preview" ? previewResources(resources) : resources;
        const c = this.client;
        const info = await call<Empty, analyzer.AnalyzerInfo>(
            c.getAnalyzerInfo.bind(c),
            new Empty(),
            "GetAnalyzerInfo",
        );
        const policies = describePolicies(info);
        const policyConfig = options.policyConfig ?? null;
        const resolved = reconcilePolicyConfig(
            policies,
            policyConfig?.config ?? {},
            policyConfig ? path.relative(ROOT, policyConfig.file) : "(no policy config)",
        );
        const configure = new analyzer.ConfigureAnalyzerRequest();
        for (const [name, value] of resolved) {
            const entry = new analyzer.PolicyConfig();
            entry.setEnforcementlevel(LEVEL_NUMBERS[value.enforcementLevel]);
            entry.setProperties(Struct.fromJavaScript(value.properties as Record<string, JavaScriptValue>));
            configure.getPolicyconfigMap().set(name, entry);
        }
        await call(c.configure.bind(c), configure, "Configure");

        const stackConfig = new analyzer.AnalyzerStackConfigureRequest();
        stackConfig.setStack(options.stack);
        stackConfig.setProject(options.project);
        stackConfig.setOrganization("organization");
        stackConfig.setDryRun(phase === "preview");
        for (const [k, v] of Object.entries(options.config)) stackConfig.getConfigMap().set(k, v);
        for (const [k, v] of Object.entries(options.tags ?? stackTags(options.project))) {
            stackConfig.getTagsMap().set(k, v);
        }
        await call(c.configureStack.bind(c), stackConfig, "ConfigureStack");

        const byUrn = new Map(sent.map((r) => [r.urn, r]));
        const analyses = sent.map((r) => {
            const request = new analyzer.AnalyzeRequest();
            request.setUrn(r.urn);
            request.setType(r.type);
            request.setName(r.name);
            request.setProperties(struct(r.inputs));
            request.setOptions(resourceOptions(r));
            const provider = providerOf(r, byUrn);
            if (provider) request.setProvider(provider);
            return call<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>(
                c.analyze.bind(c),
                request,
                `Analyze(${r.urn})`,
            );
        });

        const stackRequest = new analyzer.AnalyzeStackRequest();
        stackRequest.setResourcesList(
            sent.map((r) => {
                const resource = new analyzer.AnalyzerResource();
                resource.setUrn(r.urn);
                resource.setType(r.type);
                resource.setName(r.name);
                // Custom resources: their state once created (inputs plus what the provider computes), as the
                // engine sends them to AnalyzeStack after the first `up`; components: their registered outputs.
                resource.setProperties(struct(r.custom ? (r.state ?? r.inputs) : r.outputs));
                resource.setOptions(resourceOptions(r));
                const provider = providerOf(r, byUrn);
                if (provider) resource.setProvider(provider);
                if (r.parent) resource.setParent(r.parent);
                resource.setDependenciesList(r.dependencies);
                for (const [property, urns] of Object.entries(r.propertyDependencies)) {
                    if (urns.length === 0) continue;
                    const deps = new analyzer.AnalyzerPropertyDependencies();
                    deps.setUrnsList(urns);
                    resource.getPropertydependenciesMap().set(property, deps);
                }
                return resource;
            }),
        );
        const responses = [
            ...(await Promise.all(analyses)),
            await call<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>(
                c.analyzeStack.bind(c),
                stackRequest,
                "AnalyzeStack",
            ),
        ];
        const evaluateMs = performance.now() - started;

        const { violations, exemptions } = findingsOf(responses, resolved, secretValues(resources), phase);
        return {
            pack: { name: info.getName(), version: info.getVersion() },
            configFile: policyConfig ? path.relative(ROOT, policyConfig.file) : null,
            policies: policies.length,
            resources: resources.length,
            violations,
            exemptions,
            evaluateMs,
        };
    }

    /** Closes the connection and stops the pack process (and the engine host). */
    async stop(): Promise<void> {
        this.client.close();
        await stopPack(this.child);
        this.host.stop();
    }
}

/** The violations (sorted: mandatory first) and exemptions in the pack's responses, secrets scrubbed. */
function findingsOf(
    responses: readonly analyzer.AnalyzeResponse[],
    resolved: ReadonlyMap<string, { enforcementLevel: EnforcementLevel }>,
    secrets: ReturnType<typeof secretValues>,
    phase: Phase,
): { violations: Violation[]; exemptions: PolicyExemption[] } {
    const violations: Violation[] = responses
        .flatMap((r) => r.getDiagnosticsList())
        .map((d) => ({
            policyPack: d.getPolicypackname(),
            policy: d.getPolicyname(),
            // As the engine does: a remediation that still reports is mandatory.
            enforcementLevel:
                d.getEnforcementlevel() === analyzer.EnforcementLevel.REMEDIATE
                    ? "mandatory"
                    : (LEVELS[d.getEnforcementlevel()] ?? "advisory"),
            urn: d.getUrn(),
            message: scrub(d.getMessage(), secrets),
            phase,
            ...undecidable(d.getMessage(), resolved),
        }));
    const exemptions = responses.flatMap((r) =>
        r.getNotApplicableList().flatMap((n) => exemptionsOf(n.getPolicyName(), scrub(n.getReason(), secrets), phase)),
    );
    violations.sort(
        (a, b) =>
            Number(b.enforcementLevel === "mandatory") - Number(a.enforcementLevel === "mandatory") ||
            a.policy.localeCompare(b.policy) ||
            a.urn.localeCompare(b.urn),
    );
    return { violations, exemptions };
}

/** The exemptions a "not applicable" reason reports (policies/lib/exemptions.ts; one per line). */
function exemptionsOf(policy: string, reason: string, phase: Phase): PolicyExemption[] {
    return reason.split("\n").flatMap((line) => {
        const match = /^(exempted|exemption expired) (\S+): /.exec(line);
        if (!match) return [];
        return [
            { policy, urn: match[2], status: match[1] === "exempted" ? "exempted" : "expired", message: line, phase },
        ];
    });
}

/** For a "can't run policy ... during preview" diagnostic: the rule's configured level. */
function undecidable(
    message: string,
    resolved: ReadonlyMap<string, { enforcementLevel: EnforcementLevel }>,
): Pick<Violation, "undecidable"> {
    const policy = UNDECIDABLE.exec(message)?.[1];
    return policy === undefined ? {} : { undecidable: { level: resolved.get(policy)?.enforcementLevel ?? "advisory" } };
}

/**
 * Evaluates the policy pack over a program's resources, as `pulumi preview --policy-pack` and the `pulumi
 * up` after it would: start the pack, then per phase configure it and analyze every resource and the graph,
 * then stop it.
 */
export async function evaluatePolicies(
    resources: readonly ResourceRecord[],
    options: PolicyRunOptions,
): Promise<PolicyRunResult> {
    const started = performance.now();
    const packDir = options.packDir ?? POLICY_PACK_DIR;
    const policyConfig =
        options.policyConfig === undefined
            ? loadPolicyConfig(options.stack, options.policyConfigFile, packDir)
            : options.policyConfig;
    const phases = options.phases ?? PHASES;
    const pack = await PolicyPackProcess.start({ ...options, packDir });
    const results: Awaited<ReturnType<PolicyPackProcess["evaluate"]>>[] = [];
    try {
        for (const phase of phases) results.push(await pack.evaluate(resources, { ...options, policyConfig, phase }));
    } finally {
        await pack.stop();
    }
    const evaluateMs = results.reduce((ms, r) => ms + r.evaluateMs, 0);
    const { evaluateMs: _first, ...rest } = results[0];
    void _first;
    const secrets = secretValues(resources);
    return {
        ...rest,
        phases,
        violations: results.flatMap((r) => r.violations),
        exemptions: results.flatMap((r) => r.exemptions),
        timings: { buildMs: pack.buildMs, startMs: pack.startMs, evaluateMs, totalMs: performance.now() - started },
        log: pack.log.map((l) => scrub(l, secrets)),
    };
}

/** Whether any violation blocks a deployment. */
export function hasMandatoryViolations(violations: readonly Violation[]): boolean {
    return violations.some((v) => v.enforcementLevel === "mandatory");
}

/** The readable report: a summary line, then each violation with its level, pack, policy, URN and message. */
export function renderViolations(result: PolicyRunResult): string {
    const { violations, timings } = result;
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const lines = [
        `policy pack ${result.pack.name}@${result.pack.version} (${result.configFile ?? "no policy config"}): ` +
            `${result.policies} policies over ${result.resources} resources, ` +
            `${violations.length} violation${violations.length === 1 ? "" : "s"}` +
            `${violations.length > 0 ? ` (${mandatory} mandatory)` : ""}; ` +
            `pack start ${seconds(timings.startMs)}, evaluation ${seconds(timings.evaluateMs)}` +
            `${timings.buildMs >= 50 ? `, build ${seconds(timings.buildMs)}` : ""}, total ${seconds(timings.totalMs)}`,
    ];
    const phases = result.phases ?? PHASES;
    for (const phase of phases)
        lines.push(
            ...renderPhase(
                phase,
                violations.filter((v) => (v.phase ?? phase) === phase),
            ),
            ...renderExemptions((result.exemptions ?? []).filter((e) => (e.phase ?? phase) === phase)),
        );
    return lines.join("\n");
}

const PHASE_MODEL: Record<Phase, string> = {
    preview: "resource rules on inputs with new resources' computed values unknown, stack rules on planned outputs",
    update: "resource rules on known inputs, stack rules on the provider's state",
};

/** One phase's findings: decided violations, then the rules the pack could not decide on unknowns. */
function renderPhase(phase: Phase, found: readonly Violation[]): string[] {
    const decided = found.filter((v) => !v.undecidable);
    const open = found.filter((v) => v.undecidable);
    const mandatory = decided.filter((v) => v.enforcementLevel === "mandatory").length;
    const later = open.filter((v) => v.undecidable!.level === "mandatory").length;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
    const lines = [
        `${phase} (${PHASE_MODEL[phase]}): ${plural(decided.length, "violation")}` +
            `${mandatory > 0 ? ` (${mandatory} mandatory)` : ""}` +
            `${phase === "preview" ? `, ${open.length} undecidable${later > 0 ? ` (${later} mandatory once the changes are made)` : ""}` : ""}`,
    ];
    for (const v of [...decided, ...open]) {
        const level = v.undecidable
            ? `? [undecidable in preview; ${v.undecidable.level} once the changes are made]`
            : `${v.enforcementLevel === "mandatory" ? "✗" : "!"} [${v.enforcementLevel}]`;
        lines.push(`${level} ${v.policyPack}: ${v.policy}`);
        lines.push(`    ${v.urn || "(stack)"}`);
        lines.push(...v.message.split("\n").map((l) => `    ${l}`));
    }
    return lines;
}

/** A phase's exemptions (policies/config/*.json `exemptions`): applied ones, and expired ones not applied. */
function renderExemptions(exemptions: readonly PolicyExemption[]): string[] {
    return exemptions.flatMap((e) => [
        `${e.status === "exempted" ? "~ [exempted]" : "~ [exemption expired, not applied]"} ${e.policy}`,
        `    ${e.urn}`,
        `    ${e.message}`,
    ]);
}
