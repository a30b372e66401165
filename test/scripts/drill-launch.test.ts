/**
 * `npm run drill` end to end against a stand-in `pulumi` first on PATH (fake-pulumi.ts), with the cloud's CLI
 * and kubectl mocked: the stack operations the Automation API sends, in order; the restore configuration the
 * throwaway stack gets (`config set-all`); the policy preview before its up with a pack config the pack
 * accepts; the destroy and `stack rm` that always follow; the report and the exit codes.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../scripts/drill";
import { EXIT } from "../../scripts/lib/exit-codes";
import type { Exec } from "../../scripts/lib/drill/restore-point";
import { DeployableRoot, deployableRoot } from "./deployable-root";
import { FakePulumi, FakeScenario, Invocation, fakePulumi, resourceEvents, summaryEvent } from "./fake-pulumi";

const DRILL = "staging-drill-20261201-0300";
const secret = "[secret]";

function scenario(overrides: FakeScenario = {}): FakeScenario {
    const drillOutputs = {
        cluster: { kubeconfig: "apiVersion: v1\nkind: Config\n" },
        database: {
            connectionString: "postgresql://u:pw@db:5432/app?sslmode=verify-full",
            tlsCaBundleUrl: "https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem",
            engineVersion: "17",
        },
    };
    const sourceConfig = {
        "platform:cloud": { value: "aws", secret: false },
        "platform:environment": { value: "staging", secret: false },
        "platform:database": { value: '{"storageGiB": 128}', secret: false },
        "platform:alertEmail": { value: "oncall@acme.internal", secret: true },
    };
    return {
        "config --show-secrets staging": { stdout: JSON.stringify(sourceConfig) },
        "stack output staging": { stdout: JSON.stringify({ database: { resourceName: "platform-staging-db" } }) },
        "stack output --show-secrets staging": {
            stdout: JSON.stringify({ database: { resourceName: "platform-staging-db" } }),
        },
        [`stack select ${DRILL}`]: { stderr: `error: no stack named '${DRILL}' found\n`, exit: 255 },
        preview: { startPolicyPack: true, events: [summaryEvent({ create: 40 })] },
        up: {
            events: [
                ...resourceEvents("create", "aws:rds/instance:Instance", "db", DRILL),
                summaryEvent({ create: 40 }),
            ],
        },
        "stack history": { stdout: "[]" },
        [`stack output ${DRILL}`]: { stdout: JSON.stringify({ cluster: { kubeconfig: secret }, database: secret }) },
        [`stack output --show-secrets ${DRILL}`]: { stdout: JSON.stringify(drillOutputs) },
        destroy: { events: [summaryEvent({ delete: 40 })] },
        ...overrides,
    };
}

/** aws and kubectl as the drill calls them; every call recorded. */
function tools(ran: string[]): Exec {
    return async (command, args) => {
        ran.push([command, ...args].slice(0, 3).join(" "));
        if (command === "aws")
            return JSON.stringify({ DBInstances: [{ LatestRestorableTime: "2026-12-01T02:58:00Z" }] });
        if (args[0] === "get") return JSON.stringify({ status: { succeeded: 1 } });
        if (args[0] === "logs") return "ready=2026-12-01T03:45:00Z\ntables=7\n";
        return "";
    };
}

