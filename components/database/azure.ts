import * as pulumi from "@pulumi/pulumi";
import { DatabaseArgs } from ".";

/** Azure implementation: delivered by the Azure issue. Until then selecting Azure fails loudly. */
export function createAzureDatabase(name: string, args: DatabaseArgs, parent: pulumi.Resource): never {
    void args;
    void parent;
    throw new Error(`${name}: the Azure implementation is not available yet; set platform:cloud to aws.`);
}
