/**
 * The edge rules on a compliant distribution and Front Door profile, weakened once, with the property left
 * undefined and unknown; and their level per environment (a WAF is required in prod only).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { POLICY_PACK_DIR } from "../../check/policy";
import { EDGE_CASES } from "./edge.cases";
import { describePolicies, evaluate } from "./fixtures";
import * as aws from "../../policies/aws/edge";

describePolicies("Edge policies", EDGE_CASES);

describe("Edge policy levels", () => {
    const configOf = (stack: string) =>
        JSON.parse(fs.readFileSync(path.join(POLICY_PACK_DIR, "config", `${stack}.json`), "utf8")) as Record<
            string,
            { required?: boolean }
        >;

    it("requires a WAF on the CDN and CloudFront's origin secret in prod, not in dev or staging", () => {
        for (const rule of [
            "aws-cloudfront-waf-attached",
            "aws-cloudfront-origin-verified",
            "azure-frontdoor-waf-attached",
            "azure-frontdoor-waf-prevention",
        ]) {
            assert.strictEqual(configOf("prod")[rule]?.required, true, `${rule} is required in prod`);
            for (const stack of ["dev", "staging"]) assert.notStrictEqual(configOf(stack)[rule]?.required, true);
        }
    });

    it("leaves a distribution without a web ACL alone where a WAF is not required", async () => {
        const graph = EDGE_CASES[0].compliant();
        graph[0].props.webAclId = undefined;
        assert.strictEqual(
            (await evaluate(aws.cloudFrontWafAttached, graph, { required: false })).verdict,
            "not applicable",
        );
    });

    it("fails the default CloudFront certificate, which forces TLSv1 whatever minimumProtocolVersion says", async () => {
        const graph = EDGE_CASES[0].compliant();
        graph[0].props.viewerCertificate = {
            cloudfrontDefaultCertificate: true,
            minimumProtocolVersion: "TLSv1.2_2021",
        };
        assert.strictEqual((await evaluate(aws.cloudFrontViewerTls, graph)).verdict, "fail");
    });
});
