/**
 * Runs the real program under the Pulumi SDK's mock runtime and records the desired resource graph the
 * way the engine would receive it: parents, providers, dependencies, property dependencies, protect and
 * inputs (secrets kept as secrets). Used by the offline check command, the tests and the benchmark.
 */
import * as pulumi from "@pulumi/pulumi";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as path from "path";
import { setEvaluationDate } from "../components/shared/facts";
import { Placement, answerInvoke } from "./invokes";
import { mockResourceState } from "./state";

/** One registered resource, as the engine would see it. */
export interface ResourceRecord {
    readonly urn: string;
    /** The id the provider assigned (custom resources; absent on hand-made records). */
    readonly id?: string;
    readonly type: string;
    readonly name: string;
    /** URN of the parent resource (the stack for top-level resources). */
    readonly parent: string | null;
    /** Provider reference (`urn::id`) for custom resources; null for components and default providers. */
    readonly provider: string | null;
    /** URNs this resource depends on (explicit `dependsOn` plus every input's dependencies). */
    readonly dependencies: string[];
    /** For each input property, the URNs its value came from. */
    readonly propertyDependencies: Record<string, string[]>;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    /** The `deleteBeforeReplace` resource option. */
    readonly deleteBeforeReplace?: boolean;
    /** The `replaceOnChanges` resource option (absent when empty). */
    readonly replaceOnChanges?: string[];
    /** True for custom (cloud) resources, false for components and the stack. */
    readonly custom: boolean;
    /** Inputs as registered, in the engine's wire form (secrets as signature objects). */
    readonly inputs: Record<string, unknown>;
    /**
     * What the provider reports once the resource exists (`check/state.ts`): the inputs plus the computed
     * outputs, in wire form. The engine sends this, not the inputs, to stack policies (AnalyzeStack runs on
     * "the final outputs of each resource", pulumi/pulumi pkg/resource/deploy/step_generator.go
     * AnalyzeResources), so a stack rule sees e.g. the AES256 default S3 fills into a bucket's outputs.
     * Absent on hand-made records: the inputs stand in.
     */
    readonly state?: Record<string, unknown>;
    /** Outputs a component registered with `registerOutputs` (wire form); `{}` for custom resources. */
    outputs: Record<string, unknown>;
    /** The `aliases` resource option as the engine receives it (check/aliases.ts resolves them). */
    readonly aliases?: AliasSpec[];
}

/**
 * One alias as registered (pulumi/proto alias.proto): a whole old URN, or the parts of the old URN that
 * differ (empty parts default to the resource's own).
 */
export interface AliasSpec {
    readonly urn?: string;
    readonly name?: string;
    readonly type?: string;
    readonly project?: string;
    readonly stack?: string;
    readonly parentUrn?: string;
    readonly noParent?: boolean;
}

/** One registration as the engine receives it, in order (a URN registered twice appears twice). */
export interface Registration {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly parent: string | null;
    /** Whether the parent had been registered when this registration arrived (true without a parent). */
    readonly parentRegistered: boolean;
}

export interface ProgramRun {
    readonly project: string;
    readonly stack: string;
    /** Each resource once (the first registration of a URN). */
    readonly resources: ResourceRecord[];
    /** Every registration in the order the engine would receive it (check/engine.ts judges them). */
    readonly registrations?: Registration[];
    /** The stack's outputs (wire form). */
    readonly outputs: Record<string, unknown>;
}

