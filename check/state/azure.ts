import { DEFAULT_KUBERNETES_VERSION } from "../../components/shared/facts/kubernetes";
import { SUBSCRIPTION_ID, TENANT_ID } from "../invokes";
import { NewResource, StateFn, hash } from "./common";

/**
 * Azure resources as Azure Resource Manager would report them: resource ids in ARM's shape, the physical
 * name (the explicit name input, or the logical name plus a suffix as the provider's auto-naming does), and
 * the properties the service computes (host names, endpoints, identities).
 */

/** A stable GUID-shaped string derived from text. */
const guid = (text: string) =>
    `${hash(text, 8)}-${hash(text + 1, 4)}-4${hash(text + 2, 3)}-8${hash(text + 3, 3)}-${hash(text + 4, 12)}`;

interface AzureType {
    /** The input holding the resource's own name. */
    readonly nameInput?: string;
    /** Path under `/providers/` for resources in a resource group, given the inputs and the physical name. */
    readonly path?: (inputs: Record<string, unknown>, name: string) => string;
    /** The whole id, for extension resources that live under another resource (`scope`, `resourceUri`). */
    readonly id?: (inputs: Record<string, unknown>, name: string) => string;
}

const types: Record<string, AzureType> = {
    "azure-native:resources:ResourceGroup": {
        nameInput: "resourceGroupName",
        id: (_, name) => `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${name}`,
    },
    "azure-native:operationalinsights:Workspace": {
        nameInput: "workspaceName",
        path: (_, n) => `Microsoft.OperationalInsights/workspaces/${n}`,
    },
    "azure-native:network:VirtualNetwork": {
        nameInput: "virtualNetworkName",
        path: (_, n) => `Microsoft.Network/virtualNetworks/${n}`,
    },
    "azure-native:network:NetworkSecurityGroup": {
        nameInput: "networkSecurityGroupName",
        path: (_, n) => `Microsoft.Network/networkSecurityGroups/${n}`,
    },
    "azure-native:network:Subnet": {
        nameInput: "subnetName",
        path: (i, n) => `Microsoft.Network/virtualNetworks/${i.virtualNetworkName}/subnets/${n}`,
    },
    "azure-native:network:PrivateEndpoint": {
        nameInput: "privateEndpointName",
        path: (_, n) => `Microsoft.Network/privateEndpoints/${n}`,
    },
    "azure-native:network:PrivateDnsZoneGroup": {
        nameInput: "privateDnsZoneGroupName",
        path: (i, n) => `Microsoft.Network/privateEndpoints/${i.privateEndpointName}/privateDnsZoneGroups/${n}`,
    },
    "azure-native:privatedns:PrivateZone": {
        nameInput: "privateZoneName",
        path: (_, n) => `Microsoft.Network/privateDnsZones/${n}`,
    },
    "azure-native:privatedns:VirtualNetworkLink": {
        nameInput: "virtualNetworkLinkName",
        path: (i, n) => `Microsoft.Network/privateDnsZones/${i.privateZoneName}/virtualNetworkLinks/${n}`,
    },
    "azure-native:dbforpostgresql:Server": {
        nameInput: "serverName",
        path: (_, n) => `Microsoft.DBforPostgreSQL/flexibleServers/${n}`,
    },
    "azure-native:dbforpostgresql:Database": {
        nameInput: "databaseName",
        path: (i, n) => `Microsoft.DBforPostgreSQL/flexibleServers/${i.serverName}/databases/${n}`,
    },
    "azure-native:dbforpostgresql:Configuration": {
        nameInput: "configurationName",
        path: (i, n) => `Microsoft.DBforPostgreSQL/flexibleServers/${i.serverName}/configurations/${n}`,
    },
    "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": {
        nameInput: "objectId",
        path: (i, n) => `Microsoft.DBforPostgreSQL/flexibleServers/${i.serverName}/administrators/${n}`,
    },
    "azure-native:keyvault:Vault": {
        nameInput: "vaultName",
        path: (_, n) => `Microsoft.KeyVault/vaults/${n}`,
    },
    "azure-native:keyvault:Key": {
        nameInput: "keyName",
        path: (i, n) => `Microsoft.KeyVault/vaults/${i.vaultName}/keys/${n}`,
    },
    "azure-native:redisenterprise:RedisEnterprise": {
        nameInput: "clusterName",
        path: (_, n) => `Microsoft.Cache/redisEnterprise/${n}`,
    },
    "azure-native:redisenterprise:Database": {
        nameInput: "databaseName",
        path: (i, n) => `Microsoft.Cache/redisEnterprise/${i.clusterName}/databases/${n}`,
    },
    "azure-native:containerservice:ManagedCluster": {
        nameInput: "resourceName",
        path: (_, n) => `Microsoft.ContainerService/managedClusters/${n}`,
    },
    "azure-native:managedidentity:UserAssignedIdentity": {
        nameInput: "resourceName",
        path: (_, n) => `Microsoft.ManagedIdentity/userAssignedIdentities/${n}`,
    },
    "azure-native:managedidentity:FederatedIdentityCredential": {
        nameInput: "federatedIdentityCredentialResourceName",
        path: (i, n) =>
            `Microsoft.ManagedIdentity/userAssignedIdentities/${i.resourceName}/federatedIdentityCredentials/${n}`,
    },
    "azure-native:compute:DiskEncryptionSet": {
        nameInput: "diskEncryptionSetName",
        path: (_, n) => `Microsoft.Compute/diskEncryptionSets/${n}`,
    },
    "azure-native:containerregistry:Registry": {
        nameInput: "registryName",
        path: (_, n) => `Microsoft.ContainerRegistry/registries/${n}`,
    },
    "azure-native:authorization:RoleAssignment": {
        nameInput: "roleAssignmentName",
        id: (i, n) => `${i.scope}/providers/Microsoft.Authorization/roleAssignments/${n}`,
    },
    "azure-native:monitor:DataCollectionRule": {
        nameInput: "dataCollectionRuleName",
        path: (_, n) => `Microsoft.Insights/dataCollectionRules/${n}`,
    },
    "azure-native:monitor:DataCollectionEndpoint": {
        nameInput: "dataCollectionEndpointName",
        path: (_, n) => `Microsoft.Insights/dataCollectionEndpoints/${n}`,
    },
    "azure-native:monitor:AzureMonitorWorkspace": {
        nameInput: "azureMonitorWorkspaceName",
        path: (_, n) => `Microsoft.Monitor/accounts/${n}`,
    },
    "azure-native:alertsmanagement:PrometheusRuleGroup": {
        nameInput: "ruleGroupName",
        path: (_, n) => `Microsoft.AlertsManagement/prometheusRuleGroups/${n}`,
    },
    "azure-native:monitor:DataCollectionRuleAssociation": {
        nameInput: "associationName",
        id: (i, n) => `${i.resourceUri}/providers/Microsoft.Insights/dataCollectionRuleAssociations/${n}`,
    },
    "azure-native:storage:StorageAccount": {
        nameInput: "accountName",
        path: (_, n) => `Microsoft.Storage/storageAccounts/${n}`,
    },
    "azure-native:storage:BlobServiceProperties": {
        nameInput: "blobServicesName",
        path: (i, n) => `Microsoft.Storage/storageAccounts/${i.accountName}/blobServices/${n}`,
    },
    "azure-native:storage:BlobContainer": {
        nameInput: "containerName",
        path: (i, n) => `Microsoft.Storage/storageAccounts/${i.accountName}/blobServices/default/containers/${n}`,
    },
    "azure-native:authorization:ManagementLockByScope": {
        nameInput: "lockName",
        id: (i, n) => `${i.scope}/providers/Microsoft.Authorization/locks/${n}`,
    },
    "azure-native:storage:ManagementPolicy": {
        nameInput: "managementPolicyName",
        path: (i, n) => `Microsoft.Storage/storageAccounts/${i.accountName}/managementPolicies/${n}`,
    },
    "azure-native:monitor:DiagnosticSetting": {
        nameInput: "name",
        id: (i, n) => `${i.resourceUri}/providers/Microsoft.Insights/diagnosticSettings/${n}`,
    },
    "azure-native:monitor:ActionGroup": {
        nameInput: "actionGroupName",
        path: (_, n) => `Microsoft.Insights/actionGroups/${n}`,
    },
    "azure-native:monitor:MetricAlert": {
        nameInput: "ruleName",
        path: (_, n) => `Microsoft.Insights/metricAlerts/${n}`,
    },
    "azure-native:applicationinsights:Workbook": {
        nameInput: "resourceName",
        path: (_, n) => `Microsoft.Insights/workbooks/${n}`,
    },
    // The edge (components/dns, components/cdn).
    "azure-native:dns:Zone": { nameInput: "zoneName", path: (_, n) => `Microsoft.Network/dnszones/${n}` },
    "azure-native:cdn:Profile": { nameInput: "profileName", path: (_, n) => `Microsoft.Cdn/profiles/${n}` },
    "azure-native:cdn:AFDEndpoint": {
        nameInput: "endpointName",
        path: (i, n) => `Microsoft.Cdn/profiles/${i.profileName}/afdEndpoints/${n}`,
    },
    "azure-native:cdn:AFDOriginGroup": {
        nameInput: "originGroupName",
        path: (i, n) => `Microsoft.Cdn/profiles/${i.profileName}/originGroups/${n}`,
    },
    "azure-native:cdn:AFDCustomDomain": {
        nameInput: "customDomainName",
        path: (i, n) => `Microsoft.Cdn/profiles/${i.profileName}/customDomains/${n}`,
    },
    "azure-native:frontdoor:Policy": {
        nameInput: "policyName",
        path: (_, n) => `Microsoft.Network/frontdoorWebApplicationFirewallPolicies/${n}`,
    },
};

