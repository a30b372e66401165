/**
 * How the Pulumi CLI starts a Node.js policy pack, so that the offline check (and the tests) start ours the
 * same way and a pack that only works when launched differently is caught here.
 *
 * The engine runs a pack whose PulumiPolicy.yaml names a runtime with a language plugin through that
 * plugin's RunPlugin, with the engine's address as the only argument and its own environment
 * (pulumi/pulumi@1b5949891b3cefcb9974752b24a5ecef0acc86c8 pkg/resource/plugin/analyzer_plugin.go,
 * `newPlugin(... []string{host.ServerAddr()}, analyzerEnv ...)`; pkg/resource/plugin/plugin.go: the program
 * directory is made absolute, `environment := os.Environ()` plus the engine's additions). The Node language
 * host then (same commit, sdk/nodejs/cmd/pulumi-language-nodejs/main.go, `RunPlugin`):
 *  - resolves `@pulumi/pulumi/cmd/run-policy-pack` with `require.resolve` run from the pack's directory
 *    (`locateModule`);
 *  - runs `node <run-policy-pack> <nodeargs...> <engine address> <absolute pack directory>` (for analyzers the
 *    program directory goes last) with the working directory set to the pack's directory;
 *  - adds to the environment `PULUMI_NODEJS_TYPESCRIPT=true` (the `typescript` runtime option, default true),
 *    `PULUMI_NODEJS_TSCONFIG_PATH` (the `tsconfig` option) and, from the stack configuration the engine sends
 *    first, `PULUMI_NODEJS_ORGANIZATION`, `PULUMI_NODEJS_PROJECT`, `PULUMI_NODEJS_STACK`,
 *    `PULUMI_NODEJS_DRY_RUN` and `PULUMI_CONFIG` (each only when not empty).
 * It does not pass the runtime options as `-key=value` flags or the directory as `.`: that was the retired
 * `pulumi-analyzer-policy` shim, kept by the engine only for runtimes without a language plugin.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const RUN_POLICY_PACK = "@pulumi/pulumi/cmd/run-policy-pack";

/** What the engine tells the pack about the stack before it starts (the language host's ConfigureStack wait). */
export interface PackStackIdentity {
    /** Pulumi Cloud organization; none on a self-managed backend. @default none */
    readonly organization?: string;
    readonly project: string;
    readonly stack: string;
    /** True during preview, false during update. */
    readonly dryRun: boolean;
    /** The stack's configuration, `namespace:key` to value. */
    readonly config: Record<string, string>;
}

export interface PackLaunch {
    readonly command: string;
    readonly args: string[];
    readonly cwd: string;
    readonly env: NodeJS.ProcessEnv;
}

interface RuntimeOptions {
    readonly typescript: boolean;
    readonly tsconfig?: string;
    readonly nodeargs: string[];
}

/** The `runtime.options` of PulumiPolicy.yaml the Node language host reads (`parseOptions`). */
export function packRuntimeOptions(packDir: string): RuntimeOptions {
    const project = parse(fs.readFileSync(path.join(packDir, "PulumiPolicy.yaml"), "utf8")) as {
        runtime?: string | { name: string; options?: Record<string, unknown> };
    };
    const options = typeof project.runtime === "object" ? (project.runtime.options ?? {}) : {};
    const nodeargs = typeof options.nodeargs === "string" ? options.nodeargs.split(/\s+/).filter(Boolean) : [];
    return {
        typescript: options.typescript !== false,
        ...(typeof options.tsconfig === "string" ? { tsconfig: options.tsconfig } : {}),
        nodeargs,
    };
}

/** The environment the language host gives the pack: the engine's, plus the stack identity and options. */
function packEnvironment(base: NodeJS.ProcessEnv, identity: PackStackIdentity, options: RuntimeOptions) {
    const env: NodeJS.ProcessEnv = { ...base };
    if (options.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
    if (options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
    const add = (key: string, value: string | undefined) => {
        if (value) env[key] = value;
    };
    add("PULUMI_NODEJS_ORGANIZATION", identity.organization);
    add("PULUMI_NODEJS_PROJECT", identity.project);
    add("PULUMI_NODEJS_STACK", identity.stack);
    add("PULUMI_NODEJS_DRY_RUN", String(identity.dryRun));
    add("PULUMI_CONFIG", JSON.stringify(identity.config));
    return env;
}

/** The command, arguments, directory and environment the Node language host starts the pack with. */
export function policyPackLaunch(
    packDir: string,
    engineAddress: string,
    identity: PackStackIdentity,
    baseEnv: NodeJS.ProcessEnv = process.env,
): PackLaunch {
    const dir = path.resolve(packDir);
    const options = packRuntimeOptions(dir);
    const runner = require.resolve(RUN_POLICY_PACK, { paths: [dir] });
    return {
        command: process.execPath,
        args: [runner, ...options.nodeargs, engineAddress, dir],
        cwd: dir,
        env: packEnvironment(baseEnv, identity, options),
    };
}
