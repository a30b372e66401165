/**
 * The offline check command as users run it: a separate process, its stdout, stderr and exit code.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { plain } from "../../check/runtime";
import { ROOT } from "../../check/stack";
import { runStack } from "../harness";

function check(...args: string[]) {
    const result = spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join(ROOT, "check", "cli.ts"), ...args],
        { cwd: ROOT, encoding: "utf8", env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" } },
    );
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every string value marked secret anywhere in a wire-form value. */
function secretStrings(value: unknown, found: string[] = []): string[] {
    if (Array.isArray(value)) value.forEach((v) => secretStrings(v, found));
    else if (value !== null && typeof value === "object") {
        const v = value as Record<string, unknown>;
        if (v["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") {
            const inner = plain(v.value);
            if (typeof inner === "string") found.push(inner);
            else secretStrings(v.value, found);
        } else Object.values(v).forEach((x) => secretStrings(x, found));
    }
    return found;
}

describe("check command", function () {
    this.timeout(120000);

    describe("--json for prod", () => {
        let out: ReturnType<typeof check>;
        let doc: {
            stack: string;
            cloud: string;
            resources: Record<string, unknown>[];
            outputs: Record<string, Record<string, unknown>>;
        };
        before(() => {
            out = check("--stack", "prod", "--json");
            doc = JSON.parse(out.stdout);
        });

        it("exits 0 and prints exactly one JSON object on stdout", () => {
            assert.strictEqual(out.code, 0, out.stderr);
            assert.ok(out.stdout.trim().startsWith("{") && out.stdout.trim().endsWith("}"));
        });
        it("has the documented shape", () => {
            assert.deepStrictEqual(
                Object.keys(doc).filter((k) => k !== "violations"),
                ["stack", "cloud", "resources", "outputs"],
            );
            assert.deepStrictEqual([doc.stack, doc.cloud], ["prod", "aws"]);
            for (const r of doc.resources) {
                assert.deepStrictEqual(Object.keys(r), [
                    "urn",
                    "type",
                    "name",
                    "parent",
                    "provider",
                    "dependencies",
                    "protect",
                    "inputs",
                ]);
            }
            const rds = doc.resources.find((r) => r.type === "aws:rds/instance:Instance")!;
            assert.strictEqual(
                (rds.inputs as Record<string, unknown>).storageEncrypted,
                true,
                "inputs use the TypeScript names",
            );
            assert.strictEqual(rds.protect, true);
        });
        it('replaces every secret with "[secret]"', async () => {
            assert.strictEqual(doc.outputs.database.password, "[secret]");
            assert.strictEqual(doc.outputs.database.connectionString, "[secret]");
            assert.strictEqual(doc.outputs.cache.authToken, "[secret]");
            assert.strictEqual(doc.outputs.cluster.kubeconfig, "[secret]");
            const rds = doc.resources.find((r) => r.type === "aws:rds/instance:Instance")!;
            assert.strictEqual((rds.inputs as Record<string, unknown>).password, "[secret]");
            // No secret value of the same run appears anywhere in the output, in any form.
            const run = await runStack("prod", "aws");
            const secrets = [
                ...secretStrings(run.outputs),
                ...run.resources.flatMap((r) => secretStrings(r.inputs)),
            ].filter((s) => s.length >= 8);
            assert.ok(secrets.length >= 5, "the run has secrets to look for");
            for (const secret of secrets) {
                assert.ok(!out.stdout.includes(secret), "a secret leaked into the JSON output");
                assert.ok(!out.stdout.includes(JSON.stringify(secret).slice(1, -1)), "an escaped secret leaked");
            }
        });
    });

    it("prints a readable tree by component with resource counts", () => {
        const out = check("--stack", "dev");
        assert.strictEqual(out.code, 0, out.stderr);
        assert.match(out.stdout, /^stack dev \(cloud: aws\): \d+ resources/);
        assert.match(out.stdout, /platform-dev-db \(platform:database:Database\): \d+ resources/);
        assert.match(out.stdout, /1 × aws:rds\/instance:Instance/);
    });

    it("exits 2 on an unknown cloud, naming the key, the value and the allowed values, with empty stdout", () => {
        const out = check("--stack", "prod", "-c", "platform:cloud=gcp");
        assert.strictEqual(out.code, 2);
        assert.strictEqual(out.stdout, "");
        assert.match(out.stderr, /platform:cloud: got "gcp"; allowed: one of "aws", "azure"/);
    });

    it("exits 2 on an unknown stack", () => {
        const out = check("--stack", "qa");
        assert.strictEqual(out.code, 2);
        assert.strictEqual(out.stdout, "");
        assert.match(out.stderr, /Unknown stack "qa".*Known stacks: dev, prod, staging/s);
    });

    it("exits 2 on a missing --stack or an unknown argument", () => {
        for (const args of [[], ["--stack", "dev", "--yaml"]]) {
            const out = check(...args);
            assert.strictEqual(out.code, 2, args.join(" "));
            assert.strictEqual(out.stdout, "");
            assert.match(out.stderr, /usage: npm run check/);
        }
    });

    it("applies -c overrides without a namespace to the project's namespace, like pulumi -c", () => {
        const out = check("--stack", "dev", "-c", "backupRetentionDays=99");
        assert.strictEqual(out.code, 2);
        assert.match(out.stderr, /platform:backupRetentionDays: got 99/);
    });
});
