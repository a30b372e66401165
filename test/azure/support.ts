/**
 * Helpers for the Azure tests: the stack's validated configuration on Azure, resources by role, and the
 * ARM id the mock provider gives a registered resource (the same function the offline check uses).
 */
import * as assert from "assert";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { PlatformConfig, parseConfig } from "../../components/shared/config";
import { ProgramRun, ResourceRecord } from "../../check/runtime";
import { loadStackConfig } from "../../check/stack";
import { azureResourceId, azureState } from "../../check/state/azure";
import { inputs, ofType } from "../harness";

/** The stack's configuration as the program sees it on Azure (plus extra overrides). */
export function azureConfigOf(stack: string, overrides: string[] = []): PlatformConfig {
    const { project, config } = loadStackConfig(stack, ["platform:cloud=azure", ...overrides]);
    return parseConfig(config, project, stack);
}

/** The single resource of `type` whose logical name ends with `-<role>`. */
export function named(run: ProgramRun, type: string, role: string): ResourceRecord {
    const found = ofType(run, type).filter((r) => r.name.endsWith(`-${role}`));
    assert.strictEqual(found.length, 1, `expected one ${type} named *-${role}, found ${found.length}`);
    return found[0];
}

/** The single resource of `type` whose logical name is exactly `name` (when a role suffix is shared, e.g. Velero's own account). */
export function exactly(run: ProgramRun, type: string, name: string): ResourceRecord {
    const found = ofType(run, type).filter((r) => r.name === name);
    assert.strictEqual(found.length, 1, `expected one ${type} named ${name}, found ${found.length}`);
    return found[0];
}

/** The ARM resource id the (mock) provider reports for a registered resource. */
export function idOf(r: ResourceRecord): string {
    const id = azureResourceId({ type: r.type, name: r.name, inputs: inputs(r) });
    assert.ok(id, `no ARM id for ${r.type}`);
    return id;
}

/** Provider-computed state of a registered resource, as the mock provider reports it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function stateOf(r: ResourceRecord, location: string): any {
    const fn = azureState[r.type];
    assert.ok(fn, `no mock state for ${r.type}`);
    return fn({ type: r.type, name: r.name, inputs: inputs(r) }, { region: "", location }, idOf(r));
}

/** Whether a wire-form value is a secret. */
export function isSecret(value: unknown): boolean {
    return (
        typeof value === "object" &&
        value !== null &&
        (value as Record<string, unknown>)[rpc.specialSigKey] === rpc.specialSecretSig
    );
}

/** The component resource (platform:<capability>:<Class>) of a capability. */
export function component(run: ProgramRun, capability: string): ResourceRecord {
    const found = run.resources.filter((r) => r.type.startsWith(`platform:${capability}:`));
    assert.strictEqual(found.length, 1, `expected one ${capability} component`);
    return found[0];
}

/** The nested key structure of a value: objects become sorted key trees, everything else a leaf. */
export function shape(value: unknown): unknown {
    if (Array.isArray(value)) {
        return "list";
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.keys(value)
                .sort()
                .map((k) => [k, shape((value as Record<string, unknown>)[k])]),
        );
    }
    return "value";
}
