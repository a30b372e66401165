/**
 * Adding a stack (docs/adding-a-stack.md): a copy of Pulumi.dev.yaml under a new name is a working stack, and
 * its policy pack runs with its environment's thresholds and levels, not the pack's mandatory defaults.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCheck } from "../../check";
import { policyConfigFileFor } from "../../check/policy-config";
import { ROOT, stackNames } from "../../check/stack";
import { policyPackPaths } from "../../scripts/lib/policy";

/** A project directory with Pulumi.yaml, the policy pack and `stacks` (name -> stack file text). */
function projectWith(stacks: Record<string, string>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "platform-new-stack-"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
    fs.symlinkSync(path.join(ROOT, "policies"), path.join(root, "policies"));
    for (const [name, text] of Object.entries(stacks)) fs.writeFileSync(path.join(root, `Pulumi.${name}.yaml`), text);
    return root;
}

const devFile = () => fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
const configDir = path.join(ROOT, "policies", "config");

describe("adding a stack", function () {
    this.timeout(180000);

    it("a stack with a policy file of its own uses it", () => {
        assert.strictEqual(policyConfigFileFor(configDir, "staging", "prod"), path.join(configDir, "staging.json"));
    });

    it("a stack without one uses its environment's file, so alice (a copy of dev) gets dev's thresholds", () => {
        assert.strictEqual(policyConfigFileFor(configDir, "alice", "dev"), path.join(configDir, "dev.json"));
        assert.strictEqual(policyConfigFileFor(configDir, "alice", undefined), undefined);
    });

    it("npm run deploy runs alice's preview with policies/config/dev.json", () => {
        const root = projectWith({ alice: devFile() });
        assert.deepStrictEqual(stackNames(root), ["alice"]);
        assert.strictEqual(policyPackPaths(root, "alice").config, path.join(root, "policies", "config", "dev.json"));
        const prodLike = projectWith({
            bob: devFile().replace("platform:environment: dev", "platform:environment: prod"),
        });
        assert.strictEqual(
            policyPackPaths(prodLike, "bob").config,
            path.join(prodLike, "policies", "config", "prod.json"),
        );
    });

    it("the check of alice passes with dev's policy config, where the pack's own defaults would stop it", async () => {
        const root = projectWith({ alice: devFile() });
        const result = await runCheck({ stack: "alice", root });
        assert.strictEqual(result.policy?.configFile, path.join("policies", "config", "dev.json"));
        assert.deepStrictEqual(
            result.violations.filter((v) => v.enforcementLevel === "mandatory"),
            [],
            "dev.json lowers the thresholds and makes every policy advisory",
        );
        // Without it (an empty config: the pack's defaults, as alice got before), dev's single-AZ database with
        // 7 days of backups breaks the pack's mandatory production rules.
        const empty = path.join(root, "empty.json");
        fs.writeFileSync(empty, "{}");
        const defaults = await runCheck({ stack: "alice", root, policyConfig: empty });
        assert.ok(
            defaults.violations.some((v) => v.enforcementLevel === "mandatory"),
            "the pack's defaults are mandatory",
        );
    });
});
