/**
 * What the deploy command takes from its environment: the Pulumi CLI, the state backend, the secrets
 * provider and cloud credentials. Every function takes the environment as an argument (never reads
 * `process.env` itself), so each choice is testable; a missing prerequisite is an {@link ExitError} with
 * exit code 2 and a message that says what to set.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UsageError, parseYamlFile, stackFileSettings } from "../../check/stack";
import { EXIT, ExitError } from "./exit-codes";

export type Env = Readonly<Record<string, string | undefined>>;

/** Where the local file backend keeps state when PULUMI_BACKEND_URL is not set (git-ignored). */
export const LOCAL_STATE_DIR = ".pulumi-state";

// ---------------------------------------------------------------------------------------------------------
// The Pulumi CLI

export const INSTALL_HINT = [
    "The Pulumi CLI is not installed: there is no `pulumi` on your PATH (nor in ~/.pulumi/bin).",
    "`npm run deploy` drives the CLI through the Automation API, so it needs it. Install it, open a new shell,",
    "and run the command again:",
    "",
    "  curl -fsSL https://get.pulumi.com | sh     # Linux and macOS; installs to ~/.pulumi/bin",
    "  brew install pulumi/tap/pulumi             # macOS with Homebrew",
    "  winget install pulumi                      # Windows",
    "",
    "See https://www.pulumi.com/docs/iac/download-install/ for other ways. Check with `pulumi version`.",
    "Without the CLI you can still run the offline check: npm run check -- --stack <stack>",
].join("\n");

export interface PulumiCli {
    /** Absolute path of the `pulumi` executable. */
    readonly path: string;
    /**
     * The installation root to hand the Automation API (it runs `<root>/bin/pulumi`, the very executable found
     * here, with its directory first on PATH for bundled plugins); undefined when the executable is not in a
     * directory named `bin`, in which case the Automation API runs `pulumi` from PATH.
     */
    readonly root?: string;
}

function cliAt(file: string): PulumiCli {
    const dir = path.dirname(file);
    return path.basename(dir) === "bin" && path.basename(file).startsWith("pulumi") && !file.endsWith(".cmd")
        ? { path: file, root: path.dirname(dir) }
        : { path: file };
}

function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

/**
 * Finds the Pulumi CLI the way the Automation API will run it: `pulumi` on PATH, else the installer's
 * default location `~/.pulumi/bin/pulumi`. Returns undefined when there is none.
 */
export function findPulumiCli(env: Env, platform: NodeJS.Platform = process.platform): PulumiCli | undefined {
    const names = platform === "win32" ? ["pulumi.exe", "pulumi.cmd", "pulumi"] : ["pulumi"];
    for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
        for (const name of names) {
            const candidate = path.join(dir, name);
            if (isExecutable(candidate)) return cliAt(candidate);
        }
    }
    const home = env.HOME ?? env.USERPROFILE;
    if (home) {
        const root = path.join(home, ".pulumi");
        for (const name of names) {
            const candidate = path.join(root, "bin", name);
            if (isExecutable(candidate)) return cliAt(candidate);
        }
    }
    return undefined;
}

/** The CLI, or an exit-2 error that says how to install it. */
export function requirePulumiCli(env: Env): PulumiCli {
    const cli = findPulumiCli(env);
    if (!cli) throw new ExitError(EXIT.usage, INSTALL_HINT);
    return cli;
}

// ---------------------------------------------------------------------------------------------------------
// The stack file

/** The settings of Pulumi.<stack>.yaml this command reads; the program's own config module reads the rest. */
export interface StackFile {
    /** `platform:environment`: prod needs confirmation for up/destroy. */
    readonly environment?: string;
    /** `platform:cloud`: the cloud this stack deploys to. */
    readonly cloud?: string;
    /** `secretsprovider:` the CLI records when a stack is created with a KMS / Key Vault key. */
    readonly secretsProvider?: string;
    /** `encryptionsalt:` the CLI records when a stack is created with the passphrase provider. */
    readonly encryptionSalt?: string;
    /** `encryptedkey:` the data key, encrypted by the KMS / Key Vault key, recorded with `secretsprovider:`. */
    readonly encryptedKey?: string;
}

export function readStackFile(stack: string, root: string): StackFile {
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    const source = fs.readFileSync(file, "utf8");
    let doc: { secretsprovider?: string; encryptionsalt?: string; encryptedkey?: string };
    let config: Record<string, unknown>;
    try {
        // A YAML mistake, a list under config: or a misspelled config: key (which the CLI would silently
        // ignore, dropping every setting) stops here with the file and line (check/stack.ts).
        doc = (parseYamlFile(source, `Pulumi.${stack}.yaml`) ?? {}) as typeof doc;
        config = stackFileSettings(source, `Pulumi.${stack}.yaml`);
    } catch (err) {
        if (err instanceof UsageError) throw new ExitError(EXIT.usage, err.message);
        throw err;
    }
    const text = (v: unknown) => (typeof v === "string" ? v : undefined);
    return {
        environment: text(config["platform:environment"]),
        cloud: text(config["platform:cloud"]),
        secretsProvider: text(doc.secretsprovider),
        encryptionSalt: text(doc.encryptionsalt),
        encryptedKey: text(doc.encryptedkey),
    };
}

