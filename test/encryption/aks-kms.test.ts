/**
 * AKS on customer keys, for every stack: Kubernetes secrets envelope-encrypted by KMS v2 with a key in the
 * cluster's private Key Vault, which needs API Server VNet Integration (a delegated API server subnet), and
 * encryption at host on every node pool. Sources: MicrosoftDocs/azure-aks-docs@articles/aks/
 * use-kms-etcd-encryption.md (private key vault: Key Vault Crypto User, Key Vault Contributor, "it must use the
 * API Server VNet Integration tunnel", no expiry), articles/aks/api-server-vnet-integration.md (delegation to
 * Microsoft.ContainerService/managedClusters, at least /28, Network Contributor on both subnets) and
 * articles/aks/enable-host-encryption.md (set at pool creation; the EncryptionAtHost feature).
 */
import * as assert from "assert";
import { ProgramRun, ResourceRecord } from "../../check/runtime";
import { BUILT_IN_ROLES } from "../../components/shared/azure";
import { KEY_VAULT_RBAC_PROPAGATION_SECONDS } from "../../components/shared/azure-keys";
import { STACKS, inputs, ofType, one, runStack } from "../harness";
import { azureConfigOf, idOf, named, stateOf } from "../azure/support";

const T = {
    aks: "azure-native:containerservice:ManagedCluster",
    agentPool: "azure-native:containerservice:AgentPool",
    vault: "azure-native:keyvault:Vault",
    key: "azure-native:keyvault:Key",
    identity: "azure-native:managedidentity:UserAssignedIdentity",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    diagnostics: "azure-native:monitor:DiagnosticSetting",
    subnet: "azure-native:network:Subnet",
    vnet: "azure-native:network:VirtualNetwork",
} as const;

/** The IPv4 range of a CIDR as [first, last] integers. */
function range(cidr: string): [number, number] {
    const [address, prefix] = cidr.split("/");
    const base = address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
    return [base, base + 2 ** (32 - Number(prefix)) - 1];
}

