/**
 * Identity, logging and supply-chain rules (issue 17 item 4), each on a compliant resource, weakened once,
 * with the deciding property left undefined and unknown; plus the cases where the rule's condition lives on
 * another resource (Entra in use on a Redis cluster, the VPC a flow log logs).
 */
import * as assert from "assert";
import * as aws from "../../policies/aws/identity";
import * as azure from "../../policies/azure/identity";
import { TYPES } from "../../policies/lib/shapes";
import { AWS_IDENTITY_CASES, AZURE_IDENTITY_CASES } from "./identity.cases";
import { UNKNOWN_INPUT, describePolicies, evaluate } from "./fixtures";

describePolicies("Identity, logging and supply-chain policies on AWS", AWS_IDENTITY_CASES);
describePolicies("Identity, logging and supply-chain policies on Azure", AZURE_IDENTITY_CASES);

describe("Identity policy edge cases", () => {
    it("leaves Redis access keys alone where no Entra identity is assigned, as on this platform today", async () => {
        // Access keys are the only way in until the workloads use Entra tokens (policies/README.md).
        const outcome = await evaluate(azure.redisAccessKeysOffWithEntra, [
            { type: TYPES.redisCluster, name: "redis", props: {} },
            {
                type: TYPES.redisDatabase,
                name: "redis-db",
                props: { clusterName: "redis-1", accessKeysAuthentication: "Enabled" },
                propertyDependencies: { clusterName: ["redis"] },
            },
        ]);
        assert.strictEqual(outcome.verdict, "pass");
    });

    it("finds the Entra assignment of a Redis cluster named literally", async () => {
        const outcome = await evaluate(azure.redisAccessKeysOffWithEntra, [
            { type: TYPES.redisDatabase, name: "redis-db", props: { clusterName: "redis-1" } },
            {
                type: TYPES.redisAccessPolicyAssignment,
                name: "entra",
                props: { clusterName: "redis-1", databaseName: "default" },
            },
        ]);
        assert.strictEqual(outcome.verdict, "fail");
    });

    it("accepts API_AND_CONFIG_MAP only where a stack allows it while migrating", async () => {
        const cluster = [
            {
                type: TYPES.eksCluster,
                name: "eks",
                props: { accessConfig: { authenticationMode: "API_AND_CONFIG_MAP" } },
            },
        ];
        assert.strictEqual((await evaluate(aws.eksAuthenticationModeApi, cluster)).verdict, "fail");
        const migrating = { allowedModes: ["API", "API_AND_CONFIG_MAP"] };
        assert.strictEqual((await evaluate(aws.eksAuthenticationModeApi, cluster, migrating)).verdict, "pass");
    });

    it("says a VPC's flow log cannot be verified in preview when a flow log's vpcId is unknown and from no resource", async () => {
        const outcome = await evaluate(aws.vpcFlowLogs, [
            { type: TYPES.vpc, name: "vpc", props: {} },
            { type: TYPES.flowLog, name: "flow-log", props: { vpcId: UNKNOWN_INPUT, trafficType: "ALL" } },
        ]);
        assert.strictEqual(outcome.verdict, "unverifiable");
    });

    it("fails an AKS cluster with no diagnostic setting at all", async () => {
        const outcome = await evaluate(azure.aksControlPlaneLogs, [{ type: TYPES.aksCluster, name: "aks", props: {} }]);
        assert.strictEqual(outcome.verdict, "fail");
        assert.match(outcome.messages[0], /kube-apiserver, kube-audit\|kube-audit-admin/);
    });

    it("does not judge RDS log exports of other engines", async () => {
        const outcome = await evaluate(aws.rdsLogExports, [
            { type: TYPES.rdsInstance, name: "db", props: { engine: "mysql" } },
        ]);
        assert.strictEqual(outcome.verdict, "not applicable");
    });
});
