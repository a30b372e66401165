import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    Backend,
    StackFile,
    detectCredentials,
    findPulumiCli,
    isProduction,
    readStackFile,
    requireDurableBackend,
    requireServiceLogin,
    resolveBackend,
    resolveSecrets,
} from "../../scripts/lib/environment";
import { EXIT, ExitError } from "../../scripts/lib/exit-codes";
import { ROOT } from "../../check/stack";

const LOCAL: Backend = { url: "file:///repo/.pulumi-state", kind: "self-managed", source: "local" };
const CLOUD: Backend = { url: "https://api.pulumi.com", kind: "service", source: "cloud" };
const NEW_STACK: StackFile = {};

function exitError(fn: () => unknown): ExitError {
    try {
        fn();
    } catch (err) {
        assert.ok(err instanceof ExitError, `expected an ExitError, got ${String(err)}`);
        return err;
    }
    assert.fail("expected an ExitError");
}

function tempDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "deploy-env-"));
}

describe("deploy environment: backend", () => {
    it("uses PULUMI_BACKEND_URL when it is set", () => {
        assert.deepStrictEqual(resolveBackend({ PULUMI_BACKEND_URL: "s3://state-bucket?region=eu-west-1" }, "/repo"), {
            url: "s3://state-bucket?region=eu-west-1",
            kind: "self-managed",
            source: "PULUMI_BACKEND_URL=s3://state-bucket?region=eu-west-1",
        });
        assert.strictEqual(resolveBackend({ PULUMI_BACKEND_URL: "https://api.pulumi.com" }, "/repo").kind, "service");
        assert.strictEqual(resolveBackend({ PULUMI_BACKEND_URL: "azblob://state" }, "/repo").kind, "self-managed");
    });

    it("falls back to a file backend in .pulumi-state/ of the repository when it is unset or empty", () => {
        for (const env of [{}, { PULUMI_BACKEND_URL: "" }, { PULUMI_BACKEND_URL: "  " }]) {
            const backend = resolveBackend(env, "/work/repo");
            assert.strictEqual(backend.url, "file:///work/repo/.pulumi-state");
            assert.strictEqual(backend.localDir, "/work/repo/.pulumi-state");
            assert.strictEqual(backend.kind, "self-managed");
            assert.match(backend.source, /PULUMI_BACKEND_URL is not set/);
        }
    });

    it("fails with exit code 2 on a value that is not a backend URL", () => {
        const err = exitError(() => resolveBackend({ PULUMI_BACKEND_URL: "my-bucket" }, "/repo"));
        assert.strictEqual(err.code, EXIT.usage);
        assert.match(err.message, /PULUMI_BACKEND_URL="my-bucket" is not a backend URL/);
    });

    it("refuses changes from CI with the runner-local backend, but allows previews", () => {
        const err = exitError(() => requireDurableBackend({ CI: "true" }, true));
        assert.strictEqual(err.code, EXIT.usage);
        assert.match(err.message, /Set PULUMI_BACKEND_URL/);
        requireDurableBackend({ CI: "true" }, false);
        requireDurableBackend({ CI: "true", PULUMI_BACKEND_URL: "s3://state" }, true);
        requireDurableBackend({}, true);
    });

    it("needs an access token or a stored login for Pulumi Cloud", () => {
        const home = tempDir();
        const err = exitError(() => requireServiceLogin(CLOUD, { PULUMI_HOME: home }));
        assert.strictEqual(err.code, EXIT.usage);
        assert.match(err.message, /Set PULUMI_ACCESS_TOKEN/);
        requireServiceLogin(CLOUD, { PULUMI_HOME: home, PULUMI_ACCESS_TOKEN: "pul-123" });
        fs.writeFileSync(
            path.join(home, "credentials.json"),
            JSON.stringify({ accessTokens: { "https://api.pulumi.com": "pul-456" } }),
        );
        requireServiceLogin(CLOUD, { PULUMI_HOME: home });
        requireServiceLogin(LOCAL, {});
    });
});

