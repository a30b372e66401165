/**
 * Values the clouds reject, or accept with a different meaning, stopped before any resource is registered:
 * each with the key and field, the value, what is allowed and the fix.
 */
import * as assert from "assert";
import { ConfigError, PROGRAM_TAG_KEYS, isGravitonInstanceType, parseConfig } from "../../components/shared/config";
import { AWS_REGIONS, AZURE_LOCATIONS, REGION_FACTS_CHECKED } from "../../components/shared/facts/regions";
import { answerInvoke } from "../../check/invokes";
import { commandLineKeys, loadStackConfig } from "../../check/stack";
import { platformTags } from "../../components/platform";

/** The one problem on `key` when dev (or `stack`) is given `overrides`. */
function rejectedOn(key: string, overrides: string[], stack = "dev") {
    const loaded = loadStackConfig(stack, overrides);
    try {
        parseConfig(loaded.config, loaded.project, stack, { fromCommandLine: commandLineKeys(loaded) });
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        const found = err.problems.filter((p) => p.key === key);
        assert.strictEqual(found.length, 1, `one problem on ${key}: ${err.message}`);
        assert.match(err.message, /: got .*; allowed: .*\. Fix: /);
        return found[0];
    }
    assert.fail(`expected ${overrides.join(" ")} to be rejected on ${key}`);
}

function accepted(overrides: string[], stack = "dev") {
    const { project, config } = loadStackConfig(stack, overrides);
    return parseConfig(config, project, stack);
}

