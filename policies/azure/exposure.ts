/**
 * Exposure on Azure: NSGs that admit the Internet only on web ports, AKS API limited to authorized ranges
 * (or private) and nodes without public IPs, no PostgreSQL firewall rule for all addresses, storage without
 * public network access, and a registry without admin user, anonymous pull or open public access.
 */
import { resourcePolicy } from "../lib/policy";
import { AksCluster, StorageAccount, TYPES } from "../lib/shapes";

const INTERNET = ["*", "0.0.0.0/0", "Internet", "Any", "::/0"];

interface NsgRule {
    name?: string;
    access?: string;
    direction?: string;
    sourceAddressPrefix?: string;
    sourceAddressPrefixes?: string[];
    destinationPortRange?: string;
    destinationPortRanges?: string[];
}

/** The destination ports of an NSG rule outside `allowed`, or ["*"]. */
function portsBeyond(rule: NsgRule, allowed: readonly string[]): string[] {
    const ports = [
        ...(rule.destinationPortRanges ?? []),
        ...(rule.destinationPortRange ? [rule.destinationPortRange] : []),
    ];
    return ports.filter((p) => !allowed.includes(p));
}

export const nsgNoInternetIngress = resourcePolicy({
    name: "azure-nsg-no-internet-ingress",
    description: "Network security groups admit the Internet only on ports 80 and 443, never on data or all ports.",
    severity: "critical",
    types: ["azure-native:network:NetworkSecurityGroup", "azure-native:network:SecurityRule"],
    validate: (nsg: { securityRules?: NsgRule[] } & NsgRule, { args, report }) => {
        const rules = args.type === "azure-native:network:SecurityRule" ? [nsg] : (nsg.securityRules ?? []);
        for (const rule of rules) {
            const sources = [
                ...(rule.sourceAddressPrefixes ?? []),
                ...(rule.sourceAddressPrefix ? [rule.sourceAddressPrefix] : []),
            ];
            if (rule.access !== "Allow" || rule.direction !== "Inbound" || !sources.some((s) => INTERNET.includes(s)))
                continue;
            const beyond = portsBeyond(rule, ["80", "443"]);
            if (beyond.length > 0) {
                report(
                    `Rule "${rule.name}" admits the Internet on ${beyond.join(", ")}. Fix: restrict sourceAddressPrefix to ` +
                        "the subnets that need it, or the destination ports to 80/443.",
                );
            }
        }
    },
});

export const aksApiRestricted = resourcePolicy({
    name: "azure-aks-api-restricted",
    description: "The AKS API server is private or limited to authorized IP ranges (never 0.0.0.0/0).",
    severity: "high",
    types: [TYPES.aksCluster],
    validate: (cluster: AksCluster, { report }) => {
        const profile = cluster.apiServerAccessProfile ?? {};
        const ranges = profile.authorizedIPRanges ?? [];
        if (profile.enablePrivateCluster !== true && (ranges.length === 0 || ranges.includes("0.0.0.0/0"))) {
            report(
                "The API server is public to the whole Internet (no authorizedIPRanges, not a private cluster). Fix: set " +
                    "apiServerAccessProfile.authorizedIPRanges (platform:apiAllowedCidrs) or enablePrivateCluster: true.",
            );
        }
    },
});

export const aksNoNodePublicIp = resourcePolicy({
    name: "azure-aks-no-node-public-ip",
    description: "AKS node pools give nodes no public IP.",
    severity: "high",
    types: [TYPES.aksCluster, "azure-native:containerservice:AgentPool"],
    validate: (cluster: AksCluster & { enableNodePublicIP?: boolean; name?: string }, { args, report }) => {
        const pools =
            args.type === TYPES.aksCluster
                ? (cluster.agentPoolProfiles ?? [])
                : [{ name: cluster.name ?? "", enableNodePublicIP: cluster.enableNodePublicIP }];
        const exposed = pools.filter((p) => p.enableNodePublicIP === true).map((p) => p.name);
        if (exposed.length > 0) {
            report(`Node pool(s) ${exposed.join(", ")} give nodes public IPs. Fix: set enableNodePublicIP: false.`);
        }
    },
});