export interface RunOptions {
    readonly project: string;
    readonly stack: string;
    /** Every config value as the engine passes it: `{"platform:cloud": "aws"}`, values as strings. */
    readonly config: Record<string, string>;
    /** The program's entry module. @default the repository's index.ts */
    readonly program?: string;
    /** Called for every registered resource as it is registered (also when the program later fails). */
    readonly observe?: (record: ResourceRecord) => void;
    /**
     * The day (YYYY-MM-DD) dated facts such as Kubernetes support windows are judged on.
     * @default today
     */
    readonly today?: string;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/** Marks the listed output properties secret, as the engine does for `additionalSecretOutputs`. */
function applyAdditionalSecretOutputs(state: Record<string, unknown>, names: string[]): Record<string, unknown> {
    const out = { ...state };
    for (const key of names) {
        const value = out[key];
        if (value !== undefined && !rpc.isRpcSecret(value)) {
            out[key] = { [rpc.specialSigKey]: rpc.specialSecretSig, value };
        }
    }
    return out;
}

interface Callback<T> {
    (err: Error | null, resp?: T): void;
}

/**
 * Runs the program at `options.program` for a stack's config under mocks and returns its graph. Throws the
 * program's own error (e.g. a `ConfigError`) when it fails, and an error when any invoke goes unanswered.
 */
export async function runProgram(options: RunOptions): Promise<ProgramRun> {
    const program = options.program ?? path.join(__dirname, "..", "index");
    const region = options.config["platform:awsRegion"] ?? "us-east-1";
    const location = options.config["platform:azureLocation"] ?? "eastus2";
    const cloud: Placement["cloud"] = options.config["platform:cloud"] === "azure" ? "azure" : "aws";
    const failures: unknown[] = [];

    const records = new Map<string, ResourceRecord>();
    /** A resource created through an explicit provider lives in that provider's region / location. */
    const placementOf = (provider: string | undefined) => {
        const inputs = provider ? records.get(provider.slice(0, provider.lastIndexOf("::")))?.inputs : undefined;
        return {
            region: typeof inputs?.region === "string" ? inputs.region : region,
            location: typeof inputs?.location === "string" ? inputs.location : location,
            cloud,
        };
    };

    pulumi.runtime.setAllConfig(options.config);
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => mockResourceState(args, placementOf(args.provider)),
            call: (args) => answerInvoke(args.token, args.inputs, { region, location, cloud }),
        },
        options.project,
        options.stack,
        true,
    );

    const order: string[] = [];
    const registrations: Registration[] = [];
    const monitor = settings.getMonitor() as unknown as {
        newUrn(parent: string, type: string, name: string): string;
        registerResource(req: RegisterRequest, cb: Callback<RegisterResponse>): void;
        registerResourceOutputs(req: OutputsRequest, cb: Callback<unknown>): void;
    };
    // URNs as the engine makes them (pulumi/pulumi pkg/resource/deploy/deployment.go generateURN): the
    // parent's whole qualified type, except the root stack's. The SDK's mock monitor keeps only the parent's
    // last type and keeps the stack's, so its URNs of nested or top-level resources are not the real ones.
    monitor.newUrn = (parent, type, name) => engineUrn(parent, type, name, options.project, options.stack);
    const originalRegister = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        const parent = req.getParent() || null;
        const parentRegistered = parent === null || records.has(parent);
        originalRegister(req, (err, resp) => {
            if (err || !resp) {
                failures.push(err);
                return cb(err, resp);
            }
            const secretOutputs = req.getAdditionalsecretoutputsList();
            const state = (resp.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
            if (secretOutputs.length > 0) {
                resp.setObject(
                    Struct.fromJavaScript(
                        applyAdditionalSecretOutputs(state, secretOutputs) as Record<string, JavaScriptValue>,
                    ),
                );
            }
            const urn = resp.getUrn();
            registrations.push({
                urn,
                type: req.getType(),
                name: req.getName(),
                custom: req.getCustom(),
                parent,
                parentRegistered,
            });
            if (records.has(urn)) {
                // A second registration of the URN: the engine refuses it (check/engine.ts); keep the first.
                return cb(null, resp);
            }
            const inputs = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
            const propertyDependencies: Record<string, string[]> = {};
            req.getPropertydependenciesMap().forEach((deps, key) => {
                propertyDependencies[key] = deps.getUrnsList();
            });
            records.set(urn, {
                urn,
                id: resp.getId() || undefined,
                type: req.getType(),
                name: req.getName(),
                parent: req.getParent() || null,
                provider: req.getProvider() || null,
                dependencies: req.getDependenciesList(),
                propertyDependencies,
                protect: req.getProtect() ?? false,
                retainOnDelete: req.getRetainondelete() ?? false,
                deleteBeforeReplace: req.getDeletebeforereplace() ?? false,
                ...(req.getReplaceonchangesList().length > 0
                    ? { replaceOnChanges: req.getReplaceonchangesList() }
                    : {}),
                custom: req.getCustom(),
                inputs,
                aliases: req.getAliasesList().map(aliasSpec),
                // Secret inputs stay secret in the state, as the engine keeps them.
                state: req.getCustom() ? { ...state, ...inputs } : {},
                outputs: {},
            });
            order.push(urn);
            options.observe?.(records.get(urn)!);
            cb(null, resp);
        });
    };
    const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, cb) => {
        const record = records.get(req.getUrn());
        if (record) {
            record.outputs = (req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
        }
        originalOutputs(req, cb);
    };

    const onFailure = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onFailure);
    setEvaluationDate(options.today);
    try {
        await pulumi.runtime.runInPulumiStack(async () => {
            // A fresh module instance per run: the program registers its resources when it is loaded.
            const resolved = require.resolve(program);
            delete require.cache[resolved];
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            return require(resolved);
        });
        // The SDK's own "wait until every registration has been answered" (internal, used by disconnect()).
        await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    } finally {
        process.off("unhandledRejection", onFailure);
        setEvaluationDate(undefined);
    }
    if (failures.length > 0) {
        throw failures[0] instanceof Error ? failures[0] : new Error(String(failures[0]));
    }

    const resources = order.map((urn) => records.get(urn)!);
    const stack = resources.find((r) => r.type === STACK_TYPE);
    return {
        project: options.project,
        stack: options.stack,
        resources: resources.filter((r) => r.type !== STACK_TYPE),
        registrations,
        outputs: stack?.outputs ?? {},
    };
}

