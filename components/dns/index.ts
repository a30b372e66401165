import * as pulumi from "@pulumi/pulumi";
import { CapabilityComponent, PlatformContext } from "../shared/context";

/** Azure-only settings of the DNS zone. */
export interface AzureDnsOptions {
    /**
     * Resource group of an existing zone (`create: false`).
     * @default the stack's resource group
     */
    resourceGroupName?: string;
}

/** Neutral arguments of the DNS capability: one public zone (Route 53 hosted zone / Azure DNS zone). */
export interface DnsArgs {
    /** The stack's context. */
    readonly context: PlatformContext;
    /** The zone's name, e.g. "example.com" (validated: lowercase labels, no trailing dot). */
    readonly zone: string;
    /**
     * Create the zone (and publish its name servers for delegation) rather than look up an existing one by name.
     * A created zone is protected with the stack: deleting it would change its name servers.
     * @default false (the zone exists and is looked up)
     */
    readonly create?: boolean;
    /** Azure-only settings. */
    readonly azure?: AzureDnsOptions;
}

/** The outputs every DNS zone has, on every cloud. */
export interface DnsOutputs {
    /** The zone's name, e.g. "example.com". */
    readonly zoneName: pulumi.Output<string>;
    /** Route 53 hosted zone id / Azure DNS zone resource id. */
    readonly zoneId: pulumi.Output<string>;
    /** The zone's authoritative name servers (delegate the domain to these). */
    readonly nameServers: pulumi.Output<string[]>;
    /** What an identity is scoped to: the hosted zone ARN / the zone's resource id. */
    readonly zoneResourceId: pulumi.Output<string>;
    /** Azure: the zone's resource group (external-dns's azure.json names it); AWS: "". */
    readonly resourceGroupName: pulumi.Output<string>;
}

export type DnsImplementation = (name: string, args: DnsArgs, parent: pulumi.Resource) => DnsOutputs;

/** The stack's public DNS zone, created or looked up, with the same outputs on both clouds. */
export class Dns extends CapabilityComponent<DnsArgs, DnsOutputs> implements DnsOutputs {
    declare public readonly zoneName: pulumi.Output<string>;
    declare public readonly zoneId: pulumi.Output<string>;
    declare public readonly nameServers: pulumi.Output<string[]>;
    declare public readonly zoneResourceId: pulumi.Output<string>;
    declare public readonly resourceGroupName: pulumi.Output<string>;

    constructor(name: string, args: DnsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "platform:dns:Dns",
            name,
            args,
            {
                // Loaded lazily: a stack only loads the provider SDK of its own cloud.
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                aws: () => (require("./aws") as typeof import("./aws")).createAwsDns,
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                azure: () => (require("./azure") as typeof import("./azure")).createAzureDns,
            },
            opts,
        );
    }
}
