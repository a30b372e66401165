import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Violation } from "../../check";
import { ROOT, stackNames } from "../../check/stack";
import { CLOUDS } from "../../components/shared/context";
import { EXIT, ExitError } from "../../scripts/lib/exit-codes";
import {
    CheckRow,
    PrReport,
    REPORT_MARKER,
    checkPassed,
    renderMarkdown,
    renderText,
    reportPassed,
} from "../../scripts/lib/pr-report";
import { main, parsePrCheckArgs, planChecks } from "../../scripts/pr-check";
import { DeployableRoot, deployableRoot } from "./deployable-root";
import { fakePulumi, summaryEvent } from "./fake-pulumi";

function violation(level: Violation["enforcementLevel"], policy = "rds-backup-retention"): Violation {
    return {
        policyPack: "platform-policies",
        policy,
        enforcementLevel: level,
        urn: "urn:pulumi:prod::platform::aws:rds/instance:Instance::platform-prod-db",
        message: "Backups are kept 1 day | prod needs 30.",
    };
}

function report(checks: CheckRow[]): PrReport {
    return { checks, previews: [], previewNote: "skipped (--no-preview).", seconds: 12.3 };
}

/** A repository root with the given stack files (their platform:cloud) and scripts/pr-check.yaml. */
function fixtureRoot(stacks: Record<string, string>, cloudsFile?: string): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "pr-check-"));
    for (const [stack, cloud] of Object.entries(stacks)) {
        fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), `config:\n  platform:cloud: ${cloud}\n`);
    }
    if (cloudsFile !== undefined) {
        fs.mkdirSync(path.join(root, "scripts"));
        fs.writeFileSync(path.join(root, "scripts", "pr-check.yaml"), cloudsFile);
    }
    return root;
}

const DEFAULT_ARGS = parsePrCheckArgs([]);

describe("pr-check: plan", () => {
    it("checks every stack file on every cloud by default", () => {
        const plan = planChecks(ROOT, DEFAULT_ARGS);
        assert.deepStrictEqual(
            plan,
            stackNames(ROOT).flatMap((stack) => CLOUDS.map((cloud) => ({ stack, cloud }))),
        );
    });

    it("takes the clouds per stack from scripts/pr-check.yaml, always adding the stack's own cloud", () => {
        const root = fixtureRoot({ dev: "aws", prod: "azure" }, "default: [aws]\nstacks:\n  prod: [aws]\n");
        assert.deepStrictEqual(planChecks(root, DEFAULT_ARGS), [
            { stack: "dev", cloud: "aws" },
            { stack: "prod", cloud: "aws" },
            { stack: "prod", cloud: "azure" },
        ]);
    });

    it("lets --cloud and --stack narrow one run", () => {
        const args = parsePrCheckArgs(["--stack", "dev", "--cloud", "azure", "--report", "out/r.md", "--no-preview"]);
        assert.deepStrictEqual(args, { report: "out/r.md", stacks: ["dev"], clouds: ["azure"], previews: "never" });
        const root = fixtureRoot({ dev: "aws", prod: "aws" });
        assert.deepStrictEqual(planChecks(root, args), [
            { stack: "dev", cloud: "aws" },
            { stack: "dev", cloud: "azure" },
        ]);
    });

    it("fails with exit code 2 on an unknown cloud, an unknown stack or an unknown argument", () => {
        const cases: [() => unknown, RegExp][] = [
            [() => planChecks(fixtureRoot({ dev: "aws" }, "default: [gcp]\n"), DEFAULT_ARGS), /unknown cloud "gcp"/],
            [() => planChecks(fixtureRoot({ dev: "aws" }, "stacks:\n  qa: [aws]\n"), DEFAULT_ARGS), /names stack "qa"/],
            [() => planChecks(ROOT, parsePrCheckArgs(["--stack", "qa"])), /Unknown stack "qa"/],
            [() => parsePrCheckArgs(["--all"]), /Unknown argument "--all"/],
        ];
        for (const [fn, message] of cases) {
            assert.throws(
                fn,
                (err: unknown) => err instanceof ExitError && err.code === EXIT.usage && message.test(err.message),
            );
        }
    });
});