/** The physical name: the explicit name input, or what auto-naming would give (a GUID where Azure wants one). */
function physicalName(r: NewResource): string {
    const spec = types[r.type];
    const explicit = spec?.nameInput ? r.inputs[spec.nameInput] : undefined;
    if (typeof explicit === "string" && explicit) {
        return explicit;
    }
    if (r.type === "azure-native:authorization:RoleAssignment") {
        return guid(r.name);
    }
    if (r.type === "azure-native:storage:BlobServiceProperties") {
        return "default";
    }
    return `${r.name}-${hash(r.name)}`;
}

/** The ARM resource id of an Azure resource, or undefined for a type this table does not know. */
export function azureResourceId(r: NewResource): string | undefined {
    const spec = types[r.type];
    if (!spec) {
        return undefined;
    }
    const name = physicalName(r);
    if (spec.id) {
        return spec.id(r.inputs, name);
    }
    return `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${r.inputs.resourceGroupName}/providers/${spec.path!(r.inputs, name)}`;
}

const withName: StateFn = (r) => ({ name: physicalName(r) });

/** Provider-computed outputs of Azure resources, on top of their inputs. */
export const azureState: Record<string, StateFn> = {
    ...Object.fromEntries(Object.keys(types).map((t) => [t, withName])),
    // Azure DNS hands a new zone four name servers of one of its sets (https://learn.microsoft.com/en-us/azure/dns/dns-delegate-domain-azure-dns).
    "azure-native:dns:Zone": (r) => ({
        name: physicalName(r),
        nameServers: [1, 2, 3, 4].map((n) => `ns${n}-0${n}.azure-dns.${["com", "net", "org", "info"][n - 1]}.`),
    }),
    "azure-native:cdn:Profile": (r) => ({ name: physicalName(r), frontDoorId: guid(`frontdoor/${r.name}`) }),
    "azure-native:cdn:AFDEndpoint": (r) => {
        const name = physicalName(r);
        return { name, hostName: `${name}-${hash(r.name, 10)}.z01.azurefd.net` };
    },
    "azure-native:cdn:AFDCustomDomain": (r) => ({
        name: physicalName(r),
        validationProperties: { validationToken: `_${hash(`token/${r.name}`, 32)}`, expirationDate: "2026-12-08" },
    }),
    "azure-native:operationalinsights:Workspace": (r) => ({
        name: physicalName(r),
        customerId: guid(`workspace/${r.name}`),
        provisioningState: "Succeeded",
    }),
    "azure-native:dbforpostgresql:Server": (r) => {
        const name = physicalName(r);
        return {
            name,
            fullyQualifiedDomainName: `${name}.postgres.database.azure.com`,
            minorVersion: r.inputs.version === "16" ? "10" : "6",
            state: "Ready",
            replicaCapacity: 5,
        };
    },
    // A vault's data-plane URI and a key's versionless and versioned URIs, as Key Vault reports them.
    "azure-native:keyvault:Vault": (r) => {
        const name = physicalName(r);
        const properties = (r.inputs.properties ?? {}) as Record<string, unknown>;
        return { name, properties: { ...properties, vaultUri: `https://${name}.vault.azure.net/` } };
    },
    "azure-native:keyvault:Key": (r) => {
        const name = physicalName(r);
        const keyUri = `https://${r.inputs.vaultName}.vault.azure.net/keys/${name}`;
        return { name, keyUri, keyUriWithVersion: `${keyUri}/${hash(`key/${r.name}`, 32)}` };
    },
    "azure-native:redisenterprise:RedisEnterprise": (r, at) => {
        const name = physicalName(r);
        return {
            name,
            hostName: `${name}.${at.location}.redis.azure.net`,
            redisVersion: "7.4",
            provisioningState: "Succeeded",
            resourceState: "Running",
            redundancyMode: r.inputs.highAvailability === "Disabled" ? "None" : "ZR",
        };
    },
    "azure-native:redisenterprise:Database": (r) => ({
        name: physicalName(r),
        port: r.inputs.port ?? 10000,
        provisioningState: "Succeeded",
        redisVersion: "7.4",
    }),
    // A resource with a system-assigned identity gets its principal when it is created.
    "azure-native:compute:DiskEncryptionSet": (r) => ({
        name: physicalName(r),
        identity: { type: "SystemAssigned", principalId: guid(`principal/${r.name}`), tenantId: TENANT_ID },
    }),
    "azure-native:managedidentity:UserAssignedIdentity": (r) => ({
        name: physicalName(r),
        principalId: guid(`principal/${r.name}`),
        clientId: guid(`client/${r.name}`),
        tenantId: TENANT_ID,
    }),
    "azure-native:containerservice:ManagedCluster": (r, at) => {
        const name = physicalName(r);
        const dnsPrefix = String(r.inputs.dnsPrefix ?? name);
        const suffix = hash(`aks/${name}`, 8);
        const profile = (r.inputs.apiServerAccessProfile ?? {}) as { enablePrivateCluster?: boolean };
        const kubelet = `${name}-agentpool`;
        const nodeResourceGroup = String(
            r.inputs.nodeResourceGroup ?? `MC_${r.inputs.resourceGroupName}_${name}_${at.location}`,
        );
        return {
            name,
            fqdn: `${dnsPrefix}-${suffix}.hcp.${at.location}.azmk8s.io`,
            privateFQDN: profile.enablePrivateCluster
                ? `${dnsPrefix}-${suffix}.${guid(`dns/${name}`)}.privatelink.${at.location}.azmk8s.io`
                : "",
            azurePortalFQDN: `${dnsPrefix}-${suffix}.portal.hcp.${at.location}.azmk8s.io`,
            // AKS reports the full patch version it runs for the requested minor.
            currentKubernetesVersion: `${r.inputs.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION}.3`,
            nodeResourceGroup,
            oidcIssuerProfile: {
                enabled: true,
                issuerURL: `https://${at.location}.oic.prod-aks.azure.com/${TENANT_ID}/${guid(`oidc/${name}`)}/`,
            },
            identityProfile: {
                kubeletidentity: {
                    clientId: guid(`kubelet-client/${name}`),
                    objectId: guid(`kubelet-object/${name}`),
                    resourceId: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${nodeResourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${kubelet}`,
                },
            },
            provisioningState: "Succeeded",
        };
    },
    // A data collection endpoint's ingestion host and a rule's immutable id, as Azure Monitor assigns them.
    "azure-native:monitor:DataCollectionEndpoint": (r, at) => {
        const name = physicalName(r);
        return {
            name,
            metricsIngestion: {
                endpoint: `https://${name}-${hash(name, 4)}.${at.location}-1.metrics.ingest.monitor.azure.com`,
            },
            logsIngestion: { endpoint: `https://${name}-${hash(name, 4)}.${at.location}-1.ingest.monitor.azure.com` },
        };
    },
    "azure-native:monitor:DataCollectionRule": (r) => ({
        name: physicalName(r),
        immutableId: `dcr-${hash(`dcr/${r.name}`, 32)}`,
    }),
    "azure-native:containerregistry:Registry": (r) => {
        const name = physicalName(r);
        return { name, loginServer: `${name.toLowerCase()}.azurecr.io`, provisioningState: "Succeeded" };
    },
    "azure-native:storage:StorageAccount": (r, at) => {
        const name = physicalName(r);
        const endpoint = (service: string) => `https://${name}.${service}.core.windows.net/`;
        return {
            name,
            primaryLocation: at.location,
            primaryEndpoints: {
                blob: endpoint("blob"),
                dfs: endpoint("dfs"),
                file: endpoint("file"),
                queue: endpoint("queue"),
                table: endpoint("table"),
                web: `https://${name}.z6.web.core.windows.net/`,
            },
            provisioningState: "Succeeded",
        };
    },
};
