/**
 * Reads a stack's configuration the way the Pulumi CLI assembles it for a program: the project's
 * defaults from Pulumi.yaml, the stack file's values, then `-c key=value` overrides. Every value reaches
 * the program as a string (structured values as JSON), exactly as the engine passes them.
 */
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { editDistance } from "../components/shared/values";

export const ROOT = path.join(__dirname, "..");

/** A usage or input mistake: exit code 2, message on stderr. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** Where a config value came from: Pulumi.yaml's default, the stack file, or `-c` on the command line. */
export type ConfigOrigin = "project" | "stack" | "command line";

export interface StackConfig {
    readonly project: string;
    readonly stack: string;
    readonly config: Record<string, string>;
    /** Where each key of `config` came from (the last source that set it). */
    readonly origins: Record<string, ConfigOrigin>;
    /** The stack file as messages name it (`Pulumi.prod.yaml`, or the `--stack-file` path). */
    readonly file: string;
}

/**
 * The top-level keys of a stack settings file, as the Pulumi CLI reads it (`ProjectStack` in
 * pulumi/pulumi sdk/go/common/workspace/project.go: secretsprovider, encryptedkey, encryptionsalt, config,
 * environment). The CLI's YAML decoder ignores any other key, so a misspelled `config:` would silently drop
 * every setting; the check rejects it.
 */
export const STACK_FILE_KEYS = ["config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt"];

function asConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Parses a YAML file's text, or throws a UsageError naming the file and the line and column of the first
 * mistake (the yaml package's own message, which shows the offending line).
 */
export function parseYamlFile(text: string, file: string): unknown {
    const doc = parseDocument(text, { uniqueKeys: true });
    const [first] = doc.errors;
    if (first) {
        const at = first.linePos?.[0];
        throw new UsageError(
            `${file}${at ? `:${at.line}:${at.col}` : ""} is not valid YAML: ${first.message.trim()}\n` +
                "Fix the file: YAML nests by indentation with spaces (no tabs), and a key appears once per mapping.",
        );
    }
    return doc.toJS();
}

/** Reads the `config:` mapping of a stack file, rejecting the shapes the CLI would misread or ignore. */
export function stackFileSettings(text: string, file: string): Record<string, unknown> {
    const settings = parseYamlFile(text, file) ?? {};
    if (typeof settings !== "object" || Array.isArray(settings)) {
        throw new UsageError(
            `${file} must be a mapping with a "config:" key, got ${Array.isArray(settings) ? "a list" : JSON.stringify(settings)}. ` +
                "Start the file with `config:` and indent each setting under it, e.g. `  platform:cloud: aws`.",
        );
    }
    for (const key of Object.keys(settings)) {
        if (!STACK_FILE_KEYS.includes(key)) {
            const meant = nearest(key, STACK_FILE_KEYS);
            throw new UsageError(
                `${file}: unknown top-level key "${key}"; allowed: ${STACK_FILE_KEYS.join(", ")}. ` +
                    `Fix: ${meant ? `rename "${key}" to "${meant}"` : `remove "${key}"`} — the Pulumi CLI ignores ` +
                    "unknown keys, so every setting under it would be dropped.",
            );
        }
    }
    const config = (settings as { config?: unknown }).config ?? {};
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
        throw new UsageError(
            `${file}: "config" must be a mapping of key: value, got ${Array.isArray(config) ? "a list" : JSON.stringify(config)}. ` +
                'Fix: write each setting as `  platform:<key>: <value>` under `config:`, without a leading "- ".',
        );
    }
    return config as Record<string, unknown>;
}

