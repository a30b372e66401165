/**
 * Encryption on AWS: data at rest under customer-managed KMS keys that rotate, and TLS for every
 * connection to the data stores and the bucket.
 */
import type { PolicyResource } from "@pulumi/policy";
import {
    UNKNOWN,
    attachedTo,
    cannotVerifyInPreview,
    isKeyArn,
    isSet,
    keyVerdict,
    label,
    ofTypes,
    peek,
    resourcePolicy,
    setting,
    stackPolicy,
} from "../lib/policy";
import {
    ElastiCacheReplicationGroup,
    EksCluster,
    KmsKey,
    LogGroup,
    RdsInstance,
    RdsParameterGroup,
    S3Bucket,
    S3BucketEncryption,
    S3BucketPolicy,
    S3PublicAccessBlock,
    SnsTopic,
    EcrRepository,
    TYPES,
} from "../lib/shapes";

const customerManagedKey = setting.flag(
    true,
    "Require a customer-managed KMS key (kmsKeyId); false accepts the AWS-managed service key.",
);

/**
 * Why a key property does not name a customer-managed key, or undefined when it does (or is not known
 * yet: a key created in this stack is unknown in a preview; `aws-customer-managed-keys` then checks that
 * the property depends on a KMS key of the graph). `awsKey` is the service's AWS-managed alias.
 */
export function customerKeyProblem(value: unknown, property: string, awsKey: string): string | undefined {
    const verdict = keyVerdict(value);
    if (verdict === "missing") {
        return `${property} is not set, so the AWS-managed key ${awsKey} is used, which you cannot rotate, scope or audit.`;
    }
    if (verdict === "aws-managed") {
        return `${property} is "${String(value)}", an AWS-managed key (alias/aws/* is reserved for them), not a customer key.`;
    }
    return undefined;
}

const CMK_FIX = "Fix: set it to the ARN of a customer-managed aws.kms.Key (created in this stack, with rotation on).";

export const rdsStorageEncrypted = resourcePolicy({
    name: "aws-rds-storage-encrypted-cmk",
    description: "RDS storage is encrypted at rest with a customer-managed KMS key.",
    severity: "high",
    types: [TYPES.rdsInstance],
    settings: { requireCustomerManagedKey: customerManagedKey },
    validate: (db: RdsInstance, { config, report }) => {
        if (db.storageEncrypted !== true) {
            report(
                `storageEncrypted is ${db.storageEncrypted ?? "not set (RDS leaves storage unencrypted)"}. ` +
                    `Fix: set storageEncrypted: true with kmsKeyId of a customer-managed key ` +
                    `(on this platform: remove "storageEncrypted": false from the aws bag of platform:database).`,
            );
        } else if (config.requireCustomerManagedKey && !isSameRegionReplica(db)) {
            const problem = customerKeyProblem(peek(db, "kmsKeyId"), "kmsKeyId", "aws/rds");
            if (problem) report(`Storage: ${problem} ${CMK_FIX}`);
        }
    },
});

/**
 * A read replica of an instance in this region (its source named by identifier or by an ARN of the same
 * region as the replica's key would be): it "is always encrypted with the same KMS key as the source DB
 * instance" and must not name one (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html),
 * so its key is checked on the source. A cross-region replica names its own key and is checked like any instance.
 */
function isSameRegionReplica(db: RdsInstance): boolean {
    return isSet(db, "replicateSourceDb") && !isSet(db, "kmsKeyId");
}

/** RDS for PostgreSQL turns `rds.force_ssl` on by default from major version 15. */
function forceSslDefault(majorVersion: number): boolean {
    return majorVersion >= 15;
}

function majorOf(text: string | undefined): number {
    const match = /(\d+)/.exec(text ?? "");
    return match ? Number(match[1]) : NaN;
}

