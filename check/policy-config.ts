/**
 * Policy pack configuration, handled the way the Pulumi CLI handles `--policy-pack-config`: the file maps
 * policy names (or "all") to an enforcement level or to an object of settings with an optional
 * `enforcementLevel`; each policy starts from its schema's defaults and level, "all" sets every level,
 * per-policy entries override, and the result is validated against each policy's `configSchema`.
 *
 * Stricter than the CLI in one way, on purpose: an unknown policy name or setting is an error, so a typo
 * in a config file cannot silently weaken a check.
 */
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "./stack";

export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];

/** One entry of a policy config file. */
export interface PolicyConfigEntry {
    readonly enforcementLevel?: EnforcementLevel;
    readonly properties: Record<string, unknown>;
}

/** A parsed policy config file: policy name (or "all") to entry. */
export type PolicyConfigFile = Record<string, PolicyConfigEntry>;

/** The subset of JSON Schema the pack's `configSchema`s use. */
export interface JsonSchema {
    type?: string | string[];
    enum?: unknown[];
    minimum?: number;
    maximum?: number;
    items?: JsonSchema;
    uniqueItems?: boolean;
    properties?: Record<string, JsonSchema>;
    required?: string[];
    additionalProperties?: boolean;
    minLength?: number;
    pattern?: string;
    default?: unknown;
    description?: string;
}

/** What the pack says about one policy (from GetAnalyzerInfo). */
export interface PolicyDescription {
    readonly name: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly schema?: { readonly properties: Record<string, JsonSchema>; readonly required: string[] };
}

/** The configuration sent to the pack for one policy. */
export interface ResolvedPolicyConfig {
    readonly enforcementLevel: EnforcementLevel;
    readonly properties: Record<string, unknown>;
}

