/**
 * The real launch paths of `npm run deploy` and `npm run pr-check`, with a stand-in `pulumi` first on PATH
 * (fake-pulumi.ts): the exact command lines the Automation API sends the CLI, the order of the stack
 * operations, the secrets provider of a new stack, the policy pack as the CLI's Node language host starts it,
 * and the exit codes of a mandatory violation before and after changes.
 *
 * The command lines are those of node_modules/@pulumi/pulumi/automation (3.248.0): `stack select --stack <s>`
 * then, on StackNotFoundError only (errors.js: "no stack named.*found"), `stack init <s> --secrets-provider
 * <p>` (localWorkspace.js createStack); `preview`/`up --yes --skip-preview` with `--policy-pack`,
 * `--policy-pack-config`, `--exec-kind auto.local`, `--event-log tcp://...` (stack.js), and `--stack <s>
 * --non-interactive` appended to every command (stack.js runPulumiCmd, cmd.js run).
 */
import * as assert from "assert";
import * as path from "path";
import { main as deploy } from "../../scripts/deploy";
import { EXIT } from "../../scripts/lib/exit-codes";
import { main as prCheck } from "../../scripts/pr-check";
import { DeployableRoot, deployableRoot } from "./deployable-root";
import {
    FakePulumi,
    FakeScenario,
    Invocation,
    fakePulumi,
    policyEvent,
    resourceEvents,
    summaryEvent,
} from "./fake-pulumi";

let fixture: DeployableRoot;
const fakes: FakePulumi[] = [];

const HISTORY: FakeScenario = { "stack history": { stdout: "[]" }, "stack output": { stdout: "{}" } };
const KMS = "awskms://alias/platform-dev?region=eu-west-1";

async function runDeploy(argv: string[], scenario: FakeScenario, env: Record<string, string | undefined> = {}) {
    const fake = fakePulumi(scenario);
    fakes.push(fake);
    let output = "";
    const code = await deploy(argv, {
        env: { ...fake.env, ...env },
        root: fixture.root,
        stdout: { write: (s: string) => (output += s) },
        stderr: { write: (s: string) => (output += s) },
        interactive: false,
        confirm: async () => false,
        estimateResources: async () => 1,
    });
    return { code, output, calls: fake.invocations() };
}

/** The argv without the per-run event-log address (a fresh port each time). */
function argvOf(call: Invocation): string[] {
    const at = call.args.indexOf("--event-log");
    return at < 0 ? call.args : [...call.args.slice(0, at + 1), "<events>", ...call.args.slice(at + 2)];
}

function packArgs(stack: string): string[] {
    const dir = path.join(fixture.root, "policies");
    return ["--policy-pack", dir, "--policy-pack-config", path.join(dir, "config", `${stack}.json`)];
}

const tail = (stack: string) => ["--exec-kind", "auto.local", "--event-log", "<events>", "--stack", stack];

