import * as pulumi from "@pulumi/pulumi";
import { CapabilityComponent, PlatformContext } from "../shared/context";
import { NetworkOutputs } from "../network";

/** AWS-only tuning of the storage (S3). */
export interface AwsStorageOptions {
    /**
     * Default encryption with the component's customer-managed KMS key (SSE-KMS) instead of S3-managed
     * keys (SSE-S3). Turning this off is a security opt-out.
     * @default true
     */
    kmsEncryption?: boolean;
    /**
     * Attach a bucket policy that denies every request not made over TLS. Turning this off is a security
     * opt-out.
     * @default true
     */
    denyInsecureTransport?: boolean;
    /**
     * Keep every version of every object. Turning this off is a backup opt-out.
     * @default true
     */
    versioning?: boolean;
}

/** Azure-only tuning of the storage (Storage account + blob container). */
export interface AzureStorageOptions {
    /**
     * Replication of the storage account.
     * @default "ZRS" when highAvailability is true, otherwise "LRS"
     */
    replication?: "LRS" | "ZRS" | "GRS" | "GZRS" | "RAGZRS";
    /**
     * Second layer of encryption at the infrastructure level. Turning this off is a security opt-out.
     * @default true
     */
    infrastructureEncryption?: boolean;
    /**
     * Keep every version of every blob. Turning this off is a backup opt-out.
     * @default true
     */
    versioning?: boolean;
}

/** Neutral arguments of the Storage capability (object storage). */
export interface StorageArgs {
    /** The stack's context. */
    readonly context: PlatformContext;
    /** The network that reaches the storage privately (gateway / private endpoint). */
    readonly network: NetworkOutputs;
    /**
     * Days noncurrent (overwritten or deleted) object versions are kept before they expire; on Azure also
     * the blob and container soft-delete window.
     * @default 30
     */
    readonly noncurrentVersionRetentionDays?: number;
    /**
     * Store data redundantly across zones.
     * @default false
     */
    readonly highAvailability?: boolean;
    /**
     * Keep a copy of every object in a second region (AWS: S3 replication to a bucket in `replicaRegion` with
     * a key of that region; Azure: geo-zone-redundant GZRS, or GRS where the location has no zones).
     * @default true in prod, otherwise false
     */
    readonly crossRegionReplication?: boolean;
    /**
     * AWS: the region objects are replicated to (the platform passes the stack's backup region).
     * @default required on AWS when crossRegionReplication is on
     */
    readonly replicaRegion?: string;
    /**
     * AWS: statements added to the bucket's policy beside its TLS deny (S3 keeps one policy per bucket, so a
     * capability that needs one, such as a CloudFront origin access control, adds it here). Ignored on Azure.
     * @default none
     */
    readonly awsBucketPolicyStatements?: pulumi.Input<Record<string, unknown>[]>;
    /**
     * AWS: statements added to the bucket key's policy beside AWS's default one (a CloudFront origin access
     * control decrypting SSE-KMS objects). Ignored on Azure and without KMS encryption.
     * @default none: the key keeps its default policy
     */
    readonly awsKeyPolicyStatements?: pulumi.Input<Record<string, unknown>[]>;
    /** AWS-only tuning. */
    readonly aws?: AwsStorageOptions;
    /** Azure-only tuning. */
    readonly azure?: AzureStorageOptions;
}

/** The outputs every Storage has, on every cloud. */
export interface StorageOutputs {
    /** Bucket (AWS) or blob container (Azure) name. */
    readonly bucketName: pulumi.Output<string>;
    /** HTTPS endpoint of the bucket / container. */
    readonly endpoint: pulumi.Output<string>;
    /** Region / location the data lives in. */
    readonly region: pulumi.Output<string>;
    /** Cloud resource id used to grant access (bucket ARN / storage account resource id). */
    readonly resourceId: pulumi.Output<string>;
    /** Security and backup controls turned off through the override bag. */
    readonly securityOptOuts: pulumi.Output<string[]>;
    /** Regions holding a replica of every object besides the stack's own (empty when not replicated). */
    readonly replicaRegions: pulumi.Output<string[]>;
}

/** The neutral settings with their defaults applied, in one place for every cloud. */
export function storageSettings(args: StorageArgs) {
    return {
        noncurrentVersionRetentionDays: args.noncurrentVersionRetentionDays ?? 30,
        highAvailability: args.highAvailability ?? false,
        crossRegionReplication: args.crossRegionReplication ?? args.context.environment === "prod",
    };
}

export type StorageImplementation = (name: string, args: StorageArgs, parent: pulumi.Resource) => StorageOutputs;

/** Private, encrypted, versioned object storage. */
export class Storage extends CapabilityComponent<StorageArgs, StorageOutputs> implements StorageOutputs {
    declare public readonly bucketName: pulumi.Output<string>;
    declare public readonly endpoint: pulumi.Output<string>;
    declare public readonly region: pulumi.Output<string>;
    declare public readonly resourceId: pulumi.Output<string>;
    declare public readonly securityOptOuts: pulumi.Output<string[]>;
    declare public readonly replicaRegions: pulumi.Output<string[]>;

    constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "platform:storage:Storage",
            name,
            args,
            {
                // Loaded lazily: a stack only loads the provider SDK of its own cloud.
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                aws: () => (require("./aws") as typeof import("./aws")).createAwsStorage,
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                azure: () => (require("./azure") as typeof import("./azure")).createAzureStorage,
            },
            opts,
        );
    }
}
