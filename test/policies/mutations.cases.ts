/**
 * The mutations of the mutation suite (mutations.test.ts): one protected setting of the prod graph weakened
 * at a time, and the policy that must catch it.
 */
import * as assert from "assert";
import type { Cloud } from "../harness";
import { FixtureResource, setPath } from "./fixtures";

export interface Mutation {
    /** What is weakened, in words. */
    readonly what: string;
    /** The policy that must catch it. */
    readonly policy: string;
    readonly mutate: (graph: FixtureResource[]) => void;
}

/** The first resource of a type (optionally whose name contains `part`). */
function find(graph: FixtureResource[], type: string, part = ""): FixtureResource {
    const found = graph.find((r) => r.type === type && r.name.includes(part));
    assert.ok(found, `no ${type} ${part} in the prod graph`);
    return found;
}

const set =
    (type: string, path: string, value: unknown, part = "") =>
    (graph: FixtureResource[]) =>
        setPath(find(graph, type, part).props, path, value);

const remove =
    (type: string, part = "") =>
    (graph: FixtureResource[]) => {
        graph.splice(graph.indexOf(find(graph, type, part)), 1);
    };

const unprotect =
    (type: string, part = "") =>
    (graph: FixtureResource[]) => {
        const r = find(graph, type, part);
        graph.splice(graph.indexOf(r), 1, { ...r, protect: false });
    };

const editPolicy = (edit: (text: string) => string) => (graph: FixtureResource[]) => {
    const props = find(graph, "aws:s3/bucketPolicy:BucketPolicy").props;
    props.policy = edit(String(props.policy));
};

const RDS = "aws:rds/instance:Instance";
const CACHE = "aws:elasticache/replicationGroup:ReplicationGroup";
const KEY = "aws:kms/key:Key";