/** True for the stacks whose `up` and `destroy` need `--yes` or a typed confirmation. */
export function isProduction(stack: string, file: StackFile): boolean {
    return stack === "prod" || file.environment === "prod";
}

// ---------------------------------------------------------------------------------------------------------
// The backend

export interface Backend {
    /** The URL handed to the CLI as PULUMI_BACKEND_URL. */
    readonly url: string;
    /** `service`: Pulumi Cloud or a self-hosted Pulumi service; `self-managed`: file, S3, Azure Blob, GCS. */
    readonly kind: "service" | "self-managed";
    /** How the backend was chosen, for messages. */
    readonly source: string;
    /** The directory of the default local file backend (`.pulumi-state/`); undefined for any other backend. */
    readonly localDir?: string;
}

/**
 * PULUMI_BACKEND_URL when set; otherwise a local file backend in `<root>/.pulumi-state/`, so a user with no
 * Pulumi Cloud account can deploy. (A login stored by `pulumi login` is deliberately not used: the backend
 * a command writes to must not depend on who last logged in to what on this machine.)
 */
export function resolveBackend(env: Env, root: string): Backend {
    const url = env.PULUMI_BACKEND_URL?.trim();
    if (!url) {
        const localDir = path.join(root, LOCAL_STATE_DIR);
        const posix = localDir.split(path.sep).join("/");
        return {
            url: `file://${posix.startsWith("/") ? "" : "/"}${posix}`,
            kind: "self-managed",
            source: `the local file backend in ${LOCAL_STATE_DIR}/ (PULUMI_BACKEND_URL is not set)`,
            localDir,
        };
    }
    if (/^https?:\/\//.test(url)) {
        return { url, kind: "service", source: `PULUMI_BACKEND_URL=${url}` };
    }
    if (/^(file|s3|azblob|gs|postgres):\/\//.test(url)) {
        return { url, kind: "self-managed", source: `PULUMI_BACKEND_URL=${url}` };
    }
    throw new ExitError(
        EXIT.usage,
        `PULUMI_BACKEND_URL="${url}" is not a backend URL: use https://api.pulumi.com (Pulumi Cloud), ` +
            `file://<dir>, s3://<bucket>, azblob://<container> or gs://<bucket>, or unset it to use ${LOCAL_STATE_DIR}/.`,
    );
}

/**
 * In CI (CI=true), changes must be recorded in a shared backend: state written to the runner's disk is lost
 * with the runner, and the resources it created would be orphaned. Previews and outputs are harmless.
 */
export function requireDurableBackend(env: Env, changes: boolean): void {
    if (!changes || env.CI !== "true" || env.PULUMI_BACKEND_URL?.trim()) return;
    throw new ExitError(
        EXIT.usage,
        `Refusing to change resources from CI with the local file backend: ${LOCAL_STATE_DIR}/ on this runner ` +
            `is deleted with it, and the resources would be orphaned. Set PULUMI_BACKEND_URL (an s3://, azblob:// ` +
            `or gs:// bucket, or https://api.pulumi.com with PULUMI_ACCESS_TOKEN).`,
    );
}

/** Creates `.pulumi-state/` when the backend is the default local file backend (the CLI needs it to exist). */
export function ensureLocalBackend(backend: Backend): void {
    if (backend.localDir) fs.mkdirSync(backend.localDir, { recursive: true });
}

/**
 * Pulumi Cloud in a non-interactive run needs PULUMI_ACCESS_TOKEN or a stored `pulumi login`; without
 * either the CLI would fail deep inside the first command. Says so up front.
 */
export function requireServiceLogin(backend: Backend, env: Env): void {
    if (backend.kind !== "service" || env.PULUMI_ACCESS_TOKEN) return;
    const home = env.PULUMI_HOME ?? path.join(env.HOME ?? os.homedir(), ".pulumi");
    try {
        const stored = JSON.parse(fs.readFileSync(path.join(home, "credentials.json"), "utf8")) as {
            accessTokens?: Record<string, string>;
        };
        if (stored.accessTokens?.[backend.url.replace(/\/+$/, "")]) return;
    } catch {
        // no stored login
    }
    throw new ExitError(
        EXIT.usage,
        `The backend is ${backend.url} and there is no access token for it. Set PULUMI_ACCESS_TOKEN ` +
            `(create one in Pulumi Cloud under Personal access tokens) or run \`pulumi login ${backend.url}\` once.`,
    );
}

