import { ACCOUNT_ID, Placement } from "../invokes";
import { StateFn, hash } from "./common";

export const awsArn = (service: string, resource: string, at: Placement) =>
    `arn:aws:${service}:${at.region}:${ACCOUNT_ID}:${resource}`;

/** Provider-computed outputs of AWS resources, on top of their inputs. */
export const awsState: Record<string, StateFn> = {
    "aws:ec2/vpc:Vpc": (_, at, id) => ({ arn: awsArn("ec2", `vpc/${id}`, at) }),
    // The edge (components/dns, components/cdn). Route 53 and CloudFront are global: their ARNs have no region.
    "aws:route53/zone:Zone": (r) => {
        const zoneId = `Z${hash(`zone/${r.name}`, 20).toUpperCase()}`;
        return {
            zoneId,
            arn: `arn:aws:route53:::hostedzone/${zoneId}`,
            nameServers: ["ns-1.awsdns-01.org", "ns-2.awsdns-02.co.uk", "ns-3.awsdns-03.com", "ns-4.awsdns-04.net"],
        };
    },
    "aws:route53/record:Record": (r) => ({ fqdn: String(r.inputs.name ?? r.name) }),
    // ACM asks for one CNAME per distinct name (https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html).
    "aws:acm/certificate:Certificate": (r, at) => {
        const names = [r.inputs.domainName, ...((r.inputs.subjectAlternativeNames as unknown[]) ?? [])].map(String);
        return {
            arn: awsArn("acm", `certificate/${hash(`acm/${r.name}`, 8)}-${hash(`acm/${r.name}`, 4)}`, at),
            domainValidationOptions: [...new Set(names)].map((domainName) => ({
                domainName,
                resourceRecordName: `_${hash(`name/${domainName}`, 32)}.${domainName}.`,
                resourceRecordType: "CNAME",
                resourceRecordValue: `_${hash(`value/${domainName}`, 32)}.jkddzztszm.acm-validations.aws.`,
            })),
        };
    },
    "aws:acm/certificateValidation:CertificateValidation": (r) => ({ certificateArn: r.inputs.certificateArn }),
    "aws:wafv2/webAcl:WebAcl": (r, at, id) => ({
        arn: awsArn("wafv2", `global/webacl/${r.name}/${id}`, at),
    }),
    "aws:cloudfront/distribution:Distribution": (r, _at, id) => ({
        arn: `arn:aws:cloudfront::${ACCOUNT_ID}:distribution/${id}`,
        domainName: `d${hash(`cf/${r.name}`, 13)}.cloudfront.net`,
        // CloudFront's alias-target hosted zone (https://docs.aws.amazon.com/general/latest/gr/cf_region.html).
        hostedZoneId: "Z2FDTNDATAQYW2",
    }),
    "aws:rds/instance:Instance": (r, at) => {
        const identifier = String(r.inputs.identifier ?? r.name);
        return {
            identifier,
            address: `${identifier}.c${hash(at.region, 10)}.${at.region}.rds.amazonaws.com`,
            endpoint: `${identifier}.c${hash(at.region, 10)}.${at.region}.rds.amazonaws.com:5432`,
            arn: awsArn("rds", `db:${identifier}`, at),
            // DbiResourceId, which RDS IAM policies name (`db-` and 26 upper-case letters and digits).
            resourceId: `db-${hash(`dbi/${identifier}`, 26).toUpperCase()}`,
        };
    },
    // RDS Proxy endpoints: <name>.proxy-<hash>.<region>.rds.amazonaws.com (DescribeDBProxies `Endpoint`).
    "aws:rds/proxy:Proxy": (r, at) => {
        const name = String(r.inputs.name ?? r.name);
        return {
            endpoint: `${name}.proxy-c${hash(at.region, 10)}.${at.region}.rds.amazonaws.com`,
            arn: awsArn("rds", `db-proxy:prx-${hash(name, 17)}`, at),
        };
    },
    "aws:elasticache/replicationGroup:ReplicationGroup": (r, at, id) => ({
        // Cluster mode enabled has a configuration endpoint and no primary endpoint (DescribeReplicationGroups:
        // ConfigurationEndpoint "for Valkey or Redis OSS (cluster mode enabled)").
        ...(r.inputs.clusterMode === "enabled"
            ? {
                  configurationEndpointAddress: `clustercfg.${id}.${hash(r.name, 6)}.${at.region.replace(/-/g, "").slice(0, 4)}.cache.amazonaws.com`,
              }
            : {
                  primaryEndpointAddress: `master.${id}.${hash(r.name, 6)}.${at.region.replace(/-/g, "").slice(0, 4)}.cache.amazonaws.com`,
              }),
        arn: awsArn("elasticache", `replicationgroup:${id}`, at),
    }),
    // arn:aws:elasticache:<region>:<account>:user:<userId> / usergroup:<userGroupId> (auth-iam.html policy examples).
    "aws:elasticache/user:User": (r, at) => ({ arn: awsArn("elasticache", `user:${String(r.inputs.userId)}`, at) }),
    "aws:elasticache/userGroup:UserGroup": (r, at) => ({
        arn: awsArn("elasticache", `usergroup:${String(r.inputs.userGroupId)}`, at),
    }),
    "aws:eks/cluster:Cluster": (r, at) => {
        const name = String(r.inputs.name ?? r.name);
        const oidc = hash(name, 32).toUpperCase();
        return {
            name,
            arn: awsArn("eks", `cluster/${name}`, at),
            endpoint: `https://${oidc}.gr7.${at.region}.eks.amazonaws.com`,
            certificateAuthority: { data: Buffer.from(`mock CA for ${name}`).toString("base64") },
            // EKS creates a cluster security group that the control plane and managed nodes share.
            vpcConfig: { ...(r.inputs.vpcConfig as object), clusterSecurityGroupId: `sg-${hash(`eks/${name}`, 17)}` },
            identities: [{ oidcs: [{ issuer: `https://oidc.eks.${at.region}.amazonaws.com/id/${oidc}` }] }],
        };
    },
    // Managed nodes carry the group's name as the label eks.amazonaws.com/nodegroup.
    // A new launch template starts at version 1 (the provider reports `latestVersion`).
    "aws:ec2/launchTemplate:LaunchTemplate": (_, at, id) => ({
        arn: awsArn("ec2", `launch-template/${id}`, at),
        latestVersion: 1,
    }),
    "aws:eks/nodeGroup:NodeGroup": (r) => ({
        nodeGroupName: String(r.inputs.nodeGroupName ?? `${r.name}-${hash(r.name)}`),
    }),
    "aws:s3/bucket:Bucket": (r, at) => {
        const bucket = String(r.inputs.bucket ?? `${r.name}-${hash(r.name)}`);
        return {
            bucket,
            arn: `arn:aws:s3:::${bucket}`,
            bucketRegionalDomainName: `${bucket}.s3.${at.region}.amazonaws.com`,
            // The deprecated inline sub-configurations are computed outputs: the provider reads them back from
            // S3 right after CreateBucket, before the program's separate configuration resources exist. S3
            // gives every new bucket SSE-S3 (AES256) default encryption since 2023-01-05
            // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html), a new
            // bucket is unversioned and has no policy. @pulumi/aws 7.x s3/bucket.d.ts marks each of these
            // "@deprecated ... Use the aws.s3.Bucket<...> resource instead".
            serverSideEncryptionConfiguration: {
                rule: {
                    applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256", kmsMasterKeyId: "" },
                    bucketKeyEnabled: false,
                },
            },
            versioning: { enabled: false, mfaDelete: false },
            policy: "",
            lifecycleRules: [],
        };
    },
    "aws:kms/key:Key": (r, at) => {
        const keyId = `${hash(r.name, 8)}-${hash(r.name + 1, 4)}-4${hash(r.name + 2, 3)}-8${hash(r.name + 3, 3)}-${hash(r.name + 4, 12)}`;
        return { keyId, arn: awsArn("kms", `key/${keyId}`, at) };
    },
    "aws:sns/topic:Topic": (r, at) => ({ arn: awsArn("sns", `${r.name}-${hash(r.name)}`, at) }),
    "aws:iam/role:Role": (r) => ({
        arn: `arn:aws:iam::${ACCOUNT_ID}:role/${r.name}-${hash(r.name)}`,
        name: `${r.name}-${hash(r.name)}`,
    }),
    "aws:cloudwatch/logGroup:LogGroup": (r, at) => {
        const name = String(r.inputs.name ?? `${r.name}-${hash(r.name)}`);
        return { name, arn: awsArn("logs", `log-group:${name}`, at) };
    },
    "aws:ecr/repository:Repository": (r, at) => {
        const name = String(r.inputs.name ?? `${r.name}-${hash(r.name)}`);
        return {
            name,
            arn: awsArn("ecr", `repository/${name}`, at),
            registryId: ACCOUNT_ID,
            repositoryUrl: `${ACCOUNT_ID}.dkr.ecr.${at.region}.amazonaws.com/${name}`,
        };
    },
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": (r, at) => {
        const associationId = `a-${hash(r.name, 17)}`;
        return {
            associationId,
            associationArn: awsArn(
                "eks",
                `podidentityassociation/${String(r.inputs.clusterName)}/${associationId}`,
                at,
            ),
        };
    },
};