export const AWS_MUTATIONS: Mutation[] = [
    {
        what: "RDS storage unencrypted",
        policy: "aws-rds-storage-encrypted-cmk",
        mutate: set(RDS, "storageEncrypted", false),
    },
    {
        what: "RDS under alias/aws/rds",
        policy: "aws-rds-storage-encrypted-cmk",
        mutate: set(RDS, "kmsKeyId", "alias/aws/rds"),
    },
    {
        what: "Database Insights under alias/aws/rds",
        policy: "aws-rds-database-insights-cmk",
        mutate: set(RDS, "performanceInsightsKmsKeyId", "alias/aws/rds"),
    },
    { what: "RDS backups 7 days", policy: "aws-rds-backup-retention", mutate: set(RDS, "backupRetentionPeriod", 7) },
    {
        what: "RDS deletion protection off",
        policy: "aws-rds-deletion-protection",
        mutate: set(RDS, "deletionProtection", false),
    },
    {
        what: "RDS skips the final snapshot",
        policy: "aws-rds-final-snapshot",
        mutate: set(RDS, "skipFinalSnapshot", true),
    },
    { what: "RDS single-AZ", policy: "aws-rds-multi-az", mutate: set(RDS, "multiAz", false) },
    {
        what: "RDS deletes automated backups with the instance",
        policy: "aws-rds-keep-automated-backups",
        mutate: set(RDS, "deleteAutomatedBackups", true),
    },
    {
        what: "rds.force_ssl 0",
        policy: "aws-rds-parameter-group-force-ssl",
        mutate: set("aws:rds/parameterGroup:ParameterGroup", "parameters", [{ name: "rds.force_ssl", value: "0" }]),
    },
    {
        what: "replicated backups under alias/aws/rds",
        policy: "aws-rds-backup-replication",
        mutate: set(
            "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
            "kmsKeyId",
            "alias/aws/rds",
        ),
    },
    {
        what: "replicated backups 7 days",
        policy: "aws-rds-backup-replication",
        mutate: set(
            "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
            "retentionPeriod",
            7,
        ),
    },
    {
        what: "no cross-region backup replication",
        policy: "aws-rds-backup-replication-present",
        mutate: remove("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication"),
    },
    {
        what: "cache at rest unencrypted",
        policy: "aws-elasticache-at-rest-encryption",
        mutate: set(CACHE, "atRestEncryptionEnabled", false),
    },
    {
        what: "cache under alias/aws/elasticache",
        policy: "aws-elasticache-at-rest-encryption",
        mutate: set(CACHE, "kmsKeyId", "alias/aws/elasticache"),
    },
    {
        what: "cache TLS preferred",
        policy: "aws-elasticache-in-transit-encryption",
        mutate: set(CACHE, "transitEncryptionMode", "preferred"),
    },
    {
        // Since P2 the prod cache authenticates through an RBAC user group, not a token: the policy accepts
        // either, so the mutation takes both away (dropping the token alone leaves a compliant cache).
        what: "cache without AUTH",
        policy: "aws-elasticache-auth-token",
        mutate: (graph) => {
            set(CACHE, "authToken", undefined)(graph);
            set(CACHE, "userGroupIds", undefined)(graph);
        },
    },
    {
        what: "cache snapshots 1 day",
        policy: "aws-elasticache-snapshot-retention",
        mutate: set(CACHE, "snapshotRetentionLimit", 1),
    },
    { what: "cache single-AZ", policy: "aws-elasticache-failover", mutate: set(CACHE, "multiAzEnabled", false) },
    {
        what: "bucket default encryption AES256",
        policy: "aws-s3-encryption-configuration-kms",
        mutate: set("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "rules", [
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ]),
    },
    {
        what: "bucket under alias/aws/s3",
        policy: "aws-s3-encryption-configuration-kms",
        mutate: set("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "rules", [
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/aws/s3" } },
        ]),
    },
    {
        what: "no bucket encryption configuration",
        policy: "aws-s3-kms-encryption",
        mutate: remove("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"),
    },
    {
        what: "public access block leaves restrictPublicBuckets off",
        policy: "aws-s3-public-access-block-settings",
        mutate: set("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "restrictPublicBuckets", false),
    },
    {
        what: "no public access block",
        policy: "aws-s3-public-access-block",
        mutate: remove("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"),
    },
    {
        what: "TLS deny on bucket/* only",
        policy: "aws-s3-bucket-policy-denies-insecure-transport",
        mutate: editPolicy((text) => text.replace(/"(arn:aws:s3:::[^"/]+)",/, "")),
    },
    {
        what: "TLS deny for another bucket",
        policy: "aws-s3-bucket-policy-denies-insecure-transport",
        mutate: editPolicy((text) => text.replace(/arn:aws:s3:::[^"/]+/g, "arn:aws:s3:::another-bucket")),
    },
    {
        what: "no bucket policy",
        policy: "aws-s3-deny-insecure-transport",
        mutate: remove("aws:s3/bucketPolicy:BucketPolicy"),
    },
    {
        what: "versioning suspended",
        policy: "aws-s3-versioning-enabled",
        mutate: set("aws:s3/bucketVersioning:BucketVersioning", "versioningConfiguration.status", "Suspended"),
    },
    {
        what: "bucket forceDestroy",
        policy: "aws-s3-bucket-force-destroy-off",
        mutate: set("aws:s3/bucket:Bucket", "forceDestroy", true),
    },
    {
        what: "noncurrent versions expire after 1 day",
        policy: "aws-s3-noncurrent-version-expiry",
        mutate: set("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "rules", [
            { id: "x", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 1 } },
        ]),
    },
    {
        what: "EKS secrets not envelope-encrypted",
        policy: "aws-eks-secrets-encryption",
        mutate: set("aws:eks/cluster:Cluster", "encryptionConfig", undefined),
    },
    {
        what: "KMS key rotation off",
        policy: "aws-kms-key-rotation",
        mutate: set(KEY, "enableKeyRotation", false, "db-kms"),
    },
    {
        what: "KMS deletion window 7 days",
        policy: "aws-kms-key-deletion-window",
        mutate: set(KEY, "deletionWindowInDays", 7, "db-kms"),
    },
    {
        what: "KMS key policy open to everyone",
        policy: "aws-kms-key-policy-no-wildcard",
        mutate: set(
            KEY,
            "policy",
            JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }] }),
            "alerts-kms",
        ),
    },
    { what: "RDS instance not protected", policy: "aws-data-resources-protected", mutate: unprotect(RDS) },
    { what: "database key not protected", policy: "aws-data-store-keys-protected", mutate: unprotect(KEY, "db-kms") },
    {
        // Every log group has both a customer key and a retention since the keys change: drop both.
        what: "log group kept forever without a key",
        policy: "aws-log-group-encryption-or-retention",
        mutate: (graph) => {
            set("aws:cloudwatch/logGroup:LogGroup", "retentionInDays", undefined)(graph);
            set("aws:cloudwatch/logGroup:LogGroup", "kmsKeyId", undefined)(graph);
        },
    },
    {
        what: "database component not protected",
        policy: "platform-stateful-components-protected",
        mutate: unprotect("platform:database:Database"),
    },
    {
        what: "database component retention 7 days",
        policy: "platform-database-backups",
        mutate: set("platform:database:Database", "backupRetentionDays", 7),
    },
    // Mandatory in prod since the log groups and registries have their own keys (w16).
    {
        what: "log group with the service-owned key",
        policy: "aws-log-group-kms",
        mutate: set("aws:cloudwatch/logGroup:LogGroup", "kmsKeyId", undefined),
    },
    {
        what: "ECR repository on aws/ecr",
        policy: "aws-ecr-repository-cmk",
        mutate: set("aws:ecr/repository:Repository", "encryptionConfigurations", [{ encryptionType: "KMS" }]),
    },
];

