import * as pulumi from "@pulumi/pulumi";
import { podIdentityRole } from "../../shared/aws";
import { awsPlacement } from "../../shared/context";
import { CERT_MANAGER_IDENTITY, CertManagerDns01, Dns01Args } from "./dns01";

/**
 * cert-manager's Route 53 policy, limited to the stack's zone and to TXT records
 * (https://cert-manager.io/docs/configuration/acme/dns01/route53/, "Set up an IAM Policy": GetChange on
 * changes, ChangeResourceRecordSets and ListResourceRecordSets on the zone with the
 * `route53:ChangeResourceRecordSetsRecordTypes` TXT condition). `route53:ListHostedZonesByName` is left out:
 * "can be removed if you specify the (optional) hostedZoneID", which the solver does.
 */
export function certManagerRoute53Policy(zoneArn: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ReadChanges",
                Effect: "Allow",
                Action: "route53:GetChange",
                Resource: "arn:aws:route53:::change/*",
            },
            {
                Sid: "ChallengeRecordsOfThisZone",
                Effect: "Allow",
                Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
                Resource: zoneArn,
                Condition: { "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"] } },
            },
        ],
    });
}

/**
 * An EKS Pod Identity role for cert-manager's ServiceAccount: the AWS SDK in cert-manager picks the
 * association's credentials up as ambient credentials (ClusterIssuers may use them by default:
 * `--cluster-issuer-ambient-credentials`, https://cert-manager.io/docs/configuration/acme/dns01/route53/#ambient-credentials).
 */
export function awsDns01(name: string, args: Dns01Args, parent: pulumi.Resource): CertManagerDns01 {
    const { ready } = podIdentityRole(
        `${name}-cert-manager-dns`,
        {
            description: "Pod Identity role of cert-manager: DNS-01 TXT records in the stack's Route 53 zone only",
            clusterName: args.cluster.clusterName,
            namespace: CERT_MANAGER_IDENTITY.namespace,
            serviceAccount: CERT_MANAGER_IDENTITY.serviceAccount,
            policyName: "route53",
            policy: args.zone.zoneResourceId.apply(certManagerRoute53Policy),
        },
        { parent },
    );
    return {
        solver: {
            cloud: "aws",
            zoneName: args.zone.zoneName,
            hostedZoneId: args.zone.zoneId,
            region: awsPlacement(args.context).region,
        },
        values: {},
        ready,
    };
}
