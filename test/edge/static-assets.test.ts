/**
 * Static assets through CloudFront without public storage (issue 13 item 5): the distribution's OAC read and
 * decrypt grants reach the bucket's single policy and its key's policy, naming this distribution's ARN
 * (`AWS:SourceArn`, https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html).
 * The storage is built before the CDN; components/cdn/storage-grants.ts carries the statements back.
 */
import * as assert from "assert";
import { ProgramRun, plain } from "../../check/runtime";
import { inputs, ofType, one } from "../harness";
import { DEV_EDGE, runEdge } from "./support";

const T = {
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    keyPolicy: "aws:kms/keyPolicy:KeyPolicy",
    distribution: "aws:cloudfront/distribution:Distribution",
    bucket: "aws:s3/bucket:Bucket",
};

const STATIC = [DEV_EDGE[0], 'platform:cdn={"enabled":true,"staticPathPattern":"/static/*"}'];

/** A bucket-policy statement, the fields read here. */
interface Statement {
    Sid: string;
    Principal: unknown;
    Action: string;
    Resource: string;
    Condition: unknown;
}

/** The stack's own bucket (not the replica, logs or backup buckets): the one whose policy the storage writes. */
function storagePolicy(run: ProgramRun) {
    const policies = ofType(run, T.bucketPolicy).filter((p) => p.name.endsWith("-storage-policy"));
    assert.strictEqual(policies.length, 1, "S3 keeps one policy per bucket");
    return JSON.parse(inputs(policies[0]).policy).Statement as Statement[];
}

const distributionArn = (run: ProgramRun) => (plain(one(run, T.distribution).state) as { arn: string }).arn;

describe("static assets through CloudFront on AWS", () => {
    it("grants this distribution, and no other, s3:GetObject under the static prefix in the bucket's single policy", async () => {
        const run = await runEdge("dev", "aws", STATIC);
        const [tls, oac] = storagePolicy(run);
        assert.strictEqual(tls.Sid, "DenyInsecureTransport");
        assert.strictEqual(oac.Sid, "CloudFrontReadsStaticAssets");
        assert.deepStrictEqual(oac.Principal, { Service: "cloudfront.amazonaws.com" });
        assert.strictEqual(oac.Action, "s3:GetObject");
        assert.match(oac.Resource, /^arn:aws:s3:::.+\/static\/\*$/);
        assert.ok(distributionArn(run).startsWith("arn:aws:cloudfront::"));
        assert.deepStrictEqual(oac.Condition, { StringEquals: { "AWS:SourceArn": distributionArn(run) } });
    });

    it("lets the same distribution decrypt with the bucket key, beside the account's default key statement", async () => {
        const run = await runEdge("dev", "aws", STATIC);
        const policy = ofType(run, T.keyPolicy).find((p) => p.name.includes("-storage-"))!;
        const [root, decrypt] = JSON.parse(inputs(policy).policy).Statement;
        assert.match(root.Principal.AWS, /^arn:aws:iam::\d{12}:root$/);
        assert.deepStrictEqual(decrypt.Action, ["kms:Decrypt"]);
        assert.deepStrictEqual(decrypt.Condition, { StringEquals: { "AWS:SourceArn": distributionArn(run) } });
    });

    it("grants nothing without a static path (prod's default), and leaves the key's default policy", async () => {
        const run = await runEdge("prod", "aws");
        assert.deepStrictEqual(
            storagePolicy(run).map((s) => s.Sid),
            ["DenyInsecureTransport"],
        );
        assert.strictEqual(ofType(run, T.keyPolicy).filter((p) => p.name.includes("-storage-")).length, 0);
    });
});
