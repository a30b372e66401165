import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as redisenterprise from "@pulumi/azure-native/redisenterprise";
import type { CacheClientArgs, CacheClientUser } from ".";

/**
 * The access policy assignment of one managed identity on the Managed Redis database
 * (`Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments`, REST API 2025-07-01 in @pulumi/azure-native
 * 3.28.0 redisenterprise/accessPolicyAssignment.d.ts): the `default` policy ("Only "default" policy is supported
 * for now": full data access, the same as an access key, so Azure cannot narrow a service to its keys) for the
 * identity's object id, which is also the user name its Entra token authenticates as
 * (https://learn.microsoft.com/azure/redis/entra-for-authentication). The assignment's name must be 1-60 letters
 * and digits (`^[A-Za-z0-9]{1,60}$`, the API's pattern as hashicorp/terraform-provider-azurerm validates it), so it
 * is the service's name without hyphens plus a digest of the whole name (names that differ by a hyphen stay apart).
 */
export function azureAccessAssignment(
    name: string,
    args: CacheClientArgs & { readonly objectId: pulumi.Output<string> },
    opts: pulumi.CustomResourceOptions,
): CacheClientUser {
    const where = (pick: (a: { resourceGroupName: string; clusterName: string; databaseName: string }) => string) =>
        args.access.apply((a) => (a.cloud === "azure" ? pick(a) : ""));
    const assignment = new redisenterprise.AccessPolicyAssignment(
        `${name}-cache-access`,
        {
            resourceGroupName: where((a) => a.resourceGroupName),
            clusterName: where((a) => a.clusterName),
            databaseName: where((a) => a.databaseName),
            accessPolicyAssignmentName: assignmentName(args.serviceName),
            accessPolicyName: "default",
            user: { objectId: args.objectId },
        },
        opts,
    );
    return { userName: args.objectId, ready: [assignment] };
}

/** Letters and digits of the service's name and an 8-hex digest of it, at most 60 characters. */
export function assignmentName(serviceName: string): string {
    const digest = crypto.createHash("sha256").update(serviceName).digest("hex").slice(0, 8);
    return `${serviceName.replace(/[^A-Za-z0-9]/g, "").slice(0, 52)}${digest}`;
}
