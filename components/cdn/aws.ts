import * as pulumi from "@pulumi/pulumi";
import * as cloudfront from "@pulumi/aws/cloudfront";
import { Provider } from "@pulumi/aws/provider";
import * as route53 from "@pulumi/aws/route53";
import { CdnArgs, CdnOutputs, cdnSettings } from ".";
import { cdnCertificate } from "./aws-certificate";
import { ORIGIN_VERIFY_HEADER, bucketAccessControl, oacBucketStatement, oacKeyStatement } from "./aws-origin";
import { webAcl } from "./aws-waf";

/**
 * AWS managed cache and origin-request policies
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html,
 * .../using-managed-origin-request-policies.html). The application is not cached (CachingDisabled) and gets
 * every viewer header, the Host header included (AllViewer): the Gateway routes by host, and CloudFront
 * then checks the origin's certificate against that host
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-https-cloudfront-to-custom-origin.html).
 */
export const MANAGED_POLICIES = {
    cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
    allViewer: "216adef6-5c7f-47e4-b989-5492eafa07d3",
} as const;

const GATEWAY = "gateway";
const STORAGE = "storage";

/**
 * CloudFront in front of the Gateway's load balancer: HTTPS only to the origin (TLS 1.2), TLSv1.2_2021 for
 * viewers, the WAF web ACL and ACM certificate in us-east-1 (one explicit provider, a child of the component),
 * the hosts' alias records in the zone, and the bucket as a private static origin. The origin's security group
 * and secret header come from the origin's lock (aws-origin.ts), built before the Gateway.
 */
export function createAwsCdn(name: string, args: CdnArgs, parent: pulumi.Resource): CdnOutputs {
    const settings = cdnSettings(args);
    const opts = { parent };
    const usEast1 = {
        parent,
        provider: new Provider(
            `${name}-us-east-1`,
            { region: "us-east-1", defaultTags: { tags: args.context.tags } },
            opts,
        ),
    };
    const acl = webAcl(name, settings, usEast1);
    const certificateArn = cdnCertificate(
        name,
        { hosts: args.hosts, zoneId: args.zone.zoneId },
        { usEast1, stack: opts },
    );
    // The origin's lock (aws-origin.ts, built before the Gateway) holds the secret CloudFront sends.
    const secret = args.origin.header.apply((h) => h.value);
    const access = args.staticPathPattern ? bucketAccessControl(name, opts) : undefined;
    const distribution = new cloudfront.Distribution(
        `${name}-distribution`,
        {
            enabled: true,
            comment: `Edge of ${args.context.namePrefix}`,
            aliases: args.hosts,
            isIpv6Enabled: true,
            httpVersion: "http2and3",
            priceClass: "PriceClass_100",
            webAclId: acl.arn,
            origins: [gatewayOrigin(args.originAddress, secret), ...(access ? [storageOrigin(args, access)] : [])],
            defaultCacheBehavior: {
                targetOriginId: GATEWAY,
                viewerProtocolPolicy: "redirect-to-https",
                allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
                cachedMethods: ["GET", "HEAD"],
                cachePolicyId: MANAGED_POLICIES.cachingDisabled,
                originRequestPolicyId: MANAGED_POLICIES.allViewer,
                compress: true,
            },
            orderedCacheBehaviors: args.staticPathPattern ? [staticBehavior(args.staticPathPattern)] : [],
            restrictions: { geoRestriction: { restrictionType: "none" } },
            viewerCertificate: {
                acmCertificateArn: certificateArn,
                sslSupportMethod: "sni-only",
                // TLS 1.2 minimum with the 2021 cipher set (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html).
                minimumProtocolVersion: "TLSv1.2_2021",
            },
        },
        opts,
    );
    aliasRecords(name, args, distribution, opts);
    return outputsOf(args, { distribution, aclArn: acl.arn });
}

/** The Gateway's load balancer as a custom origin, HTTPS only with TLS 1.2, with the origin-verify header. */
function gatewayOrigin(address: pulumi.Input<string>, secret: pulumi.Output<string>) {
    return {
        originId: GATEWAY,
        domainName: address,
        customOriginConfig: {
            httpPort: 80,
            httpsPort: 443,
            originProtocolPolicy: "https-only",
            originSslProtocols: ["TLSv1.2"],
        },
        customHeaders: [{ name: ORIGIN_VERIFY_HEADER, value: secret }],
    };
}

/** The bucket through origin access control (no origin access identity, no public access). */
function storageOrigin(args: CdnArgs, access: cloudfront.OriginAccessControl) {
    return {
        originId: STORAGE,
        domainName: args.storage.endpoint.apply((e) => e.replace(/^https:\/\//, "").replace(/\/.*$/, "")),
        originAccessControlId: access.id,
    };
}

/** Static assets under the pattern come from the bucket, cached, GET/HEAD only. */
function staticBehavior(pathPattern: string) {
    return {
        pathPattern,
        targetOriginId: STORAGE,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: MANAGED_POLICIES.cachingOptimized,
        compress: true,
    };
}

/** An alias A and AAAA record per host to the distribution (Route 53 alias targets: CloudFront's zone). */
function aliasRecords(
    name: string,
    args: CdnArgs,
    distribution: cloudfront.Distribution,
    opts: pulumi.CustomResourceOptions,
) {
    args.hosts.forEach((host, i) => {
        for (const type of ["A", "AAAA"]) {
            new route53.Record(
                `${name}-host-${i}-${type.toLowerCase()}`,
                {
                    zoneId: args.zone.zoneId,
                    name: host,
                    type,
                    aliases: [
                        {
                            name: distribution.domainName,
                            zoneId: distribution.hostedZoneId,
                            evaluateTargetHealth: false,
                        },
                    ],
                },
                opts,
            );
        }
    });
}

function outputsOf(
    args: CdnArgs,
    built: {
        readonly distribution: cloudfront.Distribution;
        readonly aclArn: pulumi.Output<string>;
    },
): CdnOutputs {
    const { distribution } = built;
    const pattern = args.staticPathPattern;
    return {
        endpointHostName: distribution.domainName,
        urls: pulumi.output(args.hosts.map((h) => `https://${h}/`)),
        wafId: built.aclArn,
        originHeader: args.origin.header,
        storagePolicyStatements: pattern
            ? pulumi
                  .all([args.storage.resourceId, distribution.arn])
                  .apply(([bucketArn, arn]) => [oacBucketStatement(bucketArn, arn, pattern)])
            : pulumi.output([]),
        storageKeyPolicyStatements: pattern
            ? distribution.arn.apply((arn) => [oacKeyStatement(arn)])
            : pulumi.output([]),
    };
}