/** The candidate within two edits of `input` (a typo such as "confg"), if any. */
function nearest(input: string, candidates: readonly string[]): string | undefined {
    const scored = candidates.map((c) => ({ c, d: editDistance(input.toLowerCase(), c) })).sort((a, b) => a.d - b.d);
    return scored[0] && scored[0].d <= 2 ? scored[0].c : undefined;
}
/** The stacks that have a Pulumi.<stack>.yaml in the project directory. */
export function stackNames(root = ROOT): string[] {
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** Turns `-c key=value` overrides into namespaced keys, as `pulumi preview -c` does. */
export function parseOverrides(pairs: string[], project: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const pair of pairs) {
        const eq = pair.indexOf("=");
        if (eq <= 0) {
            throw new UsageError(`-c expects <key>=<value>, got "${pair}". Example: -c platform:cloud=azure`);
        }
        const key = pair.slice(0, eq);
        out[key.includes(":") ? key : `${project}:${key}`] = pair.slice(eq + 1);
    }
    return out;
}

/** Stack names the Pulumi CLI accepts (letters, digits, `-`, `_`, `.`; `pulumi stack init`). */
const STACK_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * The stack a stack file outside the project stands for (`--stack-file examples/bell24h.yaml`): its file
 * name without `Pulumi.` and `.yaml`/`.yml`, so `examples/bell24h.yaml` runs as stack `bell24h`.
 */
export function stackNameOfFile(file: string): string {
    const name = path
        .basename(file)
        .replace(/\.ya?ml$/i, "")
        .replace(/^Pulumi\./, "");
    if (!STACK_NAME.test(name) || !/\.ya?ml$/i.test(file)) {
        throw new UsageError(
            `--stack-file needs a YAML file whose name is a stack name (letters, digits, -, _ or .), such as ` +
                `examples/bell24h.yaml, got "${file}".`,
        );
    }
    return name;
}

/** Where a stack's settings are read: Pulumi.<stack>.yaml in the project, or the file given instead. */
function stackFileOf(stack: string, root: string, file?: string): { full: string; shown: string } {
    if (file !== undefined) {
        const full = path.resolve(file);
        if (!fs.existsSync(full)) throw new UsageError(`--stack-file ${file}: there is no such file.`);
        return { full, shown: path.relative(root, full) || file };
    }
    const full = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(full)) {
        throw new UsageError(
            `Unknown stack "${stack}": there is no Pulumi.${stack}.yaml. Known stacks: ${stackNames(root).join(", ")}.`,
        );
    }
    return { full, shown: `Pulumi.${stack}.yaml` };
}

/**
 * The configuration the program sees for `stack`: Pulumi.yaml's defaults, the stack file's values, then the
 * overrides. `file` reads the settings from another file (`--stack-file`) as if it were the stack's own.
 */
export function loadStackConfig(stack: string, overrides: string[] = [], root = ROOT, file?: string): StackConfig {
    const project = parseYamlFile(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"), "Pulumi.yaml") as {
        name: string;
        config?: Record<string, { default?: unknown } | string | number | boolean>;
    };
    const stackFile = stackFileOf(stack, root, file);
    const config: Record<string, string> = {};
    const origins: Record<string, ConfigOrigin> = {};
    const set = (key: string, value: string, origin: ConfigOrigin) => {
        const full = key.includes(":") ? key : `${project.name}:${key}`;
        config[full] = value;
        origins[full] = origin;
    };
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        const value = typeof declaration === "object" && declaration !== null ? declaration.default : declaration;
        if (value !== undefined) set(key, asConfigString(value), "project");
    }
    const settings = stackFileSettings(fs.readFileSync(stackFile.full, "utf8"), stackFile.shown);
    for (const [key, value] of Object.entries(settings)) {
        if (typeof value === "object" && value !== null && "secure" in value) {
            throw new UsageError(
                `${key} in ${stackFile.shown} is encrypted; the offline check cannot decrypt secrets. ` +
                    `Pass a placeholder with -c ${key}=<value>.`,
            );
        }
        set(key, asConfigString(value), "stack");
    }
    for (const [key, value] of Object.entries(parseOverrides(overrides, project.name))) {
        set(key, value, "command line");
    }
    return { project: project.name, stack, config, origins, file: stackFile.shown };
}

/** The keys of a loaded stack config that were given with `-c` (for fixes that point at the command line). */
export function commandLineKeys(loaded: StackConfig): string[] {
    return Object.entries(loaded.origins)
        .filter(([, origin]) => origin === "command line")
        .map(([key]) => key);
}
