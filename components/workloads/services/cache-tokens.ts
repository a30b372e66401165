import type { Cloud } from "../../shared/context";
import type { CacheClientAccess } from "../../cache";

/**
 * What a passwordless client needs to obtain its cache token, beside its user (services/secret.ts):
 * - AWS IAM: a SigV4-presigned `connect` request for the replication group id, signed for the `elasticache`
 *   service in the cache's region with the pod's role; valid 15 minutes, and a connection is closed after 12
 *   hours (re-authenticate with a fresh token before then: AUTH / HELLO), so clients should use a credentials
 *   provider that signs per connection (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html).
 * - Microsoft Entra: an access token of the pod's workload identity for the Redis scope, refreshed and re-sent
 *   with AUTH before it expires (https://learn.microsoft.com/azure/redis/entra-for-authentication).
 */
export function cacheTokenDetails(access: CacheClientAccess | undefined): Record<string, string> {
    if (access?.cloud === "aws") {
        // arn:aws:elasticache:<region>:<account>:replicationgroup:<id>
        const region = access.replicationGroupArn.split(":")[3] ?? "";
        return { REDIS_CACHE_NAME: access.replicationGroupId, REDIS_REGION: region };
    }
    if (access?.cloud === "azure") return { REDIS_TOKEN_SCOPE: "https://redis.azure.com/.default" };
    return {};
}

/** The EKS Pod Identity agent's link-local credentials endpoint on every node (as identity/egress.ts). */
const POD_IDENTITY_AGENT = "169.254.170.23/32";

/**
 * Where a passwordless cache client gets what it signs or presents with: on EKS the Pod Identity agent only (an
 * ElastiCache IAM token is a SigV4 signature computed in the pod with its role's credentials, auth-iam.html
 * "Connecting"); on AKS Microsoft Entra's token endpoint over HTTPS (login.microsoftonline.com has no fixed
 * range). A storage-bound service already reaches both (identity/egress.ts CLOUD_API_EGRESS).
 */
export const CACHE_TOKEN_EGRESS: Record<Cloud, { cidr: string; port: number; reason: string }> = {
    aws: { cidr: POD_IDENTITY_AGENT, port: 80, reason: "EKS Pod Identity agent (credentials that sign IAM tokens)" },
    azure: { cidr: "0.0.0.0/0", port: 443, reason: "Microsoft Entra token endpoint over HTTPS" },
};