for (const stack of STACKS) {
    describe(`AKS ${stack}: Kubernetes secrets under the cluster's KMS key, API server in the VNet, encryption at host`, () => {
        const config = azureConfigOf(stack);
        const location = config.azureLocation;
        let run: ProgramRun;
        let aks: ResourceRecord;
        let vault: ResourceRecord;
        let key: ResourceRecord;
        let controlPlanePrincipal: string;
        before(async () => {
            run = await runStack(stack, "azure");
            aks = one(run, T.aks);
            vault = named(run, T.vault, "kms-vault");
            key = named(run, T.key, "kms-key");
            const identityId = inputs(aks).identity.userAssignedIdentities[0];
            const identity = ofType(run, T.identity).find((i) => idOf(i) === identityId);
            assert.ok(identity, "the cluster runs with a user-assigned identity (KMS refuses system-assigned)");
            controlPlanePrincipal = stateOf(identity, location).principalId;
        });

        it("envelope-encrypts Kubernetes secrets with KMS v2 through the private key vault (keyVaultNetworkAccess Private)", () => {
            const kms = inputs(aks).securityProfile.azureKeyVaultKms;
            assert.ok(kms, "securityProfile.azureKeyVaultKms is not set, so etcd holds secrets under Microsoft's key");
            assert.strictEqual(kms.enabled, true);
            assert.strictEqual(kms.keyVaultNetworkAccess, "Private");
            assert.strictEqual(kms.keyVaultResourceId, idOf(vault));
            // A versioned key id: the legacy (GA) KMS pins a version; see components/cluster/azure-kms.ts.
            assert.strictEqual(kms.keyId, stateOf(key, location).keyUriWithVersion);
            assert.match(kms.keyId, /^https:\/\/.+\.vault\.azure\.net\/keys\/kubernetes-secrets\/[0-9a-f]+$/);
        });

        it("keeps the KMS key in an RBAC vault of its own, private, purge-protected and audited", () => {
            const p = inputs(vault).properties;
            assert.deepStrictEqual(
                [p.enableRbacAuthorization, p.enablePurgeProtection, p.publicNetworkAccess],
                [true, true, "Disabled"],
            );
            assert.strictEqual(inputs(key).vaultName, stateOf(vault, location).name);
            const audit = ofType(run, T.diagnostics).find((d) => inputs(d).resourceUri === idOf(vault));
            assert.ok(audit, "no audit log for the KMS vault");
        });

        it("uses an RSA key for encrypt/decrypt that rotates but never expires (an expired KMS key breaks the API server)", () => {
            const k = inputs(key).properties;
            assert.strictEqual(k.kty, "RSA");
            assert.deepStrictEqual(k.keyOps, ["encrypt", "decrypt"]);
            assert.strictEqual(k.attributes.expires, undefined);
            assert.strictEqual(k.rotationPolicy.attributes?.expiryTime, undefined);
            assert.deepStrictEqual(k.rotationPolicy.lifetimeActions, [
                { trigger: { timeAfterCreate: "P90D" }, action: { type: "rotate" } },
            ]);
        });

        it("grants the control-plane identity Key Vault Crypto User on the key only and Key Vault Contributor on its vault only", () => {
            const grants = ofType(run, T.roleAssignment).filter((g) => inputs(g).principalId === controlPlanePrincipal);
            const crypto = grants.filter((g) =>
                inputs(g).roleDefinitionId.endsWith(`/${BUILT_IN_ROLES.keyVaultCryptoUser}`),
            );
            assert.deepStrictEqual(
                crypto.map((g) => inputs(g).scope),
                [idOf(key)],
            );
            const contributor = grants.filter((g) =>
                inputs(g).roleDefinitionId.endsWith(`/${BUILT_IN_ROLES.keyVaultContributor}`),
            );
            assert.deepStrictEqual(
                contributor.map((g) => inputs(g).scope),
                [idOf(vault)],
            );
            for (const g of [...crypto, ...contributor])
                assert.strictEqual(inputs(g).principalType, "ServicePrincipal");
        });

        it(`creates the cluster only after both grants, and ${KEY_VAULT_RBAC_PROPAGATION_SECONDS} s for the crypto grant to apply (AKS cannot check a private vault)`, () => {
            const wait = run.resources.find((r) => r.name.endsWith("-kms-crypto-wait"));
            assert.ok(wait);
            assert.strictEqual(inputs(wait).seconds, KEY_VAULT_RBAC_PROPAGATION_SECONDS);
            const grants = run.resources.filter((r) => /-kms-(crypto|private-link)$/.test(r.name));
            assert.strictEqual(grants.length, 2);
            for (const r of [wait, ...grants]) {
                assert.ok(aks.dependencies.includes(r.urn), `the cluster does not wait for ${r.name}`);
            }
        });

        it("projects the API server into a subnet delegated to AKS (API Server VNet Integration, which a private KMS vault needs)", () => {
            const subnet = named(run, T.subnet, "apiserver");
            const s = inputs(subnet);
            assert.deepStrictEqual(s.delegations, [
                { name: "aks-apiserver", serviceName: "Microsoft.ContainerService/managedClusters" },
            ]);
            assert.ok(Number(s.addressPrefix.split("/")[1]) <= 28, "the API server subnet is at least a /28");
            const [vnetFirst, vnetLast] = range(inputs(one(run, T.vnet)).addressSpace.addressPrefixes[0]);
            const [first, last] = range(s.addressPrefix);
            assert.ok(first >= vnetFirst && last <= vnetLast, "the API server subnet lies inside the VNet");
            for (const other of ofType(run, T.subnet).filter((o) => o !== subnet)) {
                const [a, b] = range(inputs(other).addressPrefix);
                assert.ok(b < first || a > last, `${other.name} overlaps the API server subnet`);
            }
            const access = inputs(aks).apiServerAccessProfile;
            assert.strictEqual(access.enableVnetIntegration, true);
            assert.strictEqual(access.subnetId, idOf(subnet));
            const network = ofType(run, T.roleAssignment).find(
                (g) =>
                    inputs(g).scope === idOf(subnet) &&
                    inputs(g).principalId === controlPlanePrincipal &&
                    inputs(g).roleDefinitionId.endsWith(`/${BUILT_IN_ROLES.networkContributor}`),
            );
            assert.ok(network, "the control plane has no Network Contributor on the API server subnet");
        });

        it("encrypts at host on every node pool (temp disks and disk caches encrypted on the VM host)", () => {
            const pools = [...inputs(aks).agentPoolProfiles, ...ofType(run, T.agentPool).map(inputs)];
            assert.ok(pools.length > 0);
            for (const pool of pools) assert.strictEqual(pool.enableEncryptionAtHost, true, `${pool.name}`);
        });
    });
}