const PG = "azure-native:dbforpostgresql:Server";
const REDIS = "azure-native:redisenterprise:RedisEnterprise";
const REDIS_DB = "azure-native:redisenterprise:Database";
const ACCOUNT = "azure-native:storage:StorageAccount";
const BLOB = "azure-native:storage:BlobServiceProperties";
const AKS = "azure-native:containerservice:ManagedCluster";

export const AZURE_MUTATIONS: Mutation[] = [
    // Mandatory in prod since the data stores have Key Vault keys (w16).
    {
        what: "PostgreSQL on service-managed keys",
        policy: "azure-postgres-cmk",
        mutate: set(PG, "dataEncryption", undefined),
    },
    {
        what: "storage on Microsoft-managed keys",
        policy: "azure-storage-cmk",
        mutate: set(ACCOUNT, "encryption.keySource", "Microsoft.Storage"),
    },
    {
        what: "Managed Redis on Microsoft-managed keys",
        policy: "azure-redis-cmk",
        mutate: set(REDIS, "encryption", undefined),
    },
    {
        what: "PostgreSQL backups 7 days",
        policy: "azure-postgres-backup-retention",
        mutate: set(PG, "backup.backupRetentionDays", 7),
    },
    {
        what: "PostgreSQL backups not geo-redundant",
        policy: "azure-postgres-geo-redundant-backup",
        mutate: set(PG, "backup.geoRedundantBackup", "Disabled"),
    },
    {
        what: "PostgreSQL without a standby",
        policy: "azure-postgres-high-availability",
        mutate: set(PG, "highAvailability.mode", "Disabled"),
    },
    {
        what: "PostgreSQL public",
        policy: "azure-postgres-no-public-access",
        mutate: (graph) => {
            set(PG, "network.publicNetworkAccess", "Enabled")(graph);
            set(PG, "network.delegatedSubnetResourceId", undefined)(graph);
        },
    },
    {
        what: "require_secure_transport off",
        policy: "azure-postgres-secure-transport",
        mutate: set("azure-native:dbforpostgresql:Configuration", "value", "off", "require-secure-transport"),
    },
    {
        what: "TLS 1.1 allowed",
        policy: "azure-postgres-secure-transport",
        mutate: set("azure-native:dbforpostgresql:Configuration", "value", "TLSv1.1", "ssl-min-protocol-version"),
    },
    {
        what: "Redis plaintext",
        policy: "azure-redis-encrypted-client-protocol",
        mutate: set(REDIS_DB, "clientProtocol", "Plaintext"),
    },
    {
        what: "Redis without persistence",
        policy: "azure-redis-persistence",
        mutate: set(REDIS_DB, "persistence", { aofEnabled: false }),
    },
    { what: "Redis TLS 1.0", policy: "azure-redis-minimum-tls", mutate: set(REDIS, "minimumTlsVersion", "1.0") },
    {
        what: "Redis public",
        policy: "azure-redis-no-public-access",
        mutate: set(REDIS, "publicNetworkAccess", "Enabled"),
    },
    {
        what: "Redis without a replica",
        policy: "azure-redis-high-availability",
        mutate: set(REDIS, "highAvailability", "Disabled"),
    },
    {
        what: "storage over HTTP",
        policy: "azure-storage-https-only",
        mutate: set(ACCOUNT, "enableHttpsTrafficOnly", false),
    },
    {
        what: "storage TLS 1.0",
        policy: "azure-storage-minimum-tls",
        mutate: set(ACCOUNT, "minimumTlsVersion", "TLS1_0"),
    },
    {
        what: "storage single encryption",
        policy: "azure-storage-infrastructure-encryption",
        mutate: set(ACCOUNT, "encryption.requireInfrastructureEncryption", false),
    },
    {
        what: "public blobs allowed",
        policy: "azure-storage-no-public-blob-access",
        mutate: set(ACCOUNT, "allowBlobPublicAccess", true),
    },
    { what: "storage LRS", policy: "azure-storage-zone-redundant", mutate: set(ACCOUNT, "sku.name", "Standard_LRS") },
    {
        what: "blob versioning off",
        policy: "azure-blob-service-versioning",
        mutate: set(BLOB, "isVersioningEnabled", false),
    },
    { what: "no blob service properties", policy: "azure-blob-versioning", mutate: remove(BLOB) },
    {
        what: "blob soft delete 1 day",
        policy: "azure-blob-soft-delete",
        mutate: set(BLOB, "deleteRetentionPolicy.days", 1),
    },
    {
        what: "container soft delete off",
        policy: "azure-blob-soft-delete",
        mutate: set(BLOB, "containerDeleteRetentionPolicy.enabled", false),
    },
    {
        what: "previous blob versions deleted after 1 day",
        policy: "azure-blob-version-expiry",
        mutate: set(
            "azure-native:storage:ManagementPolicy",
            "policy.rules.0.definition.actions.version.delete.daysAfterCreationGreaterThan",
            1,
        ),
    },
    {
        what: "no delete lock",
        policy: "azure-delete-lock",
        mutate: remove("azure-native:authorization:ManagementLockByScope"),
    },
    {
        what: "lock level NotSpecified",
        policy: "azure-delete-lock",
        mutate: set("azure-native:authorization:ManagementLockByScope", "level", "NotSpecified"),
    },
    {
        what: "AKS local accounts",
        policy: "azure-aks-local-accounts-disabled",
        mutate: set(AKS, "disableLocalAccounts", false),
    },
    {
        what: "AKS secrets without KMS",
        policy: "azure-aks-etcd-kms",
        mutate: set(AKS, "securityProfile.azureKeyVaultKms", undefined),
    },
    {
        what: "AKS KMS through a public key vault",
        policy: "azure-aks-etcd-kms",
        mutate: set(AKS, "securityProfile.azureKeyVaultKms.keyVaultNetworkAccess", "Public"),
    },
    {
        what: "registry on Microsoft's key",
        policy: "azure-acr-cmk",
        mutate: set("azure-native:containerregistry:Registry", "encryption", undefined),
    },
    {
        what: "AKS OS disks on Microsoft's key",
        policy: "azure-aks-os-disk-cmk",
        mutate: set(AKS, "diskEncryptionSetID", undefined),
    },
    {
        what: "AKS nodes without encryption at host",
        policy: "azure-aks-encryption-at-host",
        mutate: set(AKS, "agentPoolProfiles.0.enableEncryptionAtHost", false),
    },
    {
        what: "AKS without Azure RBAC",
        policy: "azure-aks-azure-rbac",
        mutate: set(AKS, "aadProfile.enableAzureRBAC", false),
    },
    { what: "storage account not protected", policy: "azure-data-resources-protected", mutate: unprotect(ACCOUNT) },
    {
        what: "cache component not protected",
        policy: "platform-stateful-components-protected",
        mutate: unprotect("platform:cache:Cache"),
    },
];

