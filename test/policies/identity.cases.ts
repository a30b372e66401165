/**
 * Cases of the identity, logging and supply-chain rules on AWS and Azure (issue 17 item 4): each on a
 * resource set as the program sets it (test/graph/baseline/prod.*.json), weakened once, with the deciding
 * property left undefined (the cloud's default decides) and unknown (fixtures.ts runs the analyzer's proxy).
 */
import * as aws from "../../policies/aws/identity";
import * as azure from "../../policies/azure/identity";
import { TYPES } from "../../policies/lib/shapes";
import { FixtureResource, PolicyCases, named, setPath } from "./fixtures";

const one = (type: string, name: string, props: Record<string, unknown>) => (): FixtureResource[] => [
    { type, name, props: structuredClone(props) },
];
const set = (name: string, path: string, value: unknown) => (graph: FixtureResource[]) =>
    setPath(named(graph, name).props, path, value);
const drop = (name: string) => (graph: FixtureResource[]) => {
    graph.splice(graph.indexOf(named(graph, name)), 1);
};

const RDS = { engine: "postgres", iamDatabaseAuthenticationEnabled: true, autoMinorVersionUpgrade: true };
const EKS = {
    accessConfig: { authenticationMode: "API" },
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
};
const ECR = { imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } };
const AKS = {
    securityProfile: { workloadIdentity: { enabled: true } },
    oidcIssuerProfile: { enabled: true },
    networkProfile: { networkPolicy: "cilium" },
    autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
};

/** A VPC and its flow log, the flow log's vpcId taken from the VPC (a property dependency). */
const vpcWithFlowLog = (): FixtureResource[] => [
    { type: TYPES.vpc, name: "vpc", props: { cidrBlock: "10.0.0.0/16" } },
    {
        type: TYPES.flowLog,
        name: "flow-log",
        props: { vpcId: "vpc-1", trafficType: "REJECT" },
        propertyDependencies: { vpcId: ["vpc"] },
    },
];

/** A Redis cluster, its database, and an Entra access policy assignment on it. */
const redisWithEntra = (): FixtureResource[] => [
    { type: TYPES.redisCluster, name: "redis", props: { minimumTlsVersion: "1.2" } },
    {
        type: TYPES.redisDatabase,
        name: "redis-db",
        props: { clusterName: "redis-1", accessKeysAuthentication: "Disabled" },
        propertyDependencies: { clusterName: ["redis"] },
    },
    {
        type: TYPES.redisAccessPolicyAssignment,
        name: "redis-entra",
        props: { clusterName: "redis-1", databaseName: "default", accessPolicyName: "default" },
        propertyDependencies: { clusterName: ["redis"] },
    },
];

/** A resource of `type` and the diagnostic setting the program gives it. */
const withDiagnostics =
    (type: string, name: string, logs: { category?: string; categoryGroup?: string; enabled: boolean }[]) =>
    (): FixtureResource[] => [
        { type, name, props: {} },
        {
            type: TYPES.diagnosticSetting,
            name: `${name}-diagnostics`,
            props: { resourceUri: `/subscriptions/s/${name}`, logs },
            propertyDependencies: { resourceUri: [name] },
        },
    ];

const AKS_LOGS = [
    { category: "kube-apiserver", enabled: true },
    { category: "kube-audit-admin", enabled: true },
    { category: "guard", enabled: true },
];

/** A virtual network with its VNet flow log. */
const vnetWithFlowLog = (): FixtureResource[] => [
    { type: TYPES.virtualNetwork, name: "vnet", props: {} },
    {
        type: TYPES.networkFlowLog,
        name: "vnet-flow-log",
        props: { targetResourceId: "/subscriptions/s/vnet", enabled: true },
        propertyDependencies: { targetResourceId: ["vnet"] },
    },
];

