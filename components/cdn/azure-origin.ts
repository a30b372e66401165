import * as pulumi from "@pulumi/pulumi";
import * as cdn from "@pulumi/azure-native/cdn";
import { azurePlacement } from "../shared/context";
import type { CdnOriginArgs, CdnOriginOutputs } from "./origin";

/** The header Front Door adds to every origin request: the profile's Front Door id (a GUID). */
export const FRONT_DOOR_ID_HEADER = "X-Azure-FDID";

/** The service tag of Front Door's backend (origin-facing) addresses. */
export const FRONT_DOOR_BACKEND_TAG = "AzureFrontDoor.Backend";

/**
 * The lock on Azure, before the workloads: the Front Door Premium profile (its `frontDoorId` is what the Gateway
 * requires in `X-Azure-FDID`) and the Service annotations admitting only Front Door's backend addresses. Front
 * Door's answer to "How do I lock down the access to my backend to only Azure Front Door?" is both at once: the
 * `AzureFrontDoor.Backend` service tag (shared by every Front Door) AND the header check for this profile's id
 * (https://learn.microsoft.com/en-us/azure/frontdoor/front-door-faq#what-are-the-steps-to-restrict-the-access-to-my-backend-to-only-azure-front-door-,
 * https://learn.microsoft.com/en-us/azure/frontdoor/origin-security#public-ip-address-based-origins). The
 * profile was a child of the Cdn component (`<prefix>-cdn`); the alias keeps its URN.
 */
export function createAzureCdnOrigin(name: string, args: CdnOriginArgs, parent: pulumi.Resource): CdnOriginOutputs {
    const cdnName = name.replace(/-origin$/, "");
    const { resourceGroupName } = azurePlacement(args.context);
    const profile = new cdn.Profile(
        `${cdnName}-profile`,
        {
            resourceGroupName,
            location: "Global",
            sku: { name: "Premium_AzureFrontDoor" },
            originResponseTimeoutSeconds: 60,
            tags: args.context.tags,
        },
        { parent, aliases: [{ parent: pulumi.createUrn(cdnName, "platform:cdn:Cdn") }] },
    );
    return {
        header: pulumi.secret(profile.frontDoorId.apply((value) => ({ name: FRONT_DOOR_ID_HEADER, value }))),
        loadBalancerAnnotations: pulumi.output(originAnnotations(args.directAllowedCidrs ?? [])),
        profileName: profile.name,
    };
}

/**
 * The annotations that let only Front Door's backend addresses (and the admin ranges) reach the Gateway's
 * Azure load balancer. `spec.loadBalancerSourceRanges` takes CIDRs only; a service tag needs cloud-provider-azure's
 * `azure-allowed-service-tags`, and the admin CIDRs then go in `azure-allowed-ip-ranges` beside it (both become
 * allow rules of the cluster's NSG, with a deny for every other source:
 * https://cloud-provider-azure.sigs.k8s.io/topics/loadbalancer/#loadbalancer-annotations).
 */
export function originAnnotations(directAllowedCidrs: string[]): Record<string, string> {
    return {
        "service.beta.kubernetes.io/azure-allowed-service-tags": FRONT_DOOR_BACKEND_TAG,
        ...(directAllowedCidrs.length > 0
            ? { "service.beta.kubernetes.io/azure-allowed-ip-ranges": directAllowedCidrs.join(",") }
            : {}),
    };
}
