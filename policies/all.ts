/**
 * Every policy of the pack, in the order they are reported, and the pack's identity. Kept apart from
 * `index.ts` so tests and tools can list the policies without starting a policy pack.
 */
import type { Policies } from "@pulumi/policy";
import { tagsOf } from "./catalog";
import { awsBackupPolicies } from "./aws/backups";
import { awsDataPolicies } from "./aws/data";
import { awsBackupPlanPolicies } from "./aws/backup-plans";
import { awsEdgePolicies } from "./aws/edge";
import { awsEncryptionPolicies } from "./aws/encryption";
import { awsExposurePolicies } from "./aws/exposure";
import { awsIdentityPolicies } from "./aws/identity";
import { azureBackupPolicies } from "./azure/backups";
import { azureDataPolicies } from "./azure/data";
import { azureBackupVaultPolicies } from "./azure/backup-vaults";
import { azureEdgePolicies } from "./azure/edge";
import { azureEncryptionPolicies } from "./azure/encryption";
import { azureExposurePolicies } from "./azure/exposure";
import { azureIdentityPolicies } from "./azure/identity";
import { kubernetesPolicies } from "./kubernetes";
import { kubernetesEdgePolicies } from "./kubernetes-edge";
import { platformPolicies } from "./platform";

/** The pack's name as the engine reports it (the version comes from package.json). */
export const PACK_NAME = "platform-policies";

export const PACK_DESCRIPTION =
    "Encryption, private access, backups and deletion safety, identity, logging and supply chain for the platform " +
    "on AWS and Azure, plus Kubernetes rules and rules on the platform's own components.";

const policies: Policies = [
    ...awsEncryptionPolicies,
    ...awsBackupPolicies,
    ...awsBackupPlanPolicies,
    ...awsExposurePolicies,
    ...awsIdentityPolicies,
    ...awsDataPolicies,
    ...awsEdgePolicies,
    ...azureEncryptionPolicies,
    ...azureBackupPolicies,
    ...azureBackupVaultPolicies,
    ...azureExposurePolicies,
    ...azureIdentityPolicies,
    ...azureDataPolicies,
    ...azureEdgePolicies,
    ...kubernetesPolicies,
    ...kubernetesEdgePolicies,
    ...platformPolicies,
];

/** Every policy, tagged with its domain, cloud and the Checkov / Trivy / CIS ids of policies/catalog.ts. */
export const allPolicies: Policies = policies.map((p) => ({ ...p, tags: tagsOf(p.name) }));

/**
 * Rules the stack configs keep advisory in staging and prod, with why, until the program meets them; then
 * delete the rule's `"enforcementLevel": "advisory"` from policies/config/{staging,prod}.json and its
 * entry here (test/policies/pack.test.ts holds the two together).
 */
export const ADVISORY_UNTIL_MET: Readonly<Record<string, string>> = {
    "aws-sns-topic-cmk":
        "the Alertmanager heartbeat topic (components/workloads, AlertRoute) uses alias/aws/sns; it needs its own key " +
        "whose policy admits cloudwatch.amazonaws.com",
    "azure-acr-no-public-network-access":
        "the registry (components/workloads registry, Azure) keeps public network access on; it needs a private " +
        "endpoint in the VNet for AKS pulls first",
    "azure-postgres-passwordless":
        "the workloads sign in to PostgreSQL with the administrator password from a Kubernetes Secret; Entra tokens through " +
        "their workload identities (and an Entra administrator on the server) are not wired yet",
};

/**
 * A policy config that runs only the policies mapped to a framework (`cis`, `checkov`, `trivy`, `psrule`) at
 * `level` and disables the rest, e.g. `JSON.stringify(frameworkConfig("cis"))` for a CIS-only preview. The
 * CLI's config format has no tag selection, so selecting is writing such a file (policies/README.md).
 */
export function frameworkConfig(
    framework: string,
    level: "advisory" | "mandatory" = "mandatory",
): Record<string, "advisory" | "mandatory" | "disabled"> {
    const selected = allPolicies.filter((p) => (p.tags ?? []).some((t) => t.startsWith(`${framework}:`)));
    return { all: "disabled", ...Object.fromEntries(selected.map((p) => [p.name, level])) };
}
