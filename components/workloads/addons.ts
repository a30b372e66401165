import * as pulumi from "@pulumi/pulumi";
import type { ResolvedService } from ".";
import { PlatformContext } from "../shared/context";
import { installKeda } from "./scaling/chart";
import { installAwsSecretsDriver, installReloader } from "./secrets/chart";

/**
 * The cluster add-ons the services' secrets and event-driven scaling need, where the cluster does not bring
 * them: on EKS, KEDA (always, like the AKS add-on) and the Secrets Store CSI driver with the AWS provider (when
 * a service has secrets: a DaemonSet on every node); on both clouds Reloader when a service has secrets. AKS
 * runs KEDA and the CSI driver as managed add-ons of the cluster (cluster/azure.ts). Returns what the
 * SecretProviderClasses and ScaledObjects wait for (their CRDs).
 */
export function installWorkloadAddons(
    name: string,
    args: { context: PlatformContext; services: ResolvedService[]; namespace: pulumi.Input<string> },
    parent: pulumi.Resource,
): pulumi.Resource[] {
    const aws = args.context.cloud === "aws";
    const secrets = args.services.some((s) => s.secrets.length > 0);
    const crds = [
        ...(aws ? [installKeda(name, parent)] : []),
        ...(aws && secrets ? [installAwsSecretsDriver(name, parent)] : []),
    ];
    if (secrets) {
        installReloader(name, { context: args.context, appNamespace: args.namespace }, { parent, dependsOn: crds });
    }
    return crds;
}
