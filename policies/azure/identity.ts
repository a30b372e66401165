/**
 * Identity, logging and supply chain on Azure: Entra ID sign-in to PostgreSQL (and, as the goal, no
 * passwords), no Redis access keys where Entra is in use, no storage shared keys, AKS workload identity,
 * network policy and automatic upgrades, control-plane and database logs sent to Log Analytics, and VNet
 * flow logs.
 */
import type { PolicyResource } from "@pulumi/policy";
import {
    UNKNOWN,
    cannotVerifyInPreview,
    label,
    ofTypes,
    peek,
    resourcePolicy,
    setting,
    stackPolicy,
} from "../lib/policy";
import {
    AksCluster,
    DiagnosticSetting,
    NetworkFlowLog,
    PostgresServer,
    RedisAccessPolicyAssignment,
    RedisDatabase,
    StorageAccount,
    TYPES,
} from "../lib/shapes";

export const postgresEntraAuth = resourcePolicy({
    name: "azure-postgres-entra-auth",
    description: "PostgreSQL flexible servers accept Microsoft Entra ID authentication.",
    severity: "medium",
    types: [TYPES.postgresServer],
    validate: (server: PostgresServer, { args, report }) => {
        if (server.replicationRole !== undefined && server.replicationRole !== "Primary") {
            args.notApplicable("replicas take the primary's authentication");
        }
        // Default: password authentication only.
        // https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-azure-ad-authentication
        if (server.authConfig?.activeDirectoryAuth !== "Enabled") {
            report(
                `authConfig.activeDirectoryAuth is ${server.authConfig?.activeDirectoryAuth ?? "not set (Disabled)"}, so every ` +
                    'client signs in with a password. Fix: set authConfig.activeDirectoryAuth "Enabled" with the tenantId.',
            );
        }
    },
});

export const postgresPasswordless = resourcePolicy({
    name: "azure-postgres-passwordless",
    description:
        "PostgreSQL flexible servers accept only Microsoft Entra ID sign-in (password authentication Disabled).",
    severity: "medium",
    types: [TYPES.postgresServer],
    validate: (server: PostgresServer, { report }) => {
        if (server.authConfig?.passwordAuth !== "Disabled") {
            report(
                `authConfig.passwordAuth is ${server.authConfig?.passwordAuth ?? "not set (Enabled)"}, so the administrator ` +
                    'password still opens the server. Fix: connect the workloads with Entra tokens, then set passwordAuth "Disabled".',
            );
        }
    },
});

/** The Redis databases whose cluster grants an Entra identity an access policy (Entra is in use there). */
function entraAssignments(resources: readonly PolicyResource[], database: PolicyResource): PolicyResource[] {
    const cluster = (database.propertyDependencies.clusterName ?? [])[0];
    const clusterName = peek(database.props as RedisDatabase, "clusterName");
    return ofTypes(resources, [TYPES.redisAccessPolicyAssignment]).filter(
        (a) =>
            (cluster !== undefined && (a.propertyDependencies.clusterName ?? []).some((d) => d.urn === cluster.urn)) ||
            (typeof clusterName === "string" &&
                peek(a.props as RedisAccessPolicyAssignment, "clusterName") === clusterName),
    );
}

export const redisAccessKeysOffWithEntra = stackPolicy({
    name: "azure-redis-access-keys-off-with-entra",
    description:
        "Azure Managed Redis databases whose cluster uses Entra ID access policy assignments have access keys Disabled.",
    severity: "high",
    validate: ({ resources, report }) => {
        const pending: string[] = [];
        for (const db of ofTypes(resources, [TYPES.redisDatabase])) {
            if (entraAssignments(resources, db).length === 0) continue;
            const keys = peek(db.props as RedisDatabase, "accessKeysAuthentication");
            if (keys === UNKNOWN) pending.push(`accessKeysAuthentication of ${label(db)}`);
            // Access keys are on unless Disabled. https://learn.microsoft.com/azure/redis/entra-for-authentication
            else if (keys !== "Disabled") {
                report(
                    db,
                    `${label(db)} grants Entra identities access but keeps access keys ${keys ?? "Enabled (not set)"}, so a ` +
                        'leaked key still opens it. Fix: set accessKeysAuthentication "Disabled" once the clients use Entra tokens.',
                );
            }
        }
        cannotVerifyInPreview(pending);
    },
});

