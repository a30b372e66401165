import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CONFIG_KEYS } from "../../components/shared/config";
import { ROOT } from "../../check/stack";

/**
 * Issue 12: each capability owns its configuration, in `components/<capability>/config.ts`, and
 * `components/shared/config.ts` only composes them. These tests keep the layout from drifting back: a
 * capability that reads another's configuration (or every capability's, through shared/config.ts) couples
 * the two folders, so a change to one capability would again touch several.
 */

const COMPONENTS = path.join(ROOT, "components");
/** `shared` holds the helpers and the composition; `platform` wires every capability (it reads PlatformConfig). */
const NOT_CAPABILITIES = ["shared", "platform"];
const capabilities = fs
    .readdirSync(COMPONENTS, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !NOT_CAPABILITIES.includes(e.name))
    .map((e) => e.name);

/** Every .ts file under a folder, recursively. */
function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? sources(full) : e.name.endsWith(".ts") ? [full] : [];
    });
}

/** The files a source imports or requires by relative path, resolved without their extension. */
function relativeImports(file: string): string[] {
    const text = fs.readFileSync(file, "utf8");
    const specifiers = [
        ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/gms),
        ...text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g),
        ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
    ].map((m) => m[1]);
    return specifiers
        .filter((s) => s.startsWith("."))
        .map((s) => path.relative(COMPONENTS, path.resolve(path.dirname(file), s)).replace(/\.ts$/, ""));
}

describe("config: each capability owns its configuration (issue 12)", () => {
    it("finds the capability folders", () => {
        for (const name of ["network", "database", "cache", "cluster", "storage", "monitoring", "workloads"]) {
            assert.ok(capabilities.includes(name), `components/${name} is a capability folder`);
        }
    });

    for (const capability of capabilities) {
        it(`components/${capability} has its config.ts, composed by components/shared/config.ts`, () => {
            assert.ok(
                fs.existsSync(path.join(COMPONENTS, capability, "config.ts")),
                `components/${capability}/config.ts holds that capability's schema and checks`,
            );
            assert.ok(
                relativeImports(path.join(COMPONENTS, "shared", "config.ts")).includes(`${capability}/config`),
                `components/shared/config.ts composes components/${capability}/config.ts`,
            );
        });

        it(`no file of components/${capability} imports another capability's config, nor shared/config.ts`, () => {
            const offending = sources(path.join(COMPONENTS, capability)).flatMap((file) =>
                relativeImports(file)
                    .filter((target) => /(^|\/)config$/.test(target))
                    .filter((target) => target === "shared/config" || !target.startsWith(`${capability}/`))
                    .map((target) => `${path.relative(ROOT, file)} imports components/${target}.ts`),
            );
            assert.deepStrictEqual(offending, [], "a capability reads only its own config.ts");
        });
    }

    it("every top-level key belongs to the platform-wide settings or to one capability", () => {
        const stackWide = [
            "cloud",
            "environment",
            "size",
            "highAvailability",
            "backupRetentionDays",
            "deletionProtection",
            "alertEmail",
            "apiAllowedCidrs",
            "tags",
            "awsRegion",
            "azureLocation",
        ];
        const owned = Object.keys(CONFIG_KEYS).filter((k) => !stackWide.includes(k));
        // platform:services and platform:edge (components/workloads/edge/config.ts) belong to components/workloads;
        // every other section is named for its folder.
        const IN_WORKLOADS = ["services", "edge"];
        assert.deepStrictEqual(
            owned.map((k) => (IN_WORKLOADS.includes(k) ? "workloads" : k)).filter((k) => !capabilities.includes(k)),
            [],
        );
    });
});
