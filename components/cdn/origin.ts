import * as pulumi from "@pulumi/pulumi";
import type { NetworkOutputs } from "../network";
import { CapabilityComponent, PlatformContext } from "../shared/context";

/**
 * The origin's lock: what the Gateway needs so that only this stack's CDN reaches it. It is built before the
 * workloads, from the network alone (the CloudFront prefix list is a data lookup, the Front Door profile
 * depends on nothing), and handed to both the Gateway (components/workloads/edge: its load balancer's
 * annotations, the header it requires, the client address it trusts) and the CDN (components/cdn: the header
 * CloudFront sends, the Front Door profile it builds its endpoint in). Built inside the Cdn, after the
 * Gateway whose address is its origin, the lock could not reach the Gateway's Service: a component cycle.
 */
export interface CdnOriginArgs {
    /** The stack's context. */
    readonly context: PlatformContext;
    /** The network the Gateway's load balancer sits in (AWS: its security group's VPC and egress range). */
    readonly network: Pick<NetworkOutputs, "networkId" | "cidrBlock">;
    /**
     * Source ranges the Gateway's load balancer admits directly besides the CDN (Grafana's admin allow-list).
     * @default [] (only the CDN)
     */
    readonly directAllowedCidrs?: string[];
}

/** The outputs every origin lock has, on every cloud. */
export interface CdnOriginOutputs {
    /**
     * The header the CDN adds to every request to the origin and the Gateway requires: AWS `X-Origin-Verify`
     * (a random secret: the prefix list admits every CloudFront distribution), Azure `X-Azure-FDID` (the
     * profile's Front Door id: the service tag admits every Front Door). Secret.
     */
    readonly header: pulumi.Output<{ name: string; value: string }>;
    /**
     * Annotations for the Gateway's LoadBalancer Service admitting only the CDN (plus `directAllowedCidrs`):
     * AWS, a frontend security group on the NLB with CloudFront's origin-facing prefix list; Azure, the
     * `AzureFrontDoor.Backend` service tag.
     */
    readonly loadBalancerAnnotations: pulumi.Output<Record<string, string>>;
    /** Azure: the Front Door profile the CDN builds its endpoint in (its id is the header's value). AWS: "". */
    readonly profileName: pulumi.Output<string>;
}

export type CdnOriginImplementation = (name: string, args: CdnOriginArgs, parent: pulumi.Resource) => CdnOriginOutputs;

/** The origin's lock-down, built before the Gateway it locks and the CDN that holds its key. */
export class CdnOrigin extends CapabilityComponent<CdnOriginArgs, CdnOriginOutputs> implements CdnOriginOutputs {
    declare public readonly header: pulumi.Output<{ name: string; value: string }>;
    declare public readonly loadBalancerAnnotations: pulumi.Output<Record<string, string>>;
    declare public readonly profileName: pulumi.Output<string>;

    constructor(name: string, args: CdnOriginArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "platform:cdn:CdnOrigin",
            name,
            args,
            {
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                aws: () => (require("./aws-origin") as typeof import("./aws-origin")).createAwsCdnOrigin,
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                azure: () => (require("./azure-origin") as typeof import("./azure-origin")).createAzureCdnOrigin,
            },
            opts,
        );
    }
}
