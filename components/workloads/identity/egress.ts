import { Cloud } from "../../shared/context";
import type { EgressDestination } from ".";

/** The EKS Pod Identity agent's link-local credentials endpoint on every node. */
const POD_IDENTITY_AGENT = "169.254.170.23/32";

/**
 * The HTTPS destinations a storage-bound service's pods need, per cloud: the object storage API and the
 * identity's token endpoints. The network's own range is excepted where the data stores live in it.
 */
export const CLOUD_API_EGRESS: Record<Cloud, (networkCidr: string) => EgressDestination[]> = {
    aws: (networkCidr) => [
        { cidr: POD_IDENTITY_AGENT, ports: [80], reason: "EKS Pod Identity agent (credentials)" },
        {
            cidr: "0.0.0.0/0",
            except: [networkCidr],
            ports: [443],
            reason: "S3 and STS over HTTPS (S3 through the VPC gateway endpoint)",
        },
    ],
    azure: () => [
        {
            cidr: "0.0.0.0/0",
            ports: [443],
            reason: "Blob storage (private endpoint in the VNet) and Microsoft Entra token exchange over HTTPS",
        },
    ],
};

/**
 * What a pod needs to get a database token: on EKS only the Pod Identity agent (an RDS IAM token is signed
 * locally with the pod's credentials, https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.Connecting.html);
 * on AKS Microsoft Entra's token endpoint over HTTPS (login.microsoftonline.com has no fixed range).
 */
export const DATABASE_TOKEN_EGRESS: Record<Cloud, EgressDestination[]> = {
    aws: [
        {
            cidr: POD_IDENTITY_AGENT,
            ports: [80],
            reason: "EKS Pod Identity agent (credentials that sign RDS IAM tokens)",
        },
    ],
    azure: [{ cidr: "0.0.0.0/0", ports: [443], reason: "Microsoft Entra token endpoint over HTTPS" }],
};
