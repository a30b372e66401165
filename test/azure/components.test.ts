/**
 * The Azure implementation, for every stack file: the security and resilience settings that matter,
 * asserted on the inputs the program registers, plus protection, secrets and the normalized outputs.
 */
import * as assert from "assert";
import { alarmThresholds } from "../../components/monitoring";
import { catalog } from "../../components/shared/catalog";
import { DEFAULT_POSTGRES_VERSION } from "../../components/shared/facts/engines";
import { ProgramRun, ResourceRecord } from "../../check/runtime";
import { STACKS, inputs, ofType, one, outputs, runStack } from "../harness";
import { azureConfigOf, component, exactly, idOf, isSecret, named, stateOf } from "./support";

const T = {
    group: "azure-native:resources:ResourceGroup",
    workspace: "azure-native:operationalinsights:Workspace",
    vnet: "azure-native:network:VirtualNetwork",
    subnet: "azure-native:network:Subnet",
    nsg: "azure-native:network:NetworkSecurityGroup",
    zone: "azure-native:privatedns:PrivateZone",
    zoneLink: "azure-native:privatedns:VirtualNetworkLink",
    endpoint: "azure-native:network:PrivateEndpoint",
    endpointDns: "azure-native:network:PrivateDnsZoneGroup",
    server: "azure-native:dbforpostgresql:Server",
    serverParameter: "azure-native:dbforpostgresql:Configuration",
    lock: "azure-native:authorization:ManagementLockByScope",
    redis: "azure-native:redisenterprise:RedisEnterprise",
    redisDatabase: "azure-native:redisenterprise:Database",
    aks: "azure-native:containerservice:ManagedCluster",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    dcra: "azure-native:monitor:DataCollectionRuleAssociation",
    account: "azure-native:storage:StorageAccount",
    blobService: "azure-native:storage:BlobServiceProperties",
    container: "azure-native:storage:BlobContainer",
    lifecycle: "azure-native:storage:ManagementPolicy",
    diagnostics: "azure-native:monitor:DiagnosticSetting",
    actionGroup: "azure-native:monitor:ActionGroup",
    alert: "azure-native:monitor:MetricAlert",
    workbook: "azure-native:applicationinsights:Workbook",
} as const;

/** The private endpoint registered in the same component as `target`, and its DNS registration. */
const isReplica = (r: ResourceRecord) => /-replica-\d+$/.test(r.name);

/** The database's primary server (not one of its read replicas). */
function primaryServer(run: ProgramRun): ResourceRecord {
    const found = ofType(run, T.server).filter((r) => !isReplica(r));
    assert.strictEqual(found.length, 1, "one primary flexible server");
    return found[0];
}

function endpointOf(run: ProgramRun, target: ResourceRecord) {
    const endpoint = ofType(run, T.endpoint).find((e) => e.parent === target.parent);
    assert.ok(endpoint, `no private endpoint next to ${target.name}`);
    const dns = ofType(run, T.endpointDns).find((d) => d.parent === target.parent);
    assert.ok(dns, `no private DNS zone group next to ${target.name}`);
    return { endpoint: inputs(endpoint), dns: inputs(dns) };
}

/** The server parameter `name` of the flexible server. */
function parameter(run: ProgramRun, name: string): string {
    const found = ofType(run, T.serverParameter).filter((c) => inputs(c).configurationName === name);
    assert.strictEqual(found.length, 1, `expected one ${name} parameter`);
    return inputs(found[0]).value;
}

