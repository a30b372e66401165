import * as assert from "assert";
import { ConfigError, PlatformConfig, parseConfig } from "../../components/shared/config";
import { loadStackConfig } from "../../check/stack";
import { STACKS, expectConfigError } from "../harness";

/** Parses a stack's real config plus overrides; returns the config or the ConfigError. */
function parse(stack: string, overrides: string[]): PlatformConfig | ConfigError {
    const { project, config } = loadStackConfig(stack, overrides);
    try {
        return parseConfig(config, project, stack);
    } catch (err) {
        if (err instanceof ConfigError) return err;
        throw err;
    }
}

/** Asserts that the config fails with exactly one problem on `key`, and that its message is complete. */
function expectProblem(stack: string, overrides: string[], key: string, allowed: RegExp): ConfigError {
    const result = parse(stack, overrides);
    assert.ok(result instanceof ConfigError, `expected ${overrides.join(" ")} to be rejected`);
    const problems = result.problems.filter((p) => p.key === key);
    assert.strictEqual(problems.length, 1, `expected one problem on ${key}, got: ${result.message}`);
    const [p] = problems;
    assert.match(p.allowed, allowed);
    assert.ok(p.fix.length > 10, "the problem says how to fix it");
    // The rendered message names the key, the value received, what is allowed and the fix.
    assert.match(result.message, new RegExp(`${key.replace(/[.[\]]/g, "\\$&")}: got `));
    assert.match(result.message, /allowed: .* Fix: /);
    return result;
}

describe("config: every stack file is valid on both clouds", () => {
    for (const stack of STACKS) {
        for (const cloud of ["aws", "azure"]) {
            it(`${stack} on ${cloud}`, () => {
                const result = parse(stack, [`platform:cloud=${cloud}`]);
                assert.ok(!(result instanceof ConfigError), result instanceof ConfigError ? result.message : "");
            });
        }
    }
});

describe("config: environments differ the way real environments do", () => {
    const config = (stack: string) => parse(stack, []) as PlatformConfig;

    it("dev is small, not highly available and not protected", () => {
        const dev = config("dev");
        assert.deepStrictEqual([dev.size, dev.highAvailability, dev.deletionProtection], ["small", false, false]);
    });
    it("prod is large, highly available, protected, with the longest retention", () => {
        const prod = config("prod");
        assert.deepStrictEqual([prod.size, prod.highAvailability, prod.deletionProtection], ["large", true, true]);
        for (const other of ["dev", "staging"]) {
            assert.ok(prod.backupRetentionDays > config(other).backupRetentionDays);
        }
    });
    it("each stack file names its own environment", () => {
        for (const stack of STACKS) {
            assert.strictEqual(config(stack).environment, stack);
        }
    });
});