// ---------------------------------------------------------------------------------------------------------
// The secrets provider

/** Environment variable that names the secrets provider a new stack is created with. */
export const SECRETS_PROVIDER_VAR = "PLATFORM_SECRETS_PROVIDER";

const PROVIDER_PATTERN = /^(passphrase|default|(awskms|azurekeyvault|gcpkms|hashivault):\/\/.+)$/;

export interface SecretsChoice {
    /** `--secrets-provider` for `pulumi stack init`; undefined keeps the backend's default. */
    readonly provider?: string;
    /** `passphrase` needs PULUMI_CONFIG_PASSPHRASE(_FILE); `service` and `kms` do not. */
    readonly kind: "passphrase" | "service" | "kms";
    /** Why this provider, for messages. */
    readonly source: string;
    /** Things the user should know (e.g. an env var that does not apply to an existing stack). */
    readonly notes: string[];
}

function kindOf(provider: string): SecretsChoice["kind"] {
    return provider === "passphrase" ? "passphrase" : provider === "default" ? "service" : "kms";
}

/**
 * Decides the secrets provider of a stack, in this order:
 *  1. what Pulumi.<stack>.yaml already records (`secretsprovider:` or `encryptionsalt:`), because an
 *     existing stack keeps the provider it was created with;
 *  2. PLATFORM_SECRETS_PROVIDER, for a stack being created: `passphrase`, `default` (Pulumi Cloud),
 *     `awskms://alias/<key>?region=<region>`, `azurekeyvault://<vault>.vault.azure.net/keys/<key>`, ...;
 *  3. the service's own encryption on Pulumi Cloud;
 *  4. the passphrase provider on a self-managed backend.
 * A passphrase provider without PULUMI_CONFIG_PASSPHRASE or a readable PULUMI_CONFIG_PASSPHRASE_FILE is an
 * exit-2 error here, instead of a CLI prompt that would hang or fail without saying what to set.
 */
export function resolveSecrets(stack: string, file: StackFile, backend: Backend, env: Env): SecretsChoice {
    const notes: string[] = [];
    const fromEnv = env[SECRETS_PROVIDER_VAR]?.trim() || undefined;
    if (fromEnv !== undefined && !PROVIDER_PATTERN.test(fromEnv)) {
        throw new ExitError(
            EXIT.usage,
            `${SECRETS_PROVIDER_VAR}="${fromEnv}" is not a secrets provider: use passphrase, default (Pulumi Cloud), ` +
                `awskms://alias/<key>?region=<region>, azurekeyvault://<vault>.vault.azure.net/keys/<key>, ` +
                `gcpkms://projects/... or hashivault://<key>.`,
        );
    }

    let choice: Omit<SecretsChoice, "notes">;
    const recorded = file.secretsProvider ?? (file.encryptionSalt ? "passphrase" : undefined);
    if (recorded !== undefined) {
        choice = { kind: kindOf(recorded), source: `Pulumi.${stack}.yaml (the stack already exists)` };
        if (fromEnv !== undefined && fromEnv !== recorded) {
            notes.push(
                `${SECRETS_PROVIDER_VAR} applies when a stack is created; stack ${stack} keeps the provider ` +
                    `recorded in Pulumi.${stack}.yaml (change it with \`pulumi stack change-secrets-provider\`).`,
            );
        }
    } else if (fromEnv !== undefined) {
        choice = { provider: fromEnv, kind: kindOf(fromEnv), source: `${SECRETS_PROVIDER_VAR}=${fromEnv}` };
    } else if (backend.kind === "service") {
        choice = { kind: "service", source: "Pulumi Cloud's own encryption (the backend's default)" };
    } else {
        choice = { provider: "passphrase", kind: "passphrase", source: "the passphrase provider (the default)" };
    }

    if (choice.kind === "passphrase") {
        requirePassphrase(stack, recorded !== undefined, env);
    }
    return { ...choice, notes };
}

/**
 * What to tell the user when the CLI has just written a stack's secrets settings into Pulumi.<stack>.yaml
 * (it does when `pulumi stack init` creates the stack, and when it restores them from the stack's state):
 * those lines exist only on this machine until they are committed. A CI runner discards them, and the next
 * run's CLI would then make up a new secrets provider for the stack (the passphrase provider on a
 * self-managed backend) unless it falls back to the one recorded in the state (see FALLBACK_TO_STATE_VAR).
 * The lines hold no secret: `encryptedkey` is the data key encrypted by the KMS / Key Vault key and
 * `encryptionsalt` only verifies a passphrase. Returns no lines when nothing new was recorded; otherwise a
 * GitHub Actions annotation (in GitHub Actions), the explanation, then the lines to commit.
 */
