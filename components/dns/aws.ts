import * as pulumi from "@pulumi/pulumi";
import * as route53 from "@pulumi/aws/route53";
import { statefulOptions } from "../shared/context";
import { DnsArgs, DnsOutputs } from ".";

/**
 * A public Route 53 hosted zone: created (`create: true`, protected with the stack, since a new zone gets new
 * name servers) or looked up by name among the account's public zones (`route53.getZone` with
 * `privateZone: false`: https://www.pulumi.com/registry/packages/aws/api-docs/route53/getzone/).
 */
export function createAwsDns(name: string, args: DnsArgs, parent: pulumi.Resource): DnsOutputs {
    const zone = args.create ? createdZone(name, args, parent) : existingZone(args, parent);
    return {
        zoneName: pulumi.output(args.zone),
        zoneId: zone.zoneId,
        nameServers: zone.nameServers,
        // The hosted zone's ARN, which IAM scopes route53:ChangeResourceRecordSets to
        // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonroute53.html, "hostedzone").
        zoneResourceId: zone.zoneId.apply((id) => `arn:aws:route53:::hostedzone/${id}`),
        resourceGroupName: pulumi.output(""),
    };
}

interface ZoneRef {
    readonly zoneId: pulumi.Output<string>;
    readonly nameServers: pulumi.Output<string[]>;
}

/** A new public hosted zone; `forceDestroy` stays off so records made outside the program are never wiped. */
function createdZone(name: string, args: DnsArgs, parent: pulumi.Resource): ZoneRef {
    const zone = new route53.Zone(
        `${name}-zone`,
        { name: args.zone, comment: `Public zone of ${args.context.namePrefix}`, forceDestroy: false },
        { parent, ...statefulOptions(args.context) },
    );
    return { zoneId: zone.zoneId, nameServers: zone.nameServers };
}

/** The account's existing public hosted zone of that name. */
function existingZone(args: DnsArgs, parent: pulumi.Resource): ZoneRef {
    const found = route53.getZoneOutput({ name: args.zone, privateZone: false }, { parent });
    return { zoneId: found.zoneId, nameServers: found.nameServers };
}
