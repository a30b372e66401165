import * as pulumi from "@pulumi/pulumi";
import type { ClusterOutputs } from "../../cluster";
import type { DnsOutputs } from "../../dns";
import { CapabilityComponent, PlatformContext } from "../../shared/context";

/*
 * external-dns: publishes the hosts of the Gateway API routes (HTTPRoute) into the stack's DNS zone, with a
 * workload identity allowed to change that zone only (aws.ts: EKS Pod Identity; azure.ts: Entra Workload ID),
 * from its pinned chart (chart.ts) with the values in values.ts.
 */

/** The namespace external-dns runs in, and its ServiceAccount. */
export const EXTERNAL_DNS_NAMESPACE = "external-dns";
export const EXTERNAL_DNS_SERVICE_ACCOUNT = "external-dns";

/** Arguments of external-dns. The Kubernetes provider flows in through `opts.providers`. */
export interface ExternalDnsArgs {
    readonly context: PlatformContext;
    /** The cluster whose ServiceAccount federates with the identity. */
    readonly cluster: Pick<ClusterOutputs, "clusterName" | "oidcIssuerUrl">;
    /** The zone external-dns may write, and nothing else. */
    readonly zone: Pick<DnsOutputs, "zoneId" | "zoneResourceId" | "resourceGroupName"> & {
        /** The zone's name: the domain filter. */
        readonly zoneName: string;
    };
    /**
     * Hosts external-dns leaves alone because another owner publishes them (the CDN's hosts point at the CDN).
     * @default []
     */
    readonly excludeHosts?: string[];
    /**
     * Namespace of the Gateway whose routes are published.
     * @default every namespace
     */
    readonly gatewayNamespace?: pulumi.Input<string>;
}

/** What a cloud's identity gives external-dns. */
export interface ExternalDnsIdentity {
    /** Chart values the cloud adds (provider, ServiceAccount annotations, pod labels, config mounts). */
    readonly values: pulumi.Output<Record<string, unknown>>;
    /** What the release must wait for (the association or federation, the zone-scoped grant). */
    readonly ready: pulumi.Resource[];
}

/** The outputs of external-dns. */
export interface ExternalDnsOutputs {
    /** The TXT registry's owner id: records carrying another owner's id are never touched. */
    readonly ownerId: pulumi.Output<string>;
    /** The cloud principal: IAM role ARN / managed identity client id. */
    readonly principalId: pulumi.Output<string>;
}

export type ExternalDnsIdentityImplementation = (
    name: string,
    args: ExternalDnsArgs,
    parent: pulumi.Resource,
    /** The namespace, created: a Kubernetes object of the identity goes in it. */
    namespace: pulumi.Output<string>,
) => ExternalDnsIdentity & { readonly principalId: pulumi.Output<string> };

/** external-dns on the cluster, writing the stack's zone only. */
export class ExternalDns
    extends CapabilityComponent<ExternalDnsArgs, ExternalDnsOutputs>
    implements ExternalDnsOutputs
{
    declare public readonly ownerId: pulumi.Output<string>;
    declare public readonly principalId: pulumi.Output<string>;

    constructor(name: string, args: ExternalDnsArgs, opts?: pulumi.ComponentResourceOptions) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const load = () => (require("./release") as typeof import("./release")).createExternalDns;
        super("platform:workloads:ExternalDns", name, args, { aws: load, azure: load }, opts);
    }
}