const DEPLOY = "kubernetes:apps/v1:Deployment";
const C0 = "spec.template.spec.containers.0";

/** The same Kubernetes objects are registered on both clouds. */
export const KUBERNETES_MUTATIONS: Mutation[] = [
    {
        what: "pod may run as root",
        policy: "k8s-pod-non-root",
        mutate: set(DEPLOY, `${C0}.securityContext.runAsNonRoot`, false, "api"),
    },
    {
        what: "privilege escalation",
        policy: "k8s-no-privilege-escalation",
        mutate: set(DEPLOY, `${C0}.securityContext.allowPrivilegeEscalation`, true, "api"),
    },
    {
        what: "privileged container",
        policy: "k8s-no-privileged",
        mutate: set(DEPLOY, `${C0}.securityContext.privileged`, true, "api"),
    },
    {
        what: "capabilities kept",
        policy: "k8s-capabilities-dropped",
        mutate: set(DEPLOY, `${C0}.securityContext.capabilities`, undefined, "api"),
    },
    {
        what: "writable root filesystem",
        policy: "k8s-read-only-root-filesystem",
        mutate: set(DEPLOY, `${C0}.securityContext.readOnlyRootFilesystem`, false, "api"),
    },
    {
        what: "seccomp unconfined",
        policy: "k8s-seccomp-runtime-default",
        mutate: (graph) => {
            set(DEPLOY, "spec.template.spec.securityContext.seccompProfile", { type: "Unconfined" }, "api")(graph);
            set(DEPLOY, `${C0}.securityContext.seccompProfile`, undefined, "api")(graph);
        },
    },
    {
        what: "host network",
        policy: "k8s-pod-host-isolation",
        mutate: set(DEPLOY, "spec.template.spec.hostNetwork", true, "worker"),
    },
    {
        what: "image :latest",
        policy: "k8s-image-pinned",
        mutate: set(DEPLOY, `${C0}.image`, "ghcr.io/acme/api:latest", "api"),
    },
    {
        what: "no limits",
        policy: "k8s-resources-set",
        mutate: set(DEPLOY, `${C0}.resources.limits`, undefined, "frontend"),
    },
    {
        what: "no readiness probe",
        policy: "k8s-probes",
        mutate: set(DEPLOY, `${C0}.readinessProbe`, undefined, "frontend"),
    },
    {
        what: "token automounted",
        policy: "k8s-service-account-token-not-automounted",
        mutate: set(DEPLOY, "spec.template.spec.automountServiceAccountToken", true, "worker"),
    },
    {
        what: "no default-deny NetworkPolicy",
        policy: "k8s-default-deny-network-policy",
        mutate: remove("kubernetes:networking.k8s.io/v1:NetworkPolicy", "default-deny"),
    },
    {
        what: "application namespace at baseline",
        policy: "k8s-namespace-pod-security-restricted",
        mutate: set(
            "kubernetes:core/v1:Namespace",
            "metadata.labels",
            { "pod-security.kubernetes.io/enforce": "baseline" },
            "workloads-namespace",
        ),
    },
    {
        what: "route on the HTTP listener",
        policy: "k8s-route-https-only",
        mutate: set(
            "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
            "spec.parentRefs.0.sectionName",
            "http",
            "api-route",
        ),
    },
    {
        what: "TLS 1.0 allowed on the Gateway",
        policy: "k8s-gateway-tls-minimum",
        mutate: set("kubernetes:gateway.envoyproxy.io/v1alpha1:ClientTrafficPolicy", "spec.tls.minVersion", "1.0"),
    },
    {
        what: "LoadBalancer Service",
        policy: "k8s-no-load-balancer-services",
        mutate: set("kubernetes:core/v1:Service", "spec.type", "LoadBalancer", "api"),
    },
];

