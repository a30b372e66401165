import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as cloudfront from "@pulumi/aws/cloudfront";
import { RandomPassword } from "@pulumi/random/randomPassword";
import type { CdnOriginArgs, CdnOriginOutputs } from "./origin";

/** The AWS-managed prefix list of CloudFront's origin-facing addresses (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/LocationsOfEdgeServers.html#managed-prefix-list). */
export const CLOUDFRONT_ORIGIN_FACING = "com.amazonaws.global.cloudfront.origin-facing";

/** The header CloudFront adds to every origin request; the Gateway refuses requests without its value. */
export const ORIGIN_VERIFY_HEADER = "X-Origin-Verify";

/**
 * The Gateway NLB's frontend security group: HTTPS from CloudFront's origin-facing prefix list (and the admin
 * ranges, for Grafana's own route) and nothing else. The AWS Load Balancer Controller attaches it through
 * `service.beta.kubernetes.io/aws-load-balancer-security-groups` (frontend security groups on NLBs since LBC
 * v2.6: https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/security_groups/) and,
 * with `...-manage-backend-security-group-rules: "true"`, still opens the nodes to the NLB. A prefix-list
 * reference counts as the list's max entries against the group's rule quota
 * (https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html), so the group holds little else.
 */
export function originSecurityGroup(
    name: string,
    args: {
        readonly networkId: pulumi.Input<string>;
        readonly vpcCidr: pulumi.Input<string>;
        readonly directAllowedCidrs: string[];
    },
    opts: pulumi.CustomResourceOptions,
): { readonly group: ec2.SecurityGroup; readonly annotations: pulumi.Output<Record<string, string>> } {
    const prefixList = ec2.getManagedPrefixListOutput({ name: CLOUDFRONT_ORIGIN_FACING }, opts);
    const group = new ec2.SecurityGroup(
        `${name}-origin-sg`,
        {
            vpcId: args.networkId,
            description: `Gateway load balancer of ${name}: HTTPS from CloudFront only`,
            ingress: [
                {
                    protocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    prefixListIds: [prefixList.id],
                    description: "HTTPS from CloudFront's origin-facing servers",
                },
                ...(args.directAllowedCidrs.length > 0
                    ? [
                          {
                              protocol: "tcp",
                              fromPort: 443,
                              toPort: 443,
                              cidrBlocks: args.directAllowedCidrs,
                              description: "HTTPS from the admin ranges (Grafana)",
                          },
                      ]
                    : []),
            ],
            // The NLB forwards to targets inside the VPC only.
            egress: [
                { protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: [args.vpcCidr], description: "To targets" },
            ],
        },
        opts,
    );
    const annotations = group.id.apply(
        (id): Record<string, string> => ({
            "service.beta.kubernetes.io/aws-load-balancer-security-groups": id,
            "service.beta.kubernetes.io/aws-load-balancer-manage-backend-security-group-rules": "true",
        }),
    );
    return { group, annotations };
}

/** A random value CloudFront sends in `X-Origin-Verify`: the prefix list admits every CloudFront distribution. */
export function originSecret(name: string, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    return new RandomPassword(`${name}-origin-secret`, { length: 40, special: false }, opts).result;
}

/**
 * The lock on AWS, before the workloads: the NLB's security group and the origin secret. Both were children of
 * the Cdn component (`<prefix>-cdn`) before the lock moved ahead of the Gateway; the alias keeps their URNs.
 */
export function createAwsCdnOrigin(name: string, args: CdnOriginArgs, parent: pulumi.Resource): CdnOriginOutputs {
    const cdnName = name.replace(/-origin$/, "");
    const opts = { parent, aliases: [{ parent: pulumi.createUrn(cdnName, "platform:cdn:Cdn") }] };
    const origin = originSecurityGroup(
        cdnName,
        {
            networkId: args.network.networkId,
            vpcCidr: args.network.cidrBlock,
            directAllowedCidrs: args.directAllowedCidrs ?? [],
        },
        opts,
    );
    const secret = originSecret(cdnName, opts);
    return {
        header: pulumi.secret(secret.apply((value) => ({ name: ORIGIN_VERIFY_HEADER, value }))),
        loadBalancerAnnotations: origin.annotations,
        profileName: pulumi.output(""),
    };
}

/**
 * Origin access control for the bucket: CloudFront signs every request with SigV4
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html).
 */
export function bucketAccessControl(name: string, opts: pulumi.CustomResourceOptions) {
    return new cloudfront.OriginAccessControl(
        `${name}-oac`,
        {
            description: `${name} reads the stack's bucket`,
            originAccessControlOriginType: "s3",
            signingBehavior: "always",
            signingProtocol: "sigv4",
        },
        opts,
    );
}

/**
 * The bucket-policy statement that lets this distribution, and no other, read the static prefix: service
 * principal cloudfront.amazonaws.com with `AWS:SourceArn` equal to the distribution's ARN (AWS's documented
 * OAC policy, same page as above). The bucket stays private: all four public-access blocks stay on.
 */
export function oacBucketStatement(bucketArn: string, distributionArn: string, pathPattern: string): object {
    return {
        Sid: "CloudFrontReadsStaticAssets",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: `${bucketArn}${pathPattern.replace(/\*$/, "")}*`,
        Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
    };
}

/**
 * The KMS key-policy statement the bucket's SSE-KMS key needs for the same distribution to decrypt what it
 * reads (OAC with SSE-KMS: "add a statement to the KMS key policy", same page, "SSE-KMS").
 */
export function oacKeyStatement(distributionArn: string): object {
    return {
        Sid: "CloudFrontDecryptsStaticAssets",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: ["kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
    };
}