describe("config: validation", () => {
    it("fails when the cloud is unknown", () => {
        const err = expectProblem("prod", ["platform:cloud=gcp"], "platform:cloud", /"aws", "azure"/);
        assert.match(err.message, /got "gcp"/);
    });

    it("fails when an unknown platform key is set, and suggests the key that was meant", () => {
        const err = expectProblem(
            "dev",
            ["platform:backupRetentionDay=7"],
            "platform:backupRetentionDay",
            /only the keys/,
        );
        assert.match(err.message, /did you mean platform:backupRetentionDays\?/);
    });

    it("ignores keys of other namespaces (provider config such as aws:region)", () => {
        assert.ok(!(parse("dev", ["aws:region=eu-west-1"]) instanceof ConfigError));
    });

    it("fails when an integer key is not a whole number", () => {
        expectProblem("dev", ["platform:backupRetentionDays=seven"], "platform:backupRetentionDays", /whole number/);
    });

    it("fails when a boolean key is not true or false", () => {
        expectProblem("dev", ["platform:highAvailability=yes"], "platform:highAvailability", /true or false/);
    });

    it("fails when a JSON key is not valid JSON", () => {
        expectProblem("dev", ["platform:database={storageGiB: 50"], "platform:database", /an object with the fields/);
    });

    it("fails when an override bag has an unknown field (a typo is never ignored)", () => {
        expectProblem(
            "dev",
            ['platform:database={"aws":{"storageEncryption":false}}'],
            "platform:database.aws.storageEncryption",
            /only the fields instanceClass, storageEncrypted/,
        );
    });

    it("fails when a nested override has the wrong type", () => {
        expectProblem(
            "dev",
            ['platform:cluster={"minNodes":"two"}'],
            "platform:cluster.minNodes",
            /whole number from 1/,
        );
    });

    it("fails when backup retention exceeds what RDS and ElastiCache allow (35 days)", () => {
        expectProblem("prod", ["platform:backupRetentionDays=36"], "platform:backupRetentionDays", /0 to 35/);
    });

    it("fails when backup retention is below what Azure PostgreSQL allows (7 days)", () => {
        expectProblem(
            "dev",
            ["platform:cloud=azure", "platform:backupRetentionDays=5"],
            "platform:backupRetentionDays",
            /7 to 35 days on Azure/,
        );
    });

    it("fails when high availability is asked of a burstable database size", () => {
        const err = expectProblem(
            "dev",
            ["platform:highAvailability=true"],
            "platform:highAvailability",
            /non-burstable database size/,
        );
        assert.match(err.message, /medium.*large/);
    });

    it("fails when high availability is asked of a burstable instance class override", () => {
        expectProblem(
            "prod",
            ['platform:database={"aws":{"instanceClass":"db.t4g.large"}}'],
            "platform:database.aws.instanceClass",
            /non-burstable/,
        );
    });

    it("fails when the Kubernetes API allow-list has an invalid CIDR", () => {
        expectProblem("dev", ['platform:apiAllowedCidrs=["10.0.0.0/33"]'], "platform:apiAllowedCidrs[0]", /IPv4 CIDR/);
    });

    it("fails when no alert e-mail is configured", () => {
        expectProblem("dev", ["platform:alertEmail="], "platform:alertEmail", /required/);
    });

    it("fails when the alert e-mail is not an address", () => {
        expectProblem("dev", ["platform:alertEmail=oncall"], "platform:alertEmail", /e-mail address/);
    });

    it("fails when node counts are impossible (min above max)", () => {
        expectProblem(
            "dev",
            ['platform:cluster={"minNodes":5,"maxNodes":3}'],
            "platform:cluster",
            /minNodes <= desiredNodes <= maxNodes/,
        );
    });

    it("fails when maximum storage is below the allocated storage", () => {
        expectProblem(
            "dev",
            ['platform:database={"storageGiB":100,"maxStorageGiB":50}'],
            "platform:database.maxStorageGiB",
            /at least storageGiB/,
        );
    });

    it("fails when a log retention is not one CloudWatch accepts", () => {
        expectProblem(
            "dev",
            ['platform:monitoring={"logRetentionDays":45}'],
            "platform:monitoring.logRetentionDays",
            /30, 60/,
        );
    });

    it("fails when highly available backups have no second region to go to", () => {
        expectProblem(
            "prod",
            ["platform:awsRegion=sa-east-1"],
            "platform:database.aws.backupRegion",
            /no default pair/,
        );
        expectProblem(
            "prod",
            ['platform:database={"aws":{"backupRegion":"eu-west-1"}}'],
            "platform:database.aws.backupRegion",
            /other than platform:awsRegion/,
        );
    });

    it("fails when cross-region backups are asked for without encrypted storage", () => {
        expectProblem(
            "prod",
            ['platform:database={"aws":{"crossRegionBackup":true,"storageEncrypted":false}}'],
            "platform:database.aws.crossRegionBackup",
            /only with encrypted storage/,
        );
    });

    it("fails when backups are off but replicated to another region", () => {
        expectProblem("prod", ["platform:backupRetentionDays=0"], "platform:backupRetentionDays", /at least 1 day/);
    });

    it("fails when the network range is not a /16 to /20", () => {
        for (const cidr of ["10.0.0.0/8", "10.0.0.0/26"]) {
            expectProblem(
                "dev",
                [`platform:network={"cidrBlock":"${cidr}"}`],
                "platform:network.cidrBlock",
                /\/16 to \/20/,
            );
        }
    });

    it("fails when the network range is public address space", () => {
        expectProblem(
            "dev",
            ['platform:network={"cidrBlock":"8.8.0.0/16"}'],
            "platform:network.cidrBlock",
            /private range/,
        );
    });

    it("fails when the network range has host bits set", () => {
        expectProblem(
            "dev",
            ['platform:network={"cidrBlock":"10.0.3.7/16"}'],
            "platform:network.cidrBlock",
            /host bits zero/,
        );
    });

    it("fails when a Kubernetes version is not offered", () => {
        expectProblem(
            "dev",
            ['platform:cluster={"kubernetesVersion":"1.99"}'],
            "platform:cluster.kubernetesVersion",
            /^a Kubernetes minor version in standard support on Amazon EKS on .*"1\.99" is not offered on Amazon EKS/,
        );
    });

    it("fails when a tag key is given twice", () => {
        expectProblem("dev", ['platform:tags=["team=a","team=b"]'], "platform:tags", /each tag key once/);
    });

    it("tells how to fix a nested value by naming the field, its top-level key and the stack file", () => {
        const err = expectProblem("dev", ['platform:cluster={"minNodes":0}'], "platform:cluster.minNodes", /1 to 100/);
        assert.strictEqual(
            err.problems[0].fix,
            'Set "minNodes" in platform:cluster to a whole number from 1 to 100 nodes (in Pulumi.dev.yaml).',
        );
    });

    it("fails when a tag is not key=value", () => {
        expectProblem("dev", ['platform:tags=["team"]'], "platform:tags[0]", /key=value/);
    });

    it("fails when an AWS region is not a region code", () => {
        expectProblem("dev", ["platform:awsRegion=Ireland"], "platform:awsRegion", /eu-west-1/);
    });

    it("reports every problem at once, not only the first", () => {
        const result = parse("dev", ["platform:cloud=gcp", "platform:size=huge", "platform:typo=1"]);
        assert.ok(result instanceof ConfigError);
        assert.deepStrictEqual(result.problems.map((p) => p.key).sort(), [
            "platform:cloud",
            "platform:size",
            "platform:typo",
        ]);
    });

    it("lets valid but weak settings through: organisational rules are the policy pack's job", () => {
        const weak = parse("prod", [
            "platform:backupRetentionDays=1",
            'platform:database={"aws":{"storageEncrypted":false}}',
        ]);
        assert.ok(!(weak instanceof ConfigError), weak instanceof ConfigError ? weak.message : "");
        assert.strictEqual(weak.backupRetentionDays, 1);
        assert.strictEqual(weak.database.aws?.storageEncrypted, false);
    });

    it("stops the program before any resource is registered", async () => {
        await expectConfigError("prod", "aws", ["platform:cloud=gcp"], "platform:cloud", /"aws", "azure"/);
    });
});
