import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import type { input as inputs } from "@pulumi/azure-native/types";
import { PrivateDnsZoneRole, privateDnsZoneNames, privateEndpoint } from "../shared/azure";
import { azurePlacement } from "../shared/context";
import { vnetFlowLog } from "./azure-flow-logs";
import { NetworkArgs, NetworkOutputs, networkDefaults, subnetCidrs } from ".";

/** The ports data stores listen on inside the VNet: PostgreSQL, Azure Managed Redis (TLS), Blob (HTTPS). */
const POSTGRES_PORT = "5432";
const ENDPOINT_PORTS = ["10000", "443"];

/**
 * VNet with four regional subnets (Azure subnets span every zone, so one subnet per role serves all
 * zones): `public` for internet-facing load balancers or application gateways only, `nodes` for AKS
 * (Azure CNI overlay: pods take addresses outside the VNet), `data` delegated to PostgreSQL flexible
 * server, and `endpoints` for private endpoints (Redis, Blob). Network security groups admit the data and
 * endpoint ports only from the node subnet and deny the rest of the VNet. A fifth subnet, `apiserver`, is
 * delegated to AKS for API Server VNet Integration (KMS with the cluster's private key vault needs it). No
 * subnet has default outbound access; the cluster egresses through its Standard Load Balancer, whose outbound addresses are
 * zone-redundant, so egress survives the loss of a zone whatever `natGatewayPerZone` says. Private DNS
 * zones for PostgreSQL, Redis and Blob are created and linked to the VNet. VNet flow logs with traffic
 * analytics record its traffic (./azure-flow-logs.ts), as the VPC flow logs do on AWS.
 */
export function createAzureNetwork(name: string, args: NetworkArgs, parent: pulumi.Resource): NetworkOutputs {
    const { context } = args;
    const { resourceGroupName, location } = azurePlacement(context);
    const settings = networkDefaults(args);
    const opts = { parent };
    const at: Placement = { resourceGroupName, location, tags: context.tags };

    const vnet = new network.VirtualNetwork(
        `${name}-vnet`,
        { resourceGroupName, location, addressSpace: { addressPrefixes: [settings.cidrBlock] }, tags: at.tags },
        opts,
    );
    // The VNet is cut in sixteenths: the first four are the subnet roles, the fifth the API server's.
    const [publicCidr, nodesCidr, dataCidr, endpointsCidr, apiServerCidr] = subnetCidrs(settings.cidrBlock, 5);
    const cidrs: SubnetCidrs = { publicCidr, nodesCidr, dataCidr, endpointsCidr, apiServerCidr };
    const nsgs = securityGroups(name, cidrs, at, opts);
    const { publicSubnet, nodeSubnet, dataSubnet, endpointSubnet, apiServerSubnet } = subnets(
        name,
        vnet,
        cidrs,
        nsgs,
        at,
        parent,
    );
    const links = privateDnsZones(name, context, vnet, at, opts);
    const vaultEndpoints = keyVaultEndpoints(name, args, endpointSubnet, { parent, dependsOn: [links.vault] });
    vnetFlowLog(
        name,
        {
            context,
            vnet,
            retentionDays: settings.logRetentionDays,
            zoneRedundant: args.highAvailability ?? false,
        },
        parent,
    );

    return {
        networkId: vnet.id,
        cidrBlock: pulumi.output(settings.cidrBlock),
        zones: pulumi.output(["1", "2", "3"].slice(0, settings.zoneCount)),
        publicSubnetIds: pulumi.output([publicSubnet.id]),
        nodeSubnetIds: pulumi.output([nodeSubnet.id]),
        nodeCidrBlocks: pulumi.output([nodesCidr]),
        dataSubnetIds: pulumi.output([readyWhen(dataSubnet, links.postgres)]),
        endpointSubnetIds: pulumi.output([
            readyWhen(endpointSubnet, links.redis, links.blob, links.vault, ...vaultEndpoints),
        ]),
        apiServerSubnetIds: pulumi.output([apiServerSubnet.id]),
    };
}

