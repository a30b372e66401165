import * as pulumi from "@pulumi/pulumi";
import { PlatformContext, CapabilityComponent } from "../shared/context";

/** Neutral arguments of the Network capability. */
export interface NetworkArgs {
    /** The stack's context: cloud, environment, tags, placement. */
    readonly context: PlatformContext;
    /**
     * The address range of the VPC / VNet, a private IPv4 CIDR from /16 to /20. It is split into equal
     * subnets per zone and role.
     * @default "10.0.0.0/16"
     */
    readonly cidrBlock?: string;
    /**
     * How many availability zones the network spans.
     * @default 3 when highAvailability is true, otherwise 2
     */
    readonly zoneCount?: number;
    /**
     * Whether egress to the internet goes through one NAT gateway per zone (zone-failure tolerant) rather
     * than one shared NAT gateway.
     * @default the value of highAvailability
     */
    readonly natGatewayPerZone?: boolean;
    /**
     * Whether the network must survive the loss of a zone.
     * @default false
     */
    readonly highAvailability?: boolean;
    /**
     * Retention of the network's flow logs, in days.
     * @default 90
     */
    readonly logRetentionDays?: number;
}

/** The outputs every Network has, on every cloud. */
export interface NetworkOutputs {
    /** VPC id (AWS) or VNet resource id (Azure). */
    readonly networkId: pulumi.Output<string>;
    /** The network's address range. */
    readonly cidrBlock: pulumi.Output<string>;
    /** The zones the network spans (AWS AZ names, Azure zone numbers). */
    readonly zones: pulumi.Output<string[]>;
    /** Subnets that may hold internet-facing load balancers. Nothing data-bearing is placed here. */
    readonly publicSubnetIds: pulumi.Output<string[]>;
    /** Private subnets for Kubernetes nodes (and, with VPC CNI / Azure CNI, their pods). */
    readonly nodeSubnetIds: pulumi.Output<string[]>;
    /** Address ranges of the node subnets: the only sources admitted to data stores. */
    readonly nodeCidrBlocks: pulumi.Output<string[]>;
    /** Private subnets for managed databases (AWS data subnets; the Azure subnet delegated to PostgreSQL). */
    readonly dataSubnetIds: pulumi.Output<string[]>;
    /** Private subnets for private endpoints (Azure) or interface endpoints and caches (AWS data subnets). */
    readonly endpointSubnetIds: pulumi.Output<string[]>;
    /**
     * The subnet the Kubernetes API server is projected into (AKS API Server VNet Integration, delegated to
     * `Microsoft.ContainerService/managedClusters`); empty on AWS, where EKS places its endpoint network
     * interfaces in the node subnets itself.
     */
    readonly apiServerSubnetIds: pulumi.Output<string[]>;
}

/** A cloud implementation of the Network capability. */
export type NetworkImplementation = (name: string, args: NetworkArgs, parent: pulumi.Resource) => NetworkOutputs;

/** Resolved network settings, defaults applied in one place. */
export function networkDefaults(args: NetworkArgs) {
    const highAvailability = args.highAvailability ?? false;
    return {
        cidrBlock: args.cidrBlock ?? "10.0.0.0/16",
        zoneCount: args.zoneCount ?? (highAvailability ? 3 : 2),
        natGatewayPerZone: args.natGatewayPerZone ?? highAvailability,
        logRetentionDays: args.logRetentionDays ?? 90,
    };
}

/**
 * Splits a /16–/20 network into `count` equal subnets 4 bits longer than the network prefix
 * (e.g. /16 -> sixteen /20s). Deterministic, so the same config always yields the same layout.
 */
export function subnetCidrs(cidrBlock: string, count: number): string[] {
    const [address, prefixText] = cidrBlock.split("/");
    const prefix = Number(prefixText);
    const base = address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
    const newPrefix = prefix + 4;
    const size = 2 ** (32 - newPrefix);
    if (count > 16) {
        throw new Error(`subnetCidrs: ${count} subnets do not fit in ${cidrBlock} (at most 16).`);
    }
    return Array.from({ length: count }, (_, i) => {
        const n = base + i * size;
        return `${[24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join(".")}/${newPrefix}`;
    });
}

/** A private network (VPC on AWS, VNet on Azure) with public, node, data and endpoint subnets. */
export class Network extends CapabilityComponent<NetworkArgs, NetworkOutputs> implements NetworkOutputs {
    declare public readonly networkId: pulumi.Output<string>;
    declare public readonly cidrBlock: pulumi.Output<string>;
    declare public readonly zones: pulumi.Output<string[]>;
    declare public readonly publicSubnetIds: pulumi.Output<string[]>;
    declare public readonly nodeSubnetIds: pulumi.Output<string[]>;
    declare public readonly nodeCidrBlocks: pulumi.Output<string[]>;
    declare public readonly dataSubnetIds: pulumi.Output<string[]>;
    declare public readonly endpointSubnetIds: pulumi.Output<string[]>;
    declare public readonly apiServerSubnetIds: pulumi.Output<string[]>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "platform:network:Network",
            name,
            args,
            {
                // Loaded lazily: a stack only loads the provider SDK of its own cloud.
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                aws: () => (require("./aws") as typeof import("./aws")).createAwsNetwork,
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                azure: () => (require("./azure") as typeof import("./azure")).createAzureNetwork,
            },
            opts,
        );
    }
}
