import * as pulumi from "@pulumi/pulumi";
import type { DnsOutputs } from "../dns";
import type { NetworkOutputs } from "../network";
import type { CdnOriginOutputs } from "./origin";
import { CapabilityComponent, PlatformContext } from "../shared/context";
import type { StorageOutputs } from "../storage";
import { DEFAULT_RATE_LIMIT_PER_5_MINUTES, WafMode, defaultWafMode } from "./waf";

export { WAF_MODES, type WafMode } from "./waf";
export { CdnOrigin, type CdnOriginArgs, type CdnOriginOutputs } from "./origin";

/** Neutral arguments of the CDN capability: CloudFront + AWS WAF, or Front Door Premium + its WAF policy. */
export interface CdnArgs {
    /** The stack's context. */
    readonly context: PlatformContext;
    /**
     * The Gateway's public address (load balancer host name or IP): the CDN's origin, reached over HTTPS only.
     * The CDN depends on this and on the storage only, never on the data stores.
     */
    readonly originAddress: pulumi.Input<string>;
    /** Host names the CDN serves (each gets a certificate validated in the zone, and a record pointing at the CDN). */
    readonly hosts: string[];
    /** The stack's DNS zone: certificate validation records and the hosts' records go here. */
    readonly zone: Pick<DnsOutputs, "zoneId" | "resourceGroupName"> & {
        /** The zone's name, e.g. "example.com"; every host is in it. */
        readonly zoneName: string;
    };
    /** The network the origin's load balancer sits in. */
    readonly network: Pick<NetworkOutputs, "networkId" | "cidrBlock">;
    /**
     * The origin's lock (origin.ts), built before the Gateway: the header the CDN sends (AWS: its secret value
     * in CloudFront's custom header) and, on Azure, the Front Door profile the endpoint goes in.
     */
    readonly origin: Pick<CdnOriginOutputs, "header" | "profileName">;
    /** The stack's object storage, served under `staticPathPattern` through origin access control. */
    readonly storage: Pick<StorageOutputs, "bucketName" | "resourceId" | "endpoint" | "region">;
    /**
     * Path pattern served from the storage instead of the Gateway, e.g. "/static/*".
     * @default none: everything goes to the Gateway and the storage is no origin
     */
    readonly staticPathPattern?: string;
    /**
     * Requests one client IP may make in 5 minutes before the WAF blocks it.
     * @default 2000
     */
    readonly rateLimitPer5Minutes?: number;
    /**
     * Whether the WAF blocks (`prevention`) or only logs (`detection`) what its rules match.
     * @default "prevention" in prod, "detection" elsewhere
     */
    readonly wafMode?: WafMode;
}

/** The outputs every CDN has, on every cloud. */
export interface CdnOutputs {
    /** The CDN's own host name (`d123.cloudfront.net` / `<endpoint>.z01.azurefd.net`). */
    readonly endpointHostName: pulumi.Output<string>;
    /** The public URL of each host the CDN serves, e.g. `["https://app.example.com/"]`. */
    readonly urls: pulumi.Output<string[]>;
    /** The WAF attached to the CDN: web ACL ARN / Front Door WAF policy id. */
    readonly wafId: pulumi.Output<string>;
    /**
     * The header the CDN adds to every request to the origin, so the Gateway can refuse requests that did not
     * come through this CDN: AWS `X-Origin-Verify` (a random secret), Azure `X-Azure-FDID` (the profile's
     * Front Door id). Secret.
     */
    readonly originHeader: pulumi.Output<{ name: string; value: string }>;
    /**
     * Statements the storage's bucket policy must hold for the CDN to read `staticPathPattern` (AWS: the
     * CloudFront OAC grant; Azure: none, the private link is approved on the account).
     */
    readonly storagePolicyStatements: pulumi.Output<object[]>;
    /** Statements the storage's encryption key policy must hold for the CDN to decrypt them (AWS SSE-KMS; Azure: none). */
    readonly storageKeyPolicyStatements: pulumi.Output<object[]>;
}

/** The defaults, applied in one place for every cloud. */
export function cdnSettings(args: CdnArgs) {
    return {
        rateLimitPer5Minutes: args.rateLimitPer5Minutes ?? DEFAULT_RATE_LIMIT_PER_5_MINUTES,
        wafMode: args.wafMode ?? defaultWafMode(args.context.environment),
    };
}

export type CdnImplementation = (name: string, args: CdnArgs, parent: pulumi.Resource) => CdnOutputs;

/** The CDN and WAF in front of the Gateway, with the storage as a private static origin. */
export class Cdn extends CapabilityComponent<CdnArgs, CdnOutputs> implements CdnOutputs {
    declare public readonly endpointHostName: pulumi.Output<string>;
    declare public readonly urls: pulumi.Output<string[]>;
    declare public readonly wafId: pulumi.Output<string>;
    declare public readonly originHeader: pulumi.Output<{ name: string; value: string }>;
    declare public readonly storagePolicyStatements: pulumi.Output<object[]>;
    declare public readonly storageKeyPolicyStatements: pulumi.Output<object[]>;

    constructor(name: string, args: CdnArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "platform:cdn:Cdn",
            name,
            args,
            {
                // Loaded lazily: a stack only loads the provider SDK of its own cloud.
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                aws: () => (require("./aws") as typeof import("./aws")).createAwsCdn,
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                azure: () => (require("./azure") as typeof import("./azure")).createAzureCdn,
            },
            opts,
        );
    }
}
