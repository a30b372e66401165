/**
 * Cases of the exposure rules on AWS and Azure: one resource each, hardened as the program makes it.
 */
import * as aws from "../../policies/aws/exposure";
import * as azure from "../../policies/azure/exposure";
import { TYPES } from "../../policies/lib/shapes";
import { FixtureResource, PolicyCases, named, setPath } from "./fixtures";

const one = (type: string, name: string, props: Record<string, unknown>) => (): FixtureResource[] => [
    { type, name, props: structuredClone(props) },
];
const set = (name: string, path: string, value: unknown) => (graph: FixtureResource[]) =>
    setPath(named(graph, name).props, path, value);

const NODES = ["10.0.48.0/20"];

export const EXPOSURE_CASES: PolicyCases[] = [
    {
        policy: aws.rdsNotPublic,
        compliant: one(TYPES.rdsInstance, "db", { publiclyAccessible: false }),
        nonCompliant: { what: "publiclyAccessible is true", change: set("db", "publiclyAccessible", true) },
        undefinedProperty: {
            what: "publiclyAccessible",
            remove: set("db", "publiclyAccessible", undefined),
            verdict: "pass",
            because: "the provider's default is false",
        },
    },
    {
        policy: aws.securityGroupNoWorldIngress,
        compliant: one(TYPES.securityGroup, "sg", {
            ingress: [{ fromPort: 5432, toPort: 5432, protocol: "tcp", cidrBlocks: NODES }],
        }),
        nonCompliant: {
            what: "PostgreSQL is open to 0.0.0.0/0",
            change: set("sg", "ingress", [
                { fromPort: 5432, toPort: 5432, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] },
            ]),
        },
        undefinedProperty: {
            what: "ingress",
            remove: set("sg", "ingress", undefined),
            verdict: "pass",
            because: "a group without ingress rules admits nothing",
        },
    },
    {
        policy: aws.defaultSecurityGroupClosed,
        compliant: one(TYPES.defaultSecurityGroup, "default-sg", { ingress: [], egress: [] }),
        nonCompliant: {
            what: "it allows all egress",
            change: set("default-sg", "egress", [
                { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] },
            ]),
        },
        undefinedProperty: {
            what: "ingress and egress",
            remove: (graph) => {
                set("default-sg", "ingress", undefined)(graph);
                set("default-sg", "egress", undefined)(graph);
            },
            verdict: "pass",
            because: "the managed default group then has no rules",
        },
    },
    {
        policy: aws.subnetsNoPublicIp,
        compliant: one(TYPES.subnet, "nodes", { mapPublicIpOnLaunch: false }),
        nonCompliant: { what: "mapPublicIpOnLaunch is true", change: set("nodes", "mapPublicIpOnLaunch", true) },
        undefinedProperty: {
            what: "mapPublicIpOnLaunch",
            remove: set("nodes", "mapPublicIpOnLaunch", undefined),
            verdict: "pass",
            because: "the provider's default is false",
        },
    },
    {
        policy: aws.eksEndpointRestricted,
        compliant: one(TYPES.eksCluster, "eks", {
            vpcConfig: {
                endpointPrivateAccess: true,
                endpointPublicAccess: true,
                publicAccessCidrs: ["203.0.113.0/24"],
            },
        }),
        nonCompliant: {
            what: "the public endpoint is open to 0.0.0.0/0",
            change: set("eks", "vpcConfig.publicAccessCidrs", ["0.0.0.0/0"]),
        },
        undefinedProperty: {
            what: "publicAccessCidrs",
            remove: set("eks", "vpcConfig.publicAccessCidrs", undefined),
            verdict: "fail",
            because: "EKS then opens the public endpoint to 0.0.0.0/0",
        },
    },
    {
        policy: aws.s3OwnershipEnforced,
        compliant: one("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "ownership", {
            bucket: "b",
            rule: { objectOwnership: "BucketOwnerEnforced" },
        }),
        nonCompliant: {
            what: "objectOwnership is ObjectWriter",
            change: set("ownership", "rule.objectOwnership", "ObjectWriter"),
        },
        undefinedProperty: {
            what: "the rule",
            remove: set("ownership", "rule", undefined),
            verdict: "fail",
            because: "ACLs then stay in effect",
        },
    },
    {
        policy: azure.nsgNoInternetIngress,
        compliant: one("azure-native:network:NetworkSecurityGroup", "nsg", {
            securityRules: [
                {
                    name: "web",
                    access: "Allow",
                    direction: "Inbound",
                    sourceAddressPrefix: "Internet",
                    destinationPortRanges: ["80", "443"],
                },
            ],
        }),
        nonCompliant: {
            what: "the Internet may reach port 5432",
            change: set("nsg", "securityRules.0.destinationPortRanges", ["443", "5432"]),
        },
        undefinedProperty: {
            what: "securityRules",
            remove: set("nsg", "securityRules", undefined),
            verdict: "pass",
            because: "Azure's default rules deny inbound Internet traffic",
        },
    },
    {
        policy: azure.aksApiRestricted,
        compliant: one(TYPES.aksCluster, "aks", {
            apiServerAccessProfile: { authorizedIPRanges: ["203.0.113.0/24"], enablePrivateCluster: false },
        }),
        nonCompliant: {
            what: "the authorized ranges include 0.0.0.0/0",
            change: set("aks", "apiServerAccessProfile.authorizedIPRanges", ["0.0.0.0/0"]),
        },
        undefinedProperty: {
            what: "apiServerAccessProfile",
            remove: set("aks", "apiServerAccessProfile", undefined),
            verdict: "fail",
            because: "the API server is then public to everyone",
        },
    },
    {
        policy: azure.aksNoNodePublicIp,
        compliant: one(TYPES.aksCluster, "aks", { agentPoolProfiles: [{ name: "system", enableNodePublicIP: false }] }),
        nonCompliant: {
            what: "enableNodePublicIP is true",
            change: set("aks", "agentPoolProfiles.0.enableNodePublicIP", true),
        },
        undefinedProperty: {
            what: "enableNodePublicIP",
            remove: set("aks", "agentPoolProfiles.0.enableNodePublicIP", undefined),
            verdict: "pass",
            because: "the default is false",
        },
    },
    {
        policy: azure.postgresNoAllAddressesFirewall,
        compliant: one("azure-native:dbforpostgresql:FirewallRule", "fw", {
            startIpAddress: "203.0.113.10",
            endIpAddress: "203.0.113.10",
        }),
        nonCompliant: {
            what: "the rule spans every address",
            change: (graph) =>
                Object.assign(named(graph, "fw").props, { startIpAddress: "0.0.0.0", endIpAddress: "255.255.255.255" }),
        },
        undefinedProperty: {
            what: "the end address",
            remove: (graph) =>
                Object.assign(named(graph, "fw").props, { startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" }),
            verdict: "fail",
            because: "0.0.0.0-0.0.0.0 admits every Azure service of any tenant",
        },
    },
    {
        policy: azure.storageNoPublicNetwork,
        compliant: one(TYPES.storageAccount, "account", {
            publicNetworkAccess: "Disabled",
            networkRuleSet: { defaultAction: "Deny" },
        }),
        nonCompliant: {
            what: "public access is Enabled with default Allow",
            change: (graph) =>
                Object.assign(named(graph, "account").props, {
                    publicNetworkAccess: "Enabled",
                    networkRuleSet: { defaultAction: "Allow" },
                }),
        },
        undefinedProperty: {
            what: "both settings",
            remove: (graph) => {
                set("account", "publicNetworkAccess", undefined)(graph);
                set("account", "networkRuleSet", undefined)(graph);
            },
            verdict: "fail",
            because: "the account then accepts every network",
        },
    },
    {
        policy: azure.acrLocked,
        compliant: one("azure-native:containerregistry:Registry", "acr", {
            adminUserEnabled: false,
            anonymousPullEnabled: false,
        }),
        nonCompliant: { what: "the admin user is on", change: set("acr", "adminUserEnabled", true) },
        undefinedProperty: {
            what: "adminUserEnabled",
            remove: set("acr", "adminUserEnabled", undefined),
            verdict: "pass",
            because: "the admin user is off by default",
        },
    },
    {
        policy: azure.acrNoPublicNetwork,
        compliant: one("azure-native:containerregistry:Registry", "acr", { publicNetworkAccess: "Disabled" }),
        nonCompliant: { what: "publicNetworkAccess is Enabled", change: set("acr", "publicNetworkAccess", "Enabled") },
        undefinedProperty: {
            what: "publicNetworkAccess",
            remove: set("acr", "publicNetworkAccess", undefined),
            verdict: "fail",
            because: "a registry is public by default",
        },
    },
];
