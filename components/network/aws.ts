import * as pulumi from "@pulumi/pulumi";
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as iam from "@pulumi/aws/iam";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { assumeRolePolicyForSource, logsKey } from "../shared/aws";
import { awsPlacement, statefulOptions } from "../shared/context";
import { iamRoleName } from "../shared/names";
import { NetworkArgs, NetworkOutputs, networkDefaults, subnetCidrs } from ".";

/**
 * VPC over 2 zones (3 with high availability): public subnets for load balancers only, private node and
 * data subnets, NAT egress (one gateway per zone with high availability), an S3 gateway endpoint so object
 * storage traffic stays on the AWS network, and VPC flow logs.
 */
export function createAwsNetwork(name: string, args: NetworkArgs, parent: pulumi.Resource): NetworkOutputs {
    const { region } = awsPlacement(args.context);
    const settings = networkDefaults(args);
    const opts = { parent };

    const zones = availabilityZones(region, settings.zoneCount, opts);
    const vpc = lockedDownVpc(name, settings.cidrBlock, opts);
    const { publicSubnets, nodeSubnets, dataSubnets } = zoneSubnets(name, vpc, zones, settings, opts);
    const igw = publicRouting(name, vpc, publicSubnets, opts);
    const nats = natGateways(name, publicSubnets, igw, settings, parent);
    const privateRoutes = privateRouting(name, vpc, nodeSubnets, dataSubnets, nats, opts);
    s3GatewayEndpoint(name, vpc, region, privateRoutes, opts);
    rejectedTrafficFlowLog(name, vpc, { region, retentionInDays: settings.logRetentionDays }, args, parent);

    return {
        networkId: vpc.id,
        cidrBlock: vpc.cidrBlock,
        zones,
        publicSubnetIds: pulumi.output(publicSubnets.map((s) => s.id)),
        nodeSubnetIds: pulumi.output(nodeSubnets.map((s) => s.id)),
        nodeCidrBlocks: pulumi.output(nodeSubnets.map((s) => s.cidrBlock)),
        dataSubnetIds: pulumi.output(dataSubnets.map((s) => s.id)),
        endpointSubnetIds: pulumi.output(dataSubnets.map((s) => s.id)),
        apiServerSubnetIds: pulumi.output([]),
    };
}

type NetworkSettings = ReturnType<typeof networkDefaults>;

/** The first `zoneCount` opt-in-free zones of the region, failing with the fix when the region has fewer. */
function availabilityZones(region: string, zoneCount: number, opts: pulumi.InvokeOptions): pulumi.Output<string[]> {
    return getAvailabilityZonesOutput(
        { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
        opts,
    ).names.apply((names) => {
        if (names.length < zoneCount) {
            throw new Error(
                `${region} offers ${names.length} availability zones; the network needs ${zoneCount}. ` +
                    `Set "zoneCount" in platform:network to ${names.length} or choose another platform:awsRegion.`,
            );
        }
        return names.slice(0, zoneCount);
    });
}

/** The VPC, with its default security group emptied so that membership alone admits no traffic. */
function lockedDownVpc(name: string, cidrBlock: string, opts: pulumi.CustomResourceOptions): ec2.Vpc {
    const vpc = new ec2.Vpc(
        `${name}-vpc`,
        {
            cidrBlock,
            enableDnsHostnames: true,
            enableDnsSupport: true,
            tags: { Name: `${name}-vpc` },
        },
        opts,
    );

    // The default security group of a VPC allows all traffic between its members: lock it down.
    new ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, ingress: [], egress: [] }, opts);
    return vpc;
}

/** One public, one node and one data subnet per zone, tagged for where load balancers may go. */
function zoneSubnets(
    name: string,
    vpc: ec2.Vpc,
    zones: pulumi.Output<string[]>,
    settings: NetworkSettings,
    opts: pulumi.CustomResourceOptions,
): { publicSubnets: ec2.Subnet[]; nodeSubnets: ec2.Subnet[]; dataSubnets: ec2.Subnet[] } {
    const cidrs = subnetCidrs(settings.cidrBlock, settings.zoneCount * 3);
    const subnet = (role: "public" | "nodes" | "data", offset: number) =>
        zoneIndexes(settings.zoneCount).map(
            (i) =>
                new ec2.Subnet(
                    `${name}-${role}-${i + 1}`,
                    {
                        vpcId: vpc.id,
                        cidrBlock: cidrs[offset * settings.zoneCount + i],
                        availabilityZone: zones[i],
                        mapPublicIpOnLaunch: false,
                        tags: {
                            Name: `${name}-${role}-${i + 1}`,
                            // Where the AWS load balancer controller may place load balancers.
                            ...(role === "public" ? { "kubernetes.io/role/elb": "1" } : {}),
                            ...(role === "nodes" ? { "kubernetes.io/role/internal-elb": "1" } : {}),
                        },
                    },
                    opts,
                ),
        );
    return { publicSubnets: subnet("public", 0), nodeSubnets: subnet("nodes", 1), dataSubnets: subnet("data", 2) };
}

/** 0 … zoneCount - 1. */
function zoneIndexes(zoneCount: number): number[] {
    return Array.from({ length: zoneCount }, (_, i) => i);
}

