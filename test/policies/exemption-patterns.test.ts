/**
 * Exemption patterns (policies/lib/exemptions.ts `matches`): an environment's policy config
 * (policies/config/<environment>.json) serves every stack of that environment, so an exemption for a component
 * names it as `platform-*-<component>`: the same resource in a stack called `bell24h` is exempt as in
 * `staging`, and nothing else is.
 */
import * as assert from "assert";
import { exemptionOf, matches } from "../../policies/lib/exemptions";

const at = (name: string) => ({
    name,
    urn: `urn:pulumi:s::platform::platform:network:Network$azure-native:storage:StorageAccount::${name}`,
});

describe("policy exemption patterns", () => {
    it("exempts the component in any stack of the environment, whatever the stack is called", () => {
        for (const name of ["platform-staging-network-flow-logs", "platform-bell24h-network-flow-logs"]) {
            assert.ok(matches("platform-*-network-flow-logs", at(name)), name);
        }
    });

    it("does not exempt another component, a longer name or across URN parts", () => {
        for (const name of ["platform-staging-storage-account", "platform-staging-network-flow-logs-2"]) {
            assert.ok(!matches("platform-*-network-flow-logs", at(name)), name);
        }
        assert.ok(!matches("urn:pulumi:*", at("platform-staging-network-flow-logs")), "a pattern is a name, not a URN");
        assert.ok(!matches("platform-.*-logs", at("platform-staging-network-flow-logs")), "regex syntax is literal");
    });

    it("still requires a reason for a pattern", () => {
        const config = { exemptions: [{ resource: "platform-*-network-flow-logs" }] };
        assert.strictEqual(exemptionOf(config, at("platform-x-network-flow-logs")).kind, "invalid");
        const withReason = { exemptions: [{ resource: "platform-*-network-flow-logs", reason: "diagnostic data" }] };
        assert.strictEqual(exemptionOf(withReason, at("platform-x-network-flow-logs")).kind, "active");
    });
});