/** A policy config file that cannot be read, parsed or validated: bad input, exit code 2. */
export class PolicyConfigError extends UsageError {
    constructor(
        public readonly source: string,
        public readonly problems: string[],
    ) {
        super(
            `Invalid policy config ${source} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "PolicyConfigError";
    }
}

function isLevel(value: unknown): value is EnforcementLevel {
    return typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value);
}

const LEVELS_TEXT = ENFORCEMENT_LEVELS.map((l) => `"${l}"`).join(", ");

/** Parses the text of a policy config file. `source` names the file in messages. */
export function parsePolicyConfig(text: string, source: string): PolicyConfigFile {
    if (text.trim() === "") return {};
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (err) {
        throw new PolicyConfigError(source, [`not valid JSON: ${(err as Error).message}`]);
    }
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        throw new PolicyConfigError(source, ['expected a JSON object such as {"all": "mandatory"}']);
    }
    const problems: string[] = [];
    const result: PolicyConfigFile = {};
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof value === "string") {
            if (isLevel(value)) result[name] = { enforcementLevel: value, properties: {} };
            else problems.push(`${name}: got "${value}"; allowed: an enforcement level, one of ${LEVELS_TEXT}.`);
        } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) {
                problems.push(
                    `${name}.enforcementLevel: got ${JSON.stringify(enforcementLevel)}; allowed: one of ${LEVELS_TEXT}.`,
                );
                continue;
            }
            result[name] = { enforcementLevel: enforcementLevel as EnforcementLevel | undefined, properties };
        } else {
            problems.push(
                `${name}: got ${JSON.stringify(value)}; allowed: an enforcement level or an object of settings.`,
            );
        }
    }
    if (problems.length > 0) throw new PolicyConfigError(source, problems);
    return result;
}

/** Reads and parses a policy config file. */
export function readPolicyConfig(file: string): PolicyConfigFile {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new PolicyConfigError(file, [
            `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). ` +
                "Pass an existing file to --policy-config.",
        ]);
    }
    return parsePolicyConfig(text, file);
}

function typeMatches(type: string, value: unknown): boolean {
    switch (type) {
        case "integer":
            return Number.isInteger(value);
        case "number":
            return typeof value === "number" && Number.isFinite(value);
        case "array":
            return Array.isArray(value);
        case "object":
            return value !== null && typeof value === "object" && !Array.isArray(value);
        case "null":
            return value === null;
        default:
            return typeof value === type;
    }
}

/** Problems of `value` against `schema` (the JSON Schema subset the pack uses). */
export function validateValue(schema: JsonSchema, value: unknown, where: string): string[] {
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.length > 0 && !types.some((t) => typeMatches(t, value))) {
        return [`${where}: got ${JSON.stringify(value)}; allowed: ${describe(schema)}.`];
    }
    const problems: string[] = [];
    if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
        problems.push(`${where}: got ${JSON.stringify(value)}; allowed: ${describe(schema)}.`);
    }
    if (typeof value === "number") {
        if (
            (schema.minimum !== undefined && value < schema.minimum) ||
            (schema.maximum !== undefined && value > schema.maximum)
        ) {
            problems.push(`${where}: got ${value}; allowed: ${describe(schema)}.`);
        }
    }
    if (typeof value === "string") {
        if (
            (schema.minLength !== undefined && value.trim().length < schema.minLength) ||
            (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value))
        ) {
            problems.push(`${where}: got ${JSON.stringify(value)}; allowed: ${schema.description ?? describe(schema)}`);
        }
    }
    if (schema.properties && value !== null && typeof value === "object" && !Array.isArray(value)) {
        problems.push(...validateObject(schema, value as Record<string, unknown>, where));
    }
    if (Array.isArray(value)) {
        if (schema.items) value.forEach((v, i) => problems.push(...validateValue(schema.items!, v, `${where}[${i}]`)));
        if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) {
            problems.push(`${where}: has duplicate items.`);
        }
    }
    return problems;
}

/** Problems of an object against its schema's properties, required keys and additionalProperties (exemptions). */
function validateObject(schema: JsonSchema, value: Record<string, unknown>, where: string): string[] {
    const properties = schema.properties ?? {};
    const problems: string[] = [];
    for (const key of schema.required ?? []) {
        if (value[key] === undefined) {
            problems.push(`${where}.${key}: required (${properties[key]?.description ?? "see the policy's schema"}).`);
        }
    }
    for (const [key, v] of Object.entries(value)) {
        if (properties[key]) problems.push(...validateValue(properties[key], v, `${where}.${key}`));
        else if (schema.additionalProperties === false) {
            problems.push(`${where}.${key}: not allowed; allowed: ${Object.keys(properties).join(", ")}.`);
        }
    }
    return problems;
}

function describe(schema: JsonSchema): string {
    if (schema.enum) return `one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`;
    const type = Array.isArray(schema.type) ? schema.type.join(" or ") : (schema.type ?? "any value");
    const range =
        schema.minimum !== undefined && schema.maximum !== undefined
            ? ` from ${schema.minimum} to ${schema.maximum}`
            : schema.minimum !== undefined
              ? ` of at least ${schema.minimum}`
              : schema.maximum !== undefined
                ? ` of at most ${schema.maximum}`
                : "";
    const items = schema.items?.type ? ` of ${schema.items.type}s` : "";
    return `${type === "integer" ? "an integer" : `a ${type}`}${items}${range}`;
}

/**
 * The configuration to send to the pack: for every policy its schema defaults and own level, then the
 * file's "all" level, then the file's per-policy entries; validated against each policy's schema.
 */
export function reconcilePolicyConfig(
    policies: readonly PolicyDescription[],
    file: PolicyConfigFile,
    source: string,
): Map<string, ResolvedPolicyConfig> {
    const problems: string[] = [];
    const known = new Map(policies.map((p) => [p.name, p]));
    for (const name of Object.keys(file)) {
        if (name !== "all" && !known.has(name)) {
            problems.push(`${name}: no policy of this name in the pack. Check the spelling (see policies/README.md).`);
        }
    }
    if (file.all && Object.keys(file.all.properties).length > 0) {
        problems.push(
            `all: only an enforcement level applies to all policies, got settings ${Object.keys(file.all.properties).join(", ")}.`,
        );
    }
    const result = new Map<string, ResolvedPolicyConfig>();
    for (const policy of policies) {
        const schema = policy.schema ?? { properties: {}, required: [] };
        const properties: Record<string, unknown> = {};
        for (const [key, s] of Object.entries(schema.properties)) {
            if (s.default !== undefined) properties[key] = s.default;
        }
        const entry = file[policy.name];
        for (const [key, value] of Object.entries(entry?.properties ?? {})) {
            if (!(key in schema.properties)) {
                const allowed = Object.keys(schema.properties);
                problems.push(
                    `${policy.name}.${key}: not a setting of this policy; allowed: ${
                        allowed.length > 0 ? allowed.join(", ") : "only enforcementLevel"
                    }.`,
                );
                continue;
            }
            problems.push(...validateValue(schema.properties[key], value, `${policy.name}.${key}`));
            properties[key] = value;
        }
        for (const key of schema.required) {
            if (properties[key] === undefined) problems.push(`${policy.name}.${key}: required.`);
        }
        result.set(policy.name, {
            enforcementLevel: entry?.enforcementLevel ?? file.all?.enforcementLevel ?? policy.enforcementLevel,
            properties,
        });
    }
    if (problems.length > 0) throw new PolicyConfigError(source, problems);
    return result;
}

/**
 * The policy config file a stack runs with: `<configDir>/<stack>.json` when the stack has a file of its own,
 * else the file of the stack's environment (`platform:environment`), `<configDir>/<environment>.json`, so a
 * new stack (a copy of Pulumi.dev.yaml named alice) gets dev's thresholds and advisory levels instead of the
 * pack's mandatory defaults. Undefined when neither exists.
 */
export function policyConfigFileFor(
    configDir: string,
    stack: string,
    environment: string | undefined,
): string | undefined {
    const own = path.join(configDir, `${stack}.json`);
    if (fs.existsSync(own)) return own;
    const shared = environment === undefined ? undefined : path.join(configDir, `${environment}.json`);
    return shared !== undefined && fs.existsSync(shared) ? shared : undefined;
}
