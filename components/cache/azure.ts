import * as pulumi from "@pulumi/pulumi";
import { CacheArgs } from ".";

/** Azure implementation: delivered by the Azure issue. Until then selecting Azure fails loudly. */
export function createAzureCache(name: string, args: CacheArgs, parent: pulumi.Resource): never {
    void args;
    void parent;
    throw new Error(`${name}: the Azure implementation is not available yet; set platform:cloud to aws.`);
}
