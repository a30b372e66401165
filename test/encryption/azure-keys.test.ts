/**
 * Customer-managed keys on Azure, for every stack: the stack's Key Vault, a key per data store with its own
 * identity holding the least role on that key, and each data store encrypting with it. Sources are cited in
 * components/shared/azure-keys.ts and next to each assertion.
 */
import * as assert from "assert";
import { ProgramRun, ResourceRecord } from "../../check/runtime";
import { KEY_VAULT_RBAC_PROPAGATION_SECONDS } from "../../components/shared/azure-keys";
import { BUILT_IN_ROLES } from "../../components/shared/azure";
import { pairedRegion } from "../../components/shared/facts/azure-regions";
import { STACKS, inputs, ofType, runStack } from "../harness";
import { azureConfigOf, idOf, stateOf } from "../azure/support";

const T = {
    vault: "azure-native:keyvault:Vault",
    key: "azure-native:keyvault:Key",
    identity: "azure-native:managedidentity:UserAssignedIdentity",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    diagnostics: "azure-native:monitor:DiagnosticSetting",
    endpoint: "azure-native:network:PrivateEndpoint",
    endpointDns: "azure-native:network:PrivateDnsZoneGroup",
    zone: "azure-native:privatedns:PrivateZone",
    server: "azure-native:dbforpostgresql:Server",
    account: "azure-native:storage:StorageAccount",
    redis: "azure-native:redisenterprise:RedisEnterprise",
    aks: "azure-native:containerservice:ManagedCluster",
} as const;

/** The key named `keyName`, its identity and the role assignment that lets the identity use it. */
function keyWiring(run: ProgramRun, keyName: string, location: string) {
    const key = ofType(run, T.key).find((k) => inputs(k).keyName === keyName);
    assert.ok(key, `no key ${keyName}`);
    const component = key.name.slice(0, -"-key".length);
    const identities = ofType(run, T.identity).filter((i) => i.name === `${component}-key-identity`);
    assert.strictEqual(identities.length, 1, `one identity for ${keyName}`);
    const grants = ofType(run, T.roleAssignment).filter((g) => g.name === `${component}-key-access`);
    assert.strictEqual(grants.length, 1, `one grant for ${keyName}`);
    const identityId = idOf(identities[0]);
    const principalId = stateOf(identities[0], location).principalId;
    return { key, identityId, principalId, identity: inputs(identities[0]), grant: inputs(grants[0]) };
}