export const storageSharedKeyDisabled = resourcePolicy({
    name: "azure-storage-shared-key-disabled",
    description:
        "Storage accounts refuse Shared Key authorization (Entra ID only, no account keys or SAS signed with them).",
    severity: "high",
    types: [TYPES.storageAccount],
    validate: (account: StorageAccount, { report }) => {
        // Null (not set) allows Shared Key. https://learn.microsoft.com/azure/storage/common/shared-key-authorization-prevent
        if (account.allowSharedKeyAccess !== false) {
            report(
                `allowSharedKeyAccess is ${account.allowSharedKeyAccess ?? "not set (allowed)"}, so the account keys open every ` +
                    "container. Fix: set allowSharedKeyAccess: false.",
            );
        }
    },
});

export const aksWorkloadIdentity = resourcePolicy({
    name: "azure-aks-workload-identity",
    description: "AKS clusters run Microsoft Entra Workload ID (workload identity and the OIDC issuer on).",
    severity: "medium",
    types: [TYPES.aksCluster],
    validate: (cluster: AksCluster, { report }) => {
        // Both are off by default. https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster
        if (
            cluster.securityProfile?.workloadIdentity?.enabled !== true ||
            cluster.oidcIssuerProfile?.enabled !== true
        ) {
            report(
                "Workload identity or the OIDC issuer is off, so pods need stored credentials to reach Azure. Fix: set " +
                    "securityProfile.workloadIdentity.enabled and oidcIssuerProfile.enabled to true.",
            );
        }
    },
});

export const aksNetworkPolicy = resourcePolicy({
    name: "azure-aks-network-policy",
    description: "AKS clusters enforce Kubernetes NetworkPolicies (networkPolicy azure, calico or cilium).",
    severity: "high",
    types: [TYPES.aksCluster],
    validate: (cluster: AksCluster, { report }) => {
        // Without an engine the cluster accepts NetworkPolicy objects and enforces none of them.
        const engine = cluster.networkProfile?.networkPolicy;
        if (!["azure", "calico", "cilium"].includes(engine ?? "none")) {
            report(
                `networkProfile.networkPolicy is ${engine ?? "not set (none)"}, so the namespaces' default-deny policies are ` +
                    'not enforced. Fix: set networkProfile.networkPolicy "cilium" (with networkDataplane "cilium").',
            );
        }
    },
});

export const aksAutoUpgrade = resourcePolicy({
    name: "azure-aks-auto-upgrade",
    description:
        "AKS clusters upgrade Kubernetes patches and node images automatically (an upgrade channel other than none).",
    severity: "low",
    types: [TYPES.aksCluster],
    validate: (cluster: AksCluster, { report }) => {
        // https://learn.microsoft.com/azure/aks/auto-upgrade-cluster, https://learn.microsoft.com/azure/aks/auto-upgrade-node-os-image
        const channel = cluster.autoUpgradeProfile?.upgradeChannel ?? "none";
        const nodeOs = cluster.autoUpgradeProfile?.nodeOSUpgradeChannel ?? "NodeImage";
        if (channel === "none" || ["None", "Unmanaged"].includes(nodeOs)) {
            report(
                `autoUpgradeProfile has upgradeChannel ${channel} and nodeOSUpgradeChannel ${nodeOs}, so patches wait for ` +
                    'someone to apply them. Fix: set upgradeChannel "patch" and nodeOSUpgradeChannel "NodeImage".',
            );
        }
    },
});

/** The diagnostic settings of the graph whose resourceUri came from `target`. */
function diagnosticsOf(resources: readonly PolicyResource[], target: PolicyResource): DiagnosticSetting[] {
    return ofTypes(resources, [TYPES.diagnosticSetting])
        .filter((d) => (d.propertyDependencies.resourceUri ?? []).some((r) => r.urn === target.urn))
        .map((d) => d.props as DiagnosticSetting);
}