export function recordedSecretsNote(stack: string, before: StackFile, after: StackFile, env: Env): string[] {
    const added: string[] = [];
    if (!before.secretsProvider && after.secretsProvider) added.push(`secretsprovider: ${after.secretsProvider}`);
    if (!before.encryptedKey && after.encryptedKey) added.push(`encryptedkey: ${after.encryptedKey}`);
    if (!before.encryptionSalt && after.encryptionSalt) added.push(`encryptionsalt: ${after.encryptionSalt}`);
    if (added.length === 0) return [];
    const text =
        `The Pulumi CLI recorded stack ${stack}'s secrets settings in Pulumi.${stack}.yaml on this machine. ` +
        `Commit these lines (they hold no secret) so every machine and every CI run uses the same secrets ` +
        `provider; until then CI restores them from the stack's state on each run:`;
    const annotation =
        env.GITHUB_ACTIONS === "true"
            ? [`::warning file=Pulumi.${stack}.yaml,title=Commit the secrets provider::${text} ${added.join(" / ")}`]
            : [];
    return [...annotation, text, ...added];
}

/**
 * Set on every CLI call (scripts/lib/workspace.ts): when Pulumi.<stack>.yaml does not record the stack's
 * secrets provider (a stack created by an earlier CI run whose runner is gone), the CLI uses the provider
 * recorded in the stack's state instead of creating a new one, and writes it back into the stack file.
 * Documented in `pulumi help environment-variables` ("the secrets manager stored in the stack's state is
 * used as a fallback when the stack configuration is missing or incomplete"); added by pulumi/pulumi#17236
 * (v3.133), off by default (pulumi/pulumi#24535 explains why).
 */
export const FALLBACK_TO_STATE_VAR = "PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER";

function requirePassphrase(stack: string, exists: boolean, env: Env): void {
    // An empty PULUMI_CONFIG_PASSPHRASE counts as not set (the CLI would accept it): CI expands a secret that
    // was never created to an empty string, and that must not silently become a stack's passphrase.
    if (env.PULUMI_CONFIG_PASSPHRASE) return;
    const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
    if (file) {
        try {
            fs.accessSync(file, fs.constants.R_OK);
            return;
        } catch {
            throw new ExitError(
                EXIT.usage,
                `PULUMI_CONFIG_PASSPHRASE_FILE=${file} cannot be read. Point it at a readable file that holds ` +
                    `stack ${stack}'s passphrase.`,
            );
        }
    }
    const why = exists
        ? `Stack ${stack}'s secrets are encrypted with a passphrase (encryptionsalt in Pulumi.${stack}.yaml)`
        : `Stack ${stack} will be created with the passphrase secrets provider`;
    throw new ExitError(
        EXIT.usage,
        `${why}, and no passphrase is set. Set PULUMI_CONFIG_PASSPHRASE, or PULUMI_CONFIG_PASSPHRASE_FILE to a ` +
            `file that holds it; use the same passphrase for every run on this stack, and keep it in a secret ` +
            `store. To use a cloud key instead of a passphrase for a new stack, set ${SECRETS_PROVIDER_VAR}, ` +
            `e.g. awskms://alias/platform-${stack}?region=eu-west-1 or ` +
            `azurekeyvault://<vault>.vault.azure.net/keys/platform-${stack}.`,
    );
}

// ---------------------------------------------------------------------------------------------------------
// Cloud credentials (for pr-check's real previews)

/**
 * Where this environment's credentials for a cloud come from, or undefined when it has none. Looks at the
 * environment variables the providers read (set by CI's OIDC steps or by a developer), not at files such as
 * ~/.aws/config whose presence says little about whether they are valid.
 */
export function detectCredentials(cloud: string, env: Env): string | undefined {
    if (cloud === "aws") {
        if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return "AWS_ACCESS_KEY_ID";
        if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) return "AWS_ROLE_ARN (web identity)";
        if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) {
            return "container credentials";
        }
        if (env.AWS_PROFILE) return `AWS_PROFILE=${env.AWS_PROFILE}`;
        return undefined;
    }
    if (cloud === "azure") {
        if (env.ARM_CLIENT_ID) {
            if (env.ARM_CLIENT_SECRET) return "ARM_CLIENT_ID and ARM_CLIENT_SECRET";
            if (env.ARM_USE_OIDC === "true") return "ARM_CLIENT_ID with OIDC";
            if (env.ARM_CLIENT_CERTIFICATE_PATH) return "ARM_CLIENT_ID with a certificate";
        }
        if (env.ARM_USE_MSI === "true") return "managed identity (ARM_USE_MSI)";
        return undefined;
    }
    return undefined;
}