describe("pr-check: summary and report", () => {
    const passing: CheckRow = {
        stack: "dev",
        cloud: "aws",
        resources: 150,
        violations: [violation("advisory")],
        seconds: 3.2,
    };
    const mandatory: CheckRow = {
        stack: "prod",
        cloud: "aws",
        resources: 160,
        violations: [violation("mandatory")],
        seconds: 4,
    };
    const broken: CheckRow = {
        stack: "prod",
        cloud: "azure",
        error: "program error: boom\n  at somewhere",
        seconds: 0.5,
    };

    it("passes only when no check failed and nothing mandatory was found", () => {
        assert.strictEqual(checkPassed(passing), true);
        assert.strictEqual(checkPassed(mandatory), false);
        assert.strictEqual(checkPassed(broken), false);
        assert.strictEqual(reportPassed(report([passing])), true);
        assert.strictEqual(reportPassed(report([passing, mandatory])), false);
    });

    it("prints one table with stack, cloud, resources and violations by level", () => {
        const text = renderText(report([passing, mandatory, broken]));
        const lines = text.split("\n");
        assert.match(lines[0], /^stack +cloud +resources +mandatory +remediate +advisory +time +result$/);
        assert.match(lines[2], /^dev +aws +150 +0 +0 +1 +3\.2s +passed$/);
        assert.match(lines[3], /^prod +aws +160 +1 +0 +0 +4\.0s +FAILED: 1 mandatory violation$/);
        assert.match(lines[4], /^prod +azure +- +- +- +- +0\.5s +FAILED: program error: boom$/);
        assert.match(text, /mandatory +prod\/aws platform-policies\/rds-backup-retention platform-prod-db: Backups/);
        assert.match(text, /^Real previews: skipped \(--no-preview\)\.$/m);
        assert.match(text, /pr-check FAILED in 12\.3s\.$/);
    });

    it("writes Markdown for a PR comment: marker, verdict, table, details, escaped cells", () => {
        const md = renderMarkdown(report([passing, mandatory, broken]));
        assert.ok(md.startsWith(`${REPORT_MARKER}\n## ❌ Platform pull-request check`));
        assert.match(
            md,
            /^\| Stack \| Cloud \| Resources \| Mandatory \| Remediate \| Advisory \| Time \| Result \|$/m,
        );
        assert.match(md, /^\| dev \| aws \| 150 \| 0 \| 0 \| 1 \| 3\.2s \| ✅ passed \|$/m);
        assert.match(md, /^\| prod \| azure \| – \| – \| – \| – \| 0\.5s \| ❌ FAILED: program error: boom \|$/m);
        assert.match(md, /<details open><summary>prod on aws: 1 policy finding<\/summary>/);
        assert.match(md, /Backups are kept 1 day \\\| prod needs 30\./, "pipes in messages are escaped");
        assert.match(md, /```text\nprogram error: boom\n {2}at somewhere\n```/);
    });

    it("stays under GitHub's comment limit with a huge number of findings, closing every details block", () => {
        const many = Array.from(
            { length: 40 },
            (_, i): CheckRow => ({
                stack: `s${i}`,
                cloud: "aws",
                resources: 1,
                violations: Array.from({ length: 50 }, () => violation("advisory", "a-long-policy-name-for-testing")),
                seconds: 1,
            }),
        );
        const md = renderMarkdown(report(many));
        assert.ok(md.length < 65_536, `${md.length} characters`);
        assert.match(md, /Details cut to fit a comment/);
        assert.strictEqual((md.match(/<details/g) ?? []).length, (md.match(/<\/details>/g) ?? []).length);
    });
});

describe("pr-check over the real stack files", function () {
    this.timeout(600_000);
    let fixture: DeployableRoot;
    before(() => (fixture = deployableRoot()));
    after(() => fixture.cleanup());

    // RFC 5737 / RFC 2606 values: a real preview of them is refused, as `npm run deploy` refuses them.
    it("fails the real preview of a stack file with documentation placeholders, naming them, without running it", async () => {
        const fake = fakePulumi({ preview: { events: [summaryEvent({ create: 3 })] } });
        try {
            let stdout = "";
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pr-check-report-"));
            const code = await main(["--stack", "dev", "--cloud", "aws", "--report", path.join(dir, "r.md")], {
                env: { ...fake.env, AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "example" },
                root: ROOT,
                stdout: { write: (s: string) => (stdout += s) },
                stderr: { write: () => undefined },
            });
            assert.strictEqual(code, EXIT.failed);
            assert.match(
                stdout,
                /failed +dev on aws: Pulumi\.dev\.yaml holds \d+ documentation placeholders \(platform:alertEmail,/,
            );
            assert.ok(!fake.invocations().some((i) => i.args[0] === "preview"), "no preview runs");
        } finally {
            fake.cleanup();
        }
    });

    it("prints the table for every stack on every cloud, previews where the CLI and credentials are, writes the report", async () => {
        // A stand-in CLI and AWS credentials: every stack file names aws, so each gets a real preview too.
        const fake = fakePulumi({ preview: { events: [summaryEvent({ create: 3, same: 2 })] } });
        try {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pr-check-report-"));
            const reportFile = path.join(dir, "nested", "report.md");
            let stdout = "";
            let stderr = "";
            // The copy without placeholders, so that the real previews run (the offline checks read the real files).
            const code = await main(["--report", reportFile], {
                env: { ...fake.env, AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "example" },
                root: fixture.root,
                stdout: { write: (s: string) => (stdout += s) },
                stderr: { write: (s: string) => (stderr += s) },
            });

            const plan = planChecks(ROOT, DEFAULT_ARGS);
            const table = stdout.slice(stdout.indexOf("\nstack "));
            for (const { stack, cloud } of plan) {
                const row = `^${stack} +${cloud} +\\d+ +\\d+ +\\d+ +\\d+ +\\d+\\.\\ds +(passed|FAILED)`;
                assert.match(table, new RegExp(row, "m"), `a row for ${stack} on ${cloud}`);
            }
            const md = fs.readFileSync(reportFile, "utf8");
            assert.ok(md.startsWith(REPORT_MARKER));
            assert.strictEqual(
                (md.match(/^\| (dev|staging|prod) \| (aws|azure) \| \d+ \|.* \| \d+\.\ds \| /gm) ?? []).length,
                plan.length,
            );

            // The real previews: one per stack, on its own cloud, with the pack and the stack's policy config.
            for (const stack of stackNames(ROOT)) {
                const preview = fake.invocations().find((i) => i.args[0] === "preview" && i.args.includes(stack));
                assert.ok(preview, `a real preview of ${stack} ran`);
                assert.ok(preview.args.includes(`${fixture.root}/policies/config/${stack}.json`));
                assert.match(stdout, new RegExp(`^${stack} +aws +3 +0 +0 +0 +2 +0 +0 +passed$`, "m"));
            }
            assert.match(md, /### Real previews/);

            // The exit code follows the verdict: 0 only when everything passed.
            const passed = /pr-check passed/.test(stdout);
            assert.strictEqual(code, passed ? EXIT.ok : EXIT.failed, stderr);
        } finally {
            fake.cleanup();
        }
    });
});