export const rdsForceTls = stackPolicy({
    name: "aws-rds-force-tls",
    description:
        "Every RDS for PostgreSQL instance uses a parameter group of this stack (its value: aws-rds-parameter-group-force-ssl), or the default group on PostgreSQL 15+ (rds.force_ssl on by default).",
    severity: "high",
    validate: ({ resources, report }) => {
        const groups = ofTypes(resources, [TYPES.rdsParameterGroup]);
        const pending: string[] = [];
        for (const db of ofTypes(resources, [TYPES.rdsInstance])) {
            const props = db.props as RdsInstance;
            if (props.engine !== undefined && props.engine !== "postgres") continue;
            // A same-region replica uses its source's parameter group ("Amazon RDS uses the DBParameterGroup of
            // the source DB instance for a same Region read replica", CreateDBInstanceReadReplica).
            if (isSameRegionReplica(props)) continue;
            // The graph says which group the instance uses; its physical name may be unknown in a preview.
            const fromGraph = (db.propertyDependencies.parameterGroupName ?? []).some(
                (d) => d.type === TYPES.rdsParameterGroup,
            );
            if (fromGraph) continue;
            const groupName = peek(props, "parameterGroupName");
            if (groupName === UNKNOWN) {
                pending.push(`the parameter group of ${label(db)} comes from no parameter group of this stack`);
                continue;
            }
            if (groups.some((g) => peek(g.props as RdsParameterGroup, "name") === groupName)) continue;
            if (groupName === undefined || groupName.startsWith("default.")) {
                if (!forceSslDefault(majorOf(props.engineVersion))) {
                    report(
                        db,
                        `${label(db)} uses the default parameter group, which does not force TLS on PostgreSQL ` +
                            `${props.engineVersion ?? "(version not set)"}. Fix: attach a parameter group with ` +
                            `rds.force_ssl = 1, or run PostgreSQL 15 or later.`,
                    );
                }
            } else {
                report(
                    db,
                    `${label(db)} uses parameter group "${groupName}", which is not managed in this stack, so ` +
                        `rds.force_ssl cannot be verified. Fix: manage the parameter group here with rds.force_ssl = 1.`,
                );
            }
        }
        cannotVerifyInPreview(pending);
    },
});

export const rdsParameterGroupForceSsl = resourcePolicy({
    name: "aws-rds-parameter-group-force-ssl",
    description: "RDS for PostgreSQL parameter groups force TLS (rds.force_ssl = 1, or the 15+ default left alone).",
    severity: "high",
    types: [TYPES.rdsParameterGroup],
    validate: (group: RdsParameterGroup, { args, report }) => {
        if (!/^postgres/.test(group.family ?? "")) args.notApplicable("not a PostgreSQL parameter group");
        const forceSsl = (group.parameters ?? []).find((p) => p.name === "rds.force_ssl")?.value;
        // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html:
        // rds.force_ssl defaults to 1 from PostgreSQL 15.
        const on = forceSsl === undefined ? forceSslDefault(majorOf(group.family)) : forceSsl === "1";
        if (!on) {
            report(
                `rds.force_ssl is ${forceSsl ?? `its ${group.family} default (0)`}, so clients may connect without TLS. ` +
                    'Fix: set rds.force_ssl = 1 (on this platform: remove "forceSsl": false from the aws bag of ' +
                    "platform:database).",
            );
        }
    },
});

export const elastiCacheAtRestEncryption = resourcePolicy({
    name: "aws-elasticache-at-rest-encryption",
    description: "ElastiCache replication groups encrypt data at rest with a customer-managed KMS key.",
    severity: "high",
    types: [TYPES.elastiCacheReplicationGroup],
    settings: { requireCustomerManagedKey: customerManagedKey },
    validate: (group: ElastiCacheReplicationGroup, { config, report }) => {
        // The provider's default depends on the engine: on for valkey, off for redis (the default engine).
        const enabled = group.atRestEncryptionEnabled ?? (group.engine ?? "redis") === "valkey";
        if (!enabled) {
            report(
                `At-rest encryption is off (atRestEncryptionEnabled: ${group.atRestEncryptionEnabled ?? "not set"}, ` +
                    `engine ${group.engine ?? "redis"}). Fix: set atRestEncryptionEnabled: true with kmsKeyId ` +
                    `(on this platform: remove "atRestEncryption": false from the aws bag of platform:cache).`,
            );
        } else if (config.requireCustomerManagedKey) {
            const problem = customerKeyProblem(peek(group, "kmsKeyId"), "kmsKeyId", "aws/elasticache");
            if (problem) report(`At rest: ${problem} ${CMK_FIX}`);
        }
    },
});

