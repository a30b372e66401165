/**
 * The deploy command end to end against a stand-in `pulumi` (fake-pulumi.ts): the Automation API really
 * runs it, so these tests see the flags and environment the CLI receives and the events it streams back.
 */
import * as assert from "assert";
import { ROOT } from "../../check/stack";
import { main } from "../../scripts/deploy";
import { EXIT } from "../../scripts/lib/exit-codes";
import { DeployableRoot, deployableRoot } from "./deployable-root";
import { FakePulumi, FakeScenario, fakePulumi, policyEvent, resourceEvents, summaryEvent } from "./fake-pulumi";

interface Run {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
    /** The CLI commands run, without the `version` probe: `stack select`, `up`, ... */
    readonly commands: string[];
}

const fakes: FakePulumi[] = [];
/** The stack files with their documentation placeholders replaced: the committed ones are refused. */
let fixture: DeployableRoot;

async function deploy(
    argv: string[],
    scenario: FakeScenario,
    options: {
        env?: Record<string, string | undefined>;
        interactive?: boolean;
        answer?: string;
        root?: string;
    } = {},
): Promise<Run & { fake: FakePulumi }> {
    const fake = fakePulumi(scenario);
    fakes.push(fake);
    let stdout = "";
    let stderr = "";
    const questions: string[] = [];
    const code = await main(argv, {
        env: { ...fake.env, ...options.env },
        root: options.root ?? fixture.root,
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        interactive: options.interactive ?? false,
        confirm: async (question, expected) => {
            questions.push(question);
            stdout += question;
            return options.answer === expected;
        },
        estimateResources: async () => 4,
    });
    const commands = fake.invocations().map((i) => i.args.slice(0, 2).join(" "));
    return { code, stdout, stderr, commands, fake };
}

const OUTPUTS: FakeScenario = {
    "stack history": { stdout: "[]" },
    "stack output": { stdout: JSON.stringify({ cloud: "aws", database: { host: "db", password: "[secret]" } }) },
    "stack output --show-secrets": {
        stdout: JSON.stringify({ cloud: "aws", database: { host: "db", password: "hunter2" } }),
    },
};

const MANDATORY = {
    policyEvent: {
        resourceUrn: "urn:pulumi:staging::platform::aws:rds/instance:Instance::platform-staging-db",
        message: "Backups are kept 1 day; staging needs at least 7. Set platform:backupRetentionDays.",
        color: "never",
        policyName: "rds-backup-retention",
        policyPackName: "platform-policies",
        policyPackVersion: "0.1.0",
        policyPackVersionTag: "0.1.0",
        enforcementLevel: "mandatory",
    },
};