/** Log categories (or category groups) a diagnostic setting enables; `UNKNOWN` when its logs are unknown. */
function enabledLogs(setting: DiagnosticSetting): string[] | typeof UNKNOWN {
    const logs = peek(setting, "logs");
    if (logs === UNKNOWN) return UNKNOWN;
    return (logs ?? [])
        .filter((l) => l.enabled)
        .flatMap((l) => [l.category, l.categoryGroup].filter((c): c is string => !!c));
}

/**
 * One rule per kind of resource: every resource of `type` has a diagnostic setting sending logs that
 * cover each of `required` (alternatives separated by "|"; "allLogs" covers any category).
 */
function logsRule(info: {
    name: string;
    description: string;
    type: string;
    required: readonly string[];
    what: string;
}) {
    return stackPolicy({
        name: info.name,
        description: info.description,
        severity: "medium",
        settings: {
            requiredCategories: setting.strings(info.required, "Log categories that must be sent (a|b: either)."),
        },
        validate: ({ config, resources, report }) => {
            const pending: string[] = [];
            for (const target of ofTypes(resources, [info.type])) {
                const sent = diagnosticsOf(resources, target).map(enabledLogs);
                if (sent.includes(UNKNOWN)) {
                    pending.push(`the diagnostic logs of ${label(target)}`);
                    continue;
                }
                const all = (sent as string[][]).flat();
                const missing = config.requiredCategories.filter(
                    (c) => !all.includes("allLogs") && !c.split("|").some((alt) => all.includes(alt)),
                );
                if (missing.length > 0) {
                    report(
                        target,
                        `${label(target)} sends no ${missing.join(", ")} logs to a workspace, so ${info.what} leave no record. ` +
                            `Fix: add an azure-native.monitor.DiagnosticSetting with resourceUri of this resource and logs ` +
                            `${JSON.stringify(missing.map((c) => c.split("|")[0]))} enabled.`,
                    );
                }
            }
            cannotVerifyInPreview(pending);
        },
    });
}

export const aksControlPlaneLogs = logsRule({
    name: "azure-aks-control-plane-logs",
    description: "AKS clusters send their API server and audit logs to Log Analytics through a diagnostic setting.",
    type: TYPES.aksCluster,
    // https://learn.microsoft.com/azure/aks/monitor-aks-reference#resource-logs; kube-audit-admin is kube-audit without get/list.
    required: ["kube-apiserver", "kube-audit|kube-audit-admin"],
    what: "API calls and sign-ins to the cluster",
});

export const postgresLogs = logsRule({
    name: "azure-postgres-logs",
    description: "PostgreSQL flexible servers send their server logs to Log Analytics through a diagnostic setting.",
    type: TYPES.postgresServer,
    // https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-logging
    required: ["PostgreSQLLogs"],
    what: "connections, errors and slow statements",
});

export const vnetFlowLogs = stackPolicy({
    name: "azure-vnet-flow-logs",
    description:
        "Every virtual network has an enabled Network Watcher flow log (VNet flow logs; NSG flow logs are retiring).",
    severity: "medium",
    validate: ({ resources, report }) => {
        // No new NSG flow logs since 2025-06-30, retired 2027-09-30; VNet flow logs replace them.
        // https://learn.microsoft.com/azure/network-watcher/nsg-flow-logs-overview
        const flowLogs = ofTypes(resources, [TYPES.networkFlowLog]);
        for (const vnet of ofTypes(resources, [TYPES.virtualNetwork])) {
            const attached = flowLogs.filter((f) =>
                (f.propertyDependencies.targetResourceId ?? []).some((d) => d.urn === vnet.urn),
            );
            if (!attached.some((f) => (f.props as NetworkFlowLog).enabled !== false)) {
                report(
                    vnet,
                    `${label(vnet)} has no enabled flow log, so the traffic in and out of it leaves no record. Fix: add an ` +
                        "azure-native.network.FlowLog with targetResourceId of this virtual network (and traffic analytics).",
                );
            }
        }
    },
});

export const azureIdentityPolicies = [
    postgresEntraAuth,
    postgresPasswordless,
    redisAccessKeysOffWithEntra,
    storageSharedKeyDisabled,
    aksWorkloadIdentity,
    aksNetworkPolicy,
    aksAutoUpgrade,
    aksControlPlaneLogs,
    postgresLogs,
    vnetFlowLogs,
];
