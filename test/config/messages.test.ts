/**
 * What a rejected value's message says: the key and field, the value (as typed, shortened when long), what is
 * allowed, and a fix that points at where the value came from (the stack file by name, or the `-c` value).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, parseConfig } from "../../components/shared/config";
import { show } from "../../components/shared/schema";
import { UsageError, commandLineKeys, loadStackConfig } from "../../check/stack";
import { check } from "../harness";

/** The ConfigError for dev with `overrides`, validated with the origins the check knows. */
function rejected(overrides: string[], stack = "dev"): ConfigError {
    const loaded = loadStackConfig(stack, overrides);
    try {
        parseConfig(loaded.config, loaded.project, stack, { fromCommandLine: commandLineKeys(loaded) });
    } catch (err) {
        if (err instanceof ConfigError) return err;
        throw err;
    }
    assert.fail(`expected ${overrides.join(" ")} to be rejected`);
}

/** The one problem on `key`. */
function problemOn(err: ConfigError, key: string) {
    const found = err.problems.filter((p) => p.key === key);
    assert.strictEqual(found.length, 1, `one problem on ${key}: ${err.message}`);
    return found[0];
}

/** A project directory holding Pulumi.yaml and one stack file with `text`. */
function stackFile(text: string, stack = "broken"): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "platform-stack-file-"));
    fs.copyFileSync(path.join(__dirname, "..", "..", "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
    fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), text);
    return root;
}

function usageError(fn: () => unknown): UsageError {
    try {
        fn();
    } catch (err) {
        assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
        return err;
    }
    assert.fail("expected a UsageError");
}

describe("config messages", () => {
    it("fails when a structured key is not valid JSON, and says it is invalid JSON with the parser's reason", () => {
        const p = problemOn(rejected(["platform:database={storageGiB: 50"]), "platform:database");
        assert.match(p.allowed, /^valid JSON: an object with the fields/);
        assert.match(p.fix, /Fix the JSON of platform:database: .*(property name|JSON)/i);
        assert.strictEqual(p.received, "{storageGiB: 50");
    });

    it("fails when an integer is too large to hold, quoting it as typed rather than as 1e+23", () => {
        const err = rejected(["platform:backupRetentionDays=100000000000000000000000"]);
        assert.match(
            err.message,
            /platform:backupRetentionDays: got "100000000000000000000000"; allowed: a whole number/,
        );
        assert.doesNotMatch(err.message, /e\+23/);
        const nested = rejected(['platform:network={"zoneCount": 100000000000000000000000}']);
        assert.match(nested.message, /platform:network\.zoneCount: got 100000000000000000000000;/);
        assert.strictEqual(show(1e23), "100000000000000000000000");
    });

    it("fails when a typo is passed with -c, and says to remove it from the command line, not the stack file", () => {
        const p = problemOn(rejected(["platform:backupRetentionDay=7"]), "platform:backupRetentionDay");
        assert.strictEqual(
            p.fix,
            "Remove -c platform:backupRetentionDay=... from the command line (did you mean platform:backupRetentionDays?).",
        );
    });

    it("fails when a value from -c is wrong, with a fix that names the field and the -c value", () => {
        const p = problemOn(rejected(['platform:network={"zoneCount": 7}']), "platform:network.zoneCount");
        assert.strictEqual(
            p.fix,
            'Set "zoneCount" in platform:network to a whole number from 2 to 3 zones (in the value you passed with -c platform:network=...).',
        );
    });

    it("fails when a value in the stack file is wrong, with a fix that names the field and the stack file", () => {
        const { project, config } = loadStackConfig("dev", ['platform:network={"zoneCount": 7}']);
        try {
            parseConfig(config, project, "dev");
            assert.fail("expected a ConfigError");
        } catch (err) {
            assert.ok(err instanceof ConfigError);
            assert.match(
                problemOn(err, "platform:network.zoneCount").fix,
                /"zoneCount" in platform:network .*\(in Pulumi\.dev\.yaml\)/,
            );
        }
    });

    it("fails when the check is given a wrong -c value, and the fix it prints names the -c value", () => {
        const out = check("--stack", "dev", "-c", 'platform:tags=["aws:team=a"]');
        assert.strictEqual(out.code, 2);
        assert.strictEqual(out.stdout, "");
        assert.match(
            out.stderr,
            /platform:tags: got "aws:team"; .*in the value you passed with -c platform:tags=\.\.\./,
        );
    });

    it("shortens a long value in the message", () => {
        const err = rejected([`platform:alertEmail=${"x".repeat(300)}`]);
        assert.match(err.message, /got "x{100,}\.\.\.; allowed/);
        assert.ok(err.message.length < 600);
    });
});

describe("stack file shape", () => {
    it("fails when the YAML is broken, naming the file, the line and the column (not a stack trace)", () => {
        const root = stackFile("config:\n  platform:cloud: aws\n   platform:size: [small\n");
        const err = usageError(() => loadStackConfig("broken", [], root));
        assert.match(err.message, /^Pulumi\.broken\.yaml:\d+:\d+ is not valid YAML: /);
        assert.match(err.message, /at line \d+, column \d+/);
    });

    it("fails when a key appears twice in the stack file, naming the line", () => {
        const root = stackFile("config:\n  platform:cloud: aws\n  platform:cloud: azure\n");
        assert.match(
            usageError(() => loadStackConfig("broken", [], root)).message,
            /^Pulumi\.broken\.yaml:3:\d+ .*unique/s,
        );
    });

    it("fails when config: is a list, instead of reporting platform:0", () => {
        const root = stackFile("config:\n  - platform:cloud: aws\n  - platform:size: small\n");
        const err = usageError(() => loadStackConfig("broken", [], root));
        assert.match(err.message, /^Pulumi\.broken\.yaml: "config" must be a mapping of key: value, got a list/);
        assert.doesNotMatch(err.message, /platform:0/);
    });

    it("fails when the top-level config: key is misspelled, which would drop every setting", () => {
        const root = stackFile("confg:\n  platform:cloud: aws\n  platform:size: large\n");
        const err = usageError(() => loadStackConfig("broken", [], root));
        assert.match(
            err.message,
            /^Pulumi\.broken\.yaml: unknown top-level key "confg"; allowed: config, .* rename "confg" to "config"/,
        );
    });

    it("accepts every top-level key the Pulumi CLI writes to a stack file", () => {
        const root = stackFile(
            "secretsprovider: passphrase\nencryptionsalt: v1:abc\nconfig:\n  platform:cloud: azure\n",
        );
        assert.strictEqual(loadStackConfig("broken", [], root).config["platform:cloud"], "azure");
    });
});
