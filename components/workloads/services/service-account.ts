import * as pulumi from "@pulumi/pulumi";
import { ServiceAccount } from "@pulumi/kubernetes/core/v1";
import type { WorkloadIdentityOutputs } from "../identity";

/**
 * The service's ServiceAccount, named after the service, carrying the cloud identity's annotations when it
 * has one. Its API token is not mounted: the identity webhooks project the cloud tokens.
 */
export function createServiceAccount(
    resourceName: string,
    args: {
        readonly name: string;
        readonly namespace: pulumi.Input<string>;
        readonly labels: Record<string, string>;
        readonly identity?: Pick<WorkloadIdentityOutputs, "serviceAccountAnnotations">;
    },
    opts: pulumi.CustomResourceOptions,
): ServiceAccount {
    return new ServiceAccount(
        resourceName,
        {
            metadata: {
                name: args.name,
                namespace: args.namespace,
                labels: args.labels,
                annotations: args.identity?.serviceAccountAnnotations ?? {},
            },
            automountServiceAccountToken: false,
        },
        opts,
    );
}
