/**
 * Shared test helpers: run the real program for a stack (and optional `-c` overrides) under the mock
 * runtime, then find resources and read their inputs as plain values.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { ConfigError } from "../components/shared/config";
import { formatProblem } from "../components/shared/schema";
import { CLOUDS, Cloud } from "../components/shared/context";
import { ProgramRun, ResourceRecord, plain, redact, runProgram } from "../check/runtime";
import { ROOT, loadStackConfig, stackNames } from "../check/stack";

export const STACKS = stackNames();
export { CLOUDS };
export type { Cloud };

/** Every stack file × every cloud: the test matrix, generated rather than copied. */
export const MATRIX: { stack: string; cloud: Cloud }[] = STACKS.flatMap((stack) =>
    CLOUDS.map((cloud) => ({ stack, cloud })),
);

const cache = new Map<string, Promise<ProgramRun>>();

/** Runs the program for a stack on a cloud with extra `key=value` overrides. Runs are cached per arguments. */
export function runStack(stack: string, cloud: Cloud, overrides: string[] = []): Promise<ProgramRun> {
    const key = JSON.stringify([stack, cloud, overrides]);
    if (!cache.has(key)) {
        const { project, config } = loadStackConfig(stack, [`platform:cloud=${cloud}`, ...overrides]);
        // Runs share the SDK's global runtime state, so they are chained, never concurrent.
        const previous = [...cache.values()].pop() ?? Promise.resolve(undefined);
        cache.set(
            key,
            previous.catch(() => undefined).then(() => runProgram({ project, stack, config })),
        );
    }
    return cache.get(key)!;
}

export function ofType(run: ProgramRun, type: string): ResourceRecord[] {
    return run.resources.filter((r) => r.type === type);
}

/** The single resource of a type; fails the test when there is not exactly one. */
export function one(run: ProgramRun, type: string): ResourceRecord {
    const found = ofType(run, type);
    assert.strictEqual(found.length, 1, `expected exactly one ${type}, found ${found.length}`);
    return found[0];
}

/** A resource's inputs with secrets and resource references unwrapped. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function inputs(r: ResourceRecord): any {
    return plain(r.inputs);
}

/** The stack's outputs with secrets unwrapped. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function outputs(run: ProgramRun): any {
    return plain(run.outputs);
}

/** Asserts that running the stack fails with a ConfigError one of whose problems names `key` and matches `pattern`. */
export async function expectConfigError(
    stack: string,
    cloud: Cloud,
    overrides: string[],
    key: string,
    pattern: RegExp,
): Promise<ConfigError> {
    const { project, config } = loadStackConfig(stack, [`platform:cloud=${cloud}`, ...overrides]);
    const registered: string[] = [];
    try {
        await runProgram({ project, stack, config, observe: (r) => registered.push(r.type) });
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        // Bad configuration stops the program before it registers anything but the stack itself.
        assert.deepStrictEqual(
            registered.filter((t) => t !== "pulumi:pulumi:Stack"),
            [],
            "resources were registered before the configuration was rejected",
        );
        const match = err.problems.find((p) => p.key === key);
        assert.ok(match, `no problem names ${key}; problems: ${err.message}`);
        assert.match(formatProblem(match), pattern);
        return err;
    }
    assert.fail(`expected ${stack}/${cloud} with ${overrides.join(" ")} to fail on ${key}`);
}

/** Runs `npm run check -- <args>` as users do, in its own process. */
export function check(...args: string[]): { code: number | null; stdout: string; stderr: string } {
    const result = spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join(ROOT, "check", "cli.ts"), ...args],
        { cwd: ROOT, encoding: "utf8", env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" } },
    );
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The secret values of a run worth searching output for: every string marked secret (at least 8
 * characters), minus those that also appear unmarked elsewhere in the run, whole or inside a longer string (a host name inside a
 * connection Secret is also a public output).
 */
export function secretsOf(run: ProgramRun): string[] {
    const wire = [run.outputs, ...run.resources.map((r) => r.inputs)];
    const open: string[] = [];
    strings(redact(wire), open);
    // A value the program also writes unmarked (a database user name inside a secret JSON, and in a resource's
    // description) is not a secret the check could leak.
    const visible = open.join("\n");
    return [...new Set(wire.flatMap((w) => secretStrings(w)))].filter((s) => s.length >= 8 && !visible.includes(s));
}

/** Every string leaf of a plain value. */
function strings(value: unknown, found: string[]): void {
    if (typeof value === "string") found.push(value);
    else if (Array.isArray(value)) value.forEach((v) => strings(v, found));
    else if (value !== null && typeof value === "object") Object.values(value).forEach((v) => strings(v, found));
}

/**
 * Every string value marked secret anywhere in a wire-form value, including every string inside a secret
 * object (e.g. each value of a Kubernetes Secret's stringData).
 */
export function secretStrings(value: unknown, found: string[] = []): string[] {
    if (Array.isArray(value)) value.forEach((v) => secretStrings(v, found));
    else if (value !== null && typeof value === "object") {
        const v = value as Record<string, unknown>;
        if (v[rpc.specialSigKey] === rpc.specialSecretSig) strings(plain(v.value), found);
        else Object.values(v).forEach((x) => secretStrings(x, found));
    }
    return found;
}
