import * as pulumi from "@pulumi/pulumi";
import type * as rds from "@pulumi/aws/rds";
import type { IamConnectPrefixes } from ".";

/*
 * RDS IAM database authentication (issue 16 item 4): a login role that is a member of `rds_iam` logs in with a
 * 15-minute token signed with the caller's AWS credentials instead of a password, and the caller's IAM policy
 * names the database user it may connect as: `rds-db:connect` on
 * `arn:aws:rds-db:<region>:<account>:dbuser:<DbiResourceId>/<user>`
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html). Through RDS
 * Proxy the resource is the proxy's (`prx-…`, the last part of its ARN; aws-cdk-lib DatabaseProxy.grantConnect
 * builds it the same way), and with end-to-end IAM (`defaultAuthScheme: "IAM_AUTH"`) the proxy's own role needs
 * `rds-db:connect` on the instance's users instead of a Secrets Manager secret per user
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-iam-setup.html, "Creating an IAM policy for
 * end-to-end IAM authentication": "This is not required if you are using end-to-end IAM authentication").
 */

/** `arn:<partition>:rds-db:<region>:<account>:dbuser:<resourceId>`, from the ARN of the instance or proxy. */
export function dbUserPrefix(arn: string, resourceId: string): string {
    const [, partition, , region, account] = arn.split(":");
    return `arn:${partition}:rds-db:${region}:${account}:dbuser:${resourceId}`;
}

/** RDS Proxy's resource id is the last part of its ARN (`arn:aws:rds:<region>:<account>:db-proxy:prx-…`). */
export function proxyResourceId(proxyArn: string): string {
    return proxyArn.split(":").slice(-1)[0];
}

/** The prefixes of the client endpoint (the proxy or the instance) and of each replica. */
export function iamConnectPrefixes(
    instance: rds.Instance,
    replicas: rds.Instance[],
    proxy: rds.Proxy | undefined,
): pulumi.Output<IamConnectPrefixes> {
    const prefix = (i: rds.Instance) => pulumi.all([i.arn, i.resourceId]).apply(([arn, id]) => dbUserPrefix(arn, id));
    const client = proxy ? proxy.arn.apply((arn) => dbUserPrefix(arn, proxyResourceId(arn))) : prefix(instance);
    return pulumi.all([client, pulumi.all(replicas.map(prefix))]).apply(([c, r]) => ({ client: c, replicas: r }));
}

/** The proxy role's statement with end-to-end IAM: connect to the instance as each client login, nothing else. */
export function proxyConnectStatement(instance: rds.Instance, logins: readonly string[]): pulumi.Output<object> {
    return pulumi.all([instance.arn, instance.resourceId]).apply(([arn, id]) => ({
        Sid: "ConnectAsClientLogins",
        Effect: "Allow",
        Action: ["rds-db:connect"],
        Resource: logins.map((login) => `${dbUserPrefix(arn, id)}/${login}`),
    }));
}