export const postgresNoAllAddressesFirewall = resourcePolicy({
    name: "azure-postgres-no-open-firewall",
    description: "PostgreSQL firewall rules never admit all addresses (0.0.0.0-255.255.255.255) or all Azure services.",
    severity: "critical",
    types: ["azure-native:dbforpostgresql:FirewallRule"],
    validate: (rule: { startIpAddress?: string; endIpAddress?: string }, { report }) => {
        // 0.0.0.0-0.0.0.0 is Azure's "allow all Azure services" (any tenant's).
        const all =
            rule.startIpAddress === "0.0.0.0" &&
            (rule.endIpAddress === "255.255.255.255" || rule.endIpAddress === "0.0.0.0");
        if (all) {
            report(
                `The rule admits ${rule.endIpAddress === "0.0.0.0" ? "every Azure service of any tenant" : "every address"}. ` +
                    "Fix: delete it and reach the server through its delegated subnet or a private endpoint.",
            );
        }
    },
});

export const storageNoPublicNetwork = resourcePolicy({
    name: "azure-storage-no-public-network-access",
    description: "Storage accounts disable public network access, or deny it by default.",
    severity: "high",
    types: [TYPES.storageAccount],
    validate: (
        account: StorageAccount & { publicNetworkAccess?: string; networkRuleSet?: { defaultAction?: string } },
        { report },
    ) => {
        // Without either, the account accepts every network (defaultAction Allow).
        if (account.publicNetworkAccess !== "Disabled" && account.networkRuleSet?.defaultAction !== "Deny") {
            report(
                `publicNetworkAccess is ${account.publicNetworkAccess ?? "not set (Enabled)"} and networkRuleSet.defaultAction ` +
                    `${account.networkRuleSet?.defaultAction ?? "is not set (Allow)"}. Fix: set publicNetworkAccess: "Disabled" ` +
                    'and use a private endpoint (or networkRuleSet.defaultAction: "Deny").',
            );
        }
    },
});

interface Registry {
    adminUserEnabled?: boolean;
    anonymousPullEnabled?: boolean;
    publicNetworkAccess?: string;
    networkRuleSet?: { defaultAction?: string };
}

export const acrLocked = resourcePolicy({
    name: "azure-acr-no-admin-or-anonymous",
    description: "Container registries have the admin user and anonymous pull off.",
    severity: "high",
    types: ["azure-native:containerregistry:Registry"],
    validate: (registry: Registry, { report }) => {
        // Both default to false.
        const on = [
            registry.adminUserEnabled === true ? "adminUserEnabled" : "",
            registry.anonymousPullEnabled === true ? "anonymousPullEnabled" : "",
        ].filter(Boolean);
        if (on.length > 0) {
            report(
                `${on.join(" and ")} ${on.length > 1 ? "are" : "is"} on: a shared password or no credential pulls images. Fix: turn ${on.length > 1 ? "them" : "it"} off and grant AcrPull to identities.`,
            );
        }
    },
});

export const acrNoPublicNetwork = resourcePolicy({
    name: "azure-acr-no-public-network-access",
    description: "Container registries disable public network access, or deny it by default (Premium network rules).",
    severity: "medium",
    types: ["azure-native:containerregistry:Registry"],
    validate: (registry: Registry, { report }) => {
        if (registry.publicNetworkAccess !== "Disabled" && registry.networkRuleSet?.defaultAction !== "Deny") {
            report(
                `publicNetworkAccess is ${registry.publicNetworkAccess ?? "not set (Enabled)"} with no default-deny network rule. ` +
                    'Fix: set publicNetworkAccess: "Disabled" with a private endpoint for the cluster (Premium SKU).',
            );
        }
    },
});

export const azureExposurePolicies = [
    nsgNoInternetIngress,
    aksApiRestricted,
    aksNoNodePublicIp,
    postgresNoAllAddressesFirewall,
    storageNoPublicNetwork,
    acrLocked,
    acrNoPublicNetwork,
];
