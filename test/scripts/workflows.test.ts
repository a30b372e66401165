/**
 * The GitHub Actions files parse, run only npm scripts that exist, pin every action to an exact release, use
 * OIDC rather than stored cloud keys, and deploy prod only behind its protected environment.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ROOT, stackNames } from "../../check/stack";

const GITHUB = path.join(ROOT, ".github");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Yaml = any;

function yamlFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return yamlFiles(full);
        return /\.ya?ml$/.test(e.name) ? [full] : [];
    });
}

const FILES = yamlFiles(GITHUB);
const docs = new Map(FILES.map((f) => [path.relative(ROOT, f), parse(fs.readFileSync(f, "utf8")) as Yaml]));
const workflow = (name: string): Yaml => docs.get(`.github/workflows/${name}`);
const scripts = (
    JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;

/** Every step of every job (and of the local composite action). */
function allSteps(): { file: string; step: Yaml }[] {
    return [...docs.entries()].flatMap(([file, doc]) => [
        ...Object.values<Yaml>(doc.jobs ?? {}).flatMap((job) =>
            (job.steps ?? []).map((step: Yaml) => ({ file, step })),
        ),
        ...(doc.runs?.steps ?? []).map((step: Yaml) => ({ file, step })),
    ]);
}

/** The steps of one job that run a given command line. */
function runs(job: Yaml): string {
    return (job.steps ?? []).map((s: Yaml) => s.run ?? "").join("\n");
}