export const elastiCacheInTransitEncryption = resourcePolicy({
    name: "aws-elasticache-in-transit-encryption",
    description: "ElastiCache replication groups require TLS for every client connection.",
    severity: "high",
    types: [TYPES.elastiCacheReplicationGroup],
    validate: (group: ElastiCacheReplicationGroup, { report }) => {
        if (group.transitEncryptionEnabled !== true) {
            report(
                `In-transit encryption is ${group.transitEncryptionEnabled === false ? "off" : "not set (off by default)"}. ` +
                    `Fix: set transitEncryptionEnabled: true and transitEncryptionMode: "required" ` +
                    `(on this platform: remove "transitEncryption": false from the aws bag of platform:cache).`,
            );
        } else if (group.transitEncryptionMode === "preferred") {
            report(
                'transitEncryptionMode is "preferred", which still accepts plaintext clients. Fix: set it to "required".',
            );
        }
    },
});

export const elastiCacheAuthToken = resourcePolicy({
    name: "aws-elasticache-auth-token",
    description: "ElastiCache replication groups authenticate clients (AUTH token or RBAC user groups).",
    severity: "high",
    types: [TYPES.elastiCacheReplicationGroup],
    validate: (group: ElastiCacheReplicationGroup, { report }) => {
        // The token is a secret generated at deployment: in a preview it is set but unknown.
        const hasToken = isSet(group, "authToken");
        const userGroups = peek(group, "userGroupIds");
        const hasUserGroups = userGroups === UNKNOWN || (userGroups ?? []).length > 0;
        if (!hasToken && !hasUserGroups) {
            report(
                "Clients connect without authenticating: neither authToken nor userGroupIds is set. Fix: set an " +
                    "authToken (a secret from @pulumi/random; it needs transitEncryptionEnabled: true) or RBAC userGroupIds.",
            );
        }
    },
});

/** The separate configuration resources of `types` that target this bucket (graph, or its literal name). */
function bucketConfigs(resources: readonly PolicyResource[], bucket: PolicyResource, types: readonly string[]) {
    return attachedTo(resources, bucket, types, "bucket", peek(bucket.props as S3Bucket, "bucket"));
}

/**
 * Stack rule "exists and is attached": every bucket has at least one configuration resource of the given
 * types targeting it. The values are judged by the resource rule on that resource (before `pulumi up`
 * creates it, with known inputs). The bucket's own inline sub-configurations are never read: they are
 * deprecated, computed outputs the provider fills from S3 (SSE-S3 / AES256 on every new bucket since
 * 2023-01-05, https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html) before the
 * separate configuration is applied, and AnalyzeStack sees outputs.
 */
function bucketsWithout(
    resources: readonly PolicyResource[],
    types: readonly string[],
    report: (bucket: PolicyResource) => void,
): void {
    for (const bucket of ofTypes(resources, TYPES.s3Buckets)) {
        if (bucketConfigs(resources, bucket, types).length === 0) report(bucket);
    }
}