/** The internet gateway and the public route table every public subnet uses; returns the gateway. */
function publicRouting(
    name: string,
    vpc: ec2.Vpc,
    publicSubnets: ec2.Subnet[],
    opts: pulumi.CustomResourceOptions,
): ec2.InternetGateway {
    const igw = new ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: `${name}-igw` } }, opts);
    const publicRoutes = new ec2.RouteTable(
        `${name}-public-rt`,
        { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: { Name: `${name}-public-rt` } },
        opts,
    );
    publicSubnets.forEach(
        (s, i) =>
            new ec2.RouteTableAssociation(
                `${name}-public-rta-${i + 1}`,
                { subnetId: s.id, routeTableId: publicRoutes.id },
                opts,
            ),
    );
    return igw;
}

/** NAT gateways with their elastic IPs in the public subnets: one per zone, or one shared without HA. */
function natGateways(
    name: string,
    publicSubnets: ec2.Subnet[],
    igw: ec2.InternetGateway,
    settings: NetworkSettings,
    parent: pulumi.Resource,
): ec2.NatGateway[] {
    const natCount = settings.natGatewayPerZone ? settings.zoneCount : 1;
    const opts = { parent };
    return Array.from({ length: natCount }, (_, i) => {
        const eip = new ec2.Eip(
            `${name}-nat-eip-${i + 1}`,
            { domain: "vpc", tags: { Name: `${name}-nat-${i + 1}` } },
            opts,
        );
        return new ec2.NatGateway(
            `${name}-nat-${i + 1}`,
            { allocationId: eip.id, subnetId: publicSubnets[i].id, tags: { Name: `${name}-nat-${i + 1}` } },
            { parent, dependsOn: [igw] },
        );
    });
}

/** One private route table per zone, egressing through the zone's NAT, for that zone's node and data subnets. */
function privateRouting(
    name: string,
    vpc: ec2.Vpc,
    nodeSubnets: ec2.Subnet[],
    dataSubnets: ec2.Subnet[],
    nats: ec2.NatGateway[],
    opts: pulumi.CustomResourceOptions,
): ec2.RouteTable[] {
    const zones = zoneIndexes(nodeSubnets.length);
    // One private route table per zone: nodes and data subnets of a zone egress through that zone's NAT.
    const privateRoutes = zones.map(
        (i) =>
            new ec2.RouteTable(
                `${name}-private-rt-${i + 1}`,
                {
                    vpcId: vpc.id,
                    routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nats[i % nats.length].id }],
                    tags: { Name: `${name}-private-rt-${i + 1}` },
                },
                opts,
            ),
    );
    zones.forEach((i) => {
        new ec2.RouteTableAssociation(
            `${name}-nodes-rta-${i + 1}`,
            { subnetId: nodeSubnets[i].id, routeTableId: privateRoutes[i].id },
            opts,
        );
        new ec2.RouteTableAssociation(
            `${name}-data-rta-${i + 1}`,
            { subnetId: dataSubnets[i].id, routeTableId: privateRoutes[i].id },
            opts,
        );
    });
    return privateRoutes;
}

/** The S3 gateway endpoint on the private route tables, so object storage traffic stays on the AWS network. */
function s3GatewayEndpoint(
    name: string,
    vpc: ec2.Vpc,
    region: string,
    privateRoutes: ec2.RouteTable[],
    opts: pulumi.CustomResourceOptions,
): void {
    new ec2.VpcEndpoint(
        `${name}-s3-endpoint`,
        {
            vpcId: vpc.id,
            serviceName: `com.amazonaws.${region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds: privateRoutes.map((rt) => rt.id),
            tags: { Name: `${name}-s3-endpoint` },
        },
        opts,
    );
}

/**
 * VPC flow logs of rejected traffic into a customer-key-encrypted log group, written through a scoped role
 * that the flow logs service may assume only for this account's flow logs in this region.
 */
function rejectedTrafficFlowLog(
    name: string,
    vpc: ec2.Vpc,
    logs: { region: string; retentionInDays: number },
    args: NetworkArgs,
    parent: pulumi.Resource,
): void {
    const opts = { parent };
    const flowLogGroup = new cloudwatch.LogGroup(
        `${name}-flow-logs`,
        {
            retentionInDays: logs.retentionInDays,
            kmsKeyId: logsKey(
                name,
                { region: logs.region, logGroupNames: [`${name}-flow-logs-*`] },
                { parent, ...statefulOptions(args.context) },
            ).arn,
            tags: { Name: `${name}-flow-logs` },
        },
        opts,
    );
    const flowLogRole = new iam.Role(
        `${name}-flow-logs-role`,
        {
            ...iamRoleName(`${name}-flow-logs-role`),
            assumeRolePolicy: getCallerIdentityOutput({}, opts).accountId.apply((accountId) =>
                assumeRolePolicyForSource("vpc-flow-logs.amazonaws.com", {
                    accountId,
                    sourceArn: `arn:aws:ec2:${logs.region}:${accountId}:vpc-flow-log/*`,
                }),
            ),
        },
        opts,
    );
    new iam.RolePolicy(
        `${name}-flow-logs-policy`,
        {
            role: flowLogRole.id,
            policy: flowLogGroup.arn.apply((arn) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                            Resource: `${arn}:*`,
                        },
                    ],
                }),
            ),
        },
        opts,
    );
    new ec2.FlowLog(
        `${name}-flow-log`,
        { vpcId: vpc.id, trafficType: "REJECT", logDestination: flowLogGroup.arn, iamRoleArn: flowLogRole.arn },
        opts,
    );
}
