/**
 * The pack as a whole: every policy is named, described, configurable and tested; the per-stack config
 * files are valid against the policies' schemas and get stricter from dev to prod; the README lists
 * every rule.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Policy, PolicyConfigSchema } from "@pulumi/policy";
import {
    JsonSchema,
    PolicyConfigError,
    PolicyDescription,
    parsePolicyConfig,
    readPolicyConfig,
    reconcilePolicyConfig,
} from "../../check/policy-config";
import { POLICY_PACK_DIR, defaultPolicyConfigFile } from "../../check/policy";
import { STACKS } from "../harness";
import { ADVISORY_UNTIL_MET, allPolicies, frameworkConfig } from "../../policies/all";
import { AWS_CASES } from "./aws.cases";
import { AZURE_CASES } from "./azure.cases";
import { DATA_CASES } from "./data.cases";
import { EDGE_CASES } from "./edge.cases";
import { KUBERNETES_EDGE_CASES } from "./kubernetes-edge.cases";
import { EXPOSURE_CASES } from "./exposure.cases";
import { AWS_IDENTITY_CASES, AZURE_IDENTITY_CASES } from "./identity.cases";
import { KUBERNETES_CASES } from "./kubernetes.cases";
import { PLATFORM_CASES } from "./platform.cases";
import { AWS_BACKUP_PLAN_CASES, AZURE_BACKUP_VAULT_CASES } from "./backup-plans.cases";

const policies = allPolicies as (Policy & { configSchema?: PolicyConfigSchema })[];

/** The pack's policies as GetAnalyzerInfo reports them (the pack's level is mandatory). */
const descriptions: PolicyDescription[] = policies.map((p) => ({
    name: p.name,
    enforcementLevel: p.enforcementLevel ?? "mandatory",
    schema: p.configSchema
        ? {
              properties: p.configSchema.properties as Record<string, JsonSchema>,
              required: p.configSchema.required ?? [],
          }
        : undefined,
}));

const readPolicyConfigText = (text: string) => parsePolicyConfig(text, "cis.json");

function resolved(stack: string) {
    const file = defaultPolicyConfigFile(stack);
    return reconcilePolicyConfig(descriptions, readPolicyConfig(file), file);
}