export const s3EncryptionAttached = stackPolicy({
    name: "aws-s3-kms-encryption",
    description:
        "Every S3 bucket has a default-encryption configuration resource attached (its values: aws-s3-encryption-configuration-kms).",
    severity: "high",
    validate: ({ resources, report }) =>
        bucketsWithout(resources, TYPES.s3Encryption, (bucket) =>
            report(
                bucket,
                `${label(bucket)} has no BucketServerSideEncryptionConfiguration targeting it, so S3 applies SSE-S3 ` +
                    `(AES256), not KMS (the bucket's inline serverSideEncryptionConfiguration is a deprecated output ` +
                    `S3 fills in, and is not accepted). Fix: add a BucketServerSideEncryptionConfiguration whose ` +
                    `bucket is this bucket, with sseAlgorithm "aws:kms" and kmsMasterKeyId.`,
            ),
        ),
});

export const s3EncryptionConfigurationKms = resourcePolicy({
    name: "aws-s3-encryption-configuration-kms",
    description: "S3 default-encryption configurations use SSE-KMS under a customer-managed key.",
    severity: "high",
    types: TYPES.s3Encryption,
    settings: { requireCustomerManagedKey: customerManagedKey },
    validate: (configuration: S3BucketEncryption, { config, report }) => {
        const rules = configuration.rules ?? [];
        if (rules.length === 0)
            report("The configuration has no rule, so S3 applies SSE-S3. Fix: add an aws:kms rule.");
        for (const { applyServerSideEncryptionByDefault: rule } of rules) {
            const algorithm = rule?.sseAlgorithm;
            if (algorithm !== "aws:kms" && algorithm !== "aws:kms:dsse") {
                report(
                    `Default encryption is ${algorithm ?? "not set (SSE-S3)"}, not SSE-KMS. Fix: set sseAlgorithm ` +
                        `"aws:kms" with kmsMasterKeyId (on this platform: remove "kmsEncryption": false from the aws ` +
                        "bag of platform:storage).",
                );
            } else if (config.requireCustomerManagedKey) {
                const problem = customerKeyProblem(peek(rule, "kmsMasterKeyId"), "kmsMasterKeyId", "aws/s3");
                if (problem) report(`Default encryption: ${problem} ${CMK_FIX}`);
            }
        }
    },
});

const PUBLIC_ACCESS_FLAGS = [
    "blockPublicAcls",
    "blockPublicPolicy",
    "ignorePublicAcls",
    "restrictPublicBuckets",
] as const;

export const s3PublicAccessBlock = stackPolicy({
    name: "aws-s3-public-access-block",
    description:
        "Every S3 bucket has a public access block attached (its values: aws-s3-public-access-block-settings).",
    severity: "critical",
    validate: ({ resources, report }) =>
        bucketsWithout(resources, [TYPES.s3PublicAccessBlock], (bucket) =>
            report(
                bucket,
                `${label(bucket)} has no BucketPublicAccessBlock, so nothing in the program keeps it private. ` +
                    `Fix: add one with ${PUBLIC_ACCESS_FLAGS.join(", ")} all true.`,
            ),
        ),
});

export const s3PublicAccessBlockSettings = resourcePolicy({
    name: "aws-s3-public-access-block-settings",
    description: "S3 public access blocks have all four settings on.",
    severity: "critical",
    types: [TYPES.s3PublicAccessBlock],
    validate: (block: S3PublicAccessBlock, { report }) => {
        // Each flag defaults to false on the resource.
        const off = PUBLIC_ACCESS_FLAGS.filter((flag) => block[flag] !== true);
        if (off.length > 0) {
            report(
                `The public access block leaves ${off.join(", ")} off (false or not set). Fix: set all four to true.`,
            );
        }
    },
});

