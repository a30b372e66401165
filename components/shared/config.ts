import * as pulumi from "@pulumi/pulumi";
import { BACKUP_CONFIG } from "../backup/config";
import { CACHE_CONFIG } from "../cache/config";
import { CDN_CONFIG, checkEdgeNeedsZone } from "../cdn/config";
import { CLUSTER_CONFIG, reviewClusterVersion as reviewVersion } from "../cluster/config";
import { DATABASE_CONFIG } from "../database/config";
import { DNS_CONFIG } from "../dns/config";
import { MONITORING_CONFIG } from "../monitoring/config";
import { NETWORK_CONFIG } from "../network/config";
import { STORAGE_CONFIG } from "../storage/config";
import { SERVICES_CONFIG } from "../workloads/config";
import { readSecretValues } from "../workloads/secrets/config";
import type { SecretValues } from "../workloads/secrets";
import { EDGE_CONFIG } from "../workloads/edge/config";
import { evaluationDay } from "./facts";
import {
    ConfigKind,
    ConfigProblem,
    Field,
    Infer,
    KeyDefinition,
    Location,
    decodeConfig,
    formatProblem,
    problem,
} from "./schema";
import { CheckContext, ConfigCheck, NAMESPACE, STACK_CHECKS, STACK_KEYS, StackSettings, tagRecord } from "./settings";
import { editDistance } from "./values";

/**
 * The one module that reads stack configuration. It reads every `platform:*` key once, rejects unknown
 * keys, wrong types, values the clouds would reject and impossible combinations, and returns one typed
 * object. Organisational rules (minimum retention per environment, encryption required) are the policy
 * pack's job: a valid but weak setting passes here and is caught there.
 *
 * It owns no capability's rules: the platform-wide keys and their checks are in `settings.ts`, and each
 * capability's `platform:<key>` and the checks that concern it are in `components/<capability>/config.ts`.
 * This module composes them, and reports every problem of every key and check together.
 */

export { NAMESPACE, PROGRAM_TAG_KEYS, type StackSettings } from "./settings";
export { AZURE_CLUSTER_RANGES } from "./catalog";
export { DEPLOYER_PRINCIPAL_TYPES, isGravitonInstanceType } from "../cluster/config";

/** Every capability's configuration, under its key, in the order `CONFIG_KEYS` lists them. */
const CAPABILITIES = {
    network: NETWORK_CONFIG,
    database: DATABASE_CONFIG,
    cache: CACHE_CONFIG,
    cluster: CLUSTER_CONFIG,
    storage: STORAGE_CONFIG,
    monitoring: MONITORING_CONFIG,
    services: SERVICES_CONFIG,
    backup: BACKUP_CONFIG,
    dns: DNS_CONFIG,
    cdn: CDN_CONFIG,
    edge: EDGE_CONFIG,
};
type Capabilities = typeof CAPABILITIES;

/**
 * Every `platform:*` key. `Pulumi.yaml` declares the same keys with the same types and defaults (a test
 * keeps the two in step). Structured settings are JSON strings, because Pulumi project config types are
 * limited to string, integer, boolean and array.
 */
export const CONFIG_KEYS = {
    ...STACK_KEYS,
    ...(Object.fromEntries(Object.entries(CAPABILITIES).map(([name, c]) => [name, c.key])) as {
        [K in keyof Capabilities]: Capabilities[K]["key"];
    }),
};

type Keys = typeof CONFIG_KEYS;
type Raw = { [K in keyof Keys]: Infer<Keys[K]["field"]> };

/** Each capability's validated section, under its key. */
type CapabilitySections = { readonly [K in keyof Capabilities]: Raw[K] };

/** The validated stack configuration every other module works from. */
export interface PlatformConfig extends StackSettings, CapabilitySections {
    /** Values of the services' secrets (`secrets:<service>.<NAME>` keys), secret Outputs. @default {} */
    readonly secretValues?: Readonly<Record<string, SecretValues>>;
}

