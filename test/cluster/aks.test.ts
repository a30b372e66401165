/**
 * AKS keeps the cluster inside the program's plan: the cluster autoscaler scales the node pool between the
 * size profile's minimum and maximum, and automatic upgrades stay on the pinned minor version.
 * Sources: https://learn.microsoft.com/azure/aks/cluster-autoscaler (enableAutoScaling, minCount,
 * maxCount) and https://learn.microsoft.com/azure/aks/auto-upgrade-cluster ("patch": latest patch "while
 * keeping the minor version the same"; "stable" and "rapid" move to another minor version).
 */
import * as assert from "assert";
import { catalog } from "../../components/shared/catalog";
import { parseConfig } from "../../components/shared/config";
import { DEFAULT_KUBERNETES_VERSION } from "../../components/shared/facts/kubernetes";
import { ProgramRun } from "../../check/runtime";
import { loadStackConfig } from "../../check/stack";
import { STACKS, inputs, one, runStack } from "../harness";

for (const stack of STACKS) {
    describe(`AKS ${stack}: node autoscaling and upgrades`, () => {
        const { project, config: raw } = loadStackConfig(stack, ["platform:cloud=azure"]);
        const config = parseConfig(raw, project, stack);
        const profile = catalog.cluster[config.cluster.size ?? config.size];
        let aks: ReturnType<typeof inputs>;
        before(async () => {
            const run: ProgramRun = await runStack(stack, "azure");
            aks = inputs(one(run, "azure-native:containerservice:ManagedCluster"));
        });

        it(`lets the cluster autoscaler scale the node pool from ${config.cluster.minNodes ?? profile.minNodes} to ${config.cluster.maxNodes ?? profile.maxNodes} nodes (the size profile)`, () => {
            const [pool] = aks.agentPoolProfiles;
            assert.strictEqual(pool.enableAutoScaling, true);
            assert.strictEqual(pool.minCount, config.cluster.minNodes ?? profile.minNodes);
            assert.strictEqual(pool.maxCount, config.cluster.maxNodes ?? profile.maxNodes);
        });

        it("upgrades automatically only to patches of the pinned minor version (never a channel that changes the minor)", () => {
            assert.strictEqual(aks.kubernetesVersion, config.cluster.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION);
            assert.match(aks.kubernetesVersion, /^\d+\.\d+$/, "a minor version: AKS picks its latest patch");
            assert.strictEqual(aks.autoUpgradeProfile.upgradeChannel, "patch");
        });
    });
}
