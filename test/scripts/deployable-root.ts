/**
 * A copy of the repository's project and stack files with every documentation placeholder replaced by a
 * deployable-looking value, for the deploy command's tests: `preview` and `up` refuse the committed stack
 * files as they are (scripts/lib/placeholders.ts). policies/, scripts/ and node_modules/ link to the real ones,
 * and the stand-in CLI may write into the copied stack files as the real one does.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT, stackNames } from "../../check/stack";
import { findPlaceholders, stackFileConfig } from "../../scripts/lib/placeholders";

/** Real-looking replacements: a private-use TLD (ICANN, 2024), a CGNAT range (RFC 6598), an org namespace. */
const REPLACEMENTS: [RegExp, string][] = [
    [/example\.com/g, "acme.internal"],
    [/example-org/g, "acme"],
    [/203\.0\.113\./g, "100.64.1."],
    [/198\.51\.100\./g, "100.64.2."],
    [/192\.0\.2\./g, "100.64.3."],
];

export interface DeployableRoot {
    readonly root: string;
    /** Puts a stack file back as it was copied (what a fresh CI checkout has). */
    reset(stack: string): void;
    read(stack: string): string;
    cleanup(): void;
}

export function deployableRoot(): DeployableRoot {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "deployable-root-"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
    for (const link of ["policies", "node_modules", "scripts"])
        fs.symlinkSync(path.join(ROOT, link), path.join(root, link));
    const original = new Map<string, string>();
    for (const stack of stackNames(ROOT)) {
        const text = REPLACEMENTS.reduce(
            (t, [from, to]) => t.replace(from, to),
            fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"),
        );
        original.set(stack, text);
        fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), text);
        assert.deepStrictEqual(findPlaceholders(stackFileConfig(stack, root)), [], `the copy of ${stack} is clean`);
    }
    const file = (stack: string) => path.join(root, `Pulumi.${stack}.yaml`);
    return {
        root,
        reset: (stack) => fs.writeFileSync(file(stack), original.get(stack)!),
        read: (stack) => fs.readFileSync(file(stack), "utf8"),
        cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
    };
}