export const AWS_IDENTITY_CASES: PolicyCases[] = [
    {
        policy: aws.rdsIamAuthentication,
        compliant: one(TYPES.rdsInstance, "db", RDS),
        nonCompliant: {
            what: "IAM authentication is off",
            change: set("db", "iamDatabaseAuthenticationEnabled", false),
        },
        undefinedProperty: {
            what: "iamDatabaseAuthenticationEnabled",
            remove: set("db", "iamDatabaseAuthenticationEnabled", undefined),
            verdict: "fail",
            because: "RDS leaves IAM authentication off by default",
        },
    },
    {
        policy: aws.eksAuthenticationModeApi,
        compliant: one(TYPES.eksCluster, "eks", EKS),
        nonCompliant: {
            what: "the aws-auth ConfigMap is still honoured (API_AND_CONFIG_MAP)",
            change: set("eks", "accessConfig.authenticationMode", "API_AND_CONFIG_MAP"),
        },
        undefinedProperty: {
            what: "accessConfig",
            remove: set("eks", "accessConfig", undefined),
            verdict: "fail",
            because: "EKS then uses CONFIG_MAP",
        },
    },
    {
        policy: aws.eksControlPlaneLogging,
        compliant: one(TYPES.eksCluster, "eks", EKS),
        nonCompliant: {
            what: "the audit log is off",
            change: set("eks", "enabledClusterLogTypes", ["api", "authenticator", "controllerManager", "scheduler"]),
        },
        undefinedProperty: {
            what: "enabledClusterLogTypes",
            remove: set("eks", "enabledClusterLogTypes", undefined),
            verdict: "fail",
            because: "EKS sends no control-plane log by default",
        },
    },
    {
        policy: aws.rdsLogExports,
        compliant: one(TYPES.rdsInstance, "db", { ...RDS, enabledCloudwatchLogsExports: ["postgresql", "upgrade"] }),
        nonCompliant: {
            what: "only the upgrade log is exported",
            change: set("db", "enabledCloudwatchLogsExports", ["upgrade"]),
        },
        undefinedProperty: {
            what: "enabledCloudwatchLogsExports",
            remove: set("db", "enabledCloudwatchLogsExports", undefined),
            verdict: "fail",
            because: "RDS exports no log by default",
        },
    },
    {
        policy: aws.vpcFlowLogs,
        compliant: vpcWithFlowLog,
        nonCompliant: { what: "the VPC has no flow log", change: drop("flow-log") },
        undefinedProperty: {
            what: "the flow log's vpcId dependency",
            remove: (graph) => {
                named(graph, "flow-log").propertyDependencies!.vpcId = [];
            },
            verdict: "fail",
            because: "a flow log of another VPC does not log this one",
        },
    },
    {
        policy: aws.flowLogCapturesRejects,
        compliant: vpcWithFlowLog,
        nonCompliant: { what: "only accepted traffic is logged", change: set("flow-log", "trafficType", "ACCEPT") },
        undefinedProperty: {
            what: "trafficType",
            remove: set("flow-log", "trafficType", undefined),
            verdict: "fail",
            because: "the provider requires it; a flow log without it records nothing the rule can vouch for",
        },
    },
    {
        policy: aws.autoMinorVersionUpgrade,
        compliant: () => [
            ...one(TYPES.rdsInstance, "db", RDS)(),
            ...one(TYPES.elastiCacheReplicationGroup, "cache", { autoMinorVersionUpgrade: true })(),
        ],
        nonCompliant: {
            what: "the cache does not take minor upgrades",
            change: set("cache", "autoMinorVersionUpgrade", false),
        },
        undefinedProperty: {
            what: "autoMinorVersionUpgrade",
            remove: (graph) => {
                set("db", "autoMinorVersionUpgrade", undefined)(graph);
                set("cache", "autoMinorVersionUpgrade", undefined)(graph);
            },
            verdict: "pass",
            because: "both providers default to true",
        },
    },
    {
        policy: aws.ecrImmutableTags,
        compliant: one(TYPES.ecrRepository, "repo", ECR),
        nonCompliant: { what: "tags are mutable", change: set("repo", "imageTagMutability", "MUTABLE") },
        undefinedProperty: {
            what: "imageTagMutability",
            remove: set("repo", "imageTagMutability", undefined),
            verdict: "fail",
            because: "ECR's default is MUTABLE",
        },
    },
    {
        policy: aws.ecrScanOnPush,
        compliant: one(TYPES.ecrRepository, "repo", ECR),
        nonCompliant: {
            what: "scan on push is off",
            change: set("repo", "imageScanningConfiguration.scanOnPush", false),
        },
        undefinedProperty: {
            what: "imageScanningConfiguration",
            remove: set("repo", "imageScanningConfiguration", undefined),
            verdict: "fail",
            because: "ECR does not scan on push by default",
        },
    },
];

