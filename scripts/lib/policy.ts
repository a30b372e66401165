/**
 * The policy pack every `preview` and `up` runs: `policies/` with the stack's `policies/config/<stack>.json`, or
 * for a stack without one, the file of its environment (`policies/config/<platform:environment>.json`).
 * Checks that it can start before the CLI is asked to run it, so a missing build or config is one clear
 * message instead of an engine error halfway through a preview.
 */
import * as fs from "fs";
import * as path from "path";
import { policyConfigFileFor } from "../../check/policy-config";
import { ensurePackBuilt } from "../../check/policy-build";
import { UsageError, loadStackConfig } from "../../check/stack";
import { EXIT, ExitError } from "./exit-codes";

export const POLICY_PACK_DIR = "policies";

export interface PolicyPack {
    /** Absolute path of the pack (the directory with PulumiPolicy.yaml), for `--policy-pack`. */
    readonly dir: string;
    /** Absolute path of the stack's pack config, for `--policy-pack-config`. */
    readonly config: string;
}

/**
 * The pack and the config file a stack runs with: `policies/config/<stack>.json`, else the file of the stack's
 * `platform:environment` (check/policy-config.ts), else the stack's own (missing) file, for the error to name.
 */
export function policyPackPaths(root: string, stack: string): PolicyPack {
    const dir = path.join(root, POLICY_PACK_DIR);
    const configDir = path.join(dir, "config");
    const chosen = policyConfigFileFor(configDir, stack, stackEnvironment(root, stack));
    return { dir, config: chosen ?? path.join(configDir, `${stack}.json`) };
}

/** The stack's `platform:environment` (Pulumi.yaml's default when the stack file leaves it out). */
function stackEnvironment(root: string, stack: string): string | undefined {
    try {
        return loadStackConfig(stack, [], root).config["platform:environment"];
    } catch (err) {
        if (err instanceof UsageError) throw new ExitError(EXIT.usage, err.message);
        throw err;
    }
}

function relative(root: string, file: string): string {
    return path.relative(root, file).split(path.sep).join("/");
}

/**
 * The pack for a stack, built and ready, or an exit-2 error naming what is missing: PulumiPolicy.yaml, the
 * stack's config file (or config that is not JSON), the pack's dependencies, or a build that fails.
 */
export function requirePolicyPack(root: string, stack: string): PolicyPack {
    const pack = policyPackPaths(root, stack);
    const projectFile = path.join(pack.dir, "PulumiPolicy.yaml");
    if (!fs.existsSync(projectFile)) {
        throw new ExitError(
            EXIT.usage,
            `The policy pack is missing: ${relative(root, projectFile)} does not exist. Every preview and up runs ` +
                `the pack in ${POLICY_PACK_DIR}/, so restore it (git checkout -- ${POLICY_PACK_DIR}) and try again.`,
        );
    }
    if (!fs.existsSync(pack.config)) {
        throw new ExitError(
            EXIT.usage,
            `Stack ${stack} has no policy configuration: neither ${relative(root, pack.config)} nor the file of its ` +
                `platform:environment exists in ${POLICY_PACK_DIR}/config/. Each stack needs one (it sets the pack's ` +
                `enforcement levels and thresholds): set platform:environment to dev, staging or prod in ` +
                `Pulumi.${stack}.yaml, or add ${relative(root, pack.config)}.`,
        );
    }
    try {
        JSON.parse(fs.readFileSync(pack.config, "utf8"));
    } catch (err) {
        throw new ExitError(
            EXIT.usage,
            `${relative(root, pack.config)} is not valid JSON: ${err instanceof Error ? err.message : String(err)}.`,
        );
    }

    // The pack resolves its dependencies from the repository's node_modules unless it has a lockfile of its own.
    const install = fs.existsSync(path.join(pack.dir, "package-lock.json"))
        ? `npm ci --prefix ${POLICY_PACK_DIR}`
        : "npm ci";
    try {
        require.resolve("@pulumi/policy", { paths: [pack.dir] });
    } catch {
        throw new ExitError(
            EXIT.usage,
            `The policy pack's dependencies are not installed (@pulumi/policy cannot be found from ` +
                `${POLICY_PACK_DIR}/). Run \`${install}\` and try again.`,
        );
    }

    // The engine runs the pack's compiled entry point: rebuild it when a policy source is newer, so a preview
    // or up never enforces yesterday's policies.
    try {
        ensurePackBuilt(pack.dir);
    } catch (err) {
        throw new ExitError(
            EXIT.usage,
            `The policy pack could not be built: ${err instanceof Error ? err.message : String(err)}. ` +
                `Run \`npx tsc -p ${POLICY_PACK_DIR}\` to see the compiler's errors.`,
        );
    }
    return pack;
}