export const AWS_EXPOSURE_MUTATIONS: Mutation[] = [
    { what: "RDS public", policy: "aws-rds-not-publicly-accessible", mutate: set(RDS, "publiclyAccessible", true) },
    {
        what: "PostgreSQL open to 0.0.0.0/0",
        policy: "aws-security-group-no-world-ingress",
        mutate: set("aws:ec2/securityGroup:SecurityGroup", "ingress.0.cidrBlocks", ["0.0.0.0/0"], "db-sg"),
    },
    {
        what: "default security group allows egress",
        policy: "aws-default-security-group-closed",
        mutate: set("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "egress", [
            { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] },
        ]),
    },
    {
        what: "node subnet assigns public IPs",
        policy: "aws-subnet-no-auto-public-ip",
        mutate: set("aws:ec2/subnet:Subnet", "mapPublicIpOnLaunch", true, "nodes"),
    },
    {
        what: "EKS API open to 0.0.0.0/0",
        policy: "aws-eks-endpoint-restricted",
        mutate: set("aws:eks/cluster:Cluster", "vpcConfig.publicAccessCidrs", ["0.0.0.0/0"]),
    },
    {
        what: "bucket ACLs enabled",
        policy: "aws-s3-ownership-enforced",
        mutate: set("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "rule.objectOwnership", "ObjectWriter"),
    },
];

