/**
 * Configuration Azure itself would reject fails before any resource is registered, with a message that
 * names the key, the value, what Azure allows and the fix. Each case runs the real program on Azure.
 */
import * as assert from "assert";
import { parseConfig } from "../../components/shared/config";
import { loadStackConfig } from "../../check/stack";
import { expectConfigError } from "../harness";

describe("Azure configuration errors", () => {
    it("fails when high availability is asked of a Burstable database size", async () => {
        const err = await expectConfigError(
            "dev",
            "azure",
            ["platform:highAvailability=true"],
            "platform:highAvailability",
            /Standard_B2s.*burstable.*zone-redundant HA rejects/,
        );
        assert.match(err.message, /"medium" or "large"/);
    });

    it("fails when the database SKU override is Burstable in a highly available stack", async () => {
        await expectConfigError(
            "prod",
            "azure",
            ['platform:database={"azure":{"skuName":"Standard_B2ms"}}'],
            "platform:database.azure.skuName",
            /non-burstable/,
        );
    });

    it('fails when the location is a display name such as "West Europe"', async () => {
        await expectConfigError(
            "prod",
            "azure",
            ["platform:azureLocation=West Europe"],
            "platform:azureLocation",
            /got "West Europe".*programmatic name such as "westeurope" \(lowercase, no spaces\)/,
        );
    });

    it("fails when backup retention is below Azure's 7 days", async () => {
        await expectConfigError(
            "dev",
            "azure",
            ["platform:backupRetentionDays=6"],
            "platform:backupRetentionDays",
            /got 6; allowed: a whole number from 7 to 35 days on Azure/,
        );
    });

    it("fails when backup retention is above 35 days", async () => {
        await expectConfigError(
            "prod",
            "azure",
            ["platform:backupRetentionDays=36"],
            "platform:backupRetentionDays",
            /got 36; allowed: a whole number from 0 to 35 days/,
        );
    });

    it("fails when the network overlaps AKS's pod or service range", async () => {
        await expectConfigError(
            "staging",
            "azure",
            ['platform:network={"cidrBlock":"10.245.0.0/20"}'],
            "platform:network.cidrBlock",
            /overlaps 10\.245\.0\.0\/16.*Fix: Set "cidrBlock"/,
        );
    });

    it("accepts on AWS what only Azure rejects (retention 6 days, a network in 10.244.0.0/16)", () => {
        const { project, config } = loadStackConfig("dev", [
            "platform:cloud=aws",
            "platform:backupRetentionDays=6",
            'platform:network={"cidrBlock":"10.244.0.0/16"}',
        ]);
        assert.strictEqual(parseConfig(config, project, "dev").backupRetentionDays, 6);
    });
});
