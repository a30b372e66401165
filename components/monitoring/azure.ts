import * as pulumi from "@pulumi/pulumi";
import { MonitoringArgs } from ".";

/** Azure implementation: delivered by the Azure issue. Until then selecting Azure fails loudly. */
export function createAzureMonitoring(name: string, args: MonitoringArgs, parent: pulumi.Resource): never {
    void args;
    void parent;
    throw new Error(`${name}: the Azure implementation is not available yet; set platform:cloud to aws.`);
}
