/**
 * The Azure override bags and the neutral settings whose Azure meaning differs per value: each changes one
 * setting on the registered inputs, and every security opt-out is published as `securityOptOuts`.
 */
import * as assert from "assert";
import { inputs, ofType, one, runStack } from "../harness";
import { component, exactly } from "./support";

/** One run with every opt-out and a private API server, shared by the tests that read them. */
const OPT_OUTS = [
    "platform:apiAllowedCidrs=[]",
    'platform:database={"azure":{"requireSecureTransport":false}}',
    'platform:storage={"azure":{"infrastructureEncryption":false,"versioning":false}}',
];

describe("Azure overrides", () => {
    it("makes the cluster private when no CIDR may reach the API server", async () => {
        const run = await runStack("dev", "azure", OPT_OUTS);
        const aks = inputs(one(run, "azure-native:containerservice:ManagedCluster"));
        assert.strictEqual(aks.apiServerAccessProfile.enablePrivateCluster, true);
        assert.strictEqual(aks.apiServerAccessProfile.authorizedIPRanges, undefined);
        assert.match(String(component(run, "cluster").outputs.endpoint), /\.privatelink\.westeurope\.azmk8s\.io$/);
    });

    it("publishes turning off require_secure_transport as a security opt-out", async () => {
        const run = await runStack("dev", "azure", OPT_OUTS);
        const tls = ofType(run, "azure-native:dbforpostgresql:Configuration").find(
            (c) => inputs(c).configurationName === "require_secure_transport",
        );
        assert.strictEqual(inputs(tls!).value, "off");
        assert.deepStrictEqual(component(run, "database").outputs.securityOptOuts, ["azure.requireSecureTransport"]);
    });

    it("publishes turning off infrastructure encryption and versioning as opt-outs", async () => {
        const run = await runStack("dev", "azure", OPT_OUTS);
        const account = inputs(exactly(run, "azure-native:storage:StorageAccount", "platform-dev-storage-account"));
        assert.strictEqual(account.encryption.requireInfrastructureEncryption, false);
        assert.strictEqual(inputs(one(run, "azure-native:storage:BlobServiceProperties")).isVersioningEnabled, false);
        assert.deepStrictEqual(component(run, "storage").outputs.securityOptOuts, [
            "azure.infrastructureEncryption",
            "azure.versioning",
        ]);
    });

    it("honours the SKU, replication, persistence and admin-group overrides", async () => {
        const group = "0b6a1f4e-2c1d-4e5f-9a8b-7c6d5e4f3a2b";
        const run = await runStack("prod", "azure", [
            'platform:database={"azure":{"skuName":"Standard_D4ds_v5","geoRedundantBackup":false}}',
            'platform:cache={"azure":{"skuName":"Balanced_B5","persistence":"rdb"}}',
            `platform:cluster={"azure":{"vmSize":"Standard_D4s_v5","adminGroupObjectIds":["${group}"]}}`,
            'platform:storage={"azure":{"replication":"GZRS"}}',
        ]);
        // The primary (prod also runs a read replica of it).
        const server = inputs(
            ofType(run, "azure-native:dbforpostgresql:Server").find((r) => inputs(r).createMode !== "Replica")!,
        );
        assert.deepStrictEqual(server.sku, { name: "Standard_D4ds_v5", tier: "GeneralPurpose" });
        assert.strictEqual(server.backup.geoRedundantBackup, "Disabled");
        assert.deepStrictEqual(inputs(one(run, "azure-native:redisenterprise:RedisEnterprise")).sku, {
            name: "Balanced_B5",
        });
        assert.deepStrictEqual(inputs(one(run, "azure-native:redisenterprise:Database")).persistence, {
            aofEnabled: false,
            rdbEnabled: true,
            rdbFrequency: "1h",
        });
        const aks = inputs(one(run, "azure-native:containerservice:ManagedCluster"));
        assert.strictEqual(aks.agentPoolProfiles[0].vmSize, "Standard_D4s_v5");
        assert.deepStrictEqual(aks.aadProfile.adminGroupObjectIDs, [group]);
        assert.strictEqual(
            // The stack's data account, not Velero's own backup account (platform-prod-velero-storage-account).
            inputs(exactly(run, "azure-native:storage:StorageAccount", "platform-prod-storage-account")).sku.name,
            "Standard_GZRS",
        );
    });
});
