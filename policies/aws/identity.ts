/**
 * Identity, logging and supply chain on AWS: IAM authentication to RDS, an EKS cluster that grants access
 * through access entries only, control-plane, database and VPC flow logs on, minor engine upgrades applied
 * automatically, and container images that cannot be overwritten and are scanned when pushed.
 */
import {
    UNKNOWN,
    attachedTo,
    cannotVerifyInPreview,
    label,
    ofTypes,
    peek,
    resourcePolicy,
    setting,
    stackPolicy,
} from "../lib/policy";
import { EcrRepository, EksCluster, ElastiCacheReplicationGroup, FlowLog, RdsInstance, TYPES } from "../lib/shapes";

export const rdsIamAuthentication = resourcePolicy({
    name: "aws-rds-iam-authentication",
    description: "RDS instances accept IAM database authentication (short-lived tokens instead of shared passwords).",
    severity: "medium",
    types: [TYPES.rdsInstance],
    validate: (db: RdsInstance, { report }) => {
        // The provider's default is false. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.html
        if (db.iamDatabaseAuthenticationEnabled !== true) {
            report(
                `iamDatabaseAuthenticationEnabled is ${db.iamDatabaseAuthenticationEnabled ?? "not set (off)"}, so every ` +
                    "client needs the shared password. Fix: set iamDatabaseAuthenticationEnabled: true.",
            );
        }
    },
});

/**
 * `API` only: access entries, which are AWS resources audited in CloudTrail. `API_AND_CONFIG_MAP` keeps the
 * aws-auth ConfigMap as a second way to map IAM principals to cluster groups that no access entry shows, and
 * `CONFIG_MAP` (the default when unset) is that way alone. The switch is one-way (CONFIG_MAP →
 * API_AND_CONFIG_MAP → API): https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html
 */
export const eksAuthenticationModeApi = resourcePolicy({
    name: "aws-eks-authentication-mode-api",
    description:
        "EKS clusters grant access through access entries only (authenticationMode API, no aws-auth ConfigMap).",
    severity: "high",
    types: [TYPES.eksCluster],
    settings: {
        allowedModes: setting.strings(
            ["API"],
            "Authentication modes accepted (API_AND_CONFIG_MAP only while migrating).",
        ),
    },
    validate: (cluster: EksCluster, { config, report }) => {
        const mode = cluster.accessConfig?.authenticationMode ?? "CONFIG_MAP";
        if (!config.allowedModes.includes(mode)) {
            report(
                `authenticationMode is ${cluster.accessConfig?.authenticationMode ?? "not set (CONFIG_MAP)"}, so the aws-auth ` +
                    "ConfigMap can grant cluster access that no access entry shows. Fix: set accessConfig.authenticationMode " +
                    '"API" and manage access with aws.eks.AccessEntry.',
            );
        }
    },
});

const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export const eksControlPlaneLogging = resourcePolicy({
    name: "aws-eks-control-plane-logging",
    description:
        "EKS clusters send every control-plane log type (api, audit, authenticator, controllerManager, scheduler) to CloudWatch.",
    severity: "medium",
    types: [TYPES.eksCluster],
    settings: { requiredLogTypes: setting.strings(EKS_LOG_TYPES, "Control-plane log types that must be enabled.") },
    validate: (cluster: EksCluster, { config, report }) => {
        // None is enabled by default. https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
        const enabled = cluster.enabledClusterLogTypes ?? [];
        const missing = config.requiredLogTypes.filter((t) => !enabled.includes(t));
        if (missing.length > 0) {
            report(
                `Control-plane logs ${missing.join(", ")} are off, so API calls and sign-ins leave no trace. ` +
                    `Fix: set enabledClusterLogTypes to ${JSON.stringify(config.requiredLogTypes)}.`,
            );
        }
    },
});

export const rdsLogExports = resourcePolicy({
    name: "aws-rds-log-exports",
    description: "RDS instances export their database log to CloudWatch Logs (postgresql for PostgreSQL).",
    severity: "medium",
    types: [TYPES.rdsInstance],
    settings: { requiredExports: setting.strings(["postgresql"], "Log types every PostgreSQL instance exports.") },
    validate: (db: RdsInstance, { args, config, report }) => {
        if (db.engine !== undefined && db.engine !== "postgres") args.notApplicable("not a PostgreSQL instance");
        // Nothing is exported by default. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Concepts.PostgreSQL.html
        const exported = db.enabledCloudwatchLogsExports ?? [];
        const missing = config.requiredExports.filter((t) => !exported.includes(t));
        if (missing.length > 0) {
            report(
                `enabledCloudwatchLogsExports lacks ${missing.join(", ")}, so connections and errors stay on the instance and ` +
                    `go with it. Fix: add ${JSON.stringify(missing)} to enabledCloudwatchLogsExports.`,
            );
        }
    },
});