export const AZURE_EXPOSURE_MUTATIONS: Mutation[] = [
    {
        what: "Internet to PostgreSQL port",
        policy: "azure-nsg-no-internet-ingress",
        mutate: set(
            "azure-native:network:NetworkSecurityGroup",
            "securityRules.0.sourceAddressPrefix",
            "Internet",
            "data-nsg",
        ),
    },
    {
        what: "AKS API without authorized ranges",
        policy: "azure-aks-api-restricted",
        mutate: set(AKS, "apiServerAccessProfile.authorizedIPRanges", []),
    },
    {
        what: "AKS nodes with public IPs",
        policy: "azure-aks-no-node-public-ip",
        mutate: set(AKS, "agentPoolProfiles.0.enableNodePublicIP", true),
    },
    {
        what: "storage public with default Allow",
        policy: "azure-storage-no-public-network-access",
        mutate: (graph) => {
            set(ACCOUNT, "publicNetworkAccess", "Enabled")(graph);
            set(ACCOUNT, "networkRuleSet.defaultAction", "Allow")(graph);
        },
    },
    {
        what: "registry admin user",
        policy: "azure-acr-no-admin-or-anonymous",
        mutate: set("azure-native:containerregistry:Registry", "adminUserEnabled", true),
    },
    {
        what: "registry anonymous pull",
        policy: "azure-acr-no-admin-or-anonymous",
        mutate: set("azure-native:containerregistry:Registry", "anonymousPullEnabled", true),
    },
];

const EKS = "aws:eks/cluster:Cluster";
const ECR = "aws:ecr/repository:Repository";
const DIAGNOSTICS = "azure-native:monitor:DiagnosticSetting";

/** Identity, logging and supply chain (issue 17 item 4): the settings the program meets today, weakened. */
export const AWS_IDENTITY_MUTATIONS: Mutation[] = [
    {
        what: "RDS IAM authentication off",
        policy: "aws-rds-iam-authentication",
        mutate: set(RDS, "iamDatabaseAuthenticationEnabled", false),
    },
    {
        what: "EKS authentication mode CONFIG_MAP",
        policy: "aws-eks-authentication-mode-api",
        mutate: set(EKS, "accessConfig.authenticationMode", "CONFIG_MAP"),
    },
    {
        what: "EKS authentication mode API_AND_CONFIG_MAP",
        policy: "aws-eks-authentication-mode-api",
        mutate: set(EKS, "accessConfig.authenticationMode", "API_AND_CONFIG_MAP"),
    },
    {
        what: "EKS audit log off",
        policy: "aws-eks-control-plane-logging",
        mutate: set(EKS, "enabledClusterLogTypes", ["api", "authenticator", "controllerManager", "scheduler"]),
    },
    {
        what: "RDS log exports removed",
        policy: "aws-rds-log-exports",
        mutate: set(RDS, "enabledCloudwatchLogsExports", undefined),
    },
    { what: "VPC flow log removed", policy: "aws-vpc-flow-logs", mutate: remove("aws:ec2/flowLog:FlowLog") },
    {
        what: "VPC flow log of accepted traffic only",
        policy: "aws-flow-log-captures-rejects",
        mutate: set("aws:ec2/flowLog:FlowLog", "trafficType", "ACCEPT"),
    },
    {
        what: "RDS autoMinorVersionUpgrade off",
        policy: "aws-auto-minor-version-upgrade",
        mutate: set(RDS, "autoMinorVersionUpgrade", false),
    },
    {
        what: "ElastiCache autoMinorVersionUpgrade off",
        policy: "aws-auto-minor-version-upgrade",
        mutate: set(CACHE, "autoMinorVersionUpgrade", false),
    },
    { what: "ECR tags mutable", policy: "aws-ecr-immutable-tags", mutate: set(ECR, "imageTagMutability", "MUTABLE") },
    {
        what: "ECR scan on push off",
        policy: "aws-ecr-scan-on-push",
        mutate: set(ECR, "imageScanningConfiguration.scanOnPush", false),
    },
];

