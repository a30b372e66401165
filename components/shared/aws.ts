import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as kms from "@pulumi/aws/kms";

/** What EKS Pod Identity needs to assume a role for a pod. */
export const POD_IDENTITY_ACTIONS = ["sts:AssumeRole", "sts:TagSession"];

/** An IAM trust policy that lets one AWS service (or EKS Pod Identity) assume a role. */
export function assumeRolePolicyFor(service: string, actions: string[] = ["sts:AssumeRole"]): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions }],
    });
}

/**
 * A customer-managed KMS key with yearly automatic rotation and a 30-day deletion window, plus an alias
 * so people can find it. The key policy is AWS's default (the account administers the key through IAM).
 */
export function customerManagedKey(name: string, description: string, opts: pulumi.CustomResourceOptions): kms.Key {
    const key = new kms.Key(`${name}-kms`, { description, enableKeyRotation: true, deletionWindowInDays: 30 }, opts);
    new kms.Alias(`${name}-kms-alias`, { name: `alias/${name}`, targetKeyId: key.keyId }, opts);
    return key;
}

/**
 * A security group for a data store that admits one TCP port from the cluster's node subnets only, and
 * allows no egress.
 */
export function dataStoreSecurityGroup(
    name: string,
    network: { networkId: pulumi.Input<string>; nodeCidrBlocks: pulumi.Input<string[]> },
    port: number,
    what: string,
    opts: pulumi.CustomResourceOptions,
): ec2.SecurityGroup {
    return new ec2.SecurityGroup(
        `${name}-sg`,
        {
            vpcId: network.networkId,
            description: `${what} ${name}: only the cluster's nodes may connect`,
            ingress: [
                {
                    protocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    cidrBlocks: network.nodeCidrBlocks,
                    description: `${what} from the cluster's node subnets`,
                },
            ],
            egress: [],
        },
        opts,
    );
}