export const vpcFlowLogs = stackPolicy({
    name: "aws-vpc-flow-logs",
    description: "Every VPC has a flow log attached (its traffic type: aws-flow-log-captures-rejects).",
    severity: "medium",
    validate: ({ resources, report }) => {
        const pending: string[] = [];
        for (const vpc of ofTypes(resources, [TYPES.vpc])) {
            // The graph says which VPC a flow log's vpcId came from.
            if (attachedTo(resources, vpc, [TYPES.flowLog], "vpcId").length > 0) continue;
            // A flow log whose vpcId is unknown and comes from no resource of the graph may still be this VPC's.
            const unknown = ofTypes(resources, [TYPES.flowLog]).some(
                (f) => peek(f.props as FlowLog, "vpcId") === UNKNOWN,
            );
            if (unknown) pending.push(`the flow log of ${label(vpc)}`);
            else
                report(
                    vpc,
                    `${label(vpc)} has no flow log, so rejected and accepted connections leave no record. Fix: add an ` +
                        "aws.ec2.FlowLog with vpcId of this VPC and trafficType ALL (or REJECT).",
                );
        }
        cannotVerifyInPreview(pending);
    },
});

export const flowLogCapturesRejects = resourcePolicy({
    name: "aws-flow-log-captures-rejects",
    description: "VPC flow logs record rejected traffic (trafficType ALL or REJECT).",
    severity: "low",
    types: [TYPES.flowLog],
    validate: (flow: FlowLog, { report }) => {
        if (!["ALL", "REJECT"].includes(flow.trafficType ?? "")) {
            report(
                `trafficType is ${flow.trafficType ?? "not set"}, so refused connections, the sign of a probe, are not ` +
                    'recorded. Fix: set trafficType "ALL" (or "REJECT").',
            );
        }
    },
});

export const autoMinorVersionUpgrade = resourcePolicy({
    name: "aws-auto-minor-version-upgrade",
    description: "RDS instances and ElastiCache replication groups apply minor engine upgrades automatically.",
    severity: "low",
    types: [TYPES.rdsInstance, TYPES.elastiCacheReplicationGroup],
    validate: (resource: RdsInstance | ElastiCacheReplicationGroup, { report }) => {
        // Both providers default to true.
        if (resource.autoMinorVersionUpgrade === false) {
            report(
                "autoMinorVersionUpgrade is false, so security fixes in minor engine versions wait for someone to apply " +
                    "them. Fix: set autoMinorVersionUpgrade: true (upgrades run in the maintenance window).",
            );
        }
    },
});

export const ecrImmutableTags = resourcePolicy({
    name: "aws-ecr-immutable-tags",
    description: "ECR repositories make image tags immutable, so a pushed tag cannot be replaced by another image.",
    severity: "high",
    types: [TYPES.ecrRepository],
    validate: (repo: EcrRepository, { report }) => {
        // The default is MUTABLE. https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
        if (!/^IMMUTABLE/.test(repo.imageTagMutability ?? "MUTABLE")) {
            report(
                `imageTagMutability is ${repo.imageTagMutability ?? "not set (MUTABLE)"}, so anyone who can push can swap the ` +
                    'image behind a deployed tag. Fix: set imageTagMutability "IMMUTABLE".',
            );
        }
    },
});

export const ecrScanOnPush = resourcePolicy({
    name: "aws-ecr-scan-on-push",
    description: "ECR repositories scan every image for known vulnerabilities when it is pushed.",
    severity: "medium",
    types: [TYPES.ecrRepository],
    validate: (repo: EcrRepository, { report }) => {
        if (repo.imageScanningConfiguration?.scanOnPush !== true) {
            report(
                `imageScanningConfiguration.scanOnPush is ${repo.imageScanningConfiguration?.scanOnPush ?? "not set (off)"}. ` +
                    "Fix: set imageScanningConfiguration: { scanOnPush: true }.",
            );
        }
    },
});

export const awsIdentityPolicies = [
    rdsIamAuthentication,
    eksAuthenticationModeApi,
    eksControlPlaneLogging,
    rdsLogExports,
    vpcFlowLogs,
    flowLogCapturesRejects,
    autoMinorVersionUpgrade,
    ecrImmutableTags,
    ecrScanOnPush,
];
