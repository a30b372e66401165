import { Exactly, Infer, bool, checked, key, obj, str } from "../shared/schema";
import { CapabilityConfig, CheckContext } from "../shared/settings";
import type { AzureDnsOptions } from ".";

/**
 * `platform:dns`: the stack's public DNS zone, optional. `{}` (the default) means no zone: the program then
 * publishes no records, and hosts are pointed at the load balancer (or the CDN) by hand. With `zone` set,
 * the zone is created (`create: true`) or an existing one is looked up by name, external-dns publishes the
 * routes' hosts into it, and the CDN's certificates are validated through it. Composed with every other
 * capability's by components/shared/config.ts.
 */

/** A public DNS zone name: two or more labels, lowercase, no trailing dot (RFC 1035 label rules). */
export const ZONE_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

const zoneField = checked('a DNS zone name such as "example.com"', zoneNameProblem);

const azureDns = obj({
    resourceGroupName: str({
        pattern: /^[-\w._()]{1,90}$/,
        allowed: "an Azure resource group name (1-90 letters, digits, _ - . ( ))",
    }),
});
const contractsMatch: [Exactly<Infer<typeof azureDns>, AzureDnsOptions>] = [true];
void contractsMatch;

const dnsField = obj({ zone: zoneField, create: bool(), azure: azureDns });

/** The validated `platform:dns` object. */
export type DnsConfig = Infer<typeof dnsField>;

/** What is wrong with a zone name, with its fix; undefined when it is fine. */
function zoneNameProblem(value: string): { allowed: string; fix: string } | undefined {
    const allowed = 'a DNS zone name of two or more lowercase labels, without a trailing dot, such as "example.com"';
    if (ZONE_NAME.test(value)) return undefined;
    const suggestion = value.trim().toLowerCase().replace(/\.$/, "");
    const fix = ZONE_NAME.test(suggestion)
        ? `Set "zone" in platform:dns to "${suggestion}"`
        : 'Set "zone" in platform:dns to the domain you own, e.g. "example.com"';
    return { allowed, fix };
}

/** Any other field needs `zone`; the Azure bag's resource group names an existing zone's group only. */
function checkDns(dns: DnsConfig, ctx: CheckContext): void {
    const fields = Object.keys(dns);
    if (fields.length > 0 && dns.zone === undefined) {
        ctx.report(
            "dns.zone",
            undefined,
            'a zone name whenever platform:dns is set (e.g. {"zone": "example.com"})',
            'Add "zone" to platform:dns, or remove platform:dns to run without a DNS zone',
        );
    }
    const group = dns.azure?.resourceGroupName;
    if (group !== undefined && ctx.settings.cloud !== "azure") {
        ctx.report(
            "dns.azure.resourceGroupName",
            group,
            "the Azure bag only when platform:cloud is azure",
            'Remove "azure" from platform:dns',
        );
    } else if (group !== undefined && dns.create === true) {
        ctx.report(
            "dns.azure.resourceGroupName",
            group,
            "a resource group only for an existing zone (create: false); a created zone goes in the stack's resource group",
            'Remove "resourceGroupName", or set "create" to false to use the zone that exists in that group',
        );
    }
}

export const DNS_CONFIG: CapabilityConfig<typeof dnsField> = {
    key: key(
        dnsField,
        {},
        "JSON: the stack's public DNS zone {zone, create, azure: {resourceGroupName}}; {} for none.",
    ),
    checks: [checkDns],
};
