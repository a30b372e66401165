/**
 * The backup rules (issue 15 item 6): each on a compliant graph, weakened once, with the deciding property
 * undefined; and their level per environment (off in dev, the plan in staging, everything in prod), read from
 * policies/config/<stack>.json as the engine resolves it.
 */
import * as assert from "assert";
import { AWS_BACKUP_PLAN_CASES, AZURE_BACKUP_VAULT_CASES } from "./backup-plans.cases";
import { describePolicies } from "./fixtures";
import type { Policy, PolicyConfigSchema } from "@pulumi/policy";
import { allPolicies } from "../../policies/all";
import { JsonSchema, PolicyDescription, readPolicyConfig, reconcilePolicyConfig } from "../../check/policy-config";
import { defaultPolicyConfigFile } from "../../check/policy";

describePolicies("Backup-plan policies on AWS", AWS_BACKUP_PLAN_CASES);
describePolicies("Backup-vault policies on Azure", AZURE_BACKUP_VAULT_CASES);

describe("Backup rules per environment", () => {
    // The pack's policies as GetAnalyzerInfo reports them (as test/policies/pack.test.ts builds them).
    const descriptions: PolicyDescription[] = (allPolicies as (Policy & { configSchema?: PolicyConfigSchema })[]).map(
        (p) => ({
            name: p.name,
            enforcementLevel: p.enforcementLevel ?? "mandatory",
            schema: p.configSchema
                ? {
                      properties: p.configSchema.properties as Record<string, JsonSchema>,
                      required: p.configSchema.required ?? [],
                  }
                : undefined,
        }),
    );
    const required = (stack: string, rule: string) => {
        const file = defaultPolicyConfigFile(stack);
        return reconcilePolicyConfig(descriptions, readPolicyConfig(file), file).get(rule)!.properties.required;
    };
    const PLAN = ["aws-backup-plan-covers-database", "azure-backup-covers-postgres"];
    const PROD_ONLY = [
        "aws-backup-plan-copies-to-second-region",
        "aws-backup-vault-locked",
        "aws-s3-replicated-to-second-region",
        "azure-backup-vault-geo-redundant",
        "azure-backup-vault-immutable",
        "azure-storage-geo-redundant",
    ];

    it("requires the database in a backup plan in staging and prod, not dev", () => {
        for (const rule of PLAN) {
            assert.deepStrictEqual(
                ["dev", "staging", "prod"].map((s) => required(s, rule)),
                [false, true, true],
                rule,
            );
        }
    });

    it("requires copies, vault locks and replication in prod only", () => {
        for (const rule of PROD_ONLY) {
            assert.deepStrictEqual(
                ["dev", "staging", "prod"].map((s) => required(s, rule)),
                [false, false, true],
                rule,
            );
        }
    });
});