describe("launch paths: npm run deploy against a stand-in pulumi on PATH", function () {
    this.timeout(180_000);
    before(() => (fixture = deployableRoot()));
    afterEach(() => ["dev", "staging", "prod"].forEach((stack) => fixture.reset(stack)));
    after(() => {
        fakes.forEach((f) => f.cleanup());
        fixture.cleanup();
    });

    it("sends exactly select, init with the secrets provider after 'not found', the policy preview, then up", async () => {
        const run = await runDeploy(
            ["up", "--stack", "dev", "--parallel", "4"],
            {
                "stack select": { stderr: "error: no stack named 'dev' found\n", exit: 255 },
                preview: { events: [summaryEvent({ create: 1 })] },
                up: { events: [summaryEvent({ create: 1 })] },
                ...HISTORY,
            },
            { PULUMI_CONFIG_PASSPHRASE: undefined, PLATFORM_SECRETS_PROVIDER: KMS },
        );
        assert.strictEqual(run.code, EXIT.ok, run.output);
        const engine = ["--parallel", "4", "--color", "never"];
        assert.deepStrictEqual(run.calls.slice(0, 4).map(argvOf), [
            ["stack", "select", "--stack", "dev", "--non-interactive"],
            ["stack", "init", "dev", "--secrets-provider", KMS, "--non-interactive"],
            ["preview", ...packArgs("dev"), ...engine, ...tail("dev"), "--non-interactive"],
            ["up", "--yes", "--skip-preview", ...packArgs("dev"), ...engine, ...tail("dev"), "--non-interactive"],
        ]);
        for (const call of run.calls) {
            assert.strictEqual(call.env.PULUMI_SKIP_UPDATE_CHECK, "true", `${call.args[0]}: no update check`);
            assert.strictEqual(call.env.PULUMI_BACKEND_URL, run.calls[0].env.PULUMI_BACKEND_URL);
            assert.strictEqual(call.env.PULUMI_CONFIG_PASSPHRASE, undefined, "a KMS stack gets no passphrase");
        }
        assert.match(run.calls[2].eventLog ?? "", /^tcp:\/\/127\.0\.0\.1:\d+$/, "today's CLI streams events over gRPC");
    });

    it("does not init a stack that select found, nor one whose select failed for another reason", async () => {
        const found = await runDeploy(["preview", "--stack", "dev"], { preview: { events: [summaryEvent({})] } });
        assert.strictEqual(found.code, EXIT.ok, found.output);
        assert.deepStrictEqual(
            found.calls.map((c) => c.args.slice(0, 2).join(" ")),
            ["stack select", "preview --policy-pack"],
        );
        const broken = await runDeploy(["preview", "--stack", "dev"], {
            "stack select": { stderr: "error: could not read the backend: permission denied\n", exit: 255 },
        });
        assert.strictEqual(broken.code, EXIT.failed, broken.output);
        assert.ok(!broken.calls.some((c) => c.args[1] === "init"), "init only after 'not found'");
        assert.ok(!broken.calls.some((c) => c.args[0] === "preview"));
    });

    it("previews with the policy pack before every up, and the pack it names starts as the language host starts it", async () => {
        const run = await runDeploy(["up", "--stack", "staging"], {
            preview: { startPolicyPack: true, events: [summaryEvent({ update: 1 })] },
            up: { events: [summaryEvent({ update: 1 })] },
            ...HISTORY,
        });
        assert.strictEqual(run.code, EXIT.ok, run.output);
        const verbs = run.calls.map((c) => c.args[0]).filter((v) => v === "preview" || v === "up");
        assert.deepStrictEqual(verbs, ["preview", "up"]);
        const preview = run.calls.find((c) => c.args[0] === "preview")!;
        assert.ok(path.isAbsolute(preview.policyPack!.dir), "--policy-pack is an absolute directory");
        assert.ok(preview.policyPack!.policies > 50, "the pack started and published its policies");
    });

    it("exits 4 on a mandatory violation in the preview (the up never runs), 6 on one during the up after changes", async () => {
        const urn = "urn:pulumi:staging::platform::aws:rds/instance:Instance::platform-staging-db";
        const before = await runDeploy(["up", "--stack", "staging"], {
            preview: {
                events: [policyEvent("aws-rds-backup-retention", urn, "Backups are kept 1 day."), summaryEvent({})],
                stderr: "error: preview failed\n",
                exit: 255,
            },
            up: { events: [summaryEvent({ update: 1 })] },
        });
        assert.strictEqual(before.code, EXIT.policy, before.output);
        assert.ok(!before.calls.some((c) => c.args[0] === "up"));

        const stackUrn = "urn:pulumi:staging::platform::pulumi:pulumi:Stack::platform-staging";
        const after = await runDeploy(["up", "--stack", "staging"], {
            preview: { events: [summaryEvent({ create: 1 })] },
            up: {
                events: [
                    ...resourceEvents("create", "aws:s3/bucket:Bucket", "platform-staging-assets", "staging"),
                    policyEvent("required-tags", stackUrn, "Resources must carry the cost-center tag."),
                    summaryEvent({ create: 1 }),
                ],
                stderr: "error: update failed\n",
                exit: 255,
            },
        });
        assert.strictEqual(after.code, EXIT.policyAfterChanges, after.output);
    });

    // The CLI up to 3.205.0 gets a file to append events to (stack.js setupEventLog): both transports work.
    it("reads the engine events from a file with a CLI before 3.206", async () => {
        const run = await runDeploy(["preview", "--stack", "dev"], {
            version: { stdout: "v3.200.0\n" },
            preview: { events: [...resourceEvents("create", "aws:ec2/vpc:Vpc", "v"), summaryEvent({ create: 1 })] },
        });
        assert.strictEqual(run.code, EXIT.ok, run.output);
        assert.match(run.output, /^Summary: 1 to create/m);
        const preview = run.calls.find((c) => c.args[0] === "preview")!;
        assert.match(preview.eventLog ?? "", /automation-logs-preview-.*eventlog\.txt$/);
    });
});

describe("launch paths: npm run pr-check against a stand-in pulumi on PATH", function () {
    this.timeout(300_000);
    before(() => (fixture = deployableRoot()));
    after(() => fixture.cleanup());

    async function runPrCheck(scenario: FakeScenario) {
        const fake = fakePulumi(scenario);
        fakes.push(fake);
        let output = "";
        const code = await prCheck(["--stack", "staging", "--cloud", "aws", "--preview"], {
            env: { ...fake.env, AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "example" },
            root: fixture.root,
            stdout: { write: (s: string) => (output += s) },
            stderr: { write: (s: string) => (output += s) },
        });
        return { code, output, calls: fake.invocations() };
    }

    it("previews the stack with the policy pack (never an up), and fails with exit 1 on a mandatory violation", async () => {
        const urn = "urn:pulumi:staging::platform::aws:rds/instance:Instance::platform-staging-db";
        const run = await runPrCheck({
            preview: {
                startPolicyPack: true,
                events: [policyEvent("aws-rds-backup-retention", urn, "Backups are kept 1 day."), summaryEvent({})],
                stderr: "error: preview failed\n",
                exit: 255,
            },
        });
        assert.strictEqual(run.code, EXIT.failed, run.output);
        assert.deepStrictEqual(run.calls.map(argvOf), [
            ["stack", "select", "--stack", "staging", "--non-interactive"],
            ["preview", ...packArgs("staging"), "--color", "never", ...tail("staging"), "--non-interactive"],
        ]);
        assert.ok(run.calls[1].policyPack!.policies > 50, "the pack it names starts and takes its config");
        assert.match(run.output, /staging: policy mandatory platform-policies\/aws-rds-backup-retention/);
    });
});
