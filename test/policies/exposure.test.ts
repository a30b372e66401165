/**
 * Exposure rules on AWS and Azure, each on a compliant resource, weakened once, with the property left
 * undefined and unknown; plus the edge cases of ports and rule forms.
 */
import * as assert from "assert";
import * as aws from "../../policies/aws/exposure";
import { EXPOSURE_CASES } from "./exposure.cases";
import { describePolicies, evaluate } from "./fixtures";

describePolicies("Exposure policies", EXPOSURE_CASES);

describe("Exposure policy edge cases", () => {
    it("fails a world-open rule on all protocols, and accepts 443 from the Internet", () => {
        assert.ok(aws.opensToWorld({ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }, [80, 443]));
        assert.ok(
            !aws.opensToWorld({ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }, [80, 443]),
        );
        assert.ok(
            aws.opensToWorld({ protocol: "tcp", fromPort: 0, toPort: 65535, ipv6CidrBlocks: ["::/0"] }, [80, 443]),
        );
    });

    it("judges a separate SecurityGroupIngressRule too", async () => {
        const outcome = await evaluate(aws.securityGroupNoWorldIngress, [
            {
                type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                name: "rule",
                props: { fromPort: 6379, toPort: 6379, ipProtocol: "tcp", cidrIpv4: "0.0.0.0/0" },
            },
        ]);
        assert.strictEqual(outcome.verdict, "fail");
    });
});
