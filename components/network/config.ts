import { AZURE_CLUSTER_RANGES } from "../shared/catalog";
import { Infer, bool, checked, int, key, obj } from "../shared/schema";
import { CapabilityConfig, CheckContext } from "../shared/settings";
import { privateNetworkProblem } from "../shared/values";

/**
 * `platform:network`: the network's overrides (address range, zones, NAT per zone) and the checks that
 * concern them. Composed with every other capability's by components/shared/config.ts.
 */

const networkField = obj({
    cidrBlock: checked('a private IPv4 network from /16 to /20 such as "10.0.0.0/16"', privateNetworkProblem),
    zoneCount: int(2, 3, "zones"),
    natGatewayPerZone: bool(),
});

/** The validated `platform:network` object. */
export type NetworkConfig = Infer<typeof networkField>;

/** Whether two IPv4 CIDR ranges share any address. */
function cidrsOverlap(a: string, b: string): boolean {
    const range = (cidr: string) => {
        const [address, prefix] = cidr.split("/");
        const start = address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
        const size = 2 ** (32 - Number(prefix));
        const first = start - (start % size);
        return [first, first + size - 1];
    };
    const [aStart, aEnd] = range(a);
    const [bStart, bEnd] = range(b);
    return aStart <= bEnd && bStart <= aEnd;
}

/** On Azure the VNet must not overlap AKS's pod and service ranges (AZURE_CLUSTER_RANGES). */
function checkClusterRanges(network: NetworkConfig, ctx: CheckContext): void {
    if (ctx.settings.cloud !== "azure") return;
    const cidrBlock = network.cidrBlock ?? "10.0.0.0/16";
    const clash = Object.values(AZURE_CLUSTER_RANGES).find((range) => cidrsOverlap(cidrBlock, range));
    if (clash) {
        ctx.report(
            "network.cidrBlock",
            cidrBlock,
            `a range that does not overlap ${Object.values(AZURE_CLUSTER_RANGES).join(" or ")} on Azure (AKS's pod and service ranges; it overlaps ${clash})`,
            `Set "cidrBlock" in platform:network to a range outside them, e.g. "10.0.0.0/16".`,
        );
    }
}

export const NETWORK_CONFIG: CapabilityConfig<typeof networkField> = {
    key: key(networkField, {}, "JSON: network overrides {cidrBlock, zoneCount, natGatewayPerZone}."),
    checks: [checkClusterRanges],
};
