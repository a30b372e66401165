/**
 * Platform rules: stack policies on the platform's own components, read from their registered outputs
 * and their `protect` option.
 */
import * as assert from "assert";
import * as platform from "../../policies/platform";
import { PLATFORM_CASES, components } from "./platform.cases";
import { describePolicies, evaluate, named } from "./fixtures";

describePolicies("Platform policies", PLATFORM_CASES);

describe("Platform policy settings", () => {
    it("fails when a database runs without a standby where HA is required, and passes where it is not", async () => {
        const graph = components();
        named(graph, "platform-prod-db").props.highAvailability = false;
        assert.strictEqual(
            (await evaluate(platform.databaseBackups, graph, { requireHighAvailability: true })).verdict,
            "fail",
        );
        assert.strictEqual(
            (await evaluate(platform.databaseBackups, graph, { requireHighAvailability: false })).verdict,
            "pass",
        );
    });

    it("does not apply protection rules in an unprotected environment", async () => {
        const graph = components().map((r) => ({ ...r, protect: false }));
        const outcome = await evaluate(platform.statefulComponentsProtected, graph, { protectedEnvironment: false });
        assert.strictEqual(outcome.verdict, "not applicable");
    });

    it("accepts opt-outs listed in allowedOptOuts and names the config key of the rest", async () => {
        const graph = components();
        named(graph, "platform-prod-db").props.securityOptOuts = ["aws.forceSsl", "aws.storageEncrypted"];
        const outcome = await evaluate(platform.noSecurityOptOuts, graph, { allowedOptOuts: ["aws.forceSsl"] });
        assert.strictEqual(outcome.verdict, "fail");
        assert.strictEqual(outcome.messages.length, 1);
        assert.match(outcome.messages[0], /aws\.storageEncrypted/);
        assert.doesNotMatch(outcome.messages[0], /aws\.forceSsl/);
        assert.match(outcome.messages[0], /"aws" bag of platform:database/);
    });
});
