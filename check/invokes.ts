/**
 * Realistic answers to the provider functions (invokes) the program calls. An invoke without an answer
 * here is an error, never a silent `undefined`: a new data source must come with its answer.
 */
export interface Placement {
    readonly region: string;
    readonly location: string;
}

export const ACCOUNT_ID = "123456789012";
export const SUBSCRIPTION_ID = "00000000-0000-4000-8000-000000000001";
export const TENANT_ID = "00000000-0000-4000-8000-000000000002";

type Answer = (inputs: Record<string, unknown>, at: Placement) => Record<string, unknown>;

export const invokeAnswers: Record<string, Answer> = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": (_, { region }) => ({
        id: region,
        names: ["a", "b", "c"].map((z) => `${region}${z}`),
        zoneIds: [1, 2, 3].map((n) => `${region.replace(/-/g, "").slice(0, 4)}-az${n}`),
        groupNames: [region],
        state: "available",
    }),
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        id: ACCOUNT_ID,
        accountId: ACCOUNT_ID,
        arn: `arn:aws:iam::${ACCOUNT_ID}:role/platform-deployer`,
        userId: "AROAEXAMPLEDEPLOYER:platform",
    }),
    "azure-native:authorization:getClientConfig": () => ({
        clientId: "00000000-0000-4000-8000-000000000003",
        objectId: "00000000-0000-4000-8000-000000000004",
        subscriptionId: SUBSCRIPTION_ID,
        tenantId: TENANT_ID,
    }),
};

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
