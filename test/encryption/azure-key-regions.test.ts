/**
 * PostgreSQL's geo-redundant backup key must live in the region the backups go to, the paired region
 * (MicrosoftDocs/azure-databases-docs@articles/postgresql/security/security-data-encryption.md; pairs from
 * https://learn.microsoft.com/azure/reliability/regions-paired, in components/shared/facts/azure-regions.ts).
 */
import * as assert from "assert";
import { pairedRegion } from "../../components/shared/facts/azure-regions";
import { expectConfigError } from "../harness";

describe("Azure paired-region key vault", () => {
    it("pairs the stacks' locations as Azure does (westeurope backs up to northeurope, eastus2 to centralus)", () => {
        assert.strictEqual(pairedRegion("westeurope"), "northeurope");
        assert.strictEqual(pairedRegion("eastus2"), "centralus");
        assert.strictEqual(pairedRegion("italynorth"), undefined);
    });

    it("fails when geo-redundant backups are on in a location without a region pair", async () => {
        await expectConfigError(
            "prod",
            "azure",
            ["platform:azureLocation=italynorth"],
            "platform:azureLocation",
            /italynorth.*region pair.*geoRedundantBackup/,
        );
    });
});
