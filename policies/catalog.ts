/**
 * What each rule maps to in the scanners people already run, and its domain: published as the policy's
 * `tags` (`domain:…`, `checkov:…`, `trivy:…`, `cis:…`), so a stack can select by framework, and listed in
 * policies/README.md. An id marked "~" is the nearest analogue (the scanner judges another resource type).
 * Sources: Checkov policy index (https://www.checkov.io/5.Policy%20Index/all.html), Trivy / AVD
 * (https://avd.aquasec.com/misconfig/), CIS benchmarks as cited.
 */
export type Domain =
    | "encryption"
    | "backups"
    | "exposure"
    | "identity"
    | "logging"
    | "supply-chain"
    | "kubernetes"
    | "platform";

export interface CatalogEntry {
    readonly domain: Domain;
    readonly checkov?: readonly string[];
    readonly trivy?: readonly string[];
    readonly cis?: readonly string[];
    /** PSRule for Azure rule names (https://azure.github.io/PSRule.Rules.Azure/), where no Checkov / Trivy id exists. */
    readonly psrule?: readonly string[];
}

export const CATALOG: Readonly<Record<string, CatalogEntry>> = {
    "aws-rds-storage-encrypted-cmk": {
        domain: "encryption",
        checkov: ["CKV_AWS_16"],
        trivy: ["AVD-AWS-0080"],
        cis: ["AWS 2.3.1"],
    },
    "aws-rds-force-tls": { domain: "encryption", checkov: ["CKV2_AWS_69"] },
    "aws-rds-parameter-group-force-ssl": { domain: "encryption", checkov: ["CKV2_AWS_69"] },
    "aws-elasticache-at-rest-encryption": {
        domain: "encryption",
        checkov: ["CKV_AWS_29", "CKV_AWS_191"],
        trivy: ["AVD-AWS-0045"],
    },
    "aws-elasticache-in-transit-encryption": { domain: "encryption", checkov: ["CKV_AWS_30"], trivy: ["AVD-AWS-0051"] },
    "aws-elasticache-auth-token": { domain: "encryption", checkov: ["CKV_AWS_31"] },
    "aws-s3-kms-encryption": { domain: "encryption", checkov: ["CKV_AWS_145"], trivy: ["AVD-AWS-0132"] },
    "aws-s3-encryption-configuration-kms": { domain: "encryption", checkov: ["CKV_AWS_145"], trivy: ["AVD-AWS-0132"] },
    "aws-s3-public-access-block": { domain: "exposure", checkov: ["CKV2_AWS_6"], cis: ["AWS 2.1.4"] },
    "aws-s3-public-access-block-settings": {
        domain: "exposure",
        checkov: ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"],
        trivy: ["AVD-AWS-0086", "AVD-AWS-0087", "AVD-AWS-0091", "AVD-AWS-0093"],
    },
    "aws-s3-deny-insecure-transport": { domain: "encryption", cis: ["AWS 2.1.1"] },
    "aws-s3-bucket-policy-denies-insecure-transport": { domain: "encryption", cis: ["AWS 2.1.1"] },
    "aws-eks-secrets-encryption": { domain: "encryption", checkov: ["CKV_AWS_58"], trivy: ["AVD-AWS-0039"] },
    "aws-kms-key-rotation": { domain: "encryption", checkov: ["CKV_AWS_7"], trivy: ["AVD-AWS-0065"], cis: ["AWS 3.6"] },
    "aws-kms-key-policy-no-wildcard": { domain: "encryption", checkov: ["CKV_AWS_33"] },
    "aws-log-group-encryption-or-retention": { domain: "encryption", checkov: ["CKV_AWS_66"] },
    "aws-log-group-kms": { domain: "encryption", checkov: ["CKV_AWS_158"], trivy: ["AVD-AWS-0017"] },
    "aws-rds-database-insights-cmk": { domain: "encryption", checkov: ["CKV_AWS_354"], trivy: ["AVD-AWS-0078"] },
    "aws-sns-topic-cmk": { domain: "encryption", checkov: ["CKV_AWS_26"], trivy: ["AVD-AWS-0095", "AVD-AWS-0136"] },
    "aws-ecr-repository-cmk": { domain: "encryption", checkov: ["CKV_AWS_136"], trivy: ["AVD-AWS-0033"] },
    "aws-customer-managed-keys": { domain: "encryption" },
    "aws-rds-backup-retention": { domain: "backups", checkov: ["CKV_AWS_133"], trivy: ["AVD-AWS-0077"] },
    "aws-rds-deletion-protection": { domain: "backups", checkov: ["CKV_AWS_293"], trivy: ["AVD-AWS-0177"] },
    "aws-rds-final-snapshot": { domain: "backups" },
    "aws-rds-multi-az": { domain: "backups", checkov: ["CKV_AWS_157"] },
    "aws-rds-read-replicas": { domain: "backups" },
    "aws-rds-proxy-require-tls": { domain: "encryption" },
    "azure-postgres-read-replicas": { domain: "backups" },
    "azure-postgres-pooler-replica-tier": { domain: "backups" },
    "aws-elasticache-snapshot-retention": { domain: "backups", checkov: ["~CKV_AWS_134"], trivy: ["AVD-AWS-0050"] },
    "aws-s3-versioning": { domain: "backups", checkov: ["CKV_AWS_21"], trivy: ["AVD-AWS-0090"] },
    "aws-s3-versioning-enabled": { domain: "backups", checkov: ["CKV_AWS_21"], trivy: ["AVD-AWS-0090"] },
    "aws-s3-bucket-force-destroy-off": { domain: "backups" },
    "aws-s3-noncurrent-version-expiry": { domain: "backups" },
    "aws-rds-keep-automated-backups": { domain: "backups" },
    "aws-rds-backup-replication": { domain: "backups", checkov: ["CKV_AWS_353"] },
    "aws-rds-backup-replication-present": { domain: "backups" },
    "aws-backup-plan-covers-database": { domain: "backups", checkov: ["~CKV2_AWS_8"] },
    "aws-backup-plan-copies-to-second-region": { domain: "backups" },
    "aws-backup-vault-locked": { domain: "backups" },
    "aws-s3-replicated-to-second-region": { domain: "backups", checkov: ["CKV_AWS_144"] },
    "aws-elasticache-failover": { domain: "backups", checkov: ["~CKV_AWS_191"] },
    "aws-kms-key-deletion-window": { domain: "backups", checkov: ["~CKV_AWS_227"] },
    "aws-data-resources-protected": { domain: "backups" },
    "aws-data-store-keys-protected": { domain: "backups" },
    "aws-rds-not-publicly-accessible": { domain: "exposure", checkov: ["CKV_AWS_17"], trivy: ["AVD-AWS-0180"] },
    "aws-security-group-no-world-ingress": {
        domain: "exposure",
        checkov: ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277"],
        trivy: ["AVD-AWS-0107"],
        cis: ["AWS 5.2", "AWS 5.3"],
    },
    "aws-default-security-group-closed": { domain: "exposure", checkov: ["CKV2_AWS_12"], cis: ["AWS 5.4"] },
    "aws-subnet-no-auto-public-ip": { domain: "exposure", checkov: ["CKV_AWS_130"], trivy: ["AVD-AWS-0164"] },
    "aws-eks-endpoint-restricted": {
        domain: "exposure",
        checkov: ["CKV_AWS_38", "CKV_AWS_39"],
        trivy: ["AVD-AWS-0040", "AVD-AWS-0041"],
    },
    "aws-s3-ownership-enforced": { domain: "exposure", checkov: ["CKV2_AWS_65"] },
    "aws-rds-iam-authentication": { domain: "identity", checkov: ["CKV_AWS_161"], trivy: ["AVD-AWS-0176"] },
    "aws-eks-authentication-mode-api": { domain: "identity" },
    "aws-eks-control-plane-logging": { domain: "logging", checkov: ["CKV_AWS_37"], trivy: ["AVD-AWS-0038"] },
    "aws-rds-log-exports": { domain: "logging", checkov: ["CKV_AWS_129"] },
    "aws-vpc-flow-logs": { domain: "logging", checkov: ["CKV2_AWS_11"], trivy: ["AVD-AWS-0178"] },
    "aws-flow-log-captures-rejects": { domain: "logging" },
    "aws-auto-minor-version-upgrade": { domain: "supply-chain", checkov: ["CKV_AWS_226"] },
    "aws-ecr-immutable-tags": { domain: "supply-chain", checkov: ["CKV_AWS_51"], trivy: ["AVD-AWS-0031"] },
    "aws-ecr-scan-on-push": { domain: "supply-chain", checkov: ["CKV_AWS_163"], trivy: ["AVD-AWS-0030"] },
    "aws-cloudfront-waf-attached": { domain: "exposure", checkov: ["CKV_AWS_68"], trivy: ["AVD-AWS-0011"] },
    "aws-cloudfront-viewer-tls-minimum": { domain: "encryption", checkov: ["CKV_AWS_174"], trivy: ["AVD-AWS-0013"] },
    "aws-cloudfront-origin-https-only": { domain: "encryption", checkov: ["~CKV_AWS_34"] },
    "aws-cloudfront-storage-origin-private": { domain: "exposure", checkov: ["~CKV2_AWS_46"] },
    "aws-cloudfront-origin-verified": { domain: "exposure" },

    "azure-postgres-secure-transport": {
        domain: "encryption",
        checkov: ["~CKV_AZURE_29"],
        trivy: ["AVD-AZU-0020", "AVD-AZU-0026"],
    },
    "azure-postgres-no-public-access": { domain: "exposure", checkov: ["~CKV_AZURE_68"], trivy: ["AVD-AZU-0022"] },
    "azure-redis-encrypted-client-protocol": { domain: "encryption", checkov: ["~CKV_AZURE_91"] },
    "azure-redis-minimum-tls": { domain: "encryption", checkov: ["~CKV_AZURE_148"] },
    "azure-redis-no-public-access": { domain: "exposure", checkov: ["~CKV_AZURE_89"] },
    "azure-storage-https-only": { domain: "encryption", checkov: ["CKV_AZURE_3"], trivy: ["AVD-AZU-0008"] },
    "azure-storage-minimum-tls": { domain: "encryption", checkov: ["CKV_AZURE_44"], trivy: ["AVD-AZU-0011"] },
    "azure-storage-infrastructure-encryption": { domain: "encryption", trivy: ["AVD-AZU-0061"] },
    "azure-storage-no-public-blob-access": { domain: "exposure", checkov: ["CKV_AZURE_190"], trivy: ["AVD-AZU-0007"] },
    "azure-aks-azure-rbac": { domain: "exposure", checkov: ["CKV_AZURE_5"], trivy: ["AVD-AZU-0042"] },
    "azure-aks-local-accounts-disabled": { domain: "exposure", checkov: ["CKV_AZURE_141"] },
    "azure-postgres-cmk": { domain: "encryption", checkov: ["~CKV_AZURE_130"] },
    "azure-storage-cmk": { domain: "encryption", checkov: ["CKV2_AZURE_1"] },
    "azure-redis-cmk": { domain: "encryption" },
    "azure-aks-etcd-kms": { domain: "encryption", checkov: ["CKV_AZURE_117"] },
    "azure-aks-encryption-at-host": { domain: "encryption", checkov: ["CKV_AZURE_227"] },
    "azure-acr-cmk": { domain: "encryption" },
    "azure-aks-os-disk-cmk": { domain: "encryption" },
    "azure-postgres-backup-retention": { domain: "backups" },
    "azure-postgres-geo-redundant-backup": { domain: "backups", checkov: ["CKV_AZURE_136"] },
    "azure-postgres-high-availability": { domain: "backups" },
    "azure-redis-persistence": { domain: "backups" },
    "azure-blob-versioning": { domain: "backups" },
    "azure-blob-service-versioning": { domain: "backups" },
    "azure-blob-soft-delete": { domain: "backups", checkov: ["CKV2_AZURE_38"], trivy: ["AVD-AZU-0056"] },
    "azure-blob-version-expiry": { domain: "backups" },
    "azure-storage-zone-redundant": { domain: "backups" },
    "azure-storage-geo-redundant": { domain: "backups", checkov: ["CKV_AZURE_206"] },
    "azure-backup-covers-postgres": { domain: "backups" },
    "azure-backup-vault-geo-redundant": { domain: "backups" },
    "azure-backup-vault-immutable": { domain: "backups" },
    "azure-redis-high-availability": { domain: "backups" },
    "azure-delete-lock": { domain: "backups" },
    "azure-data-resources-protected": { domain: "backups" },
    "azure-nsg-no-internet-ingress": {
        domain: "exposure",
        checkov: ["CKV_AZURE_9", "CKV_AZURE_10", "CKV_AZURE_160"],
        trivy: ["AVD-AZU-0047"],
    },
    "azure-aks-api-restricted": {
        domain: "exposure",
        checkov: ["CKV_AZURE_6", "CKV_AZURE_115"],
        trivy: ["AVD-AZU-0041"],
    },
    "azure-aks-no-node-public-ip": { domain: "exposure", checkov: ["~CKV_AZURE_143"] },
    "azure-postgres-no-open-firewall": { domain: "exposure", checkov: ["~CKV_AZURE_11"] },
    "azure-storage-no-public-network-access": {
        domain: "exposure",
        checkov: ["CKV_AZURE_59", "CKV_AZURE_35"],
        trivy: ["AVD-AZU-0012"],
    },
    "azure-acr-no-admin-or-anonymous": { domain: "exposure", checkov: ["CKV_AZURE_137", "CKV_AZURE_138"] },
    "azure-acr-no-public-network-access": { domain: "exposure", checkov: ["CKV_AZURE_139"] },
    "azure-postgres-entra-auth": { domain: "identity", psrule: ["Azure.PostgreSQL.AAD"] },
    "azure-postgres-passwordless": { domain: "identity", psrule: ["Azure.PostgreSQL.AADOnly"] },
    "azure-redis-access-keys-off-with-entra": { domain: "identity" },
    "azure-storage-shared-key-disabled": { domain: "identity", checkov: ["CKV2_AZURE_40"] },
    "azure-aks-workload-identity": { domain: "identity" },
    "azure-aks-network-policy": { domain: "exposure", checkov: ["CKV_AZURE_7"], trivy: ["AVD-AZU-0043"] },
    "azure-aks-auto-upgrade": { domain: "supply-chain", checkov: ["CKV_AZURE_171"] },
    "azure-aks-control-plane-logs": { domain: "logging", checkov: ["~CKV_AZURE_4"], trivy: ["~AVD-AZU-0040"] },
    "azure-postgres-logs": { domain: "logging" },
    "azure-vnet-flow-logs": { domain: "logging" },
    "azure-frontdoor-waf-attached": { domain: "exposure", checkov: ["~CKV_AZURE_121"] },
    "azure-frontdoor-waf-prevention": { domain: "exposure", checkov: ["~CKV_AZURE_123"] },
    "azure-frontdoor-minimum-tls": { domain: "encryption", psrule: ["Azure.FrontDoor.MinTLS"] },
    "azure-frontdoor-origin-https-only": { domain: "encryption" },
    "azure-frontdoor-storage-origin-private": { domain: "exposure" },

    "k8s-pod-non-root": { domain: "kubernetes", checkov: ["CKV_K8S_23"], trivy: ["KSV012"] },
    "k8s-no-privilege-escalation": { domain: "kubernetes", checkov: ["CKV_K8S_20"], trivy: ["KSV001"] },
    "k8s-no-privileged": { domain: "kubernetes", checkov: ["CKV_K8S_16"], trivy: ["KSV017"] },
    "k8s-capabilities-dropped": {
        domain: "kubernetes",
        checkov: ["CKV_K8S_28", "CKV_K8S_37"],
        trivy: ["KSV003", "KSV022"],
    },
    "k8s-read-only-root-filesystem": { domain: "kubernetes", checkov: ["CKV_K8S_22"], trivy: ["KSV014"] },
    "k8s-seccomp-runtime-default": { domain: "kubernetes", checkov: ["CKV_K8S_31"], trivy: ["KSV030"] },
    "k8s-pod-host-isolation": {
        domain: "kubernetes",
        checkov: ["CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19"],
        trivy: ["KSV008", "KSV009", "KSV010", "KSV023"],
    },
    "k8s-image-pinned": { domain: "kubernetes", checkov: ["CKV_K8S_14", "CKV_K8S_43"], trivy: ["KSV013"] },
    "k8s-resources-set": {
        domain: "kubernetes",
        checkov: ["CKV_K8S_10", "CKV_K8S_11", "CKV_K8S_12", "CKV_K8S_13"],
        trivy: ["KSV011", "KSV015", "KSV016", "KSV018"],
    },
    "k8s-probes": { domain: "kubernetes", checkov: ["CKV_K8S_8", "CKV_K8S_9"] },
    "k8s-service-account-token-not-automounted": { domain: "kubernetes", checkov: ["CKV_K8S_38"], trivy: ["KSV036"] },
    "k8s-default-deny-network-policy": { domain: "kubernetes", trivy: ["KSV038"] },
    "k8s-namespace-pod-security-restricted": { domain: "kubernetes" },
    "k8s-route-https-only": { domain: "kubernetes" },
    "k8s-gateway-tls-minimum": { domain: "kubernetes" },
    "k8s-gateway-forwarded-ip-locked": { domain: "kubernetes" },
    "k8s-no-load-balancer-services": { domain: "kubernetes" },

    "platform-database-backups": { domain: "platform" },
    "platform-stateful-components-protected": { domain: "platform" },
    "platform-no-security-opt-outs": { domain: "platform" },
};

/** The tags a policy is published with: its domain, cloud and scanner ids. */
export function tagsOf(name: string): string[] {
    const entry = CATALOG[name];
    if (!entry) return [];
    const cloud = name.split("-")[0];
    return [
        `domain:${entry.domain}`,
        `cloud:${cloud === "k8s" ? "kubernetes" : cloud}`,
        ...(entry.checkov ?? []).map((id) => `checkov:${id.replace(/^~/, "")}`),
        ...(entry.trivy ?? []).map((id) => `trivy:${id.replace(/^~/, "")}`),
        ...(entry.cis ?? []).map((id) => `cis:${id}`),
        ...(entry.psrule ?? []).map((id) => `psrule:${id}`),
    ];
}
