/**
 * Every policy of the pack, in the order they are reported, and the pack's identity. Kept apart from
 * `index.ts` so tests and tools can list the policies without starting a policy pack.
 */
import type { Policies } from "@pulumi/policy";
import { awsBackupPolicies } from "./aws/backups";
import { awsEncryptionPolicies } from "./aws/encryption";
import { azureBackupPolicies } from "./azure/backups";
import { azureEncryptionPolicies } from "./azure/encryption";
import { platformPolicies } from "./platform";

/** The pack's name as the engine reports it (the version comes from package.json). */
export const PACK_NAME = "platform-policies";

export const PACK_DESCRIPTION =
    "Encryption, private access, backups and deletion safety for the platform on AWS and Azure, " +
    "plus rules on the platform's own components.";

export const allPolicies: Policies = [
    ...awsEncryptionPolicies,
    ...awsBackupPolicies,
    ...azureEncryptionPolicies,
    ...azureBackupPolicies,
    ...platformPolicies,
];
