/**
 * Exposure on AWS: nothing reachable from the Internet that should not be. RDS not publicly accessible,
 * security groups that admit 0.0.0.0/0 (or ::/0) only on web ports, a default security group that allows
 * nothing, no public IPs on node subnets, an EKS public endpoint never open to the whole Internet, and S3
 * object ownership enforced (ACLs off).
 */
import { resourcePolicy } from "../lib/policy";
import { TYPES } from "../lib/shapes";

const WORLD = ["0.0.0.0/0", "::/0"];

interface SecurityGroupRule {
    fromPort?: number;
    toPort?: number;
    protocol?: string;
    cidrBlocks?: string[];
    ipv6CidrBlocks?: string[];
}

/** Whether a rule admits the whole Internet on a port outside `allowedPorts` (protocol "-1" is all ports). */
export function opensToWorld(rule: SecurityGroupRule, allowedPorts: readonly number[]): boolean {
    const sources = [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])];
    if (!sources.some((c) => WORLD.includes(c))) return false;
    if (rule.protocol === "-1" || rule.protocol === "all") return true;
    const from = rule.fromPort ?? 0;
    const to = rule.toPort ?? 65535;
    for (let port = from; port <= to; port++) if (!allowedPorts.includes(port)) return true;
    return false;
}

export const rdsNotPublic = resourcePolicy({
    name: "aws-rds-not-publicly-accessible",
    description: "RDS instances are not publicly accessible.",
    severity: "critical",
    types: [TYPES.rdsInstance],
    validate: (db: { publiclyAccessible?: boolean }, { report }) => {
        // The provider's default is false.
        if (db.publiclyAccessible === true) {
            report("publiclyAccessible is true, so the instance gets a public DNS name and IP. Fix: set it to false.");
        }
    },
});

export const securityGroupNoWorldIngress = resourcePolicy({
    name: "aws-security-group-no-world-ingress",
    description: "Security groups admit 0.0.0.0/0 or ::/0 only on the allowed web ports, never on data or all ports.",
    severity: "critical",
    types: [
        TYPES.securityGroup,
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "aws:ec2/securityGroupRule:SecurityGroupRule",
    ],
    settings: {
        allowedPorts: {
            schema: {
                type: "array",
                items: { type: "integer" },
                default: [80, 443],
                description: "Ports the Internet may reach (the load balancers' HTTP and HTTPS).",
            },
            default: [80, 443],
        },
    },
    validate: (
        group: {
            ingress?: SecurityGroupRule[];
            type?: string;
            cidrIpv4?: string;
            cidrIpv6?: string;
            ipProtocol?: string;
        } & SecurityGroupRule,
        { args, config, report },
    ) => {
        const rules: SecurityGroupRule[] =
            args.type === TYPES.securityGroup
                ? (group.ingress ?? [])
                : args.type === "aws:ec2/securityGroupRule:SecurityGroupRule"
                  ? group.type === "ingress"
                      ? [group]
                      : []
                  : [
                        {
                            fromPort: group.fromPort,
                            toPort: group.toPort,
                            protocol: group.ipProtocol,
                            cidrBlocks: [group.cidrIpv4 ?? ""],
                            ipv6CidrBlocks: [group.cidrIpv6 ?? ""],
                        },
                    ];
        const open = rules.filter((r) => opensToWorld(r, config.allowedPorts as number[]));
        if (open.length > 0) {
            report(
                `The group admits the whole Internet on ${open.map((r) => (r.protocol === "-1" ? "all ports" : `${r.fromPort}-${r.toPort}/${r.protocol}`)).join(", ")}. ` +
                    "Fix: allow only the sources that need it (the node subnets, a load balancer's group).",
            );
        }
    },
});

export const defaultSecurityGroupClosed = resourcePolicy({
    name: "aws-default-security-group-closed",
    description: "The VPC's default security group allows no traffic (managed with empty ingress and egress).",
    severity: "medium",
    types: [TYPES.defaultSecurityGroup],
    validate: (group: { ingress?: unknown[]; egress?: unknown[] }, { report }) => {
        // Managing it with the provider's aws.ec2.DefaultSecurityGroup removes the rules AWS created unless listed.
        const rules = [...(group.ingress ?? []), ...(group.egress ?? [])];
        if (rules.length > 0) {
            report(
                `The default security group keeps ${rules.length} rule(s), so anything launched without a group can talk. ` +
                    "Fix: give aws.ec2.DefaultSecurityGroup ingress: [] and egress: [].",
            );
        }
    },
});

export const subnetsNoPublicIp = resourcePolicy({
    name: "aws-subnet-no-auto-public-ip",
    description: "Subnets do not assign public IPs to instances at launch.",
    severity: "high",
    types: [TYPES.subnet],
    validate: (subnet: { mapPublicIpOnLaunch?: boolean }, { report }) => {
        // The provider's default is false.
        if (subnet.mapPublicIpOnLaunch === true) {
            report(
                "mapPublicIpOnLaunch is true, so every node launched here is reachable from the Internet. Fix: set it " +
                    "to false; load balancers get their own addresses, nodes reach out through NAT.",
            );
        }
    },
});

export const eksEndpointRestricted = resourcePolicy({
    name: "aws-eks-endpoint-restricted",
    description:
        "An EKS public API endpoint, if on, is limited to listed CIDRs (never 0.0.0.0/0) and the private endpoint is on.",
    severity: "high",
    types: [TYPES.eksCluster],
    validate: (
        cluster: {
            vpcConfig?: {
                endpointPublicAccess?: boolean;
                endpointPrivateAccess?: boolean;
                publicAccessCidrs?: string[];
            };
        },
        { report },
    ) => {
        const vpc = cluster.vpcConfig ?? {};
        // Defaults: public endpoint on, open to 0.0.0.0/0; private endpoint off.
        const cidrs = vpc.publicAccessCidrs ?? ["0.0.0.0/0"];
        if ((vpc.endpointPublicAccess ?? true) && cidrs.some((c) => WORLD.includes(c))) {
            report(
                "The Kubernetes API endpoint is public to the whole Internet (publicAccessCidrs 0.0.0.0/0). Fix: set " +
                    "vpcConfig.publicAccessCidrs to the deployers' ranges (platform:apiAllowedCidrs) or turn the public endpoint off.",
            );
        }
        if (vpc.endpointPrivateAccess !== true) {
            report(
                "The private endpoint is off, so nodes reach the API over the Internet. Fix: set vpcConfig.endpointPrivateAccess: true.",
            );
        }
    },
});

export const s3OwnershipEnforced = resourcePolicy({
    name: "aws-s3-ownership-enforced",
    description: "S3 ownership controls are BucketOwnerEnforced (ACLs disabled).",
    severity: "medium",
    types: ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"],
    validate: (controls: { rule?: { objectOwnership?: string } }, { report }) => {
        if (controls.rule?.objectOwnership !== "BucketOwnerEnforced") {
            report(
                `objectOwnership is ${controls.rule?.objectOwnership ?? "not set"}, so ACLs can grant access past the ` +
                    'bucket policy. Fix: set rule.objectOwnership "BucketOwnerEnforced".',
            );
        }
    },
});

export const awsExposurePolicies = [
    rdsNotPublic,
    securityGroupNoWorldIngress,
    defaultSecurityGroupClosed,
    subnetsNoPublicIp,
    eksEndpointRestricted,
    s3OwnershipEnforced,
];
