/**
 * The stack diagram: grouping by component, collapsed counts, only cross-component and provider edges; and
 * the committed docs/diagrams/ pages regenerated from the real graphs and compared.
 */
import * as assert from "assert";
import * as fs from "fs";
import type { ResourceRecord } from "../../check/runtime";
import { diagramPage, renderMermaid } from "../../check/diagram";
import { diagramFile } from "../../scripts/diagram";
import { MATRIX, runStack } from "../harness";

function rec(type: string, name: string, parent: string | null, extra: Partial<ResourceRecord> = {}): ResourceRecord {
    return {
        urn: `urn:pulumi:dev::platform::${type}::${name}`,
        type,
        name,
        parent,
        provider: null,
        dependencies: [],
        propertyDependencies: {},
        protect: false,
        retainOnDelete: false,
        custom: !type.startsWith("platform:"),
        inputs: {},
        outputs: {},
        ...extra,
    };
}

describe("stack diagram", () => {
    const provider = rec("pulumi:providers:aws", "aws", null);
    const network = rec("platform:network:Network", "net", null);
    const subnets = [1, 2, 3].map((i) => rec("aws:ec2/subnet:Subnet", `subnet-${i}`, network.urn));
    const vpc = rec("aws:ec2/vpc:Vpc", "vpc", network.urn);
    const cluster = rec("platform:cluster:Cluster", "cluster", null);
    const eks = rec("aws:eks/cluster:Cluster", "eks", cluster.urn, {
        dependencies: [...subnets.map((s) => s.urn), vpc.urn, cluster.urn],
        provider: `${provider.urn}::id-1`,
    });
    const text = renderMermaid([provider, network, ...subnets, vpc, cluster, eks], { stack: "dev", cloud: "aws" });

    it("draws one subgraph per component, in the platform's order", () => {
        const subgraphs = [...text.matchAll(/subgraph (\S+)\[/g)].map((m) => m[1]);
        assert.deepStrictEqual(subgraphs, ["g_network", "g_cluster", "g_providers"]);
        assert.match(text, /^flowchart LR$/m);
    });

    it("collapses resources of one type in a component into one node with the count", () => {
        assert.match(text, /n_network_aws_ec2_subnet_Subnet\["Subnet ×3"\]/);
        assert.strictEqual(text.match(/Subnet ×/g)?.length, 1);
    });

    it("draws the cluster's dependency on the network's subnets and its provider, not parent or inner edges", () => {
        const edges = text
            .split("\n")
            .filter((l) => l.includes("-->"))
            .map((l) => l.trim());
        assert.deepStrictEqual(edges, [
            "g_cluster --> n_network_aws_ec2_subnet_Subnet",
            "g_cluster --> n_network_aws_ec2_vpc_Vpc",
            "g_cluster --> n_providers_pulumi_providers_aws",
        ]);
    });
});

describe("committed stack diagrams (docs/diagrams/)", function () {
    this.timeout(600000);
    for (const { stack, cloud } of MATRIX) {
        it(`docs/diagrams/${stack}-${cloud}.md is up to date (regenerate: npm run diagram -- --write-docs)`, async () => {
            const run = await runStack(stack, cloud);
            const expected = diagramPage(run.resources, { stack, cloud });
            const file = diagramFile(stack, cloud);
            assert.ok(fs.existsSync(file), `${file} is missing; run npm run diagram -- --write-docs`);
            assert.strictEqual(fs.readFileSync(file, "utf8"), expected, "run npm run diagram -- --write-docs");
        });
    }
});