for (const stack of STACKS) {
    describe(`Azure ${stack}: customer-managed keys`, () => {
        const config = azureConfigOf(stack);
        const location = config.azureLocation;
        const geo = config.database.azure?.geoRedundantBackup ?? config.highAvailability;
        let run: ProgramRun;
        let vaults: ResourceRecord[];
        before(async () => {
            run = await runStack(stack, "azure");
            // The stack's vaults; the cluster's KMS vault (AKS links it privately itself) is in aks-kms.test.ts.
            // The registry's vault (prod) is in acr-cmk.test.ts.
            vaults = ofType(run, T.vault).filter((v) => !/-(kms|acr)-vault$/.test(v.name));
        });

        it("keeps keys in an RBAC vault with purge protection, 90-day soft delete and no public network access", () => {
            assert.strictEqual(vaults.length, geo ? 2 : 1);
            for (const vault of vaults) {
                const p = inputs(vault).properties;
                assert.strictEqual(p.enableRbacAuthorization, true);
                assert.strictEqual(p.enablePurgeProtection, true);
                assert.strictEqual(p.enableSoftDelete, true);
                assert.strictEqual(p.softDeleteRetentionInDays, 90);
                assert.strictEqual(p.publicNetworkAccess, "Disabled");
                // Trusted services (the data stores) bypass the firewall; nothing else gets in.
                assert.deepStrictEqual(p.networkAcls, {
                    defaultAction: "Deny",
                    bypass: "AzureServices",
                    ipRules: [],
                    virtualNetworkRules: [],
                });
                assert.ok(!p.accessPolicies, "no access policies in an RBAC vault");
            }
        });

        it("sends each vault's audit log to the stack's workspace", () => {
            for (const vault of vaults) {
                const setting = ofType(run, T.diagnostics).find((d) => inputs(d).resourceUri === idOf(vault));
                assert.ok(setting, `no diagnostic setting on ${vault.name}`);
                assert.deepStrictEqual(inputs(setting).logs, [{ categoryGroup: "audit", enabled: true }]);
            }
        });

        it("reaches each vault through a private endpoint registered in privatelink.vaultcore.azure.net", () => {
            assert.ok(ofType(run, T.zone).some((z) => inputs(z).privateZoneName === "privatelink.vaultcore.azure.net"));
            for (const vault of vaults) {
                const endpoint = ofType(run, T.endpoint).find(
                    (e) => inputs(e).privateLinkServiceConnections[0].privateLinkServiceId === idOf(vault),
                );
                assert.ok(endpoint, `no private endpoint for ${vault.name}`);
                const connection = inputs(endpoint).privateLinkServiceConnections[0];
                assert.deepStrictEqual(connection.groupIds, ["vault"]);
                assert.match(inputs(endpoint).subnet.id, /\/subnets\/endpoints$/);
                const dns = ofType(run, T.endpointDns).find(
                    (d) => inputs(d).privateEndpointName === stateOf(endpoint, location).name,
                );
                assert.ok(dns);
                assert.match(
                    inputs(dns).privateDnsZoneConfigs[0].privateDnsZoneId,
                    /privatelink\.vaultcore\.azure\.net$/,
                );
            }
        });

        it("gives every data store its own rotated key and an identity with Crypto Service Encryption User on that key only", () => {
            const prefix = `${config.project}-${stack}`;
            for (const store of ["db", "storage", "cache"]) {
                const { key, grant, principalId, identity } = keyWiring(run, `${prefix}-${store}`, location);
                const k = inputs(key);
                assert.strictEqual(k.properties.kty, "RSA");
                assert.strictEqual(k.properties.keySize, 4096);
                assert.deepStrictEqual(k.properties.keyOps, ["wrapKey", "unwrapKey"]);
                assert.deepStrictEqual(k.properties.rotationPolicy.lifetimeActions[0], {
                    trigger: { timeAfterCreate: "P90D" },
                    action: { type: "rotate" },
                });
                assert.strictEqual(identity.location, location);
                // Scoped to the key, not the vault: the identity cannot use the other stores' keys.
                assert.strictEqual(grant.scope, idOf(key));
                assert.ok(grant.roleDefinitionId.endsWith(`/${BUILT_IN_ROLES.keyVaultCryptoServiceEncryptionUser}`));
                assert.strictEqual(grant.principalId, principalId);
                assert.strictEqual(grant.principalType, "ServicePrincipal");
            }
        });

        it(`waits ${KEY_VAULT_RBAC_PROPAGATION_SECONDS} s for each key grant before the data store uses it`, () => {
            const prefix = `${config.project}-${stack}`;
            for (const [type, store, role] of [
                [T.server, "db", "server"],
                [T.account, "storage", "account"],
                [T.redis, "cache", "redis"],
            ] as const) {
                // The stack's data store itself, by its exact name: the network's flow log account and Velero's
                // backup account (platform-<stack>-velero-storage-*) have their own keys and waits.
                const stores = ofType(run, type).filter((r) => r.name === `${prefix}-${store}-${role}`);
                assert.strictEqual(stores.length, 1, `one ${prefix}-${store}-${role}`);
                const resource = stores[0];
                const waits = run.resources.filter((r) => r.name === `${prefix}-${store}-key-access-wait`);
                assert.strictEqual(waits.length, 1, `one wait for ${store}`);
                assert.strictEqual(inputs(waits[0]).seconds, KEY_VAULT_RBAC_PROPAGATION_SECONDS);
                assert.ok(resource.dependencies.includes(waits[0].urn), `${type} does not wait for its key grant`);
            }
        });

        it("encrypts PostgreSQL with its customer-managed key (versionless, so rotations are followed)", () => {
            const server = inputs(ofType(run, T.server)[0]);
            const { key, identityId } = keyWiring(run, `${config.project}-${stack}-db`, location);
            const keyState = stateOf(key, location);
            assert.strictEqual(server.dataEncryption.type, "AzureKeyVault");
            assert.strictEqual(server.dataEncryption.primaryKeyURI, keyState.keyUri);
            assert.strictEqual(server.dataEncryption.primaryUserAssignedIdentityId, identityId);
            assert.strictEqual(server.identity.type, "UserAssigned");
            assert.ok(identityId in server.identity.userAssignedIdentities);
        });

        if (geo) {
            it(`keeps the geo-redundant backup key in the paired region (${pairedRegion(location)}) under its own identity`, () => {
                const paired = pairedRegion(location)!;
                const server = inputs(ofType(run, T.server)[0]);
                const { key, identityId, identity } = keyWiring(run, `${config.project}-${stack}-db-geo`, paired);
                const vault = vaults.find((v) => inputs(v).location === paired);
                assert.ok(vault, `no vault in ${paired}`);
                assert.strictEqual(inputs(key).vaultName, inputs(vault).vaultName);
                assert.strictEqual(identity.location, paired);
                assert.strictEqual(server.dataEncryption.geoBackupKeyURI, stateOf(key, paired).keyUri);
                assert.strictEqual(server.dataEncryption.geoBackupUserAssignedIdentityId, identityId);
                assert.notStrictEqual(identityId, server.dataEncryption.primaryUserAssignedIdentityId);
                assert.ok(identityId in server.identity.userAssignedIdentities);
            });
        } else {
            it("creates no paired-region vault when backups are not geo-redundant", () => {
                assert.ok(!ofType(run, T.key).some((k) => inputs(k).keyName.endsWith("-db-geo")));
                assert.strictEqual(inputs(ofType(run, T.server)[0]).dataEncryption.geoBackupKeyURI, undefined);
            });
        }

        it("encrypts the storage account with its Key Vault key through its user-assigned identity", () => {
            const account = inputs(ofType(run, T.account).find((a) => a.name.endsWith("-storage-account"))!);
            const { key, identityId } = keyWiring(run, `${config.project}-${stack}-storage`, location);
            assert.strictEqual(account.encryption.keySource, "Microsoft.Keyvault");
            assert.strictEqual(account.encryption.keyVaultProperties.keyName, inputs(key).keyName);
            assert.match(account.encryption.keyVaultProperties.keyVaultUri, /^https:\/\/.+\.vault\.azure\.net\/$/);
            // No keyVersion: Storage moves to new key versions by itself.
            assert.strictEqual(account.encryption.keyVaultProperties.keyVersion, undefined);
            assert.strictEqual(account.encryption.encryptionIdentity.encryptionUserAssignedIdentity, identityId);
            assert.deepStrictEqual(account.identity, { type: "UserAssigned", userAssignedIdentities: [identityId] });
        });

        it("encrypts Azure Managed Redis disks with its key's current version through its identity", () => {
            const redis = inputs(ofType(run, T.redis)[0]);
            const { key, identityId } = keyWiring(run, `${config.project}-${stack}-cache`, location);
            const cmk = redis.encryption.customerManagedKeyEncryption;
            assert.strictEqual(cmk.keyEncryptionKeyUrl, stateOf(key, location).keyUriWithVersion);
            assert.deepStrictEqual(cmk.keyEncryptionKeyIdentity, {
                identityType: "userAssignedIdentity",
                userAssignedIdentityResourceId: identityId,
            });
            assert.deepStrictEqual(redis.identity, { type: "UserAssigned", userAssignedIdentities: [identityId] });
        });

        it("encrypts every AKS node pool at the host", () => {
            const pools = inputs(ofType(run, T.aks)[0]).agentPoolProfiles as { enableEncryptionAtHost?: boolean }[];
            assert.ok(pools.length > 0);
            assert.ok(pools.every((p) => p.enableEncryptionAtHost === true));
        });
    });
}
