import * as pulumi from "@pulumi/pulumi";
import { CapabilityComponent, PlatformContext } from "../../shared/context";

/*
 * The registry: the stack's container registry (ECR repositories on AWS, one Azure Container Registry on
 * Azure, in aws.ts and azure.ts), the content-derived tags of images built from source (image.ts), and the
 * build and push of a service's image (build.ts). The services take their image from here; the cluster's
 * nodes pull with the identity this registry grants.
 */

/** Arguments of the stack's container registry. */
export interface RegistryArgs {
    readonly context: PlatformContext;
    /** Repositories to create, one per service. */
    readonly repositories: string[];
    /** The identity the cluster's nodes pull images with; granted pull access. */
    readonly nodeIdentityId: pulumi.Input<string>;
}

/** The registry's outputs, the same on every cloud. */
export interface RegistryOutputs {
    /** Registry host that `docker login` / image references use. */
    readonly server: pulumi.Output<string>;
    /** Full repository URL per service name (without tag). */
    readonly repositoryUrls: pulumi.Output<Record<string, string>>;
}

/** The stack's container registry: ECR repositories (AWS) or an Azure Container Registry. */
export class Registry extends CapabilityComponent<RegistryArgs, RegistryOutputs> implements RegistryOutputs {
    declare public readonly server: pulumi.Output<string>;
    declare public readonly repositoryUrls: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: RegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "platform:workloads:Registry",
            name,
            args,
            // Loaded lazily: a stack only loads the provider SDK of its own cloud.
            {
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                aws: () => (require("./aws") as typeof import("./aws")).createAwsRegistry,
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                azure: () => (require("./azure") as typeof import("./azure")).createAzureRegistry,
            },
            opts,
        );
    }
}