describe("restore drill against a stand-in pulumi on PATH", function () {
    this.timeout(300_000);
    let fixture: DeployableRoot;
    const fakes: FakePulumi[] = [];
    before(() => (fixture = deployableRoot()));
    after(() => {
        fakes.forEach((f) => f.cleanup());
        fixture.cleanup();
    });

    async function drill(s: FakeScenario) {
        const fake = fakePulumi(s);
        fakes.push(fake);
        const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-reports-"));
        const ran: string[] = [];
        let tick = 0;
        let output = "";
        const code = await main(["--stack", "staging", "--report-dir", reportDir], {
            env: fake.env,
            root: fixture.root,
            stdout: { write: (x: string) => (output += x) },
            stderr: { write: (x: string) => (output += x) },
            interactive: false,
            confirm: async () => false,
            estimateResources: async () => undefined,
            exec: tools(ran),
            sleep: async () => undefined,
            now: () => new Date(Date.parse("2026-12-01T03:00:00Z") + 60_000 * tick++),
        });
        const calls = fake.invocations();
        fs.rmSync(path.join(fixture.root, `Pulumi.${DRILL}.yaml`), { force: true });
        return { code, output, calls, ran, reportDir };
    }

    /** `<command> <stack>`: the stack of `stack init <s>` and `stack rm --yes <s>` is positional. */
    const stackOf = (args: string[]) =>
        args[1] === "init" ? args[2] : args[1] === "rm" ? args[args.length - 2] : args[args.indexOf("--stack") + 1];
    const opsOf = (calls: Invocation[]) =>
        calls.map((c) => {
            const verb = c.args[0] === "stack" || c.args[0] === "config" ? c.args.slice(0, 2).join(" ") : c.args[0];
            return `${verb} ${stackOf(c.args)}`;
        });

    it("reads the source, inits the throwaway stack after 'not found', restores, previews, ups, checks, destroys, removes it", async () => {
        const run = await drill(scenario());
        assert.strictEqual(run.code, EXIT.ok, run.output);
        assert.deepStrictEqual(opsOf(run.calls), [
            "stack select staging",
            "config --show-secrets staging",
            "stack output staging",
            "stack output staging",
            `stack select ${DRILL}`,
            `stack init ${DRILL}`,
            `config set-all ${DRILL}`,
            `preview ${DRILL}`,
            `up ${DRILL}`,
            // up() returns the outputs and the update's summary (automation/stack.js), then the check reads them.
            `stack output ${DRILL}`,
            `stack output ${DRILL}`,
            `stack history ${DRILL}`,
            `stack output ${DRILL}`,
            `stack output ${DRILL}`,
            `destroy ${DRILL}`,
            `stack history ${DRILL}`,
            `stack rm ${DRILL}`,
        ]);
        assert.deepStrictEqual(run.ran, [
            "aws rds describe-db-instances",
            "kubectl apply -f",
            "kubectl get job",
            "kubectl logs job/restore-check",
        ]);
        const init = run.calls.find((c) => c.args[1] === "init")!;
        assert.deepStrictEqual(init.args.slice(3, 5), ["--secrets-provider", "passphrase"]);
        const setAll = run.calls.find((c) => c.args[1] === "set-all")!.args;
        const restore =
            '{"storageGiB":128,"restore":{"pointInTime":{"source":"platform-staging-db","time":"2026-12-01T02:58:00Z"}}}';
        for (const arg of [
            `platform:database=${restore}`,
            "platform:deletionProtection=false",
            "platform:services=[]",
        ]) {
            assert.strictEqual(setAll[setAll.indexOf(arg) - 1], "--plaintext", arg);
        }
        assert.strictEqual(setAll[setAll.indexOf("platform:alertEmail=oncall@acme.internal") - 1], "--secret");
        const preview = run.calls.find((c) => c.args[0] === "preview")!;
        assert.strictEqual(
            preview.args[preview.args.indexOf("--policy-pack") + 1],
            path.join(fixture.root, "policies"),
        );
        assert.ok(preview.policyPack!.policies > 50, "the pack started and accepted the drill's policy config");
        const report = JSON.parse(fs.readFileSync(path.join(run.reportDir, `${DRILL}.json`), "utf8"));
        assert.strictEqual(report.verdict, "passed");
        assert.strictEqual(report.rpoMinutes, 2);
        assert.strictEqual(report.check, "tables=7");
        assert.strictEqual(report.destroyed, true);
        assert.match(run.output, /^# Restore drill of staging: passed$/m);
    });

    it("still destroys and removes the throwaway stack when its up fails, and exits 1", async () => {
        const run = await drill(
            scenario({ up: { events: [summaryEvent({ create: 3 })], stderr: "error: update failed\n", exit: 255 } }),
        );
        assert.strictEqual(run.code, EXIT.failed, run.output);
        const ops = opsOf(run.calls);
        assert.ok(ops.indexOf(`destroy ${DRILL}`) > ops.indexOf(`up ${DRILL}`), "destroy after the failed up");
        assert.strictEqual(ops[ops.length - 1], `stack rm ${DRILL}`);
        assert.ok(!run.ran.some((r) => r.startsWith("kubectl")), "no check of a database that was not restored");
        const report = JSON.parse(fs.readFileSync(path.join(run.reportDir, `${DRILL}.json`), "utf8"));
        assert.strictEqual(report.verdict, "failed");
        assert.match(report.failures[0], /The up of stack staging-drill-20261201-0300 failed/);
    });

    it("exits 2 and creates nothing when the stack exports no database identifier and no --source is given", async () => {
        const run = await drill(
            scenario({
                "stack output staging": { stdout: "{}" },
                "stack output --show-secrets staging": { stdout: "{}" },
            }),
        );
        assert.strictEqual(run.code, EXIT.usage, run.output);
        assert.match(run.output, /exports no database\.resourceName .*pass --source <id>/);
        assert.ok(!run.calls.some((c) => c.args[1] === "init" || c.args[0] === "destroy"));
    });
});