describe("values the clouds reject or read differently", () => {
    describe("network ranges", () => {
        it("fails when an octet is over 255, saying so rather than calling it host bits", () => {
            const p = rejectedOn("platform:network.cidrBlock", ['platform:network={"cidrBlock":"10.300.0.0/16"}']);
            assert.match(p.allowed, /four numbers from 0 to 255 \(number 2 is 300\)/);
            assert.doesNotMatch(p.allowed, /host bits/);
        });
        it("fails when the private network is public address space (RFC 1918 / RFC 6598 required)", () => {
            const p = rejectedOn("platform:network.cidrBlock", ['platform:network={"cidrBlock":"172.32.0.0/16"}']);
            assert.match(
                p.allowed,
                /private range: inside 10\.0\.0\.0\/8, 172\.16\.0\.0\/12, 192\.168\.0\.0\/16, 100\.64\.0\.0\/10/,
            );
            for (const cidr of ["10.20.0.0/16", "172.31.0.0/16", "192.168.0.0/16", "100.64.0.0/16"]) {
                assert.strictEqual(accepted([`platform:network={"cidrBlock":"${cidr}"}`]).network.cidrBlock, cidr);
            }
        });
        it("fails when the network range has host bits, naming the network it belongs to", () => {
            const p = rejectedOn("platform:network.cidrBlock", ['platform:network={"cidrBlock":"10.0.3.7/16"}']);
            assert.match(p.fix, /Write "10\.0\.0\.0\/16" for the whole range/);
        });
        it("fails when an allow-list CIDR has host bits, offering the network or the single address", () => {
            const p = rejectedOn("platform:apiAllowedCidrs[0]", ['platform:apiAllowedCidrs=["203.0.113.7/24"]']);
            assert.match(p.allowed, /host bits zero/);
            assert.match(
                p.fix,
                /"203\.0\.113\.0\/24" for the whole range, or "203\.0\.113\.7\/32" for the one address/,
            );
        });
    });

    describe("alert e-mail", () => {
        for (const email of [
            "ops@@example.com",
            "ops@example..com",
            "Ops <ops@example.com>",
            "a@b.c",
            "ops@example.com.",
            "a,b@example.com",
            "ops@-x.com",
        ]) {
            it(`fails when the alert e-mail is malformed: ${email}`, () => {
                const p = rejectedOn("platform:alertEmail", [`platform:alertEmail=${email}`]);
                assert.match(p.allowed, /one e-mail address/);
            });
        }
        it("accepts ordinary addresses, plus-tags included", () => {
            assert.strictEqual(
                accepted(["platform:alertEmail=on-call+prod@ops.example.co.uk"]).alertEmail,
                "on-call+prod@ops.example.co.uk",
            );
        });
    });

    describe("regions and locations (components/shared/facts/regions.ts)", () => {
        it("keeps the region lists dated", () => {
            assert.match(REGION_FACTS_CHECKED, /^\d{4}-\d{2}-\d{2}$/);
            assert.ok(Object.keys(AWS_REGIONS).length >= 30 && Object.keys(AZURE_LOCATIONS).length >= 50);
        });
        it("fails when the AWS region is unknown, suggesting the nearest", () => {
            const p = rejectedOn("platform:awsRegion", ["platform:awsRegion=eu-west-5"]);
            assert.match(p.fix, /Did you mean "eu-west-[1-3]"\?/);
            assert.match(rejectedOn("platform:awsRegion", ["platform:awsRegion=us-east1"]).fix, /"us-east-1"/);
        });
        it("fails when the backup region is unknown", () => {
            rejectedOn(
                "platform:database.aws.backupRegion",
                ['platform:database={"aws":{"backupRegion":"eu-centrl-1"}}'],
                "prod",
            );
        });
        it("fails when the Azure location is unknown, suggesting the nearest", () => {
            const p = rejectedOn("platform:azureLocation", [
                "platform:azureLocation=westeurop",
                "platform:cloud=azure",
            ]);
            assert.match(p.fix, /Did you mean "westeurope"\?/);
        });
        it("fails when high availability is asked in an Azure location without availability zones", () => {
            const p = rejectedOn(
                "platform:azureLocation",
                ["platform:cloud=azure", "platform:azureLocation=northcentralus"],
                "prod",
            );
            assert.match(p.allowed, /a location with availability zones .*northcentralus has none/);
        });
        it("the check's mocks answer the zones a region has, and invent none for an unknown region", () => {
            const at = (region: string) => ({ region, location: "westeurope" });
            const zones = (region: string) =>
                answerInvoke("aws:index/getAvailabilityZones:getAvailabilityZones", {}, at(region)).names;
            assert.deepStrictEqual(zones("us-west-1"), ["us-west-1a", "us-west-1b"]);
            assert.strictEqual((zones("us-east-1") as string[]).length, 6);
            assert.throws(() => zones("eu-west-9"), /eu-west-9 is not an AWS region this program knows/);
        });
    });

    describe("tags", () => {
        for (const key of PROGRAM_TAG_KEYS) {
            it(`fails when a tag would be overwritten by the program's own "${key}" tag`, () => {
                const p = rejectedOn("platform:tags", [`platform:tags=["${key}=mine"]`]);
                assert.match(p.allowed, /a key the program does not set itself/);
            });
        }
        it("names exactly the keys the program sets", () => {
            const config = accepted([]);
            const own = Object.keys(platformTags(config)).filter((k) => !(k in config.tags));
            assert.deepStrictEqual(own.sort(), [...PROGRAM_TAG_KEYS].sort());
        });
        it('fails when a tag key starts with "aws:" in any case', () => {
            assert.match(rejectedOn("platform:tags", ['platform:tags=["AWS:team=a"]']).allowed, /"aws:" prefix/);
        });
        it("fails when a tag key has a character Azure rejects, on either cloud", () => {
            assert.match(rejectedOn("platform:tags", ['platform:tags=["team/owner=a"]']).allowed, /< > % & \\ \? \//);
        });
    });

    describe("cluster", () => {
        it("fails when the instance-type list is empty", () => {
            const p = rejectedOn("platform:cluster.aws.instanceTypes", [
                'platform:cluster={"aws":{"instanceTypes":[]}}',
            ]);
            assert.match(p.allowed, /at least 1/);
        });
        it("fails when a Graviton instance type meets the node group's x86_64 AMI", () => {
            const p = rejectedOn("platform:cluster.aws.instanceTypes[1]", [
                'platform:cluster={"aws":{"instanceTypes":["m7i.large","m7g.large"]}}',
            ]);
            assert.match(p.allowed, /AL2023_x86_64_STANDARD AMI, and this is a Graviton \(arm64\) type/);
            assert.match(p.fix, /e\.g\. "m7i\.large"/);
        });
        it("tells Graviton families from x86 ones", () => {
            for (const t of [
                "m7g.large",
                "c7gn.xlarge",
                "r8g.2xlarge",
                "m6gd.large",
                "t4g.medium",
                "x2gd.xlarge",
                "im4gn.large",
                "g5g.xlarge",
            ]) {
                assert.ok(isGravitonInstanceType(t), t);
            }
            for (const t of [
                "m7i.large",
                "m7a.large",
                "c6in.large",
                "g4dn.xlarge",
                "r7iz.large",
                "t3.medium",
                "m5dn.large",
            ]) {
                assert.ok(!isGravitonInstanceType(t), t);
            }
        });
        it("fails when an admin principal is listed twice", () => {
            const arn = "arn:aws:iam::123456789012:role/admin";
            const p = rejectedOn("platform:cluster.aws.adminPrincipalArns[1]", [
                `platform:cluster={"aws":{"adminPrincipalArns":["${arn}","${arn}"]}}`,
            ]);
            assert.match(p.allowed, /entry 1 repeats entry 0/);
        });
        it("fails when an admin group is listed twice", () => {
            const id = "11111111-2222-4333-8444-555555555555";
            rejectedOn("platform:cluster.azure.adminGroupObjectIds[1]", [
                `platform:cluster={"azure":{"adminGroupObjectIds":["${id}","${id}"]}}`,
            ]);
        });
    });

    describe("service resources", () => {
        const service = (resources: object) =>
            `platform:services=${JSON.stringify([{ name: "api", image: "ghcr.io/acme/api:1.0.0", port: 8080, resources }])}`;
        it("fails when a request is above the default limit (no limit given)", () => {
            const p = rejectedOn("platform:services[0].resources", [service({ requests: { cpu: "1" } })]);
            assert.match(p.allowed, /a cpu request no larger than its limit \(the limit is the default, 500m\)/);
            assert.match(p.fix, /Set limits\.cpu of service "api" to at least 1/);
        });
        it("fails when a limit is below the default request (no request given)", () => {
            const p = rejectedOn("platform:services[0].resources", [service({ limits: { memory: "64Mi" } })]);
            assert.match(p.allowed, /the request is the default, 128Mi/);
        });
        it("fails when a request is above its own limit", () => {
            rejectedOn("platform:services[0].resources", [
                service({ requests: { memory: "1Gi" }, limits: { memory: "512Mi" } }),
            ]);
        });
    });
});
