import * as pulumi from "@pulumi/pulumi";
import * as cdn from "@pulumi/azure-native/cdn";
import * as dns from "@pulumi/azure-native/dns";

/** A host's name relative to its zone ("app" for app.example.com in example.com; "@" for the apex). */
export function relativeName(host: string, zone: string): string {
    return host === zone ? "@" : host.slice(0, -(zone.length + 1));
}

/**
 * One Front Door custom domain per host, with a Front Door managed certificate (TLS 1.2 minimum) validated in
 * the Azure DNS zone: the `_dnsauth` TXT record with the domain's validation token, and the host's record
 * pointing at the endpoint (CNAME; an alias A record at the apex), as
 * https://learn.microsoft.com/en-us/azure/frontdoor/standard-premium/how-to-add-custom-domain describes.
 */
export function customDomains(
    name: string,
    args: {
        readonly hosts: string[];
        readonly profileName: pulumi.Input<string>;
        readonly resourceGroupName: pulumi.Input<string>;
        readonly zone: {
            readonly zoneId: pulumi.Input<string>;
            readonly zoneName: string;
            readonly resourceGroupName: pulumi.Input<string>;
        };
        readonly endpoint: cdn.AFDEndpoint;
    },
    opts: pulumi.CustomResourceOptions,
): cdn.AFDCustomDomain[] {
    return args.hosts.map((host, i) => {
        const domain = new cdn.AFDCustomDomain(
            `${name}-domain-${i}`,
            {
                resourceGroupName: args.resourceGroupName,
                profileName: args.profileName,
                hostName: host,
                azureDnsZone: { id: args.zone.zoneId },
                tlsSettings: { certificateType: "ManagedCertificate", minimumTlsVersion: "TLS12" },
            },
            opts,
        );
        const relative = relativeName(host, args.zone.zoneName);
        const record = { resourceGroupName: args.zone.resourceGroupName, zoneName: args.zone.zoneName, ttl: 3600 };
        new dns.RecordSet(
            `${name}-domain-${i}-validation`,
            {
                ...record,
                recordType: "TXT",
                relativeRecordSetName: relative === "@" ? "_dnsauth" : `_dnsauth.${relative}`,
                txtRecords: [{ value: [domain.validationProperties.apply((v) => v.validationToken)] }],
            },
            opts,
        );
        new dns.RecordSet(
            `${name}-domain-${i}-record`,
            relative === "@"
                ? { ...record, recordType: "A", relativeRecordSetName: "@", targetResource: { id: args.endpoint.id } }
                : {
                      ...record,
                      recordType: "CNAME",
                      relativeRecordSetName: relative,
                      cnameRecord: { cname: args.endpoint.hostName },
                  },
            opts,
        );
        return domain;
    });
}
