/**
 * Documentation placeholders (scripts/lib/placeholders.ts): what counts, where it is found, and how the
 * offline check and `npm run placeholders` report it.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import { ROOT, stackNames } from "../../check/stack";
import { EXIT } from "../../scripts/lib/exit-codes";
import { findPlaceholders, placeholderWarning, stackFileConfig } from "../../scripts/lib/placeholders";

const found = (config: Record<string, unknown>) => findPlaceholders(config).map((p) => [p.key, p.kind, p.reserved]);

describe("documentation placeholders", () => {
    // RFC 5737 section 3: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24; RFC 3849: 2001:db8::/32.
    it("finds the documentation address ranges, and only addresses inside them", () => {
        assert.deepStrictEqual(
            found({
                "platform:apiAllowedCidrs": ["192.0.2.0/24", "198.51.100.7/32", "203.0.113.0/25", "2001:db8::/32"],
            }),
            [
                ["platform:apiAllowedCidrs[0]", "address", "192.0.2.0/24"],
                ["platform:apiAllowedCidrs[1]", "address", "198.51.100.7/32"],
                ["platform:apiAllowedCidrs[2]", "address", "203.0.113.0/25"],
                ["platform:apiAllowedCidrs[3]", "address", "2001:db8::/32"],
            ],
        );
        // Real ranges, and a block that merely contains a documentation range, are not placeholders.
        assert.deepStrictEqual(
            found({ "platform:apiAllowedCidrs": ["203.0.0.0/16", "198.51.10.0/24", "34.120.1.2/32", "2001:db9::/32"] }),
            [],
        );
    });

    // RFC 2606 / RFC 6761 section 6: example.com/.net/.org and the .example, .test, .invalid TLDs.
    it("finds reserved domains in e-mail addresses, hosts and URLs, but not look-alikes or private names", () => {
        assert.deepStrictEqual(
            found({
                "platform:alertEmail": "oncall@Example.ORG",
                "platform:services": JSON.stringify([
                    { name: "api", expose: { host: "api.example.net" }, env: { URL: "https://app.shop.test/x" } },
                    { name: "w", env: { CALLBACK: "http://hooks.invalid:8080", SITE: "www.example" } },
                ]),
            }),
            [
                ["platform:alertEmail", "email", "example.org"],
                ["platform:services[0].expose.host", "domain", "example.net"],
                ["platform:services[0].env.URL", "domain", ".test"],
                ["platform:services[1].env.CALLBACK", "domain", ".invalid"],
                ["platform:services[1].env.SITE", "domain", ".example"],
            ],
        );
        assert.deepStrictEqual(
            found({
                "platform:alertEmail": "ops@notexample.com",
                "platform:services": JSON.stringify([
                    { env: { A: "http://localhost:9090", B: "db.platform.internal", C: "printer.local" } },
                    { env: { D: "example.com.au", E: "1.5.0-rc.1", F: "latest.test-results" } },
                ]),
            }),
            [],
        );
    });

    it("finds images under an example-org or example namespace, including a canary's", () => {
        assert.deepStrictEqual(
            found({
                "platform:services": JSON.stringify([
                    {
                        image: "ghcr.io/example-org/api:1.4.2",
                        expose: { canary: { image: "example/api@sha256:" + "a".repeat(64) } },
                    },
                    { image: "ghcr.io/acme/example:1.0" },
                    { image: "registry.example-org.io/acme/api:1" },
                ]),
            }),
            [
                ["platform:services[0].image", "image", "example-org"],
                ["platform:services[0].expose.canary.image", "image", "example"],
            ],
        );
    });

    it("skips encrypted values, and reads Pulumi.yaml's defaults under the stack file's values", () => {
        assert.deepStrictEqual(found({ "platform:alertEmail": { secure: "v1:abc@example.com" } }), []);
        const config = stackFileConfig("prod", ROOT);
        assert.strictEqual(config["platform:alertEmail"], "platform-oncall@example.com");
        assert.strictEqual(config["platform:cache"], "{}", "a key only Pulumi.yaml sets comes from its default");
    });

    it("are present in every committed stack file, which is what npm run deploy refuses", () => {
        for (const stack of stackNames(ROOT)) {
            const keys = findPlaceholders(stackFileConfig(stack, ROOT)).map((p) => p.key);
            assert.ok(keys.includes("platform:alertEmail"), stack);
            assert.ok(keys.includes("platform:apiAllowedCidrs[0]"), stack);
        }
    });

    it("npm run placeholders lists them with exit 2", () => {
        const run = spawnSync(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "scripts/placeholders.ts", "--stack", "dev"],
            { cwd: ROOT, encoding: "utf8" },
        );
        assert.strictEqual(run.status, EXIT.usage);
        assert.match(
            run.stderr,
            /^ {2}- platform:services\[2\]\.image = "ghcr\.io\/example-org\/platform-worker:1\.4\.2": /m,
        );
    });

    // The offline check runs on placeholders (it must, for CI on the committed files), with one warning line
    // on stderr only, so that `--json` output stays parseable.
    it("the offline check warns in one stderr line and keeps --json stdout clean", function () {
        this.timeout(120_000);
        const run = spawnSync(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "check/cli.ts", "--stack", "dev", "--json"],
            { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
        );
        assert.strictEqual(run.status, 0, run.stderr);
        assert.doesNotThrow(() => JSON.parse(run.stdout), "stdout is one JSON document");
        const lines = run.stderr.split("\n").filter((l) => l.trim());
        assert.strictEqual(lines.length, 1, run.stderr);
        const dev = findPlaceholders(stackFileConfig("dev", ROOT));
        assert.strictEqual(lines[0], placeholderWarning("dev", dev));
        assert.match(
            lines[0],
            /^warning: Pulumi\.dev\.yaml holds \d+ documentation placeholders \(platform:alertEmail, /,
        );
    });
});