/** Where the network's resources go and how they are tagged. */
interface Placement {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The address range of each subnet role, equal quarters of the VNet. */
interface SubnetCidrs {
    readonly publicCidr: string;
    readonly nodesCidr: string;
    readonly dataCidr: string;
    readonly endpointsCidr: string;
    readonly apiServerCidr: string;
}

/** The network security groups of the public, data and endpoint subnets. */
interface SecurityGroups {
    readonly publicNsg: network.NetworkSecurityGroup;
    readonly dataNsg: network.NetworkSecurityGroup;
    readonly endpointsNsg: network.NetworkSecurityGroup;
}

/** The last rule of the data and endpoint groups: nothing else in the VNet may connect. */
const DENY_REST_OF_VNET: inputs.network.SecurityRuleArgs = {
    name: "deny-vnet-inbound",
    description: "Nothing else in the VNet may connect",
    priority: 4000,
    direction: "Inbound",
    access: "Deny",
    protocol: "*",
    sourceAddressPrefix: "VirtualNetwork",
    sourcePortRange: "*",
    destinationAddressPrefix: "*",
    destinationPortRange: "*",
};

/** Security groups that admit web traffic to the public subnet and data/endpoint ports only from the nodes. */
function securityGroups(
    name: string,
    { publicCidr, nodesCidr, dataCidr, endpointsCidr }: SubnetCidrs,
    { resourceGroupName, location, tags }: Placement,
    opts: pulumi.CustomResourceOptions,
): SecurityGroups {
    const nsg = (role: string, securityRules: inputs.network.SecurityRuleArgs[]) =>
        new network.NetworkSecurityGroup(
            `${name}-${role}-nsg`,
            { resourceGroupName, location, securityRules, tags },
            opts,
        );
    const publicNsg = nsg("public", [
        {
            name: "allow-web-inbound",
            description: "Internet-facing load balancers serve HTTP(S) only",
            priority: 100,
            direction: "Inbound",
            access: "Allow",
            protocol: "Tcp",
            sourceAddressPrefix: "Internet",
            sourcePortRange: "*",
            destinationAddressPrefix: publicCidr,
            destinationPortRanges: ["80", "443"],
        },
    ]);
    const dataNsg = nsg("data", [
        {
            name: "allow-postgres-from-nodes",
            description: "PostgreSQL from the cluster's node subnet only",
            priority: 100,
            direction: "Inbound",
            access: "Allow",
            protocol: "Tcp",
            sourceAddressPrefix: nodesCidr,
            sourcePortRange: "*",
            destinationAddressPrefix: dataCidr,
            destinationPortRange: POSTGRES_PORT,
        },
        {
            name: "allow-within-data-subnet",
            description: "Replication between the primary and its zone-redundant standby",
            priority: 110,
            direction: "Inbound",
            access: "Allow",
            protocol: "*",
            sourceAddressPrefix: dataCidr,
            sourcePortRange: "*",
            destinationAddressPrefix: dataCidr,
            destinationPortRange: "*",
        },
        DENY_REST_OF_VNET,
    ]);
    const endpointsNsg = nsg("endpoints", [
        {
            name: "allow-endpoints-from-nodes",
            description: "Redis (TLS) and Blob (HTTPS) private endpoints from the cluster's node subnet only",
            priority: 100,
            direction: "Inbound",
            access: "Allow",
            protocol: "Tcp",
            sourceAddressPrefix: nodesCidr,
            sourcePortRange: "*",
            destinationAddressPrefix: endpointsCidr,
            destinationPortRanges: ENDPOINT_PORTS,
        },
        DENY_REST_OF_VNET,
    ]);
    return { publicNsg, dataNsg, endpointsNsg };
}

/** The five subnets, none with default outbound access, created one after another as Azure requires. */
function subnets(
    name: string,
    vnet: network.VirtualNetwork,
    { publicCidr, nodesCidr, dataCidr, endpointsCidr, apiServerCidr }: SubnetCidrs,
    { publicNsg, dataNsg, endpointsNsg }: SecurityGroups,
    { resourceGroupName }: Placement,
    parent: pulumi.Resource,
) {
    // Azure serialises subnet operations on a VNet: create the subnets one after another.
    let previous: pulumi.Resource | undefined;
    const subnet = (role: string, args: Omit<network.SubnetArgs, "resourceGroupName" | "virtualNetworkName">) => {
        const s = new network.Subnet(
            `${name}-${role}`,
            {
                resourceGroupName,
                virtualNetworkName: vnet.name,
                subnetName: role,
                defaultOutboundAccess: false,
                ...args,
            },
            { parent, dependsOn: previous ? [previous] : [] },
        );
        previous = s;
        return s;
    };
    const publicSubnet = subnet("public", { addressPrefix: publicCidr, networkSecurityGroup: { id: publicNsg.id } });
    const nodeSubnet = subnet("nodes", { addressPrefix: nodesCidr });
    const dataSubnet = subnet("data", {
        addressPrefix: dataCidr,
        networkSecurityGroup: { id: dataNsg.id },
        delegations: [{ name: "postgres", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
    });
    const endpointSubnet = subnet("endpoints", {
        addressPrefix: endpointsCidr,
        networkSecurityGroup: { id: endpointsNsg.id },
        // Network security groups apply to the private endpoints in this subnet.
        privateEndpointNetworkPolicies: "Enabled",
    });
    const apiServerSubnet = subnet("apiserver", {
        addressPrefix: apiServerCidr,
        // API Server VNet Integration: "you must create and delegate an API server subnet to
        // Microsoft.ContainerService/managedClusters ... The minimum supported API server subnet size is a /28"
        // and "an AKS cluster reserves at least 9 IPs" (MicrosoftDocs/azure-aks-docs@articles/aks/
        // api-server-vnet-integration.md). A sixteenth of the VNet (/20 of a /16, /24 of a /20) leaves the
        // API server room to scale. No NSG: the defaults admit what it needs (nodes on 443/4443, the Azure
        // load balancer on 9988, same article, "NSG security rules").
        delegations: [{ name: "aks-apiserver", serviceName: "Microsoft.ContainerService/managedClusters" }],
    });
    return { publicSubnet, nodeSubnet, dataSubnet, endpointSubnet, apiServerSubnet };
}

/** The private DNS zones of PostgreSQL, Redis, Blob and Key Vault, each linked to the VNet; returns the links. */
function privateDnsZones(
    name: string,
    context: NetworkArgs["context"],
    vnet: network.VirtualNetwork,
    { resourceGroupName, tags }: Placement,
    opts: pulumi.CustomResourceOptions,
): Record<PrivateDnsZoneRole, privatedns.VirtualNetworkLink> {
    const zoneNames = privateDnsZoneNames(context);
    return Object.fromEntries(
        (Object.keys(zoneNames) as PrivateDnsZoneRole[]).map((role) => {
            const zone = new privatedns.PrivateZone(
                `${name}-dns-${role}`,
                { resourceGroupName, location: "Global", privateZoneName: zoneNames[role], tags },
                opts,
            );
            const link = new privatedns.VirtualNetworkLink(
                `${name}-dns-${role}-link`,
                {
                    resourceGroupName,
                    location: "Global",
                    privateZoneName: zone.name,
                    virtualNetwork: { id: vnet.id },
                    registrationEnabled: false,
                    tags,
                },
                opts,
            );
            return [role, link];
        }),
    ) as Record<PrivateDnsZoneRole, privatedns.VirtualNetworkLink>;
}

/**
 * A subnet's id once the private DNS zones its tenants register in are linked to the VNet, so consumers
 * depend on both (and find their zone by its well-known id, see shared/azure.ts).
 */
function readyWhen(s: network.Subnet, ...deps: pulumi.Resource[]): pulumi.Output<string> {
    return pulumi.all([s.id, ...deps.map((d) => d.urn)]).apply(([id]) => id);
}

/**
 * Private endpoints for the stack's Key Vaults in the endpoint subnet, registered in privatelink.vaultcore.azure.net
 * (the data subnet cannot hold them: it is delegated to PostgreSQL flexible server, and "a delegated subnet
 * can only be used by flexible servers", https://learn.microsoft.com/azure/postgresql/network/concepts-networking-private#virtual-network-concepts).
 * The vaults themselves accept no public traffic; the data stores reach them as trusted services.
 */
function keyVaultEndpoints(
    name: string,
    args: NetworkArgs,
    endpointSubnet: network.Subnet,
    opts: pulumi.CustomResourceOptions,
): network.PrivateEndpoint[] {
    const { keyVaults } = azurePlacement(args.context);
    return Object.entries(keyVaults).map(([role, vault]) =>
        privateEndpoint(
            `${name}-${role === "primary" ? "kv" : "kvgeo"}`,
            {
                context: args.context,
                subnetId: endpointSubnet.id,
                targetId: vault!.id,
                groupId: "vault",
                zone: "vault",
            },
            opts,
        ),
    );
}
