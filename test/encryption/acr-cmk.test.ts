/**
 * The Azure Container Registry on a customer key in prod (Premium: "This feature is available in the Premium
 * service tier"; set at creation only; a user-assigned identity with get/wrapKey/unwrapKey on the key; a
 * versionless key followed within an hour: MicrosoftDocs/azure-docs@articles/container-registry/
 * tutorial-customer-managed-keys.md), and Standard on Microsoft's key elsewhere, as a stated exemption of
 * azure-acr-cmk in that stack's policy config.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ProgramRun } from "../../check/runtime";
import { BUILT_IN_ROLES } from "../../components/shared/azure";
import { matches } from "../../policies/lib/exemptions";
import { inputs, ofType, one, runStack } from "../harness";
import { azureConfigOf, idOf, named, stateOf } from "../azure/support";

const T = {
    registry: "azure-native:containerregistry:Registry",
    vault: "azure-native:keyvault:Vault",
    key: "azure-native:keyvault:Key",
    identity: "azure-native:managedidentity:UserAssignedIdentity",
    roleAssignment: "azure-native:authorization:RoleAssignment",
} as const;

describe("Azure prod: the registry under its own customer key", () => {
    const location = azureConfigOf("prod").azureLocation;
    let run: ProgramRun;
    before(async () => {
        run = await runStack("prod", "azure");
    });

    it("is Premium, encrypted at creation with a versionless key through its user-assigned identity", () => {
        const registry = inputs(one(run, T.registry));
        assert.strictEqual(registry.sku.name, "Premium");
        const key = ofType(run, T.key).find((k) => inputs(k).keyName === "platform-prod-acr");
        assert.ok(key, "no registry key");
        const keyUri = stateOf(key, location).keyUri;
        assert.deepStrictEqual(registry.encryption.status, "enabled");
        assert.strictEqual(registry.encryption.keyVaultProperties.keyIdentifier, keyUri);
        assert.doesNotMatch(keyUri, /\/keys\/[^/]+\/[0-9a-f]+$/, "a versioned key would not follow rotation");
        const identity = named(run, T.identity, "registry-acr-key-identity");
        assert.strictEqual(registry.encryption.keyVaultProperties.identity, stateOf(identity, location).clientId);
        assert.deepStrictEqual(Object.keys(registry.identity.userAssignedIdentities), [idOf(identity)]);
        const grant = ofType(run, T.roleAssignment).find((g) => inputs(g).scope === idOf(key));
        assert.ok(grant);
        assert.ok(inputs(grant).roleDefinitionId.endsWith(`/${BUILT_IN_ROLES.keyVaultCryptoServiceEncryptionUser}`));
        assert.strictEqual(inputs(grant).principalId, stateOf(identity, location).principalId);
    });

    it("keeps that key in a vault of its own (RBAC, purge protection), the one vault open to public networks", () => {
        const vault = named(run, T.vault, "acr-vault");
        const p = inputs(vault).properties;
        assert.deepStrictEqual([p.enableRbacAuthorization, p.enablePurgeProtection], [true, true]);
        // ACR passes a Key Vault firewall only with its system identity, which exists after creation.
        assert.strictEqual(p.publicNetworkAccess, "Enabled");
        const others = ofType(run, T.vault).filter((v) => v !== vault);
        assert.ok(others.every((v) => inputs(v).properties.publicNetworkAccess === "Disabled"));
    });
});

for (const stack of ["dev", "staging"]) {
    describe(`Azure ${stack}: the registry on Microsoft's key, as a stated exemption`, () => {
        it("is Standard without a customer key, and azure-acr-cmk exempts exactly that registry with a reason and an expiry", async () => {
            const run = await runStack(stack, "azure");
            const registry = one(run, T.registry);
            assert.strictEqual(inputs(registry).sku.name, "Standard");
            assert.strictEqual(inputs(registry).encryption, undefined);
            const config = JSON.parse(
                fs.readFileSync(path.join(__dirname, `../../policies/config/${stack}.json`), "utf8"),
            );
            const [exemption] = config["azure-acr-cmk"].exemptions;
            // The exemption is a name pattern, so one environment's config serves each of its stacks
            // (platform-<stack>-workloads-registry-acr); it must still match this registry and only registries.
            assert.strictEqual(exemption.resource, "platform-*-workloads-registry-acr");
            // Matched as the pack matches it, and by no other resource of the stack.
            assert.deepStrictEqual(
                run.resources.filter((r) => matches(exemption.resource, r)).map((r) => r.name),
                [registry.name],
            );
            assert.match(exemption.reason, /Premium/);
            assert.match(exemption.expires, /^\d{4}-\d{2}-\d{2}$/);
        });
    });
}