/** Thrown when the configuration is invalid; carries one problem per mistake. */
export class ConfigError extends Error {
    constructor(public readonly problems: ConfigProblem[]) {
        super(
            `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** The Pulumi.yaml type each kind of field is declared with. */
export function pulumiTypeOf(kind: ConfigKind): "string" | "integer" | "boolean" | "array" {
    return kind === "json" ? "string" : kind;
}

/** The known key closest to a mistyped one, when it is close enough to be a typo. */
function closest(input: string, candidates: string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of candidates) {
        const d = editDistance(input.toLowerCase(), candidate.toLowerCase());
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return bestDistance <= 3 ? best : undefined;
}

/** `platform:*` keys this program does not know: a typo must never be ignored (it would drop the setting). */
function unknownKeys(raw: Record<string, string>, at: Omit<Location, "key">, problems: ConfigProblem[]): void {
    const known = Object.keys(CONFIG_KEYS).map((k) => `${NAMESPACE}:${k}`);
    for (const fullKey of Object.keys(raw)) {
        if (!fullKey.startsWith(`${NAMESPACE}:`) || known.includes(fullKey)) continue;
        const suggestion = closest(fullKey, known);
        const meant = suggestion ? ` (did you mean ${suggestion}?)` : "";
        problems.push({
            key: fullKey,
            received: raw[fullKey],
            allowed: `only the keys ${known.join(", ")}`,
            fix: at.fromCommandLine?.has(fullKey)
                ? `Remove -c ${fullKey}=... from the command line${meant}.`
                : `Remove ${fullKey} from ${at.stackFile}${meant}.`,
        });
    }
}

/** Where the raw values came from, so fixes point at the right place. */
export interface ConfigSources {
    /**
     * Full keys (`platform:network`) given with `-c key=value` on the offline check's command line.
     * @default none: every value is in the stack file or Pulumi.yaml, as under `pulumi up`
     */
    readonly fromCommandLine?: Iterable<string>;
    /**
     * The stack file as fixes name it (the offline check's `--stack-file examples/bell24h.yaml`).
     * @default Pulumi.<stack>.yaml
     */
    readonly stackFile?: string;
    /** The day dated facts (Kubernetes support windows) are judged on, YYYY-MM-DD. @default today */
    readonly today?: string;
}

/** Decodes and parses every key (its default when unset); each field reports its own problems. */
function readKeys(raw: Record<string, string>, base: Omit<Location, "key">, problems: ConfigProblem[]): Raw {
    const values: Partial<Record<keyof Keys, unknown>> = {};
    for (const [name, def] of Object.entries(CONFIG_KEYS) as [keyof Keys, KeyDefinition<Field<unknown>>][]) {
        const fullKey = `${NAMESPACE}:${name}`;
        const text = raw[fullKey];
        const at = { ...base, key: fullKey };
        if (text === undefined) {
            values[name] = def.default;
            continue;
        }
        const decoded = decodeConfig(def.field.kind, text);
        if ("invalid" in decoded) {
            problems.push(
                problem(
                    at,
                    text,
                    `valid JSON: ${def.field.allowed}`,
                    `Fix the JSON of ${fullKey}: ${decoded.invalid}. Strings need double quotes, and there are no trailing commas`,
                ),
            );
            continue;
        }
        values[name] = def.field.parse(decoded.value, at, problems);
    }
    return values as Raw;
}

/** Runs the platform-wide checks, then each capability's checks on its own section. */
function crossCheck(c: PlatformConfig, ctx: CheckContext): void {
    for (const check of STACK_CHECKS) check(c, ctx);
    for (const name of Object.keys(CAPABILITIES) as (keyof Capabilities)[]) {
        // Each capability's checks take its own section; the union of sections is checked per name here.
        for (const check of CAPABILITIES[name].checks as readonly ConfigCheck<unknown>[]) check(c[name], ctx);
    }
    // The one check that reads two capabilities' keys: the edge needs the zone its certificates are validated in.
    checkEdgeNeedsZone(c, ctx);
}

/**
 * Validates raw config (`{"platform:cloud": "aws", ...}`, every value a string as the engine passes it)
 * for a stack. Pure: tests call it directly. Throws `ConfigError` listing every problem.
 */
export function parseConfig(
    raw: Record<string, string>,
    project: string,
    stack: string,
    sources: ConfigSources = {},
): PlatformConfig {
    const base = {
        stackFile: sources.stackFile ?? `Pulumi.${stack}.yaml`,
        fromCommandLine: new Set(sources.fromCommandLine ?? []),
    };
    const at = (key: string): Location => ({ ...base, key: `${NAMESPACE}:${key}` });
    const problems: ConfigProblem[] = [];
    unknownKeys(raw, base, problems);
    const v = readKeys(raw, base, problems);
    if (problems.length > 0) throw new ConfigError(problems);
    const tags = tagRecord(v.tags, at("tags"));
    if ("problem" in tags) throw new ConfigError([tags.problem]);
    const config: PlatformConfig = { project, stack, ...v, tags: tags.tags };
    crossCheck(config, {
        settings: config,
        today: sources.today ?? evaluationDay(),
        at,
        report: (key, received, allowed, fix) => problems.push(problem(at(key), received, allowed, fix)),
        problems,
    });
    const secretValues = readSecretValues(raw, config.services, base, problems);
    if (problems.length > 0) throw new ConfigError(problems);
    return { ...config, secretValues };
}

/** The effective Kubernetes version of a stack judged against the dated support sheet on `today`. */
export function reviewClusterVersion(c: PlatformConfig, today: string = evaluationDay()) {
    return reviewVersion(c.cluster, c, today);
}

/**
 * Reads the running stack's configuration. The only place in the program that touches Pulumi config.
 */
export function loadConfig(): PlatformConfig {
    const config = parseConfig(pulumi.runtime.allConfig(), pulumi.getProject(), pulumi.getStack());
    // A version close to its end of standard support deploys, with one warning line (`pulumi up`, `npm run check`).
    const { warning } = reviewClusterVersion(config);
    if (warning) void pulumi.log.warn(warning);
    return config;
}