/** Replaces every secret with "[secret]", resource references with their URN and unknowns with "[unknown]". */
export function redact(value: unknown): unknown {
    if (value === rpc.unknownValue) {
        return "[unknown]";
    }
    if (Array.isArray(value)) {
        return value.map(redact);
    }
    if (value !== null && typeof value === "object") {
        const sig = (value as Record<string, unknown>)[rpc.specialSigKey];
        if (sig === rpc.specialSecretSig) return "[secret]";
        if (sig === rpc.specialResourceSig) return (value as { urn: string }).urn;
        if (sig === rpc.specialAssetSig || sig === rpc.specialArchiveSig) return "[asset]";
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
    }
    return value;
}

/** Unwraps secrets and resource references to plain values (for assertions on settings). */
export function plain(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(plain);
    }
    if (value !== null && typeof value === "object") {
        const v = value as Record<string, unknown>;
        const sig = v[rpc.specialSigKey];
        if (sig === rpc.specialSecretSig) return plain(v.value);
        if (sig === rpc.specialResourceSig) return v.urn;
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    }
    return value;
}

// The slices of the generated gRPC message classes this module uses.
interface StructLike {
    toJavaScript(): unknown;
}
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): StructLike | undefined;
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getDeletebeforereplace(): boolean | undefined;
    getReplaceonchangesList(): string[];
    getDependenciesList(): string[];
    getProvider(): string;
    getAdditionalsecretoutputsList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (deps: { getUrnsList(): string[] }, key: string) => void): void };
    getAliasesList(): AliasMessage[];
}
interface AliasMessage {
    getUrn(): string;
    getSpec():
        | {
              getName(): string;
              getType(): string;
              getStack(): string;
              getProject(): string;
              getParenturn(): string;
              getNoparent(): boolean;
          }
        | undefined;
}

/** The URN the engine gives a registration (deployment.go generateURN, resource/urn/urn.go New). */
export function engineUrn(parent: string, type: string, name: string, project: string, stack: string): string {
    const parentType = parent ? parent.split("::")[2] : "";
    const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

function aliasSpec(alias: AliasMessage): AliasSpec {
    const spec = alias.getSpec();
    if (!spec) return { urn: alias.getUrn() };
    const parts: Record<string, string | boolean> = {
        name: spec.getName(),
        type: spec.getType(),
        project: spec.getProject(),
        stack: spec.getStack(),
        parentUrn: spec.getParenturn(),
        noParent: spec.getNoparent(),
    };
    return Object.fromEntries(Object.entries(parts).filter(([, v]) => v !== "" && v !== false)) as AliasSpec;
}
interface RegisterResponse {
    getUrn(): string;
    getId(): string;
    getObject(): StructLike | undefined;
    setObject(value: Struct): void;
}
interface OutputsRequest {
    getUrn(): string;
    getOutputs(): StructLike | undefined;
}
