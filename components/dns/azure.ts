import * as pulumi from "@pulumi/pulumi";
import * as dns from "@pulumi/azure-native/dns";
import { azurePlacement, statefulOptions } from "../shared/context";
import { DnsArgs, DnsOutputs } from ".";

/**
 * A public Azure DNS zone: created in the stack's resource group (`create: true`, protected with the stack,
 * since a new zone gets new name servers) or looked up by name in `azure.resourceGroupName` (default: the
 * stack's group) with `dns.getZone` (https://www.pulumi.com/registry/packages/azure-native/api-docs/dns/getzone/).
 * Azure DNS zones are global: their location is always "global"
 * (https://learn.microsoft.com/en-us/azure/templates/microsoft.network/dnszones).
 */
export function createAzureDns(name: string, args: DnsArgs, parent: pulumi.Resource): DnsOutputs {
    const placement = azurePlacement(args.context);
    const resourceGroupName = pulumi.output(args.azure?.resourceGroupName ?? placement.resourceGroupName);
    if (args.create) {
        const zone = new dns.Zone(
            `${name}-zone`,
            {
                resourceGroupName,
                zoneName: args.zone,
                location: "global",
                zoneType: "Public",
                tags: args.context.tags,
            },
            { parent, ...statefulOptions(args.context) },
        );
        return outputsOf(args.zone, zone.id, zone.nameServers, resourceGroupName);
    }
    const found = dns.getZoneOutput({ resourceGroupName, zoneName: args.zone }, { parent });
    return outputsOf(args.zone, found.id, found.nameServers, resourceGroupName);
}

function outputsOf(
    zone: string,
    id: pulumi.Output<string>,
    nameServers: pulumi.Output<string[]>,
    resourceGroupName: pulumi.Output<string>,
): DnsOutputs {
    return {
        zoneName: pulumi.output(zone),
        zoneId: id,
        nameServers,
        // DNS Zone Contributor is assigned at the zone's own resource id, nothing wider.
        zoneResourceId: id,
        resourceGroupName,
    };
}