export const AZURE_IDENTITY_MUTATIONS: Mutation[] = [
    {
        what: "PostgreSQL Entra authentication off",
        policy: "azure-postgres-entra-auth",
        mutate: set(PG, "authConfig.activeDirectoryAuth", "Disabled"),
    },
    {
        what: "storage shared key access on",
        policy: "azure-storage-shared-key-disabled",
        mutate: set(ACCOUNT, "allowSharedKeyAccess", true),
    },
    {
        what: "AKS workload identity off",
        policy: "azure-aks-workload-identity",
        mutate: set(AKS, "securityProfile.workloadIdentity.enabled", false),
    },
    {
        what: "AKS OIDC issuer off",
        policy: "azure-aks-workload-identity",
        mutate: set(AKS, "oidcIssuerProfile.enabled", false),
    },
    {
        what: "AKS network policy none",
        policy: "azure-aks-network-policy",
        mutate: set(AKS, "networkProfile.networkPolicy", "none"),
    },
    {
        what: "AKS auto-upgrade channel none",
        policy: "azure-aks-auto-upgrade",
        mutate: set(AKS, "autoUpgradeProfile.upgradeChannel", "none"),
    },
    {
        what: "AKS node OS upgrades unmanaged",
        policy: "azure-aks-auto-upgrade",
        mutate: set(AKS, "autoUpgradeProfile.nodeOSUpgradeChannel", "Unmanaged"),
    },
    {
        what: "AKS diagnostic settings removed",
        policy: "azure-aks-control-plane-logs",
        mutate: remove(DIAGNOSTICS, "cluster-diagnostics"),
    },
    {
        what: "AKS audit log category removed",
        policy: "azure-aks-control-plane-logs",
        mutate: (graph) => {
            const props = find(graph, DIAGNOSTICS, "cluster-diagnostics").props;
            props.logs = (props.logs as { category: string }[]).filter((l) => !l.category.startsWith("kube-audit"));
        },
    },
    {
        what: "PostgreSQL diagnostic settings removed",
        policy: "azure-postgres-logs",
        mutate: remove(DIAGNOSTICS, "db-diagnostics"),
    },
];

/** Weakenings the pack does not catch yet, and why (the figure's denominator includes them). */
export const NOT_CAUGHT: Record<Cloud, { what: string; why: string }[]> = {
    aws: [
        {
            what: "NetworkPolicy egress to 0.0.0.0/0 on any port",
            why: "only the default deny is judged, not each allow",
        },
        {
            what: "a chart's values weakened (e.g. the Envoy Gateway controller)",
            why: "Helm releases render objects the pack cannot see",
        },
    ],
    azure: [
        {
            what: "Redis access keys Enabled",
            why:
                "nothing to weaken: prod authenticates to Redis with the access key and assigns no Entra identity, so " +
                "azure-redis-access-keys-off-with-entra has no Entra-enabled database to judge (passwordless Redis not built)",
        },
        {
            what: "Key Vault / storage / Redis diagnostic settings removed",
            why: "only the control-plane (AKS) and database (PostgreSQL) logs are required (item 4)",
        },
        {
            what: "NetworkPolicy egress to 0.0.0.0/0 on any port",
            why: "only the default deny is judged, not each allow",
        },
        {
            what: "a chart's values weakened (e.g. the Envoy Gateway controller)",
            why: "Helm releases render objects the pack cannot see",
        },
    ],
};