for (const stack of STACKS) {
    describe(`Azure ${stack}`, () => {
        const config = azureConfigOf(stack);
        const ha = config.highAvailability;
        let run: ProgramRun;
        let out: ReturnType<typeof outputs>;
        before(async () => {
            run = await runStack(stack, "azure");
            out = outputs(run);
        });

        describe("foundation", () => {
            it(`places everything in one resource group in ${config.azureLocation} through an explicit provider`, () => {
                const prefix = `${config.project}-${stack}`;
                // The stack's group, and besides it only Velero's disk snapshot group, which outlives the cluster
                // on purpose (no resource of the program is placed in it; Velero writes the snapshots there).
                assert.deepStrictEqual(
                    ofType(run, T.group)
                        .map((g) => g.name)
                        .sort(),
                    [
                        `${prefix}-rg`,
                        ...((config.backup.velero ?? config.environment !== "dev")
                            ? [`${prefix}-velero-storage-snapshots`]
                            : []),
                    ].sort(),
                );
                const group = inputs(exactly(run, T.group, `${prefix}-rg`));
                assert.strictEqual(group.location, config.azureLocation);
                const provider = one(run, "pulumi:providers:azure-native");
                assert.strictEqual(inputs(provider).location, config.azureLocation);
                const custom = run.resources.filter((r) => r.custom && r.type.startsWith("azure-native:"));
                assert.ok(custom.every((r) => r.provider?.startsWith(provider.urn)));
                // The VNet flow log is a child of the region's Network Watcher, which lives in NetworkWatcherRG.
                const grouped = custom.filter(
                    (r) => inputs(r).resourceGroupName !== undefined && r.type !== "azure-native:network:FlowLog",
                );
                assert.ok(grouped.length > 20);
                assert.ok(grouped.every((r) => inputs(r).resourceGroupName === group.resourceGroupName));
            });
        });

        describe("network", () => {
            it("has a VNet with public, node, delegated data and endpoint subnets and an API server subnet, none with default outbound access", () => {
                assert.deepStrictEqual(inputs(one(run, T.vnet)).addressSpace.addressPrefixes, [
                    config.network.cidrBlock ?? "10.0.0.0/16",
                ]);
                const subnets = ofType(run, T.subnet).map(inputs);
                assert.deepStrictEqual(subnets.map((s) => s.subnetName).sort(), [
                    "apiserver",
                    "data",
                    "endpoints",
                    "nodes",
                    "public",
                ]);
                assert.ok(subnets.every((s) => s.defaultOutboundAccess === false));
                const data = subnets.find((s) => s.subnetName === "data");
                assert.deepStrictEqual(
                    data.delegations.map((d: { serviceName: string }) => d.serviceName),
                    ["Microsoft.DBforPostgreSQL/flexibleServers"],
                );
                const endpoints = subnets.find((s) => s.subnetName === "endpoints");
                assert.strictEqual(endpoints.privateEndpointNetworkPolicies, "Enabled");
            });
            it("admits PostgreSQL and the private endpoints only from the node subnet", () => {
                const nodes = inputs(named(run, T.subnet, "nodes")).addressPrefix;
                for (const [role, ports] of [
                    ["data-nsg", ["5432"]],
                    ["endpoints-nsg", ["10000", "443"]],
                ] as const) {
                    const rules = inputs(named(run, T.nsg, role)).securityRules;
                    const allow = rules.find((r: { priority: number }) => r.priority === 100);
                    assert.strictEqual(allow.access, "Allow");
                    assert.strictEqual(allow.sourceAddressPrefix, nodes);
                    assert.deepStrictEqual(allow.destinationPortRanges ?? [allow.destinationPortRange], ports);
                    const deny = rules.find((r: { access: string }) => r.access === "Deny");
                    assert.deepStrictEqual(
                        [deny.sourceAddressPrefix, deny.destinationPortRange],
                        ["VirtualNetwork", "*"],
                    );
                }
            });
            it("links private DNS zones for PostgreSQL, Redis, Blob and Key Vault to the VNet", () => {
                const zones = ofType(run, T.zone).map((z) => inputs(z).privateZoneName);
                assert.deepStrictEqual(zones.sort(), [
                    `platform-${stack}.private.postgres.database.azure.com`,
                    "privatelink.blob.core.windows.net",
                    "privatelink.redis.azure.net",
                    "privatelink.vaultcore.azure.net",
                ]);
                const vnetId = idOf(one(run, T.vnet));
                const links = ofType(run, T.zoneLink).map(inputs);
                assert.strictEqual(links.length, 4);
                assert.ok(links.every((l) => l.virtualNetwork.id === vnetId && l.registrationEnabled === false));
            });
        });

        describe("database (PostgreSQL flexible server)", () => {
            let server: ResourceRecord;
            before(() => {
                server = primaryServer(run);
            });
            it("runs a current PostgreSQL major version on the configured size", () => {
                const i = inputs(server);
                assert.strictEqual(i.version, DEFAULT_POSTGRES_VERSION);
                assert.strictEqual(i.sku.name, catalog.database[config.size].azure);
            });
            it("is reachable only privately: delegated subnet, private DNS zone, public access disabled", () => {
                const { network } = inputs(server);
                assert.strictEqual(network.publicNetworkAccess, "Disabled");
                assert.strictEqual(network.delegatedSubnetResourceId, out.network.dataSubnetIds[0]);
                assert.match(network.delegatedSubnetResourceId, /\/subnets\/data$/);
                assert.strictEqual(network.privateDnsZoneArmResourceId, idOf(named(run, T.zone, "dns-postgres")));
            });
            it("requires TLS 1.2 or later for every connection", () => {
                assert.strictEqual(parameter(run, "require_secure_transport"), "on");
                assert.strictEqual(parameter(run, "ssl_min_protocol_version"), "TLSv1.2");
            });
            it(`keeps ${config.backupRetentionDays} days of backups${ha ? ", geo-redundant" : ""}, and grows storage`, () => {
                const i = inputs(server);
                assert.deepStrictEqual(i.backup, {
                    backupRetentionDays: config.backupRetentionDays,
                    geoRedundantBackup: ha ? "Enabled" : "Disabled",
                });
                assert.strictEqual(i.storage.autoGrow, "Enabled");
                assert.strictEqual(
                    i.storage.storageSizeGB,
                    config.database.storageGiB ?? catalog.database[config.size].storageGiB,
                );
            });
            it(ha ? "runs a zone-redundant standby on a non-burstable tier" : "runs without a standby", () => {
                const i = inputs(server);
                assert.strictEqual(i.highAvailability.mode, ha ? "ZoneRedundant" : "Disabled");
                if (ha) {
                    assert.notStrictEqual(i.sku.tier, "Burstable");
                }
            });
            it("takes its administrator password from @pulumi/random and keeps it secret", () => {
                assert.ok(isSecret(server.inputs.administratorLoginPassword));
                // The administrator's password (the component also generates one per service login role).
                const password = ofType(run, "random:index/randomPassword:RandomPassword").find(
                    (p) => p.parent === server.parent && p.name.endsWith("-db-password"),
                );
                assert.ok(password, "no random password in the database component");
                assert.ok(server.propertyDependencies.administratorLoginPassword.includes(password.urn));
            });
            it(config.deletionProtection ? "is guarded by a CanNotDelete lock" : "has no delete lock", () => {
                const locks = ofType(run, T.lock)
                    .map(inputs)
                    .filter((l) => l.scope === idOf(server));
                assert.deepStrictEqual(
                    locks.map((l) => [l.scope, l.level]),
                    config.deletionProtection ? [[idOf(server), "CanNotDelete"]] : [],
                );
            });
        });

        describe("cache (Azure Managed Redis)", () => {
            let cluster: ResourceRecord;
            before(() => {
                cluster = one(run, T.redis);
            });
            it("uses Azure Managed Redis, never Azure Cache for Redis", () => {
                assert.deepStrictEqual(
                    run.resources.filter((r) => r.type.startsWith("azure-native:redis:")),
                    [],
                );
                assert.strictEqual(inputs(cluster).sku.name, catalog.cache[config.size].azure);
            });
            it("accepts only TLS 1.2+ on the encrypted client protocol", () => {
                assert.strictEqual(inputs(cluster).minimumTlsVersion, "1.2");
                assert.strictEqual(inputs(one(run, T.redisDatabase)).clientProtocol, "Encrypted");
                assert.strictEqual(out.cache.tls, true);
                assert.match(out.cache.connectionString, /^rediss:\/\//);
            });
            it("disables public network access and is reached through a private endpoint", () => {
                assert.strictEqual(inputs(cluster).publicNetworkAccess, "Disabled");
                const { endpoint, dns } = endpointOf(run, cluster);
                assert.strictEqual(endpoint.subnet.id, idOf(named(run, T.subnet, "endpoints")));
                assert.deepStrictEqual(endpoint.privateLinkServiceConnections[0].privateLinkServiceId, idOf(cluster));
                assert.deepStrictEqual(endpoint.privateLinkServiceConnections[0].groupIds, ["redisEnterprise"]);
                assert.strictEqual(
                    dns.privateDnsZoneConfigs[0].privateDnsZoneId,
                    idOf(named(run, T.zone, "dns-redis")),
                );
            });
            it(ha ? "runs highly available" : "runs without replicas", () => {
                assert.strictEqual(inputs(cluster).highAvailability, ha ? "Enabled" : "Disabled");
            });
            it(config.deletionProtection ? "persists data (AOF every second)" : "does not persist data", () => {
                assert.deepStrictEqual(
                    inputs(one(run, T.redisDatabase)).persistence,
                    config.deletionProtection
                        ? { aofEnabled: true, aofFrequency: "1s", rdbEnabled: false }
                        : { aofEnabled: false, rdbEnabled: false },
                );
            });
        });

        describe("cluster (AKS)", () => {
            let aks: ResourceRecord;
            before(() => {
                aks = one(run, T.aks);
            });
            it("authenticates with Microsoft Entra ID, authorizes with Azure RBAC, and has no local accounts", () => {
                const i = inputs(aks);
                assert.deepStrictEqual(
                    [i.aadProfile.managed, i.aadProfile.enableAzureRBAC, i.disableLocalAccounts, i.enableRBAC],
                    [true, true, true, true],
                );
            });
            it("grants the deployer cluster-admin through an Azure role assignment", () => {
                const admin = ofType(run, T.roleAssignment).find((r) => inputs(r).scope === idOf(aks));
                assert.ok(admin, "no role assignment on the cluster");
                assert.match(inputs(admin).roleDefinitionId, /b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b$/);
                assert.strictEqual(inputs(admin).principalId, "00000000-0000-4000-8000-000000000004");
            });
            it("issues OIDC tokens and runs workload identity", () => {
                const i = inputs(aks);
                assert.strictEqual(i.oidcIssuerProfile.enabled, true);
                assert.strictEqual(i.securityProfile.workloadIdentity.enabled, true);
                assert.strictEqual(
                    out.cluster.oidcIssuerUrl,
                    stateOf(aks, config.azureLocation).oidcIssuerProfile.issuerURL,
                );
            });
            it("uses Azure CNI overlay with Cilium for network policy", () => {
                const n = inputs(aks).networkProfile;
                assert.deepStrictEqual(
                    [n.networkPlugin, n.networkPluginMode, n.networkDataplane, n.networkPolicy],
                    ["azure", "overlay", "cilium", "cilium"],
                );
            });
            it(`limits the API server to ${config.apiAllowedCidrs.join(", ")}`, () => {
                assert.deepStrictEqual(inputs(aks).apiServerAccessProfile, {
                    enableVnetIntegration: true,
                    subnetId: idOf(named(run, "azure-native:network:Subnet", "apiserver")),
                    enablePrivateCluster: false,
                    authorizedIPRanges: config.apiAllowedCidrs,
                });
                assert.match(out.cluster.endpoint, /^https:\/\/.+\.hcp\..+\.azmk8s\.io$/);
            });
            it("places nodes in the private node subnet without public addresses", () => {
                const [pool] = inputs(aks).agentPoolProfiles;
                assert.strictEqual(pool.vnetSubnetID, out.network.nodeSubnetIds[0]);
                assert.strictEqual(pool.enableNodePublicIP, false);
            });
            it("sends Container Insights to the stack's Log Analytics workspace", () => {
                const workspaceId = idOf(one(run, T.workspace));
                const oms = inputs(aks).addonProfiles.omsagent;
                assert.deepStrictEqual(oms, {
                    enabled: true,
                    config: { logAnalyticsWorkspaceResourceID: workspaceId, useAADAuth: "true" },
                });
                assert.strictEqual(inputs(one(run, T.dcra)).resourceUri, idOf(aks));
            });
            it("upgrades patches and node images automatically", () => {
                assert.deepStrictEqual(inputs(aks).autoUpgradeProfile, {
                    upgradeChannel: "patch",
                    nodeOSUpgradeChannel: "NodeImage",
                });
            });
            it(ha ? "uses the Standard tier and spreads nodes over three zones" : "uses the Free tier", () => {
                const i = inputs(aks);
                assert.strictEqual(i.sku.tier, ha ? "Standard" : "Free");
                assert.deepStrictEqual(i.agentPoolProfiles[0].availabilityZones, ha ? ["1", "2", "3"] : undefined);
            });
            it("publishes the kubelet identity's object id as the node identity", () => {
                const registered = component(run, "cluster").outputs;
                const kubelet = stateOf(aks, config.azureLocation).identityProfile.kubeletidentity.objectId;
                assert.strictEqual(registered.nodeIdentityId, kubelet);
            });
            it("hands workloads a kubeconfig that logs in with Entra (kubelogin)", () => {
                const kubeconfig = JSON.parse(out.cluster.kubeconfig);
                assert.strictEqual(kubeconfig.users[0].user.exec.command, "kubelogin");
                assert.match(kubeconfig.clusters[0].cluster.server, /^https:\/\//);
            });
        });

        describe("storage (StorageV2 account)", () => {
            let account: ResourceRecord;
            before(() => {
                // The stack's data account (the network's flow log account is tested in flow-logs.test.ts).
                account = exactly(run, T.account, `${config.project}-${stack}-storage-account`);
            });
            it("is HTTPS-only with TLS 1.2, infrastructure encryption, and no public or shared-key access", () => {
                const i = inputs(account);
                assert.deepStrictEqual(
                    {
                        kind: i.kind,
                        https: i.enableHttpsTrafficOnly,
                        tls: i.minimumTlsVersion,
                        infrastructureEncryption: i.encryption.requireInfrastructureEncryption,
                        publicBlobs: i.allowBlobPublicAccess,
                        sharedKey: i.allowSharedKeyAccess,
                        publicNetwork: i.publicNetworkAccess,
                        defaultAction: i.networkRuleSet.defaultAction,
                    },
                    {
                        kind: "StorageV2",
                        https: true,
                        tls: "TLS1_2",
                        infrastructureEncryption: true,
                        publicBlobs: false,
                        sharedKey: false,
                        publicNetwork: "Disabled",
                        defaultAction: "Deny",
                    },
                );
                assert.match(i.accountName, /^[a-z0-9]{3,24}$/);
            });
            // Prod keeps a copy in the paired region too (platform:backup copyToBackupRegion, issue 15 item 2).
            const replication = config.environment === "prod" ? "GZRS" : ha ? "ZRS" : "LRS";
            it(`replicates as ${replication}`, () => {
                assert.strictEqual(inputs(account).sku.name, `Standard_${replication}`);
            });
            it("versions blobs and soft-deletes blobs and containers", () => {
                const days = config.storage.noncurrentVersionRetentionDays ?? 30;
                const i = inputs(exactly(run, T.blobService, `${config.project}-${stack}-storage-blob-service`));
                assert.strictEqual(i.isVersioningEnabled, true);
                assert.deepStrictEqual(i.deleteRetentionPolicy, { enabled: true, days });
                assert.deepStrictEqual(i.containerDeleteRetentionPolicy, { enabled: true, days });
                const rule = inputs(exactly(run, T.lifecycle, `${config.project}-${stack}-storage-lifecycle`)).policy
                    .rules[0];
                assert.strictEqual(rule.definition.actions.version.delete.daysAfterCreationGreaterThan, days);
            });
            it("has a private blob container reached through a private endpoint", () => {
                assert.strictEqual(
                    inputs(exactly(run, T.container, `${config.project}-${stack}-storage-container`)).publicAccess,
                    "None",
                );
                const { endpoint, dns } = endpointOf(run, account);
                assert.deepStrictEqual(endpoint.privateLinkServiceConnections[0].groupIds, ["blob"]);
                assert.strictEqual(endpoint.privateLinkServiceConnections[0].privateLinkServiceId, idOf(account));
                assert.strictEqual(dns.privateDnsZoneConfigs[0].privateDnsZoneId, idOf(named(run, T.zone, "dns-blob")));
                assert.match(out.storage.endpoint, /^https:\/\/[a-z0-9]+\.blob\.core\.windows\.net\/data$/);
            });
        });

        describe("monitoring", () => {
            it("sends database, cache, cluster, blob and key vault logs and metrics to the workspace", () => {
                const workspaceId = idOf(one(run, T.workspace));
                const settings = ofType(run, T.diagnostics).map(inputs);
                assert.ok(settings.every((s) => s.workspaceId === workspaceId));
                const cache = one(run, T.redis);
                assert.deepStrictEqual(
                    settings.map((s) => s.resourceUri).sort(),
                    [
                        ...ofType(run, T.server).map(idOf),
                        idOf(cache),
                        `${idOf(cache)}/databases/default`,
                        idOf(one(run, T.aks)),
                        `${idOf(exactly(run, T.account, `${config.project}-${stack}-storage-account`))}/blobServices/default`,
                        ...ofType(run, "azure-native:keyvault:Vault").map(idOf),
                    ].sort(),
                );
                const aks = settings.find((s) => s.resourceUri === idOf(one(run, T.aks)));
                const categories = aks.logs.map((l: { category: string }) => l.category);
                for (const category of ["kube-apiserver", "kube-audit-admin", "guard"]) {
                    assert.ok(categories.includes(category), `cluster logs ${category}`);
                }
            });
            it(`e-mails ${config.alertEmail} from an action group`, () => {
                const group = one(run, T.actionGroup);
                assert.deepStrictEqual(
                    inputs(group).emailReceivers.map((r: { emailAddress: string }) => r.emailAddress),
                    [config.alertEmail],
                );
                assert.strictEqual(out.monitoring.alertDestinationId, idOf(group));
            });
            it("alerts on the same signals and thresholds as the AWS alarms, to the action group", () => {
                const groupId = idOf(one(run, T.actionGroup));
                const alerts = ofType(run, T.alert).map(inputs);
                const found = Object.fromEntries(
                    alerts.map((a) => [a.criteria.allOf[0].metricName, a.criteria.allOf[0].threshold]),
                );
                assert.deepStrictEqual(found, {
                    cpu_percent: alarmThresholds.databaseCpuPercent,
                    storage_percent: alarmThresholds.databaseStorageUsedPercent,
                    active_connections: alarmThresholds.databaseConnections,
                    percentProcessorTime: alarmThresholds.cacheCpuPercent,
                    usedmemorypercentage: alarmThresholds.cacheMemoryPercent,
                    evictedkeys: alarmThresholds.cacheEvictions,
                    kube_node_status_condition: 0,
                });
                assert.ok(alerts.every((a) => a.enabled && a.actions[0].actionGroupId === groupId));
                const scopes = new Set(alerts.flatMap((a) => a.scopes));
                assert.deepStrictEqual(
                    [...scopes].sort(),
                    [primaryServer(run), one(run, T.redis), one(run, T.aks)].map(idOf).sort(),
                );
            });
            it("publishes a workbook as the dashboard", () => {
                const workbook = one(run, T.workbook);
                assert.strictEqual(JSON.parse(inputs(workbook).serializedData).items.length, 8);
                assert.ok(out.monitoring.dashboardUrl.includes(idOf(workbook)));
            });
        });

        describe(config.deletionProtection ? "protection" : "no protection", () => {
            const stateful = [T.group, T.server, T.redis, T.redisDatabase, T.account, T.container];
            for (const type of stateful) {
                it(`${config.deletionProtection ? "protects and retains" : "neither protects nor retains"} ${type}`, () => {
                    // Every one of them: read replicas, and the flow log account, which is stateful like the data account.
                    const found = ofType(run, type);
                    assert.ok(found.length > 0, `no ${type}`);
                    for (const r of found) {
                        assert.deepStrictEqual(
                            [r.protect, r.retainOnDelete],
                            [config.deletionProtection, config.deletionProtection],
                            r.name,
                        );
                    }
                });
            }
        });

        describe("secrets", () => {
            it("keeps every password, key, connection string and kubeconfig secret in the outputs", () => {
                const o = run.outputs as Record<string, Record<string, unknown>>;
                for (const [capability, key] of [
                    ["database", "password"],
                    ["database", "connectionString"],
                    ["cache", "authToken"],
                    ["cache", "connectionString"],
                    ["cluster", "kubeconfig"],
                ]) {
                    assert.ok(isSecret(o[capability][key]), `${capability}.${key} is secret`);
                }
            });
        });
    });
}
