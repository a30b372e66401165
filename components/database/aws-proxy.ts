import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as iam from "@pulumi/aws/iam";
import type * as kms from "@pulumi/aws/kms";
import * as rds from "@pulumi/aws/rds";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import type * as random from "@pulumi/random";
import { fitName } from "../shared/names";
import type { NetworkOutputs } from "../network";
import { proxyConnectStatement } from "./aws-iam";

const PORT = 5432;

/** What the proxy fronts and authenticates. */
export interface ProxyParts {
    readonly instance: rds.Instance;
    readonly key: kms.Key;
    readonly region: string;
    readonly network: NetworkOutputs;
    /** The database's security group, the only destination the proxy may reach. */
    readonly databaseSecurityGroup: ec2.SecurityGroup;
    /** Client login role → its generated password (empty when passwordless). */
    readonly logins: Record<string, random.RandomPassword>;
    /** The client login roles; with `passwordless` they authenticate with IAM end to end. */
    readonly clientRoles: readonly string[];
    readonly passwordless: boolean;
}

/**
 * RDS Proxy in front of the instance: TLS required (`requireTls`), Secrets Manager authentication with one
 * secret per client login role (`auths[].authScheme: "SECRETS"`, SCRAM-SHA-256 from clients), in the cluster's
 * private node subnets with its own security group (clients: the node subnets; egress: only the database's
 * security group on 5432; the database already admits the node subnets), and an IAM role that can read only
 * those secrets and decrypt them only through Secrets Manager with the stack's key
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-secrets-arns.html,
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-iam-setup.html). Arguments: @pulumi/aws
 * 7.48.0 rds/proxy.d.ts (`engineFamily`, `auths`, `requireTls`, `roleArn`, `vpcSubnetIds`,
 * `vpcSecurityGroupIds`), rds/proxyDefaultTargetGroup.d.ts, rds/proxyTarget.d.ts. Passwordless (issue 16):
 * end-to-end IAM, `defaultAuthScheme: "IAM_AUTH"` and no `auths` ("Required when `defaultAuthScheme` is `NONE`
 * or unspecified", @pulumi/aws 7.48.0 rds/proxy.d.ts): clients present IAM tokens to the proxy, and the proxy
 * its own to the instance (components/database/aws-iam.ts); no secrets exist. Returns the proxy.
 */
export function createProxy(name: string, parts: ProxyParts, opts: pulumi.CustomResourceOptions): rds.Proxy {
    const secrets = Object.entries(parts.logins).map(([role, password]) =>
        loginSecret(name, role, password, parts, opts),
    );
    const role = proxyRole(name, secrets, parts, opts);
    const securityGroup = proxySecurityGroup(name, parts, opts);
    const proxy = new rds.Proxy(
        `${name}-proxy`,
        {
            name: fitName(`${name}-proxy`, 60),
            engineFamily: "POSTGRESQL",
            requireTls: true,
            debugLogging: false,
            idleClientTimeout: 1800,
            roleArn: role.arn,
            vpcSubnetIds: parts.network.nodeSubnetIds,
            vpcSecurityGroupIds: [securityGroup.id],
            ...(parts.passwordless
                ? { defaultAuthScheme: "IAM_AUTH" }
                : {
                      auths: secrets.map(({ role: login, secret }) => ({
                          authScheme: "SECRETS",
                          secretArn: secret.arn,
                          iamAuth: "DISABLED",
                          clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256",
                          description: `Login role ${login}`,
                      })),
                  }),
        },
        opts,
    );
    const targetGroup = new rds.ProxyDefaultTargetGroup(
        `${name}-proxy-targets`,
        {
            dbProxyName: proxy.name,
            connectionPoolConfig: {
                maxConnectionsPercent: 90,
                maxIdleConnectionsPercent: 50,
                connectionBorrowTimeout: 120,
            },
        },
        opts,
    );
    new rds.ProxyTarget(
        `${name}-proxy-target`,
        { dbProxyName: proxy.name, targetGroupName: targetGroup.name, dbInstanceIdentifier: parts.instance.identifier },
        opts,
    );
    return proxy;
}

/** The proxy's own security group: PostgreSQL in from the node subnets, out to the database's group only. */
function proxySecurityGroup(name: string, parts: ProxyParts, opts: pulumi.CustomResourceOptions): ec2.SecurityGroup {
    return new ec2.SecurityGroup(
        `${name}-proxy-sg`,
        {
            vpcId: parts.network.networkId,
            description: `RDS Proxy of ${name}: the cluster's nodes in, the database out`,
            ingress: [
                {
                    protocol: "tcp",
                    fromPort: PORT,
                    toPort: PORT,
                    cidrBlocks: parts.network.nodeCidrBlocks,
                    description: "PostgreSQL from the cluster's node subnets",
                },
            ],
            egress: [
                {
                    protocol: "tcp",
                    fromPort: PORT,
                    toPort: PORT,
                    securityGroups: [parts.databaseSecurityGroup.id],
                    description: "PostgreSQL to the database only",
                },
            ],
        },
        opts,
    );
}

/** A login role's credentials in Secrets Manager, encrypted with the stack's key, in the shape RDS Proxy reads. */
function loginSecret(
    name: string,
    role: string,
    password: random.RandomPassword,
    parts: ProxyParts,
    opts: pulumi.CustomResourceOptions,
) {
    const logical = `${name}-proxy-${role.replace(/_/g, "-")}`;
    const secret = new secretsmanager.Secret(
        logical,
        { description: `RDS Proxy credentials of ${role} on ${name}`, kmsKeyId: parts.key.arn },
        opts,
    );
    new secretsmanager.SecretVersion(
        logical,
        {
            secretId: secret.id,
            secretString: pulumi.secret(pulumi.jsonStringify({ username: role, password: password.result })),
        },
        opts,
    );
    return { role, secret };
}

/**
 * The role RDS Proxy assumes: with end-to-end IAM, connect to the instance as the client logins only; otherwise
 * read these secrets and decrypt them with the stack's key through Secrets Manager only.
 */
function proxyRole(
    name: string,
    secrets: { secret: secretsmanager.Secret }[],
    parts: ProxyParts,
    opts: pulumi.CustomResourceOptions,
): iam.Role {
    const role = new iam.Role(
        `${name}-proxy-role`,
        {
            description: `RDS Proxy of ${name}: ${parts.passwordless ? "connects as its client logins with IAM" : "reads its login secrets"}`,
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "rds.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
        },
        opts,
    );
    if (parts.passwordless) {
        new iam.RolePolicy(
            `${name}-proxy-connect`,
            {
                role: role.id,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [proxyConnectStatement(parts.instance, parts.clientRoles)],
                }),
            },
            opts,
        );
        return role;
    }
    new iam.RolePolicy(
        `${name}-proxy-secrets`,
        {
            role: role.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Action: ["secretsmanager:GetSecretValue"],
                        Resource: secrets.map((s) => s.secret.arn),
                    },
                    {
                        Effect: "Allow",
                        Action: ["kms:Decrypt"],
                        Resource: [parts.key.arn],
                        Condition: {
                            StringEquals: { "kms:ViaService": `secretsmanager.${parts.region}.amazonaws.com` },
                        },
                    },
                ],
            }),
        },
        opts,
    );
    return role;
}