interface PolicyStatement {
    Sid?: string;
    Effect?: string;
    Principal?: unknown;
    Action?: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

function asList<T>(value: T | T[] | undefined): T[] {
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** The statements of an IAM policy document given as JSON text or as an object; [] when unreadable. */
export function statementsOf(policy: unknown): PolicyStatement[] {
    try {
        const document = (typeof policy === "string" ? JSON.parse(policy) : policy) as {
            Statement?: PolicyStatement | PolicyStatement[];
        };
        return asList(document?.Statement);
    } catch {
        return [];
    }
}

/** Principal "*" or {"AWS": "*"}: everyone. */
function isEveryone(principal: unknown): boolean {
    return (
        principal === "*" ||
        (typeof principal === "object" &&
            principal !== null &&
            asList((principal as { AWS?: string }).AWS).includes("*"))
    );
}

/**
 * Whether a policy document denies every S3 action without TLS on the bucket itself and on its objects:
 * the deny statements (Principal "*", Action "s3:*", aws:SecureTransport false) must together cover
 * `arn` and `arn/*` (or "*"). A statement for another bucket, or for `bucket/*` only, leaves bucket-level
 * calls (ListBucket, PutBucketPolicy…) open to plain HTTP.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html ("aws:SecureTransport").
 */
export function deniesInsecureTransport(policy: unknown, bucketArn: string): boolean {
    const covered = new Set<string>();
    for (const s of statementsOf(policy)) {
        const allActions = asList(s.Action).some((a) => a === "s3:*" || a === "*");
        const secure = asList(s.Condition?.Bool?.["aws:SecureTransport"] as unknown).map(String);
        if (s.Effect !== "Deny" || !isEveryone(s.Principal) || !allActions || !secure.includes("false")) continue;
        for (const r of asList(s.Resource)) covered.add(r);
    }
    return (
        covered.has("*") || (covered.has(bucketArn) && (covered.has(`${bucketArn}/*`) || covered.has(`${bucketArn}*`)))
    );
}

export const s3DenyInsecureTransport = stackPolicy({
    name: "aws-s3-deny-insecure-transport",
    description:
        "Every S3 bucket has a bucket policy attached (its TLS deny: aws-s3-bucket-policy-denies-insecure-transport).",
    severity: "high",
    validate: ({ resources, report }) =>
        // Only separate BucketPolicy resources count: the bucket's own `policy` is a deprecated output the
        // provider reads back from S3 (whatever policy is attached, by this program or not).
        bucketsWithout(resources, [TYPES.s3BucketPolicy], (bucket) =>
            report(
                bucket,
                `${label(bucket)} accepts plain-HTTP requests: no BucketPolicy resource targets it. Fix: add one with ` +
                    `a Deny statement for Principal "*", Action "s3:*" on the bucket's ARN and "<ARN>/*" with Condition ` +
                    `{"Bool": {"aws:SecureTransport": "false"}} (on this platform: remove "denyInsecureTransport": false ` +
                    "from the aws bag of platform:storage).",
            ),
        ),
});

export const s3BucketPolicyDeniesInsecureTransport = resourcePolicy({
    name: "aws-s3-bucket-policy-denies-insecure-transport",
    description: "S3 bucket policies deny every request not made over TLS, on the bucket's own ARN and ARN/*.",
    severity: "high",
    types: [TYPES.s3BucketPolicy],
    validate: (attached: S3BucketPolicy, { report }) => {
        // Read without peek: an unknown bucket or document throws the analyzer's UnknownValueError, which the
        // engine reports as "can't run ... during preview" (pulumi up checks it again before creating it).
        const bucket = attached.bucket;
        const arn = `arn:aws:s3:::${bucket}`;
        const partitions = ["aws", "aws-cn", "aws-us-gov"];
        if (!partitions.some((p) => deniesInsecureTransport(attached.policy, `arn:${p}:s3:::${bucket}`))) {
            report(
                `The policy of bucket "${bucket}" does not deny plain-HTTP requests on both ${arn} and ${arn}/*. ` +
                    `Fix: add a Deny statement for Principal "*", Action "s3:*", Resource [${arn}, ${arn}/*] with ` +
                    `Condition {"Bool": {"aws:SecureTransport": "false"}}.`,
            );
        }
    },
});

export const eksSecretsEncryption = resourcePolicy({
    name: "aws-eks-secrets-encryption",
    description: "EKS clusters envelope-encrypt Kubernetes secrets with a customer-managed KMS key.",
    severity: "high",
    types: [TYPES.eksCluster],
    validate: (cluster: EksCluster, { report }) => {
        const config = cluster.encryptionConfig;
        const problem =
            config &&
            customerKeyProblem(
                peek(config.provider, "keyArn"),
                "encryptionConfig.provider.keyArn",
                "(none: EKS has no AWS-managed key)",
            );
        if (!config || !(config.resources ?? []).includes("secrets") || problem) {
            report(
                "Kubernetes secrets are not envelope-encrypted with your KMS key (encryptionConfig is " +
                    `${config ? (problem ?? 'missing "secrets"') : "not set; EKS then uses an AWS-owned key"}). Fix: set encryptionConfig ` +
                    `{ resources: ["secrets"], provider: { keyArn } } (on this platform: remove "secretsEncryption": false ` +
                    `from the aws bag of platform:cluster).`,
            );
        }
    },
});

export const rdsDatabaseInsightsCmk = resourcePolicy({
    name: "aws-rds-database-insights-cmk",
    description: "RDS Database Insights (Performance Insights data) is encrypted with a customer-managed KMS key.",
    severity: "medium",
    types: [TYPES.rdsInstance],
    validate: (db: RdsInstance, { args, report }) => {
        // Database Insights stores its data through Performance Insights: "advanced" mode needs it enabled
        // (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DatabaseInsights.TurningOnAdvanced.html).
        if (db.performanceInsightsEnabled !== true && db.databaseInsightsMode !== "advanced") {
            args.notApplicable("Performance Insights / Database Insights is off");
        }
        const problem = customerKeyProblem(
            peek(db, "performanceInsightsKmsKeyId"),
            "performanceInsightsKmsKeyId",
            "aws/rds",
        );
        if (problem) report(`Database Insights: ${problem} ${CMK_FIX}`);
    },
});

export const snsTopicCmk = resourcePolicy({
    name: "aws-sns-topic-cmk",
    description: "SNS topics encrypt messages at rest with a customer-managed KMS key.",
    severity: "medium",
    types: [TYPES.snsTopic],
    validate: (topic: SnsTopic, { report }) => {
        const problem = customerKeyProblem(peek(topic, "kmsMasterKeyId"), "kmsMasterKeyId", "alias/aws/sns");
        if (problem) {
            report(
                `${problem} CloudWatch alarms cannot publish to a topic under alias/aws/sns either (its key policy ` +
                    "cannot grant cloudwatch.amazonaws.com). Fix: create an aws.kms.Key whose policy lets " +
                    "cloudwatch.amazonaws.com use kms:Decrypt and kms:GenerateDataKey*, and set kmsMasterKeyId to it.",
            );
        }
    },
});

export const ecrRepositoryCmk = resourcePolicy({
    name: "aws-ecr-repository-cmk",
    description: "ECR repositories encrypt images with KMS under a customer-managed key.",
    severity: "medium",
    types: [TYPES.ecrRepository],
    validate: (repository: EcrRepository, { report }) => {
        const configs = repository.encryptionConfigurations ?? [];
        // Without an encryption configuration ECR uses AES256 (S3-managed keys).
        const kms = configs.find((c) => (c.encryptionType ?? "AES256").startsWith("KMS"));
        if (!kms) {
            report(
                "Images are encrypted with AES256 (ECR's default), not KMS. Fix: set encryptionConfigurations " +
                    '[{ encryptionType: "KMS", kmsKey: <customer key ARN> }].',
            );
            return;
        }
        const problem = customerKeyProblem(peek(kms, "kmsKey"), "encryptionConfigurations[].kmsKey", "aws/ecr");
        if (problem) report(`${problem} ${CMK_FIX}`);
    },
});

/** Whether a key policy statement gives every principal every KMS action without a condition. */
function grantsAllToEveryone(s: PolicyStatement): boolean {
    const allActions = asList(s.Action).some((a) => a === "kms:*" || a === "*");
    return s.Effect === "Allow" && isEveryone(s.Principal) && allActions && s.Condition === undefined;
}

export const kmsKeyPolicyNoWildcard = resourcePolicy({
    name: "aws-kms-key-policy-no-wildcard",
    description: 'KMS key policies never allow "kms:*" to Principal "*" without a condition.',
    severity: "critical",
    types: [TYPES.kmsKey],
    validate: (key: KmsKey, { report }) => {
        // No policy: KMS applies the default key policy (the account root only).
        const open = statementsOf(key.policy).filter(grantsAllToEveryone);
        if (open.length > 0) {
            report(
                `The key policy lets anyone use and administer the key (${open.map((s) => s.Sid ?? "a statement").join(", ")}: ` +
                    'Allow "kms:*" to "*"). Fix: grant kms:* to the account root (arn:aws:iam::<account>:root) ' +
                    "and only the actions a service needs to its service principal.",
            );
        }
    },
});

/** Where each AWS resource names a KMS key, and the AWS-managed default that applies otherwise. */
const KEY_PROPERTIES: { type: string; property: string; values: (props: Record<string, unknown>) => unknown[] }[] = [
    { type: TYPES.rdsInstance, property: "kmsKeyId", values: (p) => [peek(p, "kmsKeyId")] },
    {
        type: TYPES.rdsInstance,
        property: "performanceInsightsKmsKeyId",
        values: (p) => [peek(p, "performanceInsightsKmsKeyId")],
    },
    { type: TYPES.rdsBackupReplication, property: "kmsKeyId", values: (p) => [peek(p, "kmsKeyId")] },
    { type: TYPES.elastiCacheReplicationGroup, property: "kmsKeyId", values: (p) => [peek(p, "kmsKeyId")] },
    { type: TYPES.logGroup, property: "kmsKeyId", values: (p) => [peek(p, "kmsKeyId")] },
    { type: TYPES.snsTopic, property: "kmsMasterKeyId", values: (p) => [peek(p, "kmsMasterKeyId")] },
    {
        type: TYPES.eksCluster,
        property: "encryptionConfig",
        values: (p) => [peek((p as EksCluster).encryptionConfig?.provider, "keyArn")],
    },
    ...TYPES.s3Encryption.map((type) => ({
        type,
        property: "rules",
        values: (p: Record<string, unknown>) =>
            ((p as unknown as S3BucketEncryption).rules ?? []).map((r) =>
                peek(r.applyServerSideEncryptionByDefault, "kmsMasterKeyId"),
            ),
    })),
    {
        type: TYPES.ecrRepository,
        property: "encryptionConfigurations",
        values: (p) => ((p as EcrRepository).encryptionConfigurations ?? []).map((c) => peek(c, "kmsKey")),
    },
];

const KEY_TYPES = ["aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws:kms/alias:Alias"];

export const customerManagedKeys = stackPolicy({
    name: "aws-customer-managed-keys",
    description:
        "Every KMS key reference names a customer key: a KMS key of this stack the property depends on, or an explicit key ARN.",
    severity: "high",
    validate: ({ resources, report }) => {
        const pending: string[] = [];
        for (const { type, property, values } of KEY_PROPERTIES) {
            for (const r of ofTypes(resources, [type])) {
                const fromKey = (r.propertyDependencies[property] ?? []).some((d) => KEY_TYPES.includes(d.type));
                for (const value of values(r.props as Record<string, unknown>)) {
                    const verdict = keyVerdict(value);
                    // Missing and AWS-managed keys are the resource rules' findings (reported once, there).
                    if (verdict === "missing" || verdict === "aws-managed" || fromKey || isKeyArn(value)) continue;
                    if (verdict === "unknown") {
                        pending.push(`${property} of ${label(r)} comes from no KMS key of this stack`);
                        continue;
                    }
                    report(
                        r,
                        `${property} of ${label(r)} is "${String(value)}", which is neither a KMS key of this stack nor ` +
                            "a key ARN (an alias or key id can be repointed, or name an AWS-managed key). Fix: pass the " +
                            "ARN of an aws.kms.Key created in this stack (key.arn), or the full ARN of a customer key.",
                    );
                }
            }
        }
        cannotVerifyInPreview(pending);
    },
});

export const kmsKeyRotation = resourcePolicy({
    name: "aws-kms-key-rotation",
    description: "Symmetric customer-managed KMS keys rotate their key material automatically.",
    severity: "medium",
    types: [TYPES.kmsKey],
    validate: (key: KmsKey, { args, report }) => {
        const spec = key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
        if (
            spec !== "SYMMETRIC_DEFAULT" ||
            (key.keyUsage ?? "ENCRYPT_DECRYPT") !== "ENCRYPT_DECRYPT" ||
            key.customKeyStoreId
        ) {
            args.notApplicable("automatic rotation exists only for symmetric keys in AWS KMS key stores");
        }
        if (key.enableKeyRotation !== true) {
            report(
                `Automatic rotation is ${key.enableKeyRotation === false ? "off" : "not set (off by default)"}. ` +
                    "Fix: set enableKeyRotation: true.",
            );
        }
    },
});

export const logGroupEncryptionOrRetention = resourcePolicy({
    name: "aws-log-group-encryption-or-retention",
    description: "CloudWatch log groups are encrypted with a KMS key or at least expire (retention set).",
    severity: "medium",
    types: [TYPES.logGroup],
    validate: (group: LogGroup, { report }) => {
        const hasRetention = (group.retentionInDays ?? 0) > 0;
        if (
            keyVerdict(peek(group, "kmsKeyId")) !== "customer" &&
            keyVerdict(peek(group, "kmsKeyId")) !== "unknown" &&
            !hasRetention
        ) {
            report(
                "The log group keeps its logs forever without a KMS key (retentionInDays not set means never expire). " +
                    "Fix: set retentionInDays (e.g. 30) or kmsKeyId.",
            );
        }
    },
});

export const logGroupKms = resourcePolicy({
    name: "aws-log-group-kms",
    description:
        "CloudWatch log groups are encrypted with a customer-managed KMS key where the environment requires it.",
    severity: "medium",
    types: [TYPES.logGroup],
    settings: { requireKmsKey: setting.flag(false, "Require kmsKeyId (a customer key) on every log group.") },
    validate: (group: LogGroup, { config, args, report }) => {
        if (!config.requireKmsKey) args.notApplicable("KMS-encrypted log groups are not required in this environment");
        // Without kmsKeyId CloudWatch Logs encrypts with a service-owned key.
        const problem = customerKeyProblem(peek(group, "kmsKeyId"), "kmsKeyId", "(the CloudWatch Logs service key)");
        if (problem) {
            report(
                `${problem} Fix: set kmsKeyId to a customer-managed key whose policy lets logs.<region>.amazonaws.com ` +
                    "use it (kms:Encrypt*, kms:Decrypt*, kms:GenerateDataKey*, kms:Describe*).",
            );
        }
    },
});

export const awsEncryptionPolicies = [
    rdsStorageEncrypted,
    rdsForceTls,
    rdsParameterGroupForceSsl,
    elastiCacheAtRestEncryption,
    elastiCacheInTransitEncryption,
    elastiCacheAuthToken,
    s3EncryptionAttached,
    s3EncryptionConfigurationKms,
    s3PublicAccessBlock,
    s3PublicAccessBlockSettings,
    s3DenyInsecureTransport,
    s3BucketPolicyDeniesInsecureTransport,
    eksSecretsEncryption,
    kmsKeyRotation,
    kmsKeyPolicyNoWildcard,
    logGroupEncryptionOrRetention,
    logGroupKms,
    rdsDatabaseInsightsCmk,
    snsTopicCmk,
    ecrRepositoryCmk,
    customerManagedKeys,
];