describe("policy pack", () => {
    it("names every policy once, in kebab-case, with a description", () => {
        const names = policies.map((p) => p.name);
        assert.strictEqual(new Set(names).size, names.length, "duplicate policy names");
        for (const p of policies) {
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)+$/, p.name);
            assert.ok(
                p.description.length > 20 && p.description.endsWith("."),
                `${p.name} has a sentence as description`,
            );
        }
    });

    it("gives every setting a default and a description", () => {
        for (const p of policies) {
            for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
                assert.notStrictEqual(schema.default, undefined, `${p.name}.${key} has a default`);
                assert.ok(schema.description, `${p.name}.${key} has a description`);
            }
        }
    });

    it("has a compliant, a non-compliant and an undefined-property case for every policy", () => {
        const tested = [
            ...AWS_CASES,
            ...AZURE_CASES,
            ...EXPOSURE_CASES,
            ...AWS_IDENTITY_CASES,
            ...AZURE_IDENTITY_CASES,
            ...KUBERNETES_CASES,
            ...PLATFORM_CASES,
            ...DATA_CASES,
            ...AWS_BACKUP_PLAN_CASES,
            ...AZURE_BACKUP_VAULT_CASES,
            ...EDGE_CASES,
            ...KUBERNETES_EDGE_CASES,
        ]
            .map((c) => c.policy.name)
            .sort();
        assert.deepStrictEqual(tested, policies.map((p) => p.name).sort());
    });

    it("has a valid policy config file for every stack", () => {
        for (const stack of STACKS) {
            assert.ok(fs.existsSync(defaultPolicyConfigFile(stack)), `policies/config/${stack}.json exists`);
            resolved(stack);
        }
    });

    it("is advisory in dev and mandatory in staging and prod, but for the listed rules the program does not meet yet", () => {
        const levels = (stack: string) => new Set([...resolved(stack).values()].map((c) => c.enforcementLevel));
        assert.deepStrictEqual([...levels("dev")], ["advisory"]);
        for (const stack of ["staging", "prod"]) {
            for (const [name, config] of resolved(stack)) {
                const expected = ADVISORY_UNTIL_MET[name] ? "advisory" : "mandatory";
                assert.strictEqual(config.enforcementLevel, expected, `${name} in ${stack}`);
            }
        }
        for (const name of Object.keys(ADVISORY_UNTIL_MET)) {
            assert.ok(
                policies.some((p) => p.name === name),
                `${name} is a policy of the pack`,
            );
        }
    });

    it("is at least as strict in prod as in staging, and in staging as in dev, setting by setting", () => {
        for (const [weaker, stricter] of [
            ["dev", "staging"],
            ["staging", "prod"],
        ]) {
            const a = resolved(weaker);
            const b = resolved(stricter);
            for (const [name, config] of a) {
                for (const [key, value] of Object.entries(config.properties)) {
                    const other = b.get(name)!.properties[key];
                    if (typeof value === "number")
                        assert.ok((other as number) >= value, `${name}.${key}: ${stricter} ≥ ${weaker}`);
                    if (value === true) assert.strictEqual(other, true, `${name}.${key}: required in ${stricter} too`);
                }
            }
        }
        const retention = (stack: string) =>
            resolved(stack).get("aws-rds-backup-retention")!.properties.minimumRetentionDays;
        assert.ok((retention("prod") as number) > (retention("staging") as number), "prod keeps backups longer");
    });

    it("rejects a config file with an unknown policy, an unknown setting or a value of the wrong type", () => {
        const problems = (config: object) => {
            try {
                reconcilePolicyConfig(descriptions, config as never, "test.json");
            } catch (err) {
                assert.ok(err instanceof PolicyConfigError);
                return err.problems.join("\n");
            }
            assert.fail("expected a PolicyConfigError");
        };
        assert.match(
            problems({ "aws-rds-backup-retenton": { enforcementLevel: "advisory", properties: {} } }),
            /no policy of this name/,
        );
        assert.match(
            problems({ "aws-rds-backup-retention": { properties: { minimumDays: 7 } } }),
            /not a setting of this policy; allowed: minimumRetentionDays/,
        );
        assert.match(
            problems({ "aws-rds-backup-retention": { properties: { minimumRetentionDays: "seven" } } }),
            /got "seven"; allowed: an integer from 0 to 35/,
        );
        assert.match(
            problems({ "aws-rds-multi-az": { properties: { required: "yes" } } }),
            /got "yes"; allowed: a boolean/,
        );
    });

    it("tags every policy with its domain, cloud and severity, and selects a framework's rules by config (CIS only)", () => {
        for (const p of policies) {
            assert.ok(
                p.tags?.some((t) => t.startsWith("domain:")) && p.tags.some((t) => t.startsWith("cloud:")),
                p.name,
            );
            assert.ok(p.severity, `${p.name} has a severity`);
        }
        const cis = frameworkConfig("cis");
        const resolvedCis = reconcilePolicyConfig(descriptions, readPolicyConfigText(JSON.stringify(cis)), "cis.json");
        const enabled = [...resolvedCis].filter(([, c]) => c.enforcementLevel !== "disabled").map(([n]) => n);
        assert.ok(enabled.includes("aws-kms-key-rotation") && enabled.includes("aws-s3-public-access-block"));
        for (const name of enabled) {
            assert.ok(
                policies.find((p) => p.name === name)!.tags!.some((t) => t.startsWith("cis:")),
                name,
            );
        }
        assert.strictEqual(resolvedCis.get("aws-ecr-immutable-tags")!.enforcementLevel, "disabled");
    });

    it("lists every rule in policies/README.md", () => {
        const readme = fs.readFileSync(path.join(POLICY_PACK_DIR, "README.md"), "utf8");
        for (const p of policies) assert.ok(readme.includes(`\`${p.name}\``), `README lists ${p.name}`);
    });

    it("ships a compiled entry point as package.json main, with a version", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(POLICY_PACK_DIR, "package.json"), "utf8"));
        assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
        assert.strictEqual(pkg.main, "bin/index.js");
        assert.ok(fs.existsSync(path.join(POLICY_PACK_DIR, "PulumiPolicy.yaml")));
    });
});
