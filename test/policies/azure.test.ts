/**
 * Azure policies (azure-native resource types), each on a compliant fixture, with one property made
 * weak, and with a property left undefined (the verdict follows what Azure does by default).
 */
import * as assert from "assert";
import * as backups from "../../policies/azure/backups";
import * as encryption from "../../policies/azure/encryption";
import { TYPES } from "../../policies/lib/shapes";
import { AZURE_CASES, SUBNET, agentPool, aks, redis, server, storage } from "./azure.cases";
import { describePolicies, evaluate, named } from "./fixtures";

describePolicies("Azure policies", AZURE_CASES);

describe("Azure policy settings and edge cases", () => {
    it("fails AKS KMS through a public key vault (keyVaultNetworkAccess Public or unset)", async () => {
        for (const access of ["Public", undefined]) {
            const graph = aks();
            named(graph, "aks").props.securityProfile = {
                azureKeyVaultKms: { enabled: true, keyVaultNetworkAccess: access },
            };
            assert.strictEqual((await evaluate(encryption.aksEtcdKms, graph)).verdict, "fail", String(access));
        }
    });

    it("checks encryption at host on node pools added as their own resources", async () => {
        assert.strictEqual((await evaluate(encryption.aksEncryptionAtHost, agentPool())).verdict, "pass");
        for (const value of [false, undefined]) {
            const graph = agentPool();
            named(graph, "pool").props.enableEncryptionAtHost = value;
            assert.strictEqual((await evaluate(encryption.aksEncryptionAtHost, graph)).verdict, "fail", String(value));
        }
    });

    it("treats a VNet-integrated PostgreSQL server without publicNetworkAccess as private", async () => {
        const graph = server();
        named(graph, "db-server").props.network = { delegatedSubnetResourceId: SUBNET };
        assert.strictEqual((await evaluate(encryption.postgresNoPublicAccess, graph)).verdict, "pass");
    });

    it("fails when ssl_min_protocol_version allows TLS 1.1, and ignores unrelated parameters", async () => {
        const weak = await evaluate(encryption.postgresSecureTransport, [
            {
                type: TYPES.postgresConfiguration,
                name: "tls",
                props: { configurationName: "ssl_min_protocol_version", value: "TLSv1.1" },
            },
        ]);
        assert.strictEqual(weak.verdict, "fail");
        const other = await evaluate(encryption.postgresSecureTransport, [
            {
                type: TYPES.postgresConfiguration,
                name: "log",
                props: { configurationName: "log_connections", value: "off" },
            },
        ]);
        assert.strictEqual(other.verdict, "not applicable");
    });

    it("finds the blob service of an account by its literal account name too", async () => {
        const graph = storage();
        const service = named(graph, "blob-service");
        const at = graph.indexOf(service);
        graph.splice(at, 1, { ...service, propertyDependencies: {} });
        assert.strictEqual((await evaluate(backups.blobVersioning, graph)).verdict, "pass");
        graph[at].props.accountName = "someotheraccount";
        assert.strictEqual((await evaluate(backups.blobVersioning, graph)).verdict, "fail");
    });

    it("accepts RDB persistence as well as AOF", async () => {
        const graph = redis();
        named(graph, "cache-database").props.persistence = { rdbEnabled: true, rdbFrequency: "1h" };
        assert.strictEqual((await evaluate(backups.redisPersistence, graph, { required: true })).verdict, "pass");
    });

    it("does not apply geo-redundancy, HA, persistence, zone redundancy or protect where not required", async () => {
        const graph = [...server(), ...redis(), ...storage()];
        for (const policy of [
            backups.postgresGeoRedundantBackup,
            backups.postgresHighAvailability,
            backups.redisPersistence,
            backups.storageZoneRedundant,
            backups.storageGeoRedundant,
            backups.redisHighAvailability,
            backups.deleteLock,
            backups.azureDataResourcesProtected,
        ]) {
            assert.strictEqual(
                (await evaluate(policy, graph, { required: false })).verdict,
                "not applicable",
                policy.name,
            );
        }
    });
});
