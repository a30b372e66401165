/**
 * The offline check command as users run it: a separate process, its stdout, stderr and exit code.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { npmBannerNote } from "../../check/cli";
import { ROOT } from "../../check/stack";
import { forgottenDashDashHint } from "../../scripts/lib/args";
import { check, runStack, secretsOf } from "../harness";

/** The environment of a command the tests start: this one without npm's (a test may itself run under npm). */
function cleanEnv(): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

/** Runs `npm <args>` in the repository, as a user types it. */
function npm(...args: string[]) {
    const r = spawnSync("npm", args, { cwd: ROOT, encoding: "utf8", env: cleanEnv() });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the launcher package.json's `bin` points at, without npm. */
function launcher(...args: string[]) {
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "platform.js"), ...args], {
        cwd: ROOT,
        encoding: "utf8",
        env: cleanEnv(),
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
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
                ["stack", "cloud", "resources", "outputs", "schemas", "exemptions"],
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
            const secrets = secretsOf(run);
            assert.ok(secrets.length >= 5, "the run has secrets to look for");
            assert.ok(
                secrets.some((s) => s.startsWith("postgresql://")),
                "connection strings inside Kubernetes Secrets are searched for too",
            );
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

    describe("every command explains itself", () => {
        // Each npm script of our own answers --help with its usage on stdout and exit 0; the tools behind the
        // other scripts (tsc, mocha, eslint, prettier) answer it themselves.
        for (const script of ["check", "deploy", "pr-check", "placeholders", "bench"]) {
            it(`npm run ${script} -- --help exits 0 with the usage on stdout`, () => {
                const out = npm("run", "--silent", script, "--", "--help");
                assert.strictEqual(out.code, 0, out.stderr);
                assert.match(out.stdout, new RegExp(`^usage: npm run ${script} --`));
                assert.match(out.stdout, /--help/);
                assert.strictEqual(out.stderr, "");
            });
        }
        it("the launcher lists every command with --help, and passes --help on to a command", () => {
            const all = launcher("--help");
            assert.strictEqual(all.code, 0, all.stderr);
            for (const command of ["check", "deploy", "pr-check", "placeholders", "bench"]) {
                assert.match(all.stdout, new RegExp(`^  ${command} `, "m"));
            }
            const one = launcher("check", "--help");
            assert.strictEqual(one.code, 0, one.stderr);
            assert.match(one.stdout, /^usage: npm run check --/);
        });
        it("fails when the launcher is given an unknown command, naming it, with exit 2", () => {
            const out = launcher("chek");
            assert.strictEqual(out.code, 2);
            assert.strictEqual(out.stdout, "");
            assert.match(out.stderr, /Unknown command "chek"/);
        });
    });

    describe("JSON on stdout however it is started", () => {
        // npm writes its "> platform@0.1.0 check" banner to stdout unless its loglevel is silent
        // (npm@11 lib/utils/display.js hides run-script banners only `if (this.#silent ...)`).
        it("npm run --silent check -- --stack dev --json prints one JSON document and nothing else", () => {
            const out = npm("run", "--silent", "check", "--", "--stack", "dev", "--json");
            assert.strictEqual(out.code, 0, out.stderr);
            assert.strictEqual(JSON.parse(out.stdout).stack, "dev");
        });
        it("the launcher (package.json bin) prints one JSON document without npm", () => {
            const out = launcher("check", "--stack", "dev", "--json");
            assert.strictEqual(out.code, 0, out.stderr);
            assert.strictEqual(JSON.parse(out.stdout).stack, "dev");
        });
        it("says on stderr how to get JSON alone when npm has printed its banner before it", () => {
            const args = { stack: "dev", overrides: [], json: true };
            assert.match(
                npmBannerNote(args, { npm_lifecycle_event: "check" }) ?? "",
                /npm printed its banner .*scripts\/platform\.js check --stack dev --json.*npm run --silent check/,
            );
            assert.strictEqual(
                npmBannerNote(args, { npm_lifecycle_event: "check", npm_config_loglevel: "silent" }),
                undefined,
            );
            assert.strictEqual(npmBannerNote({ ...args, json: false }, { npm_lifecycle_event: "check" }), undefined);
            assert.strictEqual(npmBannerNote(args, {}), undefined);
        });
    });

    describe("when `--` is forgotten", () => {
        // npm takes options before `--` as its own config and exports them to the script as npm_config_<name>
        // (npm@11 @npmcli/config lib/set-envs.js); the script sees no --stack.
        it("fails when --stack=dev is given to npm instead of the check, and says to put -- before it", () => {
            const out = npm("run", "check", "--stack=dev");
            assert.strictEqual(out.code, 2);
            assert.match(
                out.stderr,
                /npm took --stack as its own option.*put `--` before the command's options.*npm run check -- --stack dev/s,
            );
        });
        it("fails when `npm run deploy preview --stack=dev` loses the stack, and says to put -- before it", () => {
            const out = npm("run", "deploy", "preview", "--stack=dev");
            assert.strictEqual(out.code, 2);
            assert.match(out.stderr, /npm took --stack as its own option.*npm run deploy -- --stack dev/s);
        });
        it("names a flag npm read without its value", () => {
            assert.match(
                forgottenDashDashHint("pr-check", ["stack", "cloud"], { npm_config_cloud: "true" }) ?? "",
                /npm took --cloud as its own option.*npm run pr-check -- --cloud <value>/,
            );
            assert.strictEqual(forgottenDashDashHint("check", ["stack"], {}), undefined);
        });
    });
});
