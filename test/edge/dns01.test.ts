/**
 * cert-manager solves ACME challenges with DNS-01 through the stack's zone when `platform:dns` is set (issue 13
 * item 3: with the CDN in front, HTTP-01 cannot bootstrap the Gateway's certificate), as its own workload
 * identity limited to that zone; HTTP-01 otherwise. Sources: components/workloads/edge/dns01-{aws,azure}.ts.
 */
import * as assert from "assert";
import { ProgramRun, plain } from "../../check/runtime";
import { inputs, ofType, one, outputs } from "../harness";
import { runEdge } from "./support";

const T = {
    issuer: "kubernetes:cert-manager.io/v1:ClusterIssuer",
    release: "kubernetes:helm.sh/v3:Release",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    association: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    identity: "azure-native:managedidentity:UserAssignedIdentity",
    federation: "azure-native:managedidentity:FederatedIdentityCredential",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    zone: "azure-native:dns:Zone",
};

const solvers = (run: ProgramRun) => inputs(one(run, T.issuer)).spec.acme.solvers;
const mine = (name: string) => name.includes("cert-manager-dns");

describe("cert-manager DNS-01 on AWS", () => {
    it("solves the zone's names with DNS-01 in its Route 53 hosted zone, HTTP-01 for any other name", async () => {
        const run = await runEdge("prod", "aws");
        const [dns01, http01] = solvers(run);
        assert.deepStrictEqual(dns01.selector, { dnsZones: ["example.com"] });
        assert.deepStrictEqual(dns01.dns01.route53, { region: "eu-west-1", hostedZoneID: outputs(run).edge.zoneId });
        assert.ok(http01.http01.gatewayHTTPRoute);
    });

    it("lets cert-manager's Pod Identity role write TXT records of the stack's zone only", async () => {
        const run = await runEdge("prod", "aws");
        const zoneId = outputs(run).edge.zoneId;
        const policy = ofType(run, T.rolePolicy).find((p) => mine(p.name))!;
        const statements = JSON.parse(inputs(policy).policy).Statement;
        const change = statements.find((s: { Action: string[] }) =>
            [s.Action].flat().includes("route53:ChangeResourceRecordSets"),
        );
        assert.strictEqual(change.Resource, `arn:aws:route53:::hostedzone/${zoneId}`);
        assert.deepStrictEqual(change.Condition, {
            "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"] },
        });
        // Nothing account-wide but reading changes (no ListHostedZonesByName: the solver names the zone).
        assert.deepStrictEqual(
            statements
                .filter((s: { Resource: string }) => s.Resource !== change.Resource)
                .map((s: { Action: string }) => s.Action),
            ["route53:GetChange"],
        );
        const association = ofType(run, T.association).find((a) => mine(a.name))!;
        assert.deepStrictEqual(
            [inputs(association).namespace, inputs(association).serviceAccount],
            ["cert-manager", "cert-manager"],
        );
    });

    it("keeps HTTP-01 alone without a zone (dev), and no DNS identity", async () => {
        const run = await runEdge("dev", "aws");
        const all = solvers(run);
        assert.strictEqual(all.length, 1);
        assert.ok(all[0].http01);
        assert.strictEqual(ofType(run, T.association).filter((a) => mine(a.name)).length, 0);
    });
});

describe("cert-manager DNS-01 on Azure", () => {
    it("solves the zone's names with DNS-01 in the Azure DNS zone as a federated managed identity", async () => {
        const run = await runEdge("prod", "azure");
        const [dns01] = solvers(run);
        assert.deepStrictEqual(dns01.selector, { dnsZones: ["example.com"] });
        const identity = ofType(run, T.identity).find((i) => mine(i.name))!;
        const azureDNS = dns01.dns01.azureDNS;
        assert.strictEqual(azureDNS.hostedZoneName, "example.com");
        assert.strictEqual(azureDNS.managedIdentity.clientID, (plain(identity.state) as { clientId: string }).clientId);
        const federation = ofType(run, T.federation).find((f) => mine(f.name))!;
        assert.strictEqual(inputs(federation).subject, "system:serviceaccount:cert-manager:cert-manager");
        // The workload identity webhook injects the token only into labelled pods.
        const release = ofType(run, T.release).find((r) => inputs(r).chart === "cert-manager")!;
        assert.deepStrictEqual(inputs(release).values.podLabels, { "azure.workload.identity/use": "true" });
        assert.deepStrictEqual(inputs(release).values.serviceAccount, {
            labels: { "azure.workload.identity/use": "true" },
        });
    });

    it("grants that identity DNS Zone Contributor on the stack's zone only", async () => {
        const run = await runEdge("prod", "azure");
        const assignments = ofType(run, T.roleAssignment).filter((a) => mine(a.name));
        assert.strictEqual(assignments.length, 1);
        const zone = one(run, T.zone);
        assert.strictEqual(inputs(assignments[0]).scope, zone.id);
        assert.match(inputs(assignments[0]).roleDefinitionId, /befefa01-2a29-4197-83a8-272ff33ce314$/);
    });
});
