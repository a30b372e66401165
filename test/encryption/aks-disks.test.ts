/**
 * AKS node OS disks under a customer-managed key: a Disk Encryption Set on a key in the stack's Key Vault, its
 * identity holding the least role on that key, the cluster identity reading the set, and the cluster naming it at
 * creation. Sources: MicrosoftDocs/azure-aks-docs@articles/aks/azure-disk-customer-managed-keys.md (OS disk
 * encryption "can only be enabled when creating an AKS cluster"; the set's identity gets wrapkey, unwrapkey and
 * get; "the AKS cluster identity has read access to the DiskEncryptionSet"), MicrosoftDocs/azure-compute-docs@
 * articles/virtual-machines/disk-encryption.md (automatic rotation to the latest key version; with encryption at
 * host the disk cache uses the disk's key).
 */
import * as assert from "assert";
import { ProgramRun, ResourceRecord } from "../../check/runtime";
import { BUILT_IN_ROLES } from "../../components/shared/azure";
import { KEY_VAULT_RBAC_PROPAGATION_SECONDS } from "../../components/shared/azure-keys";
import { STACKS, inputs, ofType, one, runStack } from "../harness";
import { azureConfigOf, idOf, named, stateOf } from "../azure/support";

const T = {
    aks: "azure-native:containerservice:ManagedCluster",
    set: "azure-native:compute:DiskEncryptionSet",
    vault: "azure-native:keyvault:Vault",
    key: "azure-native:keyvault:Key",
    identity: "azure-native:managedidentity:UserAssignedIdentity",
    roleAssignment: "azure-native:authorization:RoleAssignment",
} as const;

for (const stack of STACKS) {
    describe(`AKS ${stack}: node OS disks under the stack's key through a disk encryption set`, () => {
        const location = azureConfigOf(stack).azureLocation;
        let run: ProgramRun;
        let aks: ResourceRecord;
        let set: ResourceRecord;
        let key: ResourceRecord;
        before(async () => {
            run = await runStack(stack, "azure");
            aks = one(run, T.aks);
            set = one(run, T.set);
            key = named(run, T.key, "node-disks-key");
        });

        it("names the disk encryption set on the cluster, so every pool's OS disk uses the customer key", () => {
            assert.strictEqual(inputs(aks).diskEncryptionSetID, idOf(set));
            assert.strictEqual(inputs(set).encryptionType, "EncryptionAtRestWithCustomerKey");
            assert.strictEqual(inputs(set).location, location, "the set must be in the cluster's region");
        });

        it("keeps the key in the stack's purge-protected vault, RSA wrap/unwrap, and follows its rotations", () => {
            const vault = ofType(run, T.vault).find((v) => idOf(v) === inputs(set).activeKey.sourceVault.id);
            assert.ok(vault, "the set's source vault is not one of the stack's vaults");
            assert.strictEqual(inputs(vault).properties.enablePurgeProtection, true);
            assert.strictEqual(inputs(key).vaultName, stateOf(vault, location).name);
            assert.deepStrictEqual(
                [inputs(key).properties.kty, inputs(key).properties.keyOps],
                ["RSA", ["wrapKey", "unwrapKey"]],
            );
            assert.strictEqual(inputs(set).activeKey.keyUrl, stateOf(key, location).keyUriWithVersion);
            assert.strictEqual(inputs(set).rotationToLatestKeyVersionEnabled, true);
        });

        it("grants the set's identity Key Vault Crypto Service Encryption User on its key only, and the cluster identity Reader on the set", () => {
            const principal = stateOf(set, location).identity.principalId;
            assert.strictEqual(inputs(set).identity.type, "SystemAssigned");
            const toSet = ofType(run, T.roleAssignment).filter((g) => inputs(g).principalId === principal);
            assert.deepStrictEqual(
                toSet.map((g) => [inputs(g).scope, inputs(g).roleDefinitionId.split("/").pop()]),
                [[idOf(key), BUILT_IN_ROLES.keyVaultCryptoServiceEncryptionUser]],
            );
            const identityId = inputs(aks).identity.userAssignedIdentities[0];
            const identity = ofType(run, T.identity).find((i) => idOf(i) === identityId)!;
            const reader = ofType(run, T.roleAssignment).find(
                (g) =>
                    inputs(g).scope === idOf(set) &&
                    inputs(g).principalId === stateOf(identity, location).principalId &&
                    inputs(g).roleDefinitionId.endsWith(`/${BUILT_IN_ROLES.reader}`),
            );
            assert.ok(reader, "the cluster identity cannot read the disk encryption set");
        });

        it(`creates the cluster after both grants and ${KEY_VAULT_RBAC_PROPAGATION_SECONDS} s for the key grant to apply`, () => {
            const waits = run.resources.filter((r) => r.name.endsWith("-node-disks-key-wait"));
            const grants = run.resources.filter((r) => /-node-disks-(key-access|reader)$/.test(r.name));
            assert.strictEqual(waits.length + grants.length, 3);
            for (const r of [...waits, ...grants]) {
                assert.ok(aks.dependencies.includes(r.urn), `the cluster does not wait for ${r.name}`);
            }
        });
    });
}
