import { PlatformConfig } from "../shared/config";
import { Foundation } from ".";

/** Azure foundation: delivered by the Azure issue. Until then selecting Azure fails loudly. */
export function createAzureFoundation(config: PlatformConfig, tags: Record<string, string>): Foundation {
    void tags;
    throw new Error(`Stack ${config.stack}: the Azure implementation is not available yet; set platform:cloud to aws.`);
}
