/**
 * What `pulumi up` needs at run time is installed by a production install. Pulumi.yaml's runtime
 * `nodeargs` preloads ts-node's transpile-only register hook into the program, so ts-node, and the
 * `typescript` compiler it loads even when it only transpiles (node_modules/ts-node/dist/configuration.js:
 * resolveCompiler defaults to "typescript", loadCompiler requires it), must be production dependencies.
 * A devDependency is dropped by `npm ci --omit=dev` (or NODE_ENV=production), and a `devOptional` one by
 * `--omit=dev --omit=optional`: npm's @npmcli/arborist Node.shouldOmit
 * (/usr/lib/node_modules/npm/node_modules/@npmcli/arborist/lib/node.js).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ROOT } from "../../check/stack";

interface LockEntry {
    version?: string;
    dev?: boolean;
    devOptional?: boolean;
    optional?: boolean;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
};
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
};
const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
    runtime: { options?: { nodeargs?: string } };
};

/** The packages `nodeargs` preloads: `--require ts-node/register/transpile-only` -> ts-node. */
function preloaded(): string[] {
    const args = (project.runtime.options?.nodeargs ?? "").split(/\s+/).filter(Boolean);
    return args.flatMap((arg, i) => {
        const module = arg === "--require" || arg === "-r" ? args[i + 1] : /^--require=(.+)$/.exec(arg)?.[1];
        if (!module) return [];
        const parts = module.split("/");
        return [module.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]];
    });
}

/** Where Node.js finds `name` from the package installed at `from` (a lockfile path): nearest node_modules up. */
function resolveIn(from: string, name: string): string {
    for (let dir = from; ; ) {
        const candidate = `${dir ? `${dir}/` : ""}node_modules/${name}`;
        if (lock.packages[candidate]) return candidate;
        if (!dir) assert.fail(`${name} (needed by ${from}) is not in package-lock.json`);
        const at = dir.lastIndexOf("node_modules/");
        dir = at <= 0 ? "" : dir.slice(0, at - 1);
    }
}

/** A package and everything it needs at run time (dependencies and required peers): lockfile paths. */
function closure(location: string, seen = new Set<string>()): Set<string> {
    if (seen.has(location)) return seen;
    seen.add(location);
    const entry = lock.packages[location];
    const peers = Object.keys(entry.peerDependencies ?? {}).filter((p) => !entry.peerDependenciesMeta?.[p]?.optional);
    for (const dep of [...Object.keys(entry.dependencies ?? {}), ...peers]) closure(resolveIn(location, dep), seen);
    return seen;
}

describe("run-time dependencies", () => {
    it("preloads ts-node through Pulumi.yaml's nodeargs", () => {
        assert.deepStrictEqual(preloaded(), ["ts-node"]);
    });

    it("lists what the program preloads, and the compiler ts-node loads, in dependencies so that npm ci --omit=dev keeps them", () => {
        for (const name of [...preloaded(), "typescript"]) {
            assert.ok(name in pkg.dependencies, `${name} must be in "dependencies": pulumi up preloads it`);
            assert.ok(!(name in pkg.devDependencies), `${name} is listed once`);
        }
    });

    it("records them and everything they need as production packages in the lockfile", () => {
        const needed = new Set([...preloaded(), "typescript"].flatMap((name) => [...closure(resolveIn("", name))]));
        assert.ok(needed.has("node_modules/typescript") && needed.has("node_modules/@cspotcode/source-map-support"));
        for (const name of needed) {
            const entry = lock.packages[name];
            for (const flag of ["dev", "devOptional", "optional"] as const) {
                assert.ok(!entry[flag], `${name} is "${flag}" in package-lock.json: a production install drops it`);
            }
        }
    });
});