describe("GitHub workflows", () => {
    it("parse as YAML", () => {
        assert.ok(FILES.length >= 4, `found ${FILES.length} files under .github`);
        for (const [file, doc] of docs) {
            assert.ok(doc && typeof doc === "object", `${file} is a YAML mapping`);
        }
        for (const name of ["pull-request.yml", "deploy.yml", "deploy-stack.yml"]) {
            assert.ok(workflow(name)?.on && workflow(name)?.jobs, `${name} has triggers and jobs`);
        }
    });

    it("run only npm scripts that exist in package.json", () => {
        const referenced = allSteps().flatMap(({ file, step }) =>
            [...String(step.run ?? "").matchAll(/\bnpm run(?: --silent)? ([\w:.-]+)/g)].map((m) => ({
                file,
                name: m[1],
            })),
        );
        assert.ok(referenced.length >= 6, "the workflows run the project's npm scripts");
        for (const { file, name } of referenced) {
            assert.ok(name in scripts, `${file} runs "npm run ${name}", which package.json does not define`);
        }
    });

    it("pin every action to an exact release tag, or to a release's commit when it has no vX.Y.Z tag", () => {
        const uses = allSteps()
            .map(({ file, step }) => ({ file, uses: step.uses as string | undefined }))
            .filter((u): u is { file: string; uses: string } => u.uses !== undefined && !u.uses.startsWith("./"));
        assert.ok(uses.length > 0);
        for (const { file, uses: ref } of uses) {
            assert.match(ref, /^[\w.-]+\/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/, `${file}: ${ref} is not pinned`);
            if (/@[0-9a-f]{40}$/.test(ref)) {
                // A commit pin names its release in a comment, so an update is a readable diff.
                const source = fs.readFileSync(path.join(ROOT, file), "utf8");
                assert.match(source, new RegExp(`uses: ${ref} # v\\d+(\\.\\d+)*`), `${file}: ${ref} names its release`);
            }
        }
        // One version of each action everywhere.
        const versions = new Map<string, Set<string>>();
        for (const { uses: ref } of uses) {
            const [action, version] = ref.split("@");
            versions.set(action, (versions.get(action) ?? new Set()).add(version));
        }
        for (const [action, seen] of versions) {
            assert.strictEqual(seen.size, 1, `${action} is used at ${[...seen].join(" and ")}`);
        }
    });

    it("install the Pulumi CLI that matches the SDK in the lockfile", () => {
        const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
            packages: Record<string, { version?: string }>;
        };
        const sdk = lock.packages["node_modules/@pulumi/pulumi"].version;
        const pulumiSteps = allSteps().filter(({ step }) => String(step.uses ?? "").startsWith("pulumi/actions@"));
        assert.ok(pulumiSteps.length >= 2);
        for (const { file, step } of pulumiSteps) {
            assert.strictEqual(String(step.with?.["pulumi-version"]), sdk, `${file} pins the CLI to ${sdk}`);
        }
    });

    it("reach the clouds by OIDC, never with stored keys", () => {
        const text = FILES.map((f) => fs.readFileSync(f, "utf8")).join("\n");
        for (const forbidden of [
            /aws-access-key-id/i,
            /AWS_SECRET_ACCESS_KEY/,
            /client-secret/i,
            /ARM_CLIENT_SECRET/,
            /\bcreds:/,
        ]) {
            assert.doesNotMatch(text, forbidden);
        }
        for (const [file, doc] of docs) {
            for (const [name, job] of Object.entries<Yaml>(doc.jobs ?? {})) {
                const usesCloud = (job.steps ?? []).some((s: Yaml) =>
                    /configure-aws-credentials|azure\/login/.test(String(s.uses ?? "")),
                );
                if (usesCloud) assert.strictEqual(job.permissions?.["id-token"], "write", `${file} job ${name}`);
            }
        }
    });

    it("check every pull request: install from the lockfile, lint, type-check, test, pr-check, report", () => {
        const pr = workflow("pull-request.yml");
        assert.ok(pr.on.pull_request, "runs on pull requests");
        const check = pr.jobs.check;
        const setup = docs.get(".github/actions/setup/action.yml");
        assert.ok(check.steps.some((s: Yaml) => s.uses === "./.github/actions/setup"));
        assert.match(runs({ steps: setup.runs.steps }), /^npm ci$/m);
        const commands = runs(check);
        for (const expected of [
            /npm run lint/,
            /npm run typecheck/,
            /npm test/,
            /npm run pr-check -- .*--report pr-check-report\.md/,
        ]) {
            assert.match(commands, expected);
        }
        // The cost change a PR makes: the base branch checked out beside the head, its pr-check writing
        // base-report.costs.json, which the head's pr-check reads with --base-costs (docs/cost.md).
        const base = check.steps.find((s: Yaml) => s.with?.ref === "${{ github.event.pull_request.base.sha }}");
        assert.ok(base, "checks out the base branch");
        const baseRun = check.steps.find((s: Yaml) => s["working-directory"] === base.with.path);
        assert.match(
            String(baseRun?.run),
            /npm ci\n.*npm run --silent pr-check -- .*--report "\$GITHUB_WORKSPACE\/base-report\.md"/s,
        );
        assert.match(commands, /--base-costs base-report\.costs\.json/);
        const upload = check.steps.find((s: Yaml) => String(s.uses).startsWith("actions/upload-artifact@"));
        assert.strictEqual(upload.with.path, "pr-check-report.md");
        const comment = check.steps.find((s: Yaml) => String(s.uses).startsWith("actions/github-script@"));
        assert.match(comment.with.script, /<!-- platform:pr-check -->/, "updates its own comment");
        assert.strictEqual(check.permissions["pull-requests"], "write");
    });

    it("preview every stack for real with the policy pack when the repository has cloud access", () => {
        const preview = workflow("pull-request.yml").jobs.preview;
        assert.match(preview.if, /vars\.AWS_ROLE_ARN != ''/);
        assert.match(preview.if, /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
        assert.deepStrictEqual([...preview.strategy.matrix.stack].sort(), stackNames());
        const step = preview.steps.find((s: Yaml) => String(s.uses).startsWith("pulumi/actions@"));
        assert.strictEqual(step.with.command, "preview");
        assert.strictEqual(step.with["stack-name"], "${{ matrix.stack }}");
        assert.strictEqual(step.with.policyPacks, "policies");
        assert.strictEqual(step.with.policyPackConfigs, "policies/config/${{ matrix.stack }}.json");
    });

    it("deploy staging on every push to main, then prod behind its protected environment", () => {
        const deploy = workflow("deploy.yml");
        assert.deepStrictEqual(deploy.on.push.branches, ["main"]);
        assert.strictEqual(deploy.concurrency["cancel-in-progress"], false);
        const { staging, prod } = deploy.jobs;
        assert.strictEqual(staging.uses, "./.github/workflows/deploy-stack.yml");
        assert.strictEqual(staging.with.stack, "staging");
        assert.notStrictEqual(staging.with.confirm, true, "staging needs no --yes");
        assert.strictEqual(prod.uses, "./.github/workflows/deploy-stack.yml");
        assert.strictEqual(prod.with.stack, "prod");
        assert.strictEqual(prod.with.confirm, true);
        assert.deepStrictEqual([prod.needs].flat(), ["staging"]);

        const job = workflow("deploy-stack.yml").jobs.up;
        assert.strictEqual(job.environment, "${{ inputs.stack }}", "each stack deploys in its own environment");
        assert.match(runs(job), /npm run deploy -- up --stack "\$STACK" \$CONFIRM/);
        const confirm = job.steps.find((s: Yaml) => /npm run deploy/.test(s.run ?? ""));
        assert.strictEqual(confirm.env.CONFIRM, "${{ inputs.confirm && '--yes' || '' }}");
    });

    // AKS kubeconfigs run `kubelogin get-token` (components/cluster/azure.ts); the ubuntu runner images do not
    // ship it (actions/runner-images images/ubuntu/scripts/build/install-kubernetes-tools.sh).
    it("install a pinned kubelogin in every job that logs in to Azure, before Pulumi runs, so that AKS kubeconfigs work", () => {
        let jobs = 0;
        for (const [file, doc] of docs) {
            for (const [name, job] of Object.entries<Yaml>(doc.jobs ?? {})) {
                const steps: Yaml[] = job.steps ?? [];
                if (!steps.some((s) => String(s.uses ?? "").startsWith("azure/login@"))) continue;
                jobs++;
                const at = steps.findIndex((s) => String(s.uses ?? "").startsWith("azure/use-kubelogin@"));
                assert.ok(at >= 0, `${file} job ${name} installs kubelogin`);
                assert.match(String(steps[at].with?.["kubelogin-version"]), /^v\d+\.\d+\.\d+$/, "a pinned kubelogin");
                const pulumi = steps.findIndex(
                    (s) => String(s.uses ?? "").startsWith("pulumi/actions@") && s.with?.command,
                );
                const deploy = steps.findIndex((s) => /npm run (deploy|drill)/.test(String(s.run ?? "")));
                assert.ok(at < Math.max(pulumi, deploy), `${file} job ${name}: kubelogin before Pulumi runs`);
            }
        }
        assert.strictEqual(jobs, 3, "the deploy job, the PR preview job and the restore drill log in to Azure");
    });

    // Stack policies run only after every step (https://www.pulumi.com/docs/iac/using-pulumi/crossguard/
    // core-concepts/): only `npm run deploy -- up`, which refuses placeholders and previews with the policy pack
    // first, may change a stack; a real preview runs only after the placeholder check.
    it("change stacks only through npm run deploy -- up, and preview only after refusing placeholders", () => {
        for (const { file, step } of allSteps()) {
            assert.doesNotMatch(String(step.run ?? ""), /\bpulumi (up|update|destroy)\b|--skip-preview/, file);
            if (String(step.uses ?? "").startsWith("pulumi/actions@") && step.with?.command) {
                assert.strictEqual(step.with.command, "preview", `${file}: the Pulumi action only previews`);
            }
        }
        const preview = workflow("pull-request.yml").jobs.preview;
        const steps: Yaml[] = preview.steps;
        const guard = steps.findIndex((s) => /npm run --silent placeholders -- --stack "\$STACK"/.test(s.run ?? ""));
        const real = steps.findIndex((s) => String(s.uses ?? "").startsWith("pulumi/actions@") && s.with?.command);
        assert.ok(guard >= 0 && guard < real, "the placeholder check runs before the real preview");
        assert.strictEqual(steps[guard].env.STACK, "${{ matrix.stack }}");
    });

    // pulumi/pulumi#17236: without it, a runner whose checkout lacks the stack's `secretsprovider:` line makes
    // up a new secrets provider for the stack.
    it("let the CLI fall back to the secrets provider in the state in every job that runs Pulumi", () => {
        const jobs = [
            workflow("deploy-stack.yml").jobs.up,
            workflow("pull-request.yml").jobs.preview,
            workflow("drill.yml").jobs.drill,
        ];
        for (const job of jobs) assert.strictEqual(job.env.PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER, "true");
    });

    // Issue 15 item 4: the restore drill runs weekly for prod, with OIDC, and its report is kept even when it fails.
    it("run the restore drill weekly for prod through npm run drill, keeping its report whatever the outcome", () => {
        const drill = workflow("drill.yml");
        assert.match(drill.on.schedule[0].cron, /^\d+ \d+ \* \* [0-6]$/, "once a week");
        const job = drill.jobs.drill;
        assert.strictEqual(job.environment, "${{ inputs.stack || 'prod' }}", "prod on the schedule");
        assert.strictEqual(job.permissions["id-token"], "write");
        const steps: Yaml[] = job.steps;
        const run = steps.findIndex((s) => /npm run drill -- --stack "\$STACK"/.test(s.run ?? ""));
        assert.ok(run >= 0);
        assert.strictEqual(steps[run].env.STACK, "${{ inputs.stack || 'prod' }}");
        const upload = steps.find((s) => String(s.uses).startsWith("actions/upload-artifact@"));
        assert.strictEqual(upload.if, "${{ always() }}");
        assert.strictEqual(upload.with.path, "drill-reports/");
        assert.ok(job["timeout-minutes"] >= 240 + 60, "room for the 4 h RTO target and the destroy");
    });
});
