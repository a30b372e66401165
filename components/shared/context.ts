import * as pulumi from "@pulumi/pulumi";
import type { KeyVaultRef } from "./azure-keys";

/** The clouds this program can deploy to. */
export const CLOUDS = ["aws", "azure"] as const;
export type Cloud = (typeof CLOUDS)[number];

/** The environments a stack can be. Policy thresholds and defaults follow the environment. */
export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Size profiles, mapped to concrete SKUs per cloud in `catalog.ts`. */
export const SIZES = ["small", "medium", "large"] as const;
export type SizeProfile = (typeof SIZES)[number];

/**
 * What every component needs to know about the stack it belongs to. Built once from the validated
 * configuration by `components/platform`, never read from `pulumi.Config` by a component.
 */
export interface PlatformContext {
    /** The cloud that hosts this stack; selects each capability's implementation. */
    readonly cloud: Cloud;
    /** The environment this stack is. */
    readonly environment: Environment;
    /** A short prefix for physical names, e.g. `platform-prod`. */
    readonly namePrefix: string;
    /** Tags applied to every taggable resource (user tags plus project, stack and environment). */
    readonly tags: Record<string, string>;
    /**
     * Whether stateful resources are protected: `protect` and `retainOnDelete` on them, and the
     * cloud's own deletion protection turned on.
     */
    readonly protect: boolean;
    /** AWS placement. Present when `cloud` is `aws`. */
    readonly aws?: { readonly region: string };
    /** Azure placement. Present when `cloud` is `azure`. */
    readonly azure?: {
        readonly location: string;
        readonly resourceGroupName: pulumi.Input<string>;
        readonly subscriptionId: pulumi.Input<string>;
        readonly tenantId: pulumi.Input<string>;
        /** Object id of the identity running the deployment (granted cluster-admin, like EKS's creator). */
        readonly deployerObjectId: pulumi.Input<string>;
        /**
         * What that identity is: the `principalType` of every role assignment to it. Azure Resource Manager
         * rejects an assignment whose type differs from the principal's real type (`UnmatchedPrincipalType`).
         */
        readonly deployerPrincipalType: "ServicePrincipal" | "User";
        /**
         * Resource id of the stack's Log Analytics workspace. Created by the foundation because the cluster
         * needs it at creation time (Container Insights); monitoring sends every diagnostic setting to it.
         */
        readonly logAnalyticsWorkspaceId: pulumi.Input<string>;
        /**
         * The stack's Key Vaults (see shared/azure-keys.ts): `primary` in the stack's location holds every data
         * store's key; `paired`, in the paired region, holds the key of PostgreSQL's geo-redundant backups and
         * exists only when those backups are on. Created by the foundation because the data stores need
         * their keys at creation time.
         */
        readonly keyVaults: {
            readonly primary: KeyVaultRef;
            readonly paired?: KeyVaultRef;
        };
    };
}

/** Returns `context.aws`, or fails loudly when an AWS implementation runs in a non-AWS context. */
export function awsPlacement(context: PlatformContext): { readonly region: string } {
    if (!context.aws) {
        throw new Error(`An AWS implementation was selected but the platform context has no AWS placement.`);
    }
    return context.aws;
}

/** Returns `context.azure`, or fails loudly when an Azure implementation runs in a non-Azure context. */
export function azurePlacement(context: PlatformContext): NonNullable<PlatformContext["azure"]> {
    if (!context.azure) {
        throw new Error(`An Azure implementation was selected but the platform context has no Azure placement.`);
    }
    return context.azure;
}

/**
 * Picks a capability's implementation for the stack's cloud. Implementations are loaded lazily so a stack
 * only pays for the provider SDK it uses.
 */
export function implementationFor<T>(cloud: Cloud, loaders: Record<Cloud, () => T>): T {
    return loaders[cloud]();
}

/** Options for the stateful resource at the heart of a component (database instance, bucket, ...). */
export function statefulOptions(context: PlatformContext): pulumi.CustomResourceOptions {
    return context.protect ? { protect: true, retainOnDelete: true } : {};
}

/**
 * Base of every capability component: runs the cloud implementation chosen for the stack and publishes
 * its outputs as the component's own properties and registered outputs.
 */
export abstract class CapabilityComponent<
    TArgs extends { context: PlatformContext },
    TOutputs extends object,
> extends pulumi.ComponentResource {
    protected constructor(
        type: string,
        name: string,
        args: TArgs,
        implementations: Record<Cloud, () => (name: string, args: TArgs, parent: pulumi.Resource) => TOutputs>,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super(type, name, {}, opts);
        const outputs = implementationFor(args.context.cloud, implementations)(name, args, this);
        Object.assign(this, outputs);
        // Resources handed out for wiring (e.g. the cluster's Kubernetes provider, the resources a workload
        // must wait for) are not outputs.
        const isWiring = (v: unknown) =>
            pulumi.Resource.isInstance(v) || (Array.isArray(v) && v.length > 0 && v.every(pulumi.Resource.isInstance));
        this.registerOutputs(Object.fromEntries(Object.entries(outputs).filter(([, v]) => !isWiring(v))));
    }
}
