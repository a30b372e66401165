import { createHash } from "crypto";
import { awsZoneNames } from "../components/shared/facts/regions";

/**
 * Realistic answers to the provider functions (invokes) the program calls. An invoke without an answer
 * here is an error, never a silent `undefined`: a new data source must come with its answer.
 */
export interface Placement {
    readonly region: string;
    readonly location: string;
    /** The stack's cloud (platform:cloud), for what only the cluster reports and differs by cloud. */
    readonly cloud?: "aws" | "azure";
}

export const ACCOUNT_ID = "123456789012";
export const SUBSCRIPTION_ID = "00000000-0000-4000-8000-000000000001";
export const TENANT_ID = "00000000-0000-4000-8000-000000000002";

type Answer = (inputs: Record<string, unknown>, at: Placement) => Record<string, unknown>;

export const invokeAnswers: Record<string, Answer> = {
    // The zones the region really has (components/shared/facts/regions.ts); an unknown region has none to invent.
    "aws:index/getAvailabilityZones:getAvailabilityZones": (_, { region }) => {
        const names = awsZoneNames(region);
        if (!names) {
            throw new Error(`${region} is not an AWS region this program knows (components/shared/facts/regions.ts).`);
        }
        return {
            id: region,
            names,
            zoneIds: names.map((_, i) => `${region.replace(/-/g, "").slice(0, 4)}-az${i + 1}`),
            groupNames: [region],
            state: "available",
        };
    },
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        id: ACCOUNT_ID,
        accountId: ACCOUNT_ID,
        arn: `arn:aws:iam::${ACCOUNT_ID}:role/platform-deployer`,
        userId: "AROAEXAMPLEDEPLOYER:platform",
    }),
    // An existing public hosted zone of that name (components/dns, create: false).
    "aws:route53/getZone:getZone": (inputs) => {
        const zoneId = `Z${hashOf(`existing/${inputs.name}`, 20).toUpperCase()}`;
        return {
            id: zoneId,
            zoneId,
            name: inputs.name,
            arn: `arn:aws:route53:::hostedzone/${zoneId}`,
            privateZone: false,
            nameServers: ["ns-11.awsdns-11.org", "ns-12.awsdns-12.co.uk", "ns-13.awsdns-13.com", "ns-14.awsdns-14.net"],
        };
    },
    // CloudFront's origin-facing prefix list (components/cdn): one id per region, the same name everywhere.
    "aws:ec2/getManagedPrefixList:getManagedPrefixList": (inputs, { region }) => ({
        id: `pl-${hashOf(`${region}/${inputs.name}`, 8)}`,
        name: inputs.name,
        addressFamily: "IPv4",
        maxEntries: 55,
        ownerId: "AWS",
    }),
    "azure-native:dns:getZone": (inputs) => ({
        id: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.Network/dnszones/${inputs.zoneName}`,
        name: inputs.zoneName,
        location: "global",
        zoneType: "Public",
        nameServers: [
            "ns1-05.azure-dns.com.",
            "ns2-05.azure-dns.net.",
            "ns3-05.azure-dns.org.",
            "ns4-05.azure-dns.info.",
        ],
    }),
    "azure-native:authorization:getClientConfig": () => ({
        clientId: "00000000-0000-4000-8000-000000000003",
        objectId: "00000000-0000-4000-8000-000000000004",
        subscriptionId: SUBSCRIPTION_ID,
        tenantId: TENANT_ID,
    }),
    "azure-native:redisenterprise:listDatabaseKeys": (inputs) => ({
        primaryKey: `mockPrimaryKey${hashOf(`${inputs.clusterName}/primary`)}=`,
        secondaryKey: `mockSecondaryKey${hashOf(`${inputs.clusterName}/secondary`)}=`,
    }),
    // What AKS returns for an Entra-integrated cluster: a kubeconfig (base64 YAML) that logs in with kubelogin.
    "azure-native:containerservice:listManagedClusterUserCredentials": (inputs, { location }) => {
        const name = String(inputs.resourceName);
        const server = `https://${name}-${hashOf(`aks/${name}`, 8)}.hcp.${location}.azmk8s.io:443`;
        const ca = Buffer.from(`mock CA for ${name}`).toString("base64");
        const kubeconfig = [
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- cluster:",
            `    certificate-authority-data: ${ca}`,
            `    server: ${server}`,
            `  name: ${name}`,
            "contexts:",
            "- context:",
            `    cluster: ${name}`,
            `    user: clusterUser_${name}`,
            `  name: ${name}`,
            `current-context: ${name}`,
            "users:",
            `- name: clusterUser_${name}`,
            "  user:",
            "    exec:",
            "      apiVersion: client.authentication.k8s.io/v1beta1",
            "      command: kubelogin",
            "      args: [get-token, --login, devicecode, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]",
            "",
        ].join("\n");
        return { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(kubeconfig).toString("base64") }] };
    },
};

/** A short, stable hex digest (the same as the resource state's). */
function hashOf(text: string, length = 16): string {
    return createHash("sha256").update(text).digest("hex").slice(0, length);
}

export function answerInvoke(token: string, inputs: Record<string, unknown>, at: Placement): Record<string, unknown> {
    const answer = invokeAnswers[token];
    if (!answer) {
        throw new Error(
            `The program called ${token}, which the offline check cannot answer. ` +
                `Add a realistic answer for it to check/invokes.ts.`,
        );
    }
    return answer(inputs, at);
}