describe("deploy environment: secrets provider", () => {
    it("uses the passphrase provider on a self-managed backend when PULUMI_CONFIG_PASSPHRASE is set", () => {
        const choice = resolveSecrets("dev", NEW_STACK, LOCAL, { PULUMI_CONFIG_PASSPHRASE: "s3cret" });
        assert.strictEqual(choice.kind, "passphrase");
        assert.strictEqual(choice.provider, "passphrase");
    });

    it("accepts a readable PULUMI_CONFIG_PASSPHRASE_FILE", () => {
        const file = path.join(tempDir(), "passphrase");
        fs.writeFileSync(file, "s3cret\n");
        assert.strictEqual(
            resolveSecrets("dev", NEW_STACK, LOCAL, { PULUMI_CONFIG_PASSPHRASE_FILE: file }).kind,
            "passphrase",
        );
    });

    it("fails with exit code 2, not a prompt, when a new stack has no passphrase", () => {
        for (const env of [{}, { PULUMI_CONFIG_PASSPHRASE: "" }]) {
            const err = exitError(() => resolveSecrets("dev", NEW_STACK, LOCAL, env));
            assert.strictEqual(err.code, EXIT.usage);
            assert.match(err.message, /Stack dev will be created with the passphrase secrets provider/);
            assert.match(err.message, /Set PULUMI_CONFIG_PASSPHRASE, or PULUMI_CONFIG_PASSPHRASE_FILE/);
            assert.match(err.message, /PLATFORM_SECRETS_PROVIDER/);
        }
    });

    it("fails when PULUMI_CONFIG_PASSPHRASE_FILE cannot be read", () => {
        const err = exitError(() =>
            resolveSecrets("dev", NEW_STACK, LOCAL, { PULUMI_CONFIG_PASSPHRASE_FILE: "/nonexistent/passphrase" }),
        );
        assert.strictEqual(err.code, EXIT.usage);
        assert.match(err.message, /PULUMI_CONFIG_PASSPHRASE_FILE=\/nonexistent\/passphrase cannot be read/);
    });

    it("creates a new stack with the KMS or Key Vault key in PLATFORM_SECRETS_PROVIDER, without a passphrase", () => {
        const aws = "awskms://alias/platform-prod?region=eu-west-1";
        assert.deepStrictEqual(resolveSecrets("prod", NEW_STACK, LOCAL, { PLATFORM_SECRETS_PROVIDER: aws }), {
            provider: aws,
            kind: "kms",
            source: `PLATFORM_SECRETS_PROVIDER=${aws}`,
            notes: [],
        });
        const azure = "azurekeyvault://platform-kv.vault.azure.net/keys/platform-prod";
        assert.strictEqual(
            resolveSecrets("prod", NEW_STACK, LOCAL, { PLATFORM_SECRETS_PROVIDER: azure }).provider,
            azure,
        );
    });

    it("fails with exit code 2 on an unknown PLATFORM_SECRETS_PROVIDER", () => {
        const err = exitError(() => resolveSecrets("dev", NEW_STACK, LOCAL, { PLATFORM_SECRETS_PROVIDER: "vault" }));
        assert.strictEqual(err.code, EXIT.usage);
        assert.match(err.message, /PLATFORM_SECRETS_PROVIDER="vault" is not a secrets provider/);
    });

    it("uses Pulumi Cloud's encryption on the service backend", () => {
        const choice = resolveSecrets("dev", NEW_STACK, CLOUD, {});
        assert.strictEqual(choice.kind, "service");
        assert.strictEqual(choice.provider, undefined);
    });

    it("keeps the provider an existing stack records in its stack file", () => {
        const kms: StackFile = { secretsProvider: "awskms://alias/platform-dev?region=eu-west-1" };
        const choice = resolveSecrets("dev", kms, LOCAL, { PLATFORM_SECRETS_PROVIDER: "passphrase" });
        assert.strictEqual(choice.kind, "kms");
        assert.strictEqual(choice.provider, undefined, "an existing stack is selected, not created");
        assert.match(choice.notes[0], /applies when a stack is created/);

        const salted: StackFile = { encryptionSalt: "v1:abc" };
        const err = exitError(() => resolveSecrets("dev", salted, CLOUD, {}));
        assert.match(err.message, /encrypted with a passphrase \(encryptionsalt in Pulumi\.dev\.yaml\)/);
    });
});

describe("deploy environment: CLI, stack file, credentials", () => {
    function executable(dir: string, name = "pulumi"): string {
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, name);
        fs.writeFileSync(file, "#!/bin/sh\n", { mode: 0o755 });
        return file;
    }

    it("finds pulumi on PATH, with its installation root", () => {
        const root = tempDir();
        const cli = executable(path.join(root, "bin"));
        assert.deepStrictEqual(findPulumiCli({ PATH: `/nonexistent${path.delimiter}${path.join(root, "bin")}` }), {
            path: cli,
            root,
        });
    });

    it("falls back to ~/.pulumi/bin, and finds nothing when there is no CLI", () => {
        const home = tempDir();
        assert.strictEqual(findPulumiCli({ PATH: tempDir(), HOME: home }), undefined);
        const cli = executable(path.join(home, ".pulumi", "bin"));
        assert.deepStrictEqual(findPulumiCli({ PATH: tempDir(), HOME: home }), {
            path: cli,
            root: path.join(home, ".pulumi"),
        });
    });

    it("ignores a pulumi file that is not executable", () => {
        const dir = tempDir();
        fs.writeFileSync(path.join(dir, "pulumi"), "");
        assert.strictEqual(findPulumiCli({ PATH: dir, HOME: tempDir() }), undefined);
    });

    it("reads the environment and cloud of every real stack file; prod needs confirmation", () => {
        for (const stack of ["dev", "staging", "prod"]) {
            const file = readStackFile(stack, ROOT);
            assert.strictEqual(file.environment, stack);
            assert.ok(file.cloud === "aws" || file.cloud === "azure", `Pulumi.${stack}.yaml names a cloud`);
            assert.strictEqual(isProduction(stack, file), stack === "prod");
        }
        assert.strictEqual(isProduction("prod-eu", { environment: "prod" }), true);
    });

    it("detects cloud credentials from the environment variables the providers read", () => {
        assert.strictEqual(detectCredentials("aws", {}), undefined);
        assert.ok(
            detectCredentials("aws", { AWS_ROLE_ARN: "arn:aws:iam::1:role/x", AWS_WEB_IDENTITY_TOKEN_FILE: "/t" }),
        );
        assert.ok(detectCredentials("aws", { AWS_PROFILE: "platform" }));
        assert.strictEqual(detectCredentials("azure", { ARM_CLIENT_ID: "id" }), undefined);
        assert.ok(detectCredentials("azure", { ARM_CLIENT_ID: "id", ARM_USE_OIDC: "true" }));
        assert.strictEqual(detectCredentials("gcp", { AWS_PROFILE: "x" }), undefined);
    });
});
