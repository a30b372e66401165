/**
 * Who may act on the Azure stack, as ARM and AKS will judge it: every role assignment names its principal's
 * real type, people get the cluster through admin groups, the Kubernetes provider waits until the
 * deployer's grant is honoured, and diagnostic settings wait for the resource they watch.
 */
import * as assert from "assert";
import { BUILT_IN_ROLES } from "../../components/shared/azure";
import { ProgramRun, ResourceRecord } from "../../check/runtime";
import { expectConfigError, inputs, ofType, one, runStack } from "../harness";
import { idOf, named } from "./support";

const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
/** The deployer's object id the offline check's getClientConfig answers with (check/invokes.ts). */
const DEPLOYER = "00000000-0000-4000-8000-000000000004";
const GROUP = "0b6a1f4e-2c1d-4e5f-9a8b-7c6d5e4f3a2b";

const assignments = (run: ProgramRun) => ofType(run, ROLE_ASSIGNMENT).map((r) => ({ r, i: inputs(r) }));
const roleOf = (i: { roleDefinitionId: string }) =>
    Object.entries(BUILT_IN_ROLES).find(([, id]) => i.roleDefinitionId.endsWith(`/${id}`))?.[0];

describe("Azure role assignments", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runStack("prod", "azure", [`platform:cluster={"azure":{"adminGroupObjectIds":["${GROUP}"]}}`]);
    });

    // azure-native fills in principalType "User" when it is omitted (@pulumi/azure-native 3.28.0,
    // authorization/roleAssignment.js), and ARM fails the assignment with UnmatchedPrincipalType when the
    // principal is a service principal (Azure/modern-web-app-pattern-dotnet#129; Azure/azure-rest-api-specs#21664).
    it("grants the deployer as a service principal by default, so that ARM accepts the grants when CI deploys", () => {
        const deployer = assignments(run).filter(({ i }) => i.principalId === DEPLOYER);
        assert.deepStrictEqual(deployer.map(({ i }) => roleOf(i)).sort(), ["acrPush", "aksRbacClusterAdmin"]);
        for (const { r, i } of deployer) {
            assert.strictEqual(i.principalType, "ServicePrincipal", `${r.name} names the deployer's type`);
        }
    });

    it("names the right principal type on every assignment: managed identities, groups and the deployer", () => {
        for (const { r, i } of assignments(run)) {
            const expected =
                i.principalId === DEPLOYER
                    ? "ServicePrincipal"
                    : i.principalId === GROUP
                      ? "Group"
                      : "ServicePrincipal";
            assert.strictEqual(i.principalType, expected, `${r.name}: ${i.principalId}`);
        }
    });

    it('grants "User" when a person deploys (deployerPrincipalType), and nothing else changes type', async () => {
        const personal = await runStack("dev", "azure", [
            'platform:cluster={"azure":{"deployerPrincipalType":"User"}}',
        ]);
        const byType = assignments(personal).map(({ i }) => [i.principalId === DEPLOYER, i.principalType]);
        assert.ok(byType.filter(([d]) => d).every(([, t]) => t === "User"));
        assert.ok(byType.filter(([d]) => !d).every(([, t]) => t === "ServicePrincipal"));
        assert.strictEqual(byType.filter(([d]) => d).length, 2);
    });

    // With Azure RBAC for Kubernetes authorization people need two roles: Azure Kubernetes Service Cluster
    // User Role (to fetch the kubeconfig) and an "Azure Kubernetes Service RBAC ..." role; the admin-group
    // field is "irrelevant" then (MicrosoftDocs/azure-aks-docs@articles/aks/concepts-identity.md, summary table).
    it("gives each admin group RBAC Cluster Admin and Cluster User on the cluster, as principal type Group", () => {
        const aks = one(run, "azure-native:containerservice:ManagedCluster");
        const group = assignments(run).filter(({ i }) => i.principalId === GROUP);
        assert.deepStrictEqual(group.map(({ i }) => [roleOf(i), i.scope, i.principalType]).sort(), [
            ["aksClusterUser", idOf(aks), "Group"],
            ["aksRbacClusterAdmin", idOf(aks), "Group"],
        ]);
    });

    it("fails when the deployer principal type is a group, which cannot sign in", async () => {
        await expectConfigError(
            "dev",
            "azure",
            ['platform:cluster={"azure":{"deployerPrincipalType":"Group"}}'],
            "platform:cluster.azure.deployerPrincipalType",
            /got "Group"; allowed: one of "ServicePrincipal", "User" .*Fix: .*"ServicePrincipal" when a service principal.*"User" when a person.*adminGroupObjectIds/,
        );
    });
});

describe("Azure Kubernetes provider and the deployer's grant", () => {
    let run: ProgramRun;
    let probe: ResourceRecord;
    before(async () => {
        run = await runStack("prod", "azure");
        // The other dynamic resources are the Key Vault grant waits (shared/azure-keys.ts).
        const probes = ofType(run, DYNAMIC).filter((r) => r.name.endsWith("-deployer-access"));
        assert.strictEqual(probes.length, 1, "one access probe");
        probe = probes[0];
    });

    // "New role assignments can take up to five minutes to propagate and be updated by the authorization
    // server" (MicrosoftDocs/azure-aks-docs@articles/aks/manage-azure-rbac.md): a dependsOn on the assignment
    // is not enough, the provider must wait for the probe that sees the grant honoured.
    it("uses the Kubernetes provider only after the access probe, so that the first call is not refused with 403", () => {
        const provider = one(run, "pulumi:providers:kubernetes");
        assert.ok(provider.dependencies.includes(probe.urn), "the Kubernetes provider depends on the access probe");
        const grant = named(run, ROLE_ASSIGNMENT, "deployer-admin");
        assert.deepStrictEqual(probe.propertyDependencies.grantId, [grant.urn]);
        assert.strictEqual(inputs(probe).grantId, idOf(grant));
    });

    it("probes the same API server, CA and credential plugin the kubeconfig uses, with no credential in its inputs", () => {
        const kubeconfig = JSON.parse(String(inputs(one(run, "pulumi:providers:kubernetes")).kubeconfig));
        const i = inputs(probe);
        assert.strictEqual(i.server, kubeconfig.clusters[0].cluster.server);
        assert.strictEqual(i.caData, kubeconfig.clusters[0].cluster["certificate-authority-data"]);
        assert.deepStrictEqual(
            [i.command, i.args],
            [kubeconfig.users[0].user.exec.command, kubeconfig.users[0].user.exec.args],
        );
        assert.deepStrictEqual(Object.keys(probe.inputs).sort(), [
            "__provider",
            "args",
            "caData",
            "command",
            "grantId",
            "server",
            "timing",
        ]);
    });
});

describe("Azure diagnostic settings", () => {
    // A diagnostic setting on a resource that does not exist yet is rejected by ARM; the cache database's
    // id was built from the cluster's id alone, so nothing ordered the setting after the database.
    it("sets the cache database's diagnostics only after the database exists", async () => {
        const run = await runStack("prod", "azure");
        const database = one(run, "azure-native:redisenterprise:Database");
        const setting = ofType(run, "azure-native:monitor:DiagnosticSetting").find((s) =>
            String(inputs(s).resourceUri).endsWith("/databases/default"),
        );
        assert.ok(setting, "no diagnostic setting on the cache database");
        assert.strictEqual(inputs(setting).resourceUri, idOf(database));
        assert.ok(
            setting.propertyDependencies.resourceUri.includes(database.urn),
            "resourceUri depends on the database",
        );
    });
});
