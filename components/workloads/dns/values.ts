import { EXTERNAL_DNS_SERVICE_ACCOUNT } from ".";

/**
 * external-dns's chart values every cloud shares (kubernetes-sigs/external-dns@external-dns-helm-chart-1.21.1
 * charts/external-dns/values.yaml):
 * - `sources: [gateway-httproute]`: the hosts of the Gateway API HTTPRoutes, with the address of the Gateway
 *   they attach to (docs/sources/gateway-api.md);
 * - `policy: sync`: a route's record is deleted when the route goes, so no name keeps pointing at an address
 *   the cloud may hand to someone else (a dangling record is a takeover risk); `upsert-only` would leave it.
 *   Sync only deletes records whose TXT ownership record carries this instance's owner id
 *   (docs/registry/txt.md), so records made by hand or by the CDN are never touched;
 * - `txtOwnerId` per stack, so two stacks sharing a zone never delete each other's records;
 * - `domainFilters` is the zone, and `--zone-id-filter` (the cloud's values) pins the one zone id
 *   (docs/flags.md); `excludeDomains` leaves the CDN's hosts to the CDN.
 */
export function externalDnsValues(args: {
    readonly ownerId: string;
    readonly zoneName: string;
    readonly excludeHosts: string[];
    readonly gatewayNamespace?: string;
    readonly cloud: Record<string, unknown>;
}): Record<string, unknown> {
    const { serviceAccount, ...cloud } = args.cloud as { serviceAccount?: object };
    return {
        fullnameOverride: "external-dns",
        serviceAccount: { create: true, name: EXTERNAL_DNS_SERVICE_ACCOUNT, ...(serviceAccount ?? {}) },
        sources: ["gateway-httproute"],
        policy: "sync",
        registry: "txt",
        txtOwnerId: args.ownerId,
        domainFilters: [args.zoneName],
        excludeDomains: args.excludeHosts,
        ...(args.gatewayNamespace ? { gatewayNamespace: args.gatewayNamespace } : {}),
        interval: "1m",
        triggerLoopOnEvent: true,
        logFormat: "json",
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
        ...cloud,
    };
}
