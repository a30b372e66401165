/**
 * Reads a stack's configuration the way the Pulumi CLI assembles it for a program: the project's
 * defaults from Pulumi.yaml, the stack file's values, then `-c key=value` overrides. Every value reaches
 * the program as a string (structured values as JSON), exactly as the engine passes them.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const ROOT = path.join(__dirname, "..");

/** A usage or input mistake: exit code 2, message on stderr. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

export interface StackConfig {
    readonly project: string;
    readonly stack: string;
    readonly config: Record<string, string>;
}

function asConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
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

export function loadStackConfig(stack: string, overrides: string[] = [], root = ROOT): StackConfig {
    const project = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
        name: string;
        config?: Record<string, { default?: unknown } | string | number | boolean>;
    };
    const stackFile = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        throw new UsageError(
            `Unknown stack "${stack}": there is no Pulumi.${stack}.yaml. Known stacks: ${stackNames(root).join(", ")}.`,
        );
    }
    const config: Record<string, string> = {};
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        const value = typeof declaration === "object" && declaration !== null ? declaration.default : declaration;
        if (value !== undefined) {
            config[key.includes(":") ? key : `${project.name}:${key}`] = asConfigString(value);
        }
    }
    const stackSettings = (parse(fs.readFileSync(stackFile, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    for (const [key, value] of Object.entries(stackSettings.config ?? {})) {
        if (typeof value === "object" && value !== null && "secure" in value) {
            throw new UsageError(
                `${key} in Pulumi.${stack}.yaml is encrypted; the offline check cannot decrypt secrets. ` +
                    `Pass a placeholder with -c ${key}=<value>.`,
            );
        }
        config[key.includes(":") ? key : `${project.name}:${key}`] = asConfigString(value);
    }
    Object.assign(config, parseOverrides(overrides, project.name));
    return { project: project.name, stack, config };
}
