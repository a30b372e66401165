/**
 * The edge on AWS: CloudFront distributions with a WAF web ACL where required (prod), TLS 1.2 or later for
 * viewers, HTTPS only (TLS 1.2) to custom origins, and S3 origins read through origin access control, never
 * a public bucket or website endpoint.
 */
import { resourcePolicy, setting } from "../lib/policy";

export const CLOUDFRONT_DISTRIBUTION = "aws:cloudfront/distribution:Distribution";

/** `aws.cloudfront.Distribution`, the slices these rules read. */
export interface CloudFrontDistribution {
    webAclId?: string;
    viewerCertificate?: { minimumProtocolVersion?: string; cloudfrontDefaultCertificate?: boolean };
    origins?: {
        originId?: string;
        domainName?: string;
        originAccessControlId?: string;
        customOriginConfig?: { originProtocolPolicy?: string; originSslProtocols?: string[] };
        customHeaders?: { name?: string; value?: string }[];
    }[];
}

/**
 * CloudFront's viewer security policies of TLS 1.2 or later
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html).
 */
export const TLS12_VIEWER_POLICIES = ["TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

export const cloudFrontWafAttached = resourcePolicy({
    name: "aws-cloudfront-waf-attached",
    description: "CloudFront distributions have an AWS WAF web ACL attached where the environment requires one.",
    severity: "high",
    types: [CLOUDFRONT_DISTRIBUTION],
    settings: { required: setting.flag(false, "Require webAclId on every distribution.") },
    validate: (d: CloudFrontDistribution, { config, args, report }) => {
        if (!config.required) args.notApplicable("a WAF is not required in this environment");
        if (!d.webAclId) {
            report(
                "The distribution has no web ACL (webAclId is not set), so requests reach the origin unfiltered. " +
                    "Fix: create an aws.wafv2.WebAcl with scope CLOUDFRONT in us-east-1 and set webAclId to its ARN " +
                    "(on this platform: platform:cdn, components/cdn/aws-waf.ts).",
            );
        }
    },
});

export const cloudFrontViewerTls = resourcePolicy({
    name: "aws-cloudfront-viewer-tls-minimum",
    description: "CloudFront distributions accept viewers over TLS 1.2 or later only.",
    severity: "high",
    types: [CLOUDFRONT_DISTRIBUTION],
    validate: (d: CloudFrontDistribution, { report }) => {
        const cert = d.viewerCertificate ?? {};
        // With the default *.cloudfront.net certificate CloudFront always uses TLSv1, whatever the setting (same page).
        if (
            cert.cloudfrontDefaultCertificate === true ||
            !TLS12_VIEWER_POLICIES.includes(cert.minimumProtocolVersion ?? "")
        ) {
            report(
                `The viewer security policy is ${cert.cloudfrontDefaultCertificate ? "the default certificate's TLSv1" : (cert.minimumProtocolVersion ?? "not set (TLSv1)")}, ` +
                    "which admits TLS 1.0 and 1.1. Fix: use an ACM certificate (us-east-1) with minimumProtocolVersion " +
                    '"TLSv1.2_2021" or later.',
            );
        }
    },
});

export const cloudFrontOriginHttps = resourcePolicy({
    name: "aws-cloudfront-origin-https-only",
    description: "CloudFront reaches custom origins over HTTPS only, with TLS 1.2.",
    severity: "high",
    types: [CLOUDFRONT_DISTRIBUTION],
    validate: (d: CloudFrontDistribution, { report }) => {
        for (const o of d.origins ?? []) {
            const custom = o.customOriginConfig;
            if (!custom) continue;
            const weak = (custom.originSslProtocols ?? []).filter((p) => p !== "TLSv1.2");
            if (custom.originProtocolPolicy !== "https-only" || weak.length > 0) {
                report(
                    `Origin "${o.originId}" is reached with originProtocolPolicy ${custom.originProtocolPolicy ?? "not set"}` +
                        `${weak.length > 0 ? ` and ${weak.join(", ")}` : ""}, so requests can leave CloudFront unencrypted ` +
                        'or over old TLS. Fix: set originProtocolPolicy "https-only" and originSslProtocols ["TLSv1.2"].',
                );
            }
        }
    },
});

/** An S3 origin: a bucket's REST endpoint (private through OAC) or its website endpoint (always public). */
const S3_ENDPOINT = /\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com$/;
const S3_WEBSITE = /\.s3-website[.-]/;

export const cloudFrontStorageOriginPrivate = resourcePolicy({
    name: "aws-cloudfront-storage-origin-private",
    description:
        "CloudFront reads S3 origins through origin access control, never from a public bucket or website endpoint.",
    severity: "critical",
    types: [CLOUDFRONT_DISTRIBUTION],
    validate: (d: CloudFrontDistribution, { report }) => {
        for (const o of d.origins ?? []) {
            const host = o.domainName ?? "";
            if (S3_WEBSITE.test(host)) {
                report(
                    `Origin "${o.originId}" is an S3 website endpoint, which only serves public buckets. Fix: use the bucket's REST endpoint with origin access control.`,
                );
            } else if (S3_ENDPOINT.test(host) && !o.originAccessControlId) {
                report(
                    `Origin "${o.originId}" reads the bucket ${host} without origin access control, which works only if the ` +
                        "bucket is public. Fix: create an aws.cloudfront.OriginAccessControl (s3, sigv4, always), set " +
                        "originAccessControlId, and grant cloudfront.amazonaws.com with an AWS:SourceArn condition.",
                );
            }
        }
    },
});

/** The shortest origin secret accepted: 128 bits of base62 take 22 characters; the platform sends 40. */
const MIN_ORIGIN_SECRET = 22;

export const cloudFrontOriginVerified = resourcePolicy({
    name: "aws-cloudfront-origin-verified",
    description:
        "CloudFront sends a secret header to every custom origin where the environment requires the origin locked to the CDN.",
    severity: "high",
    types: [CLOUDFRONT_DISTRIBUTION],
    settings: { required: setting.flag(false, "Require a secret custom header on every custom origin.") },
    validate: (d: CloudFrontDistribution, { config, args, report }) => {
        if (!config.required) args.notApplicable("origin lock-down is not required in this environment");
        // CloudFront's origin-facing prefix list admits every distribution of every account; only a header the
        // origin checks ties requests to this one (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/restrict-access-to-load-balancer.html).
        for (const o of d.origins ?? []) {
            if (!o.customOriginConfig) continue;
            const secret = (o.customHeaders ?? []).some((h) => (h.value ?? "").length >= MIN_ORIGIN_SECRET);
            if (!secret) {
                report(
                    `Origin "${o.originId}" gets no secret custom header (customHeaders with a value of ${MIN_ORIGIN_SECRET}+ ` +
                        "characters), so any CloudFront distribution can reach it through the prefix list. Fix: add a " +
                        "custom header with a random secret value and require it at the origin (on this platform: " +
                        "components/cdn/aws-origin.ts, X-Origin-Verify, checked by the Gateway's SecurityPolicy).",
                );
            }
        }
    },
});

export const awsEdgePolicies = [
    cloudFrontWafAttached,
    cloudFrontViewerTls,
    cloudFrontOriginHttps,
    cloudFrontStorageOriginPrivate,
    cloudFrontOriginVerified,
];
