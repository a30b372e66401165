/**
 * `npm run check -- --stack-file <file.yaml>`: a stack file kept outside the project (the seed systems'
 * `examples/<system>.yaml`) is checked as the stack its file name names, with the policy config of its
 * `platform:environment` (policies/config/<environment>.json, since no policies/config/<name>.json exists),
 * and every message names that file rather than a Pulumi.<stack>.yaml that does not exist.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCheck } from "../../check";
import { stackNameOfFile } from "../../check/stack";
import { check } from "../harness";
import { ROOT } from "../../check/stack";

describe("npm run check -- --stack-file", function () {
    this.timeout(300000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-file-"));
    const write = (name: string, text: string) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, text);
        return file;
    };
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("runs a file outside the project as the stack its name names, with its environment's policy config", async () => {
        // A copy of dev: policies/config/dev.json makes its findings advisory; had the pack's defaults applied
        // (no policies/config/shopfront.json), they would be mandatory.
        const file = write("shopfront.yaml", fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8"));
        const result = await runCheck({ stack: stackNameOfFile(file), stackFile: file });
        assert.strictEqual(result.stack, "shopfront");
        const names = result.run.resources.map((r) => r.name);
        assert.ok(names.includes("platform-shopfront-network"), names.slice(0, 5).join(", "));
        assert.ok(result.violations.length > 0, "dev has advisory findings");
        assert.deepStrictEqual(
            result.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.message),
            [],
        );
    });

    it("names the file, not Pulumi.<stack>.yaml, in the fix for a bad value", () => {
        const file = write("broken.yaml", "config:\n  platform:cloud: gcp\n");
        const out = check("--stack-file", file);
        assert.strictEqual(out.code, 2, out.stderr);
        assert.strictEqual(out.stdout, "");
        assert.match(out.stderr, /platform:cloud: got "gcp"/);
        assert.match(out.stderr, /\(in [^)]*broken\.yaml\)/);
        assert.doesNotMatch(out.stderr, /Pulumi\.broken\.yaml/);
    });

    it("names the file and line of a YAML mistake", () => {
        const file = write("tabs.yaml", "config:\n\tplatform:cloud: aws\n");
        const out = check("--stack-file", file);
        assert.strictEqual(out.code, 2);
        assert.match(out.stderr, /tabs\.yaml:2:\d+ is not valid YAML/);
    });

    it("refuses --stack with --stack-file, a missing file and a file that is not a named YAML file", () => {
        const good = write("ok.yaml", "config:\n  platform:cloud: aws\n");
        const cases: [string[], RegExp][] = [
            [["--stack", "dev", "--stack-file", good], /Give --stack or --stack-file, not both: .* runs as stack "ok"/],
            [["--stack-file", path.join(dir, "absent.yaml")], /absent\.yaml: there is no such file/],
            [
                ["--stack-file", path.join(dir, "notes.txt")],
                /--stack-file needs a YAML file whose name is a stack name/,
            ],
            [["--stack-file", path.join(dir, "my stack.yaml")], /--stack-file needs a YAML file/],
        ];
        for (const [args, message] of cases) {
            const out = check(...args);
            assert.strictEqual(out.code, 2, args.join(" "));
            assert.strictEqual(out.stdout, "");
            assert.match(out.stderr, message);
        }
    });

    it("takes the stack name from the file name without Pulumi. and .yaml", () => {
        assert.strictEqual(stackNameOfFile("examples/bell24h.yaml"), "bell24h");
        assert.strictEqual(stackNameOfFile("/x/Pulumi.mdc.yml"), "mdc");
    });
});
