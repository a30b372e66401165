/**
 * Keeps the policy pack's compiled entry point current. The engine runs `policies/bin/index.js` (its
 * package.json "main"), so it never type-checks the pack on a run. `npm ci` builds it through the root
 * `prepare` script (`tsc -p policies`, which type-checks); when a policy source is newer than the build,
 * the offline check re-emits the JavaScript here with `transpileModule` (no type-check: that is CI's job,
 * and the pack's tsconfig sets `isolatedModules`, so per-file emit equals tsc's).
 */
import * as fs from "fs";
import * as path from "path";

export interface BuildResult {
    /** Whether the JavaScript was (re)written. */
    readonly built: boolean;
    /** The compiled entry point the engine runs. */
    readonly main: string;
    readonly ms: number;
}

/** Every TypeScript source of the pack (not declarations, build output or dependencies). */
function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            return entry.name === "bin" || entry.name === "node_modules" ? [] : sources(full);
        }
        return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
    });
}

function mtime(file: string): number {
    return fs.statSync(file).mtimeMs;
}

/** Builds the pack when its entry point is missing or older than any source, tsconfig or package.json. */
export function ensurePackBuilt(packDir: string): BuildResult {
    const started = performance.now();
    const pkg = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")) as { main?: string };
    const main = path.join(packDir, pkg.main ?? "index.js");
    const inputs = [...sources(packDir), path.join(packDir, "tsconfig.json"), path.join(packDir, "package.json")];
    if (fs.existsSync(main) && inputs.every((f) => mtime(f) <= mtime(main))) {
        return { built: false, main, ms: performance.now() - started };
    }

    // Loaded only when a build is needed: TypeScript is large.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require("typescript") as typeof import("typescript");
    const configFile = path.join(packDir, "tsconfig.json");
    const read = ts.readConfigFile(configFile, ts.sys.readFile);
    if (read.error) {
        throw new Error(`Cannot read ${configFile}: ${ts.flattenDiagnosticMessageText(read.error.messageText, "\n")}`);
    }
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, packDir);
    const outDir = parsed.options.outDir ?? packDir;
    const rootDir = parsed.options.rootDir ?? packDir;
    for (const file of parsed.fileNames) {
        const out = ts.transpileModule(fs.readFileSync(file, "utf8"), {
            compilerOptions: parsed.options,
            fileName: file,
            reportDiagnostics: false,
        });
        const target = path.join(outDir, path.relative(rootDir, file)).replace(/\.ts$/, ".js");
        fs.mkdirSync(path.dirname(target), { recursive: true });
        writeAtomically(target, out.outputText);
        if (out.sourceMapText) writeAtomically(`${target}.map`, out.sourceMapText);
    }
    if (!fs.existsSync(main)) {
        throw new Error(`Building the policy pack did not produce ${main}; check "main" in ${packDir}/package.json.`);
    }
    return { built: true, main, ms: performance.now() - started };
}

/** Writes through a temporary file so a concurrent reader never sees half a file. */
function writeAtomically(file: string, text: string): void {
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
}
