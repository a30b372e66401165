import * as pulumi from "@pulumi/pulumi";
import { podIdentityRole } from "../../shared/aws";
import {
    EXTERNAL_DNS_NAMESPACE,
    EXTERNAL_DNS_SERVICE_ACCOUNT,
    ExternalDnsArgs,
    ExternalDnsIdentityImplementation,
} from ".";

/**
 * The IAM policy external-dns needs on Route 53, limited to the stack's zone: change, list and read the tags
 * of that hosted zone's records, and list hosted zones (which IAM cannot scope to a zone). The actions are
 * external-dns's documented minimum (kubernetes-sigs/external-dns@v0.21.0 docs/tutorials/aws.md, "IAM Policy").
 */
export function route53Policy(zoneArn: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ChangeThisZoneOnly",
                Effect: "Allow",
                Action: [
                    "route53:ChangeResourceRecordSets",
                    "route53:ListResourceRecordSets",
                    "route53:ListTagsForResources",
                ],
                Resource: [zoneArn],
            },
            { Sid: "ListZones", Effect: "Allow", Action: ["route53:ListHostedZones"], Resource: ["*"] },
        ],
    });
}

/**
 * An EKS Pod Identity role for external-dns's ServiceAccount (no annotations needed: the association binds
 * it; docs/tutorials/aws.md, "EKS Pod Identity Associations"), and the chart's AWS provider restricted to the
 * zone's id and to public zones.
 */
export const createExternalDnsAwsIdentity: ExternalDnsIdentityImplementation = (
    name: string,
    args: ExternalDnsArgs,
    parent: pulumi.Resource,
) => {
    const { role, ready } = podIdentityRole(
        name,
        {
            description: "Pod Identity role of external-dns: the stack's Route 53 zone only",
            clusterName: args.cluster.clusterName,
            namespace: EXTERNAL_DNS_NAMESPACE,
            serviceAccount: EXTERNAL_DNS_SERVICE_ACCOUNT,
            policyName: "route53",
            policy: args.zone.zoneResourceId.apply(route53Policy),
        },
        { parent },
    );
    return {
        values: pulumi.output(args.zone.zoneId).apply(
            (zoneId): Record<string, unknown> => ({
                provider: { name: "aws" },
                extraArgs: [`--zone-id-filter=${zoneId}`, "--aws-zone-type=public"],
            }),
        ),
        ready,
        principalId: role.arn,
    };
};