describe("deploy command against a stand-in Pulumi CLI", function () {
    this.timeout(60_000);
    before(() => (fixture = deployableRoot()));
    afterEach(() => ["dev", "staging", "prod"].forEach((stack) => fixture.reset(stack)));
    after(() => {
        fakes.forEach((f) => f.cleanup());
        fixture.cleanup();
    });

    it("up streams progress, ends with the summary and the outputs with secrets masked", async () => {
        const run = await deploy(["up", "--stack", "dev", "--parallel", "4"], {
            up: {
                events: [
                    ...resourceEvents("create", "aws:ec2/vpc:Vpc", "platform-dev-vpc"),
                    ...resourceEvents("same", "aws:kms/key:Key", "platform-dev-key"),
                    summaryEvent({ create: 1, same: 1 }, 75),
                ],
            },
            ...OUTPUTS,
        });
        assert.strictEqual(run.code, EXIT.ok, run.stderr);
        assert.match(run.stdout, /^\[1\/4\] created {3}aws:ec2\/vpc:Vpc {2}platform-dev-vpc \(\d+s\)$/m);
        assert.match(run.stdout, /^Summary: 1 created, 0 updated, 0 deleted, 1 unchanged in 1m15s$/m);
        assert.match(run.stdout, /^ {2}database {2}\{"host":"db","password":"\[secret\]"\}$/m);
        assert.ok(!run.stdout.includes("hunter2"), "a nested secret must never be printed");
        assert.deepStrictEqual(run.commands.slice(0, 3), ["stack select", "preview --policy-pack", "up --yes"]);
    });

    it("runs preview and up with the policy pack, the stack's policy config, the backend and --parallel", async () => {
        const run = await deploy(["preview", "--stack", "staging", "-p", "3"], {
            preview: { events: [summaryEvent({ same: 3 })] },
        });
        assert.strictEqual(run.code, EXIT.ok, run.stderr);
        const preview = run.fake.invocations().find((i) => i.args[0] === "preview")!;
        const flag = (name: string) => preview.args[preview.args.indexOf(name) + 1];
        assert.strictEqual(flag("--policy-pack"), `${fixture.root}/policies`);
        assert.strictEqual(flag("--policy-pack-config"), `${fixture.root}/policies/config/staging.json`);
        assert.strictEqual(flag("--parallel"), "3");
        assert.strictEqual(flag("--stack"), "staging");
        assert.ok(preview.args.includes("--non-interactive"), "the CLI must never prompt");
        assert.strictEqual(preview.backend, run.fake.env.PULUMI_BACKEND_URL);
        assert.strictEqual(preview.passphrase, true);
        assert.match(run.stdout, /^Policy: 0 mandatory, 0 advisory findings\.$/m);
    });

    it("creates a stack that does not exist yet, with the secrets provider from PLATFORM_SECRETS_PROVIDER", async () => {
        const run = await deploy(
            ["preview", "--stack", "dev"],
            {
                "stack select": { stderr: "error: no stack named 'dev' found\n", exit: 255 },
                preview: { events: [summaryEvent({ create: 4 })] },
            },
            {
                env: {
                    PULUMI_CONFIG_PASSPHRASE: undefined,
                    PLATFORM_SECRETS_PROVIDER: "awskms://alias/dev?region=eu-west-1",
                },
            },
        );
        assert.strictEqual(run.code, EXIT.ok, run.stderr);
        const init = run.fake.invocations().find((i) => i.args[1] === "init")!;
        assert.deepStrictEqual(init.args.slice(0, 5), [
            "stack",
            "init",
            "dev",
            "--secrets-provider",
            "awskms://alias/dev?region=eu-west-1",
        ]);
    });

    it("reports a mandatory policy violation in one paragraph with exit code 4", async () => {
        const run = await deploy(["preview", "--stack", "staging"], {
            preview: { events: [MANDATORY], stderr: "error: preview failed\n", exit: 255 },
        });
        assert.strictEqual(run.code, EXIT.policy);
        assert.match(run.stdout, /policy MANDATORY: platform-policies\/rds-backup-retention on platform-staging-db/);
        const paragraph = run.stderr.trim();
        assert.ok(!paragraph.includes("\n"), "one paragraph");
        assert.match(
            paragraph,
            /^Policy violation: the policy pack stopped the preview of stack staging with 1 mandatory violation \(rds-backup-retention on platform-staging-db;/,
        );
        assert.match(paragraph, /nothing was changed/);
    });

    it("reports a concurrent update in one paragraph with exit code 5", async () => {
        const run = await deploy(["refresh", "--stack", "dev"], {
            "stack export": { stdout: JSON.stringify({ deployment: { resources: [] } }) },
            refresh: { stderr: "error: [409] Conflict: Another update is currently in progress.\n", exit: 255 },
        });
        assert.strictEqual(run.code, EXIT.concurrent);
        const paragraph = run.stderr.trim();
        assert.ok(!paragraph.includes("\n"), "one paragraph");
        assert.match(paragraph, /^Concurrent update: another update is already running on stack dev/);
    });

    it("refuses to destroy while resources are protected, says how to proceed, and destroys nothing", async () => {
        const urn = (type: string, name: string) => `urn:pulumi:dev::platform::${type}::${name}`;
        const resources = [
            { urn: urn("pulumi:pulumi:Stack", "platform-dev"), type: "pulumi:pulumi:Stack" },
            {
                urn: urn("aws:rds/instance:Instance", "platform-dev-db"),
                type: "aws:rds/instance:Instance",
                protect: true,
            },
            { urn: urn("aws:ec2/vpc:Vpc", "platform-dev-vpc"), type: "aws:ec2/vpc:Vpc" },
        ];
        const run = await deploy(["destroy", "--stack", "dev"], {
            "stack export": { stdout: JSON.stringify({ deployment: { resources } }) },
        });
        assert.strictEqual(run.code, EXIT.refused);
        assert.match(run.stderr, /Refusing to destroy stack dev: 1 resource is protected/);
        assert.match(run.stderr, /aws:rds\/instance:Instance {2}platform-dev-db/);
        assert.match(run.stderr, /platform:deletionProtection to false in Pulumi\.dev\.yaml/);
        assert.match(run.stderr, /--exclude-protected/);
        assert.ok(!run.commands.some((c) => c.startsWith("destroy")), "destroy must not run");
    });

    it("asks before a prod up at a terminal, after a preview; a wrong answer changes nothing (exit 3)", async () => {
        const run = await deploy(
            ["up", "--stack", "prod"],
            {
                preview: {
                    events: [
                        ...resourceEvents("update", "aws:eks/cluster:Cluster", "c", "prod"),
                        summaryEvent({ update: 1 }),
                    ],
                },
            },
            { interactive: true, answer: "yes" },
        );
        assert.strictEqual(run.code, EXIT.refused);
        assert.match(run.stdout, /Apply these changes to prod\? Type the stack name to confirm:/);
        assert.match(run.stderr, /Not confirmed; nothing was changed/);
        assert.ok(run.commands.includes("preview --policy-pack"));
        assert.ok(!run.commands.some((c) => c.startsWith("up")), "up must not run");
    });

    it("applies a prod up at a terminal once the stack name is typed", async () => {
        const run = await deploy(
            ["up", "--stack", "prod"],
            {
                preview: {
                    events: [
                        ...resourceEvents("update", "aws:eks/cluster:Cluster", "c", "prod"),
                        summaryEvent({ update: 1 }),
                    ],
                },
                up: { events: [summaryEvent({ update: 1 })] },
                ...OUTPUTS,
            },
            { interactive: true, answer: "prod" },
        );
        assert.strictEqual(run.code, EXIT.ok, run.stderr);
        assert.ok(run.commands.some((c) => c.startsWith("up")));
    });

    it("exits 2 with the usage on an unknown command or stack, before running the CLI", async () => {
        const command = await deploy(["apply", "--stack", "dev"], {});
        assert.strictEqual(command.code, EXIT.usage);
        assert.match(command.stderr, /Unknown command "apply"[\s\S]*usage: npm run deploy --/);
        const stack = await deploy(["up", "--stack", "qa"], {});
        assert.strictEqual(stack.code, EXIT.usage);
        assert.match(stack.stderr, /Unknown stack "qa": there is no Pulumi\.qa\.yaml/);
        assert.deepStrictEqual([...command.commands, ...stack.commands], []);
    });

    it("refuses a prod destroy without --yes when there is no terminal, before running the CLI (exit 3)", async () => {
        const run = await deploy(["destroy", "--stack", "prod"], {});
        assert.strictEqual(run.code, EXIT.refused);
        assert.match(run.stderr, /Refusing to destroy stack prod without confirmation.*pass --yes/s);
        assert.deepStrictEqual(run.commands, []);
    });

    it("fails with exit code 2, without running the CLI, when no passphrase is set for a passphrase stack", async () => {
        const run = await deploy(["preview", "--stack", "dev"], {}, { env: { PULUMI_CONFIG_PASSPHRASE: undefined } });
        assert.strictEqual(run.code, EXIT.usage);
        assert.match(run.stderr, /no passphrase is set\. Set PULUMI_CONFIG_PASSPHRASE/);
        assert.deepStrictEqual(run.commands, [], "nothing that could prompt may run");
    });

    it("says a stack was never deployed when outputs finds no stack (exit 2)", async () => {
        const run = await deploy(["outputs", "--stack", "staging"], {
            "stack select": { stderr: "error: no stack named 'staging' found\n", exit: 255 },
        });
        assert.strictEqual(run.code, EXIT.usage);
        assert.match(run.stderr, /Stack staging does not exist in file:\/\/.*: nothing has been deployed there/);
        assert.ok(!run.commands.includes("stack init"), "outputs must not create a stack");
    });

    it("reports a failed up with the first error and what was done before it (exit 1)", async () => {
        const run = await deploy(["up", "--stack", "dev"], {
            up: {
                events: [
                    ...resourceEvents("create", "aws:ec2/vpc:Vpc", "platform-dev-vpc"),
                    {
                        diagnosticEvent: {
                            urn: "urn:pulumi:dev::platform::aws:rds/instance:Instance::platform-dev-db",
                            message: "creating RDS instance: InvalidParameterCombination\n",
                            color: "never",
                            severity: "error",
                        },
                    },
                    summaryEvent({ create: 1 }),
                ],
                stderr: "error: update failed\n",
                exit: 255,
            },
        });
        assert.strictEqual(run.code, EXIT.failed);
        assert.match(run.stdout, /^error: platform-dev-db: creating RDS instance: InvalidParameterCombination$/m);
        assert.match(run.stdout, /^Summary: 1 created, 0 updated, 0 deleted, 0 unchanged/m);
        assert.match(
            run.stderr,
            /^The up of stack dev failed: 1 error \(printed above\); the first: platform-dev-db: creating RDS instance/,
        );
    });
    // The Automation API's up() runs `pulumi up --yes --skip-preview` (node_modules/@pulumi/pulumi/automation/
    // stack.js), and stack policies run only after every step (https://www.pulumi.com/docs/iac/using-pulumi/
    // crossguard/core-concepts/): the preview in the same command is what stops a violation before any change.
    it("runs a preview with the policy pack before every up, so that a violation stops it before any change", async () => {
        for (const argv of [
            ["up", "--stack", "dev"],
            ["up", "--stack", "prod", "--yes"],
        ]) {
            const run = await deploy(argv, {
                preview: { events: [summaryEvent({ update: 1 })] },
                up: { events: [summaryEvent({ update: 1 })] },
                ...OUTPUTS,
            });
            assert.strictEqual(run.code, EXIT.ok, run.stderr);
            const calls = run.fake.invocations().map((i) => i.args);
            const ups = calls.flatMap((args, i) => (args[0] === "up" ? [i] : []));
            assert.strictEqual(ups.length, 1);
            for (const at of ups) {
                const before = calls.slice(0, at).filter((args) => args[0] === "preview");
                assert.ok(
                    before.some((args) => args[args.indexOf("--policy-pack") + 1] === `${fixture.root}/policies`),
                    `${argv.join(" ")}: a preview with the policy pack precedes the up`,
                );
                assert.ok(calls[at].includes("--policy-pack"), "the up runs the policy pack too");
            }
        }
    });

    it("fails when the preview before an up finds a mandatory violation: the up never runs, exit 4", async () => {
        const run = await deploy(["up", "--stack", "staging"], {
            preview: { events: [MANDATORY], stderr: "error: preview failed\n", exit: 255 },
            up: { events: [summaryEvent({ update: 1 })] },
        });
        assert.strictEqual(run.code, EXIT.policy, run.stderr);
        assert.ok(!run.commands.some((c) => c.startsWith("up")), "up must not run");
        assert.match(run.stderr, /^Policy violation: the policy pack stopped the preview of stack staging/);
        assert.match(run.stderr, /, so nothing was changed\./);
        assert.match(run.stderr, /The up did not start\.$/m);
    });

    it("says resources WERE changed (exit 6) when a stack policy fails an up after it changed them", async () => {
        const stackUrn = "urn:pulumi:dev::platform::pulumi:pulumi:Stack::platform-dev";
        const run = await deploy(["up", "--stack", "dev"], {
            preview: { events: [summaryEvent({ create: 1 })] },
            up: {
                events: [
                    ...resourceEvents("create", "aws:s3/bucket:Bucket", "platform-dev-assets"),
                    policyEvent("required-tags", stackUrn, "Resources must carry the cost-center tag."),
                    summaryEvent({ create: 1 }),
                ],
                stderr: "error: update failed\n",
                exit: 255,
            },
        });
        assert.strictEqual(run.code, EXIT.policyAfterChanges, run.stderr);
        assert.match(run.stderr, /^Policy violation after changes: resources WERE changed\./);
        assert.match(run.stderr, /changed 1 resource \(listed above\)/);
        assert.doesNotMatch(run.stderr, /nothing was changed/);
    });

    it("says nothing was changed (exit 4) when a resource policy stops an up before its first change", async () => {
        const run = await deploy(["up", "--stack", "staging"], {
            preview: { events: [summaryEvent({ update: 1 })] },
            up: { events: [MANDATORY, summaryEvent({})], stderr: "error: update failed\n", exit: 255 },
        });
        assert.strictEqual(run.code, EXIT.policy, run.stderr);
        assert.match(run.stderr, /stopped the up of stack staging .*before any resource was changed/);
    });

    // RFC 5737 (documentation IPv4 ranges), RFC 2606 (example.com): values that cannot work in a deployment.
    it("fails with exit 2 on the committed stack files' placeholders, naming every key, before the CLI runs", async () => {
        for (const command of ["preview", "up"]) {
            const run = await deploy([command, "--stack", "dev"], {}, { root: ROOT });
            assert.strictEqual(run.code, EXIT.usage, run.stdout);
            assert.match(run.stderr, new RegExp(`^Refusing to ${command} stack dev: Pulumi\\.dev\\.yaml still holds`));
            for (const line of [
                'platform:alertEmail = "platform-dev-alerts@example.com": example.com is reserved',
                'platform:apiAllowedCidrs[0] = "203.0.113.0/24": 203.0.113.0/24 is a documentation range',
                'platform:services[0].image = "ghcr.io/example-org/platform-api:1.4.2"',
                'platform:services[0].expose.host = "api.dev.example.com"',
                'platform:services[1].env.PUBLIC_API_URL = "https://api.dev.example.com"',
            ]) {
                assert.ok(run.stderr.includes(`  - ${line}`), `names ${line}`);
            }
            assert.match(run.stderr, /docs\/reaching-the-cluster-api\.md/);
            assert.deepStrictEqual(run.commands, [], "nothing may run");
        }
        // Commands that do not run the program with the stack's configuration are not refused.
        const outputs = await deploy(["outputs", "--stack", "dev"], OUTPUTS, { root: ROOT });
        assert.strictEqual(outputs.code, EXIT.ok, outputs.stderr);
    });

    // A CI runner's Pulumi.<stack>.yaml is discarded with the runner; the CLI's fallback to the secrets
    // manager in the state (PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER, pulumi/pulumi#17236) keeps the stack's
    // KMS provider on the next run instead of making up a passphrase provider.
    it("keeps the KMS secrets provider of a stack created in CI on the next run, and says what to commit", async () => {
        const kms = "awskms://alias/platform-dev?region=eu-west-1";
        const recorded = `secretsprovider: ${kms}\nencryptedkey: AQICAHh0ZXN0LWtleQ==\n`;
        const env = {
            CI: "true",
            GITHUB_ACTIONS: "true",
            PULUMI_CONFIG_PASSPHRASE: "",
            PLATFORM_SECRETS_PROVIDER: kms,
        };
        const first = await deploy(
            ["up", "--stack", "dev"],
            {
                "stack select": { stderr: "error: no stack named 'dev' found\n", exit: 255 },
                "stack init": { appendToStackFile: recorded },
                preview: { events: [summaryEvent({ create: 1 })] },
                up: { events: [summaryEvent({ create: 1 })] },
                ...OUTPUTS,
            },
            { env },
        );
        assert.strictEqual(first.code, EXIT.ok, first.stderr);
        assert.match(first.stdout, /^::warning file=Pulumi\.dev\.yaml,title=Commit the secrets provider::/m);
        assert.match(first.stdout, /Commit these lines \(they hold no secret\)/);
        assert.match(first.stdout, new RegExp(`^ +secretsprovider: ${kms.replace(/[?.]/g, "\\$&")}$`, "m"));

        fixture.reset("dev"); // the next run's checkout has no secretsprovider line
        const next = await deploy(
            ["up", "--stack", "dev"],
            {
                preview: { stateSecrets: recorded, events: [summaryEvent({ same: 1 })] },
                up: { stateSecrets: recorded, events: [summaryEvent({ same: 1 })] },
                ...OUTPUTS,
            },
            { env },
        );
        assert.strictEqual(next.code, EXIT.ok, next.stderr);
        for (const call of next.fake.invocations()) {
            assert.strictEqual(call.fallbackToState, "true", `${call.args[0]} falls back to the state's provider`);
        }
        assert.ok(fixture.read("dev").includes(recorded), "the state's provider is restored into the stack file");
        assert.doesNotMatch(fixture.read("dev"), /encryptionsalt/, "no new passphrase provider is made up");
    });
});