export const AZURE_IDENTITY_CASES: PolicyCases[] = [
    {
        policy: azure.postgresEntraAuth,
        compliant: one(TYPES.postgresServer, "pg", {
            authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Enabled" },
        }),
        nonCompliant: {
            what: "Entra authentication is off",
            change: set("pg", "authConfig.activeDirectoryAuth", "Disabled"),
        },
        undefinedProperty: {
            what: "authConfig",
            remove: set("pg", "authConfig", undefined),
            verdict: "fail",
            because: "a flexible server accepts only passwords by default",
        },
    },
    {
        policy: azure.postgresPasswordless,
        compliant: one(TYPES.postgresServer, "pg", {
            authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Disabled" },
        }),
        nonCompliant: { what: "passwords are accepted", change: set("pg", "authConfig.passwordAuth", "Enabled") },
        undefinedProperty: {
            what: "authConfig.passwordAuth",
            remove: set("pg", "authConfig.passwordAuth", undefined),
            verdict: "fail",
            because: "password authentication is Enabled by default",
        },
    },
    {
        policy: azure.redisAccessKeysOffWithEntra,
        compliant: redisWithEntra,
        nonCompliant: {
            what: "access keys stay Enabled next to Entra",
            change: set("redis-db", "accessKeysAuthentication", "Enabled"),
        },
        undefinedProperty: {
            what: "accessKeysAuthentication",
            remove: set("redis-db", "accessKeysAuthentication", undefined),
            verdict: "fail",
            because: "access keys are on unless Disabled",
        },
    },
    {
        policy: azure.storageSharedKeyDisabled,
        compliant: one(TYPES.storageAccount, "st", { allowSharedKeyAccess: false }),
        nonCompliant: { what: "Shared Key is allowed", change: set("st", "allowSharedKeyAccess", true) },
        undefinedProperty: {
            what: "allowSharedKeyAccess",
            remove: set("st", "allowSharedKeyAccess", undefined),
            verdict: "fail",
            because: "null allows Shared Key authorization",
        },
    },
    {
        policy: azure.aksWorkloadIdentity,
        compliant: one(TYPES.aksCluster, "aks", AKS),
        nonCompliant: {
            what: "workload identity is off",
            change: set("aks", "securityProfile.workloadIdentity.enabled", false),
        },
        undefinedProperty: {
            what: "oidcIssuerProfile",
            remove: set("aks", "oidcIssuerProfile", undefined),
            verdict: "fail",
            because: "the OIDC issuer is off by default and workload identity needs it",
        },
    },
    {
        policy: azure.aksNetworkPolicy,
        compliant: one(TYPES.aksCluster, "aks", AKS),
        nonCompliant: { what: "no network policy engine", change: set("aks", "networkProfile.networkPolicy", "none") },
        undefinedProperty: {
            what: "networkProfile.networkPolicy",
            remove: set("aks", "networkProfile.networkPolicy", undefined),
            verdict: "fail",
            because: "AKS installs no network policy engine by default",
        },
    },
    {
        policy: azure.aksAutoUpgrade,
        compliant: one(TYPES.aksCluster, "aks", AKS),
        nonCompliant: {
            what: "the upgrade channel is none",
            change: set("aks", "autoUpgradeProfile.upgradeChannel", "none"),
        },
        undefinedProperty: {
            what: "autoUpgradeProfile",
            remove: set("aks", "autoUpgradeProfile", undefined),
            verdict: "fail",
            because: "the cluster upgrade channel is none by default",
        },
    },
    {
        policy: azure.aksControlPlaneLogs,
        compliant: withDiagnostics(TYPES.aksCluster, "aks", AKS_LOGS),
        nonCompliant: {
            what: "the audit logs are not sent",
            change: set("aks-diagnostics", "logs", [{ category: "kube-apiserver", enabled: true }]),
        },
        undefinedProperty: {
            what: "the diagnostic setting's logs",
            remove: set("aks-diagnostics", "logs", undefined),
            verdict: "fail",
            because: "a setting without logs sends only metrics",
        },
    },
    {
        policy: azure.postgresLogs,
        compliant: withDiagnostics(TYPES.postgresServer, "pg", [{ categoryGroup: "allLogs", enabled: true }]),
        nonCompliant: {
            what: "the server logs are disabled",
            change: set("pg-diagnostics", "logs", [{ categoryGroup: "allLogs", enabled: false }]),
        },
        undefinedProperty: {
            what: "the diagnostic setting's logs",
            remove: set("pg-diagnostics", "logs", undefined),
            verdict: "fail",
            because: "a setting without logs sends only metrics",
        },
    },
    {
        policy: azure.vnetFlowLogs,
        compliant: vnetWithFlowLog,
        nonCompliant: { what: "the flow log is disabled", change: set("vnet-flow-log", "enabled", false) },
        undefinedProperty: {
            what: "enabled",
            remove: set("vnet-flow-log", "enabled", undefined),
            verdict: "pass",
            because: "a Network Watcher flow log is enabled unless set false",
        },
    },
];
