/**
 * VNet flow logs on Azure, for every stack, matching the VPC flow logs on AWS: a Network Watcher flow log on the
 * VNet (NSG flow logs can no longer be created since 2025-06-30: MicrosoftDocs/azure-docs@
 * articles/network-watcher/nsg-flow-logs-overview.md), in the region's auto-enabled watcher, with traffic
 * analytics into the stack's workspace, records kept for the stack's log retention in a storage account of
 * the network's own that takes no shared keys (the flow log writes with a managed identity:
 * articles/network-watcher/vnet-flow-logs-managed-identity.md) and is under its own customer key.
 */
import * as assert from "assert";
import { ProgramRun, ResourceRecord } from "../../check/runtime";
import { TRAFFIC_ANALYTICS_INTERVAL_MINUTES } from "../../components/network/azure-flow-logs";
import { BUILT_IN_ROLES } from "../../components/shared/azure";
import { STACKS, inputs, ofType, one, runStack } from "../harness";
import { azureConfigOf, idOf, named, stateOf } from "./support";

const T = {
    flowLog: "azure-native:network:FlowLog",
    vnet: "azure-native:network:VirtualNetwork",
    account: "azure-native:storage:StorageAccount",
    workspace: "azure-native:operationalinsights:Workspace",
    identity: "azure-native:managedidentity:UserAssignedIdentity",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    key: "azure-native:keyvault:Key",
} as const;

for (const stack of STACKS) {
    describe(`Azure ${stack}: VNet flow logs with traffic analytics`, () => {
        const config = azureConfigOf(stack);
        const location = config.azureLocation;
        let run: ProgramRun;
        let flow: ReturnType<typeof inputs>;
        let account: ResourceRecord;
        before(async () => {
            run = await runStack(stack, "azure");
            const flowLog = one(run, T.flowLog);
            flow = inputs(flowLog);
            account = named(run, T.account, "flow-logs");
            assert.ok(flowLog.dependencies.includes(one(run, T.vnet).urn), "the flow log waits for the VNet");
        });

        it("logs every flow of the VNet through the region's auto-enabled Network Watcher", () => {
            assert.strictEqual(flow.targetResourceId, idOf(one(run, T.vnet)));
            assert.strictEqual(flow.enabled, true);
            assert.strictEqual(flow.resourceGroupName, "NetworkWatcherRG");
            assert.strictEqual(flow.networkWatcherName, `NetworkWatcher_${location}`);
            assert.strictEqual(flow.location, location);
            assert.deepStrictEqual(flow.format, { type: "JSON", version: 2 });
        });

        it(`keeps the records for the stack's log retention (${config.monitoring.logRetentionDays ?? 90} days, as the VPC flow log group on AWS)`, () => {
            assert.deepStrictEqual(flow.retentionPolicy, {
                enabled: true,
                days: config.monitoring.logRetentionDays ?? 90,
            });
        });

        it(`runs traffic analytics into the stack's Log Analytics workspace every ${TRAFFIC_ANALYTICS_INTERVAL_MINUTES} minutes`, () => {
            assert.deepStrictEqual(flow.flowAnalyticsConfiguration.networkWatcherFlowAnalyticsConfiguration, {
                enabled: true,
                workspaceResourceId: idOf(one(run, T.workspace)),
                workspaceRegion: location,
                trafficAnalyticsInterval: 10,
            });
        });

        it("writes to a Standard v2 account in the VNet's region with a managed identity holding Blob Data Contributor on it only", () => {
            const a = inputs(account);
            assert.strictEqual(flow.storageId, idOf(account));
            assert.strictEqual(a.kind, "StorageV2");
            assert.match(a.sku.name, /^Standard_/);
            assert.strictEqual(a.location, location);
            const writerId = flow.identity.userAssignedIdentities[0];
            assert.strictEqual(flow.identity.type, "UserAssigned");
            const writer = ofType(run, T.identity).find((i) => idOf(i) === writerId);
            assert.ok(writer, "no identity for the flow log");
            const principal = stateOf(writer, location).principalId;
            const grants = ofType(run, T.roleAssignment).filter((g) => inputs(g).principalId === principal);
            assert.deepStrictEqual(
                grants.map((g) => [inputs(g).scope, inputs(g).roleDefinitionId.split("/").pop()]),
                [[idOf(account), BUILT_IN_ROLES.storageBlobDataContributor]],
            );
        });

        it("accepts no shared keys, no anonymous reads and only trusted services through its firewall", () => {
            const a = inputs(account);
            assert.strictEqual(a.allowSharedKeyAccess, false);
            assert.strictEqual(a.allowBlobPublicAccess, false);
            assert.strictEqual(a.minimumTlsVersion, "TLS1_2");
            assert.strictEqual(a.networkRuleSet.defaultAction, "Deny");
            assert.strictEqual(a.networkRuleSet.bypass, "AzureServices");
            assert.deepStrictEqual(a.networkRuleSet.ipRules, []);
        });

        it("encrypts the records with their own key in the stack's vault", () => {
            const a = inputs(account);
            assert.strictEqual(a.encryption.keySource, "Microsoft.Keyvault");
            assert.strictEqual(a.encryption.requireInfrastructureEncryption, true);
            const key = ofType(run, T.key).find((k) => inputs(k).keyName === `${config.project}-${stack}-flowlogs`);
            assert.ok(key, "no flow log key");
            assert.strictEqual(a.encryption.keyVaultProperties.keyName, stateOf(key, location).name);
            assert.strictEqual(a.sku.name, config.highAvailability ? "Standard_ZRS" : "Standard_LRS");
        });
    });
}
