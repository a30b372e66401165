/**
 * The AWS implementation, for every stack file: the security and resilience settings that matter,
 * asserted on the inputs the program registers, plus protection and the normalized outputs.
 */
import * as assert from "assert";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { catalog } from "../../components/shared/catalog";
import { PlatformConfig, parseConfig } from "../../components/shared/config";
import { DEFAULT_POSTGRES_VERSION } from "../../components/shared/facts/engines";
import { DEFAULT_KUBERNETES_VERSION, KARPENTER } from "../../components/shared/facts/kubernetes";
import { ProgramRun, ResourceRecord } from "../../check/runtime";
import { loadStackConfig } from "../../check/stack";
import { STACKS, inputs, ofType, one, outputs, runStack } from "../harness";

function configOf(stack: string): PlatformConfig {
    const { project, config } = loadStackConfig(stack, ["platform:cloud=aws"]);
    return parseConfig(config, project, stack);
}

/** The EKS add-on of a given name. */
/** The database's primary instance (not one of its read replicas). */
function primaryRds(run: ProgramRun): ResourceRecord {
    const found = ofType(run, "aws:rds/instance:Instance").filter((r) => !/-replica-\d+$/.test(r.name));
    assert.strictEqual(found.length, 1, "one primary RDS instance");
    return found[0];
}

function addon(run: ProgramRun, name: string): ResourceRecord {
    const found = ofType(run, "aws:eks/addon:Addon").find((a) => inputs(a).addonName === name);
    assert.ok(found, `no ${name} add-on`);
    return found;
}

/** The Helm release of a given release name. */
function release(run: ProgramRun, name: string): ResourceRecord {
    const found = ofType(run, "kubernetes:helm.sh/v3:Release").find((r) => inputs(r).name === name);
    assert.ok(found, `no ${name} release`);
    return found;
}

/** The resource (in `run`) whose URN is `urn`. */
function byUrn(run: ProgramRun, urn: string): ResourceRecord {
    const found = run.resources.find((r) => r.urn === urn);
    assert.ok(found, `no resource ${urn}`);
    return found;
}

/** The KMS key registered in the same component as `r`. */
function componentKey(run: ProgramRun, r: ResourceRecord): ResourceRecord {
    const key = run.resources.find((k) => k.type === "aws:kms/key:Key" && k.parent === r.parent);
    assert.ok(key, `no KMS key next to ${r.name}`);
    return key;
}

/** Asserts that input `property` of `r` was taken from the resource `source`. */
function takenFrom(r: ResourceRecord, property: string, source: ResourceRecord): void {
    assert.ok(
        (r.propertyDependencies[property] ?? []).includes(source.urn),
        `${r.name}.${property} comes from ${source.name}`,
    );
}

for (const stack of STACKS) {
    describe(`AWS ${stack}`, () => {
        let run: ProgramRun;
        const config = configOf(stack);
        before(async () => {
            run = await runStack(stack, "aws");
        });

        describe("network", () => {
            const zones = config.highAvailability ? 3 : 2;
            it(`spans ${zones} zones with public, node and data subnets in each`, () => {
                const subnets = ofType(run, "aws:ec2/subnet:Subnet");
                assert.strictEqual(subnets.length, zones * 3);
                assert.ok(subnets.every((s) => inputs(s).mapPublicIpOnLaunch === false));
                assert.strictEqual(new Set(subnets.map((s) => inputs(s).cidrBlock)).size, subnets.length);
            });
            it(`has ${config.highAvailability ? "one NAT gateway per zone" : "one shared NAT gateway"}`, () => {
                assert.strictEqual(
                    ofType(run, "aws:ec2/natGateway:NatGateway").length,
                    config.highAvailability ? zones : 1,
                );
            });
            it("locks down the default security group and logs rejected traffic", () => {
                const sg = inputs(one(run, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"));
                assert.deepStrictEqual([sg.ingress, sg.egress], [[], []]);
                assert.strictEqual(inputs(one(run, "aws:ec2/flowLog:FlowLog")).trafficType, "REJECT");
            });
        });

        describe("database (RDS PostgreSQL)", () => {
            let db: ResourceRecord;
            before(() => {
                db = primaryRds(run);
            });
            it("runs a current PostgreSQL major version", () => {
                assert.deepStrictEqual(
                    [inputs(db).engine, inputs(db).engineVersion],
                    ["postgres", DEFAULT_POSTGRES_VERSION],
                );
            });
            it("encrypts storage with the component's customer-managed KMS key, rotated yearly", () => {
                const i = inputs(db);
                assert.strictEqual(i.storageEncrypted, true);
                const key = componentKey(run, db);
                takenFrom(db, "kmsKeyId", key);
                assert.match(i.kmsKeyId, /^arn:aws:kms:/);
                assert.strictEqual(inputs(key).enableKeyRotation, true);
            });
            it("is never publicly accessible and sits in the data subnets", () => {
                assert.strictEqual(inputs(db).publiclyAccessible, false);
                const group = one(run, "aws:rds/subnetGroup:SubnetGroup");
                const dataSubnets = ofType(run, "aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-data-"));
                assert.deepStrictEqual(
                    new Set(group.propertyDependencies.subnetIds),
                    new Set(dataSubnets.map((s) => s.urn)),
                    "exactly the data subnets",
                );
            });
            it("admits PostgreSQL only from the cluster's node subnets", () => {
                const sg = run.resources.find(
                    (r) => r.type === "aws:ec2/securityGroup:SecurityGroup" && r.parent === db.parent,
                )!;
                const nodeCidrs = ofType(run, "aws:ec2/subnet:Subnet")
                    .filter((s) => s.name.includes("-nodes-"))
                    .map((s) => inputs(s).cidrBlock);
                assert.deepStrictEqual(inputs(sg).ingress, [
                    {
                        protocol: "tcp",
                        fromPort: 5432,
                        toPort: 5432,
                        cidrBlocks: nodeCidrs,
                        description: "PostgreSQL from the cluster's node subnets",
                    },
                ]);
                assert.deepStrictEqual(inputs(sg).egress, []);
            });
            it("forces TLS through its parameter group", () => {
                const params = inputs(one(run, "aws:rds/parameterGroup:ParameterGroup"));
                assert.strictEqual(params.family, `postgres${DEFAULT_POSTGRES_VERSION}`);
                assert.deepStrictEqual(
                    params.parameters.find((p: { name: string }) => p.name === "rds.force_ssl"),
                    { name: "rds.force_ssl", value: "1" },
                );
            });
            it(`keeps ${config.backupRetentionDays} days of automated backups`, () => {
                assert.strictEqual(inputs(db).backupRetentionPeriod, config.backupRetentionDays);
            });
            it(`is ${config.highAvailability ? "" : "not "}Multi-AZ`, () => {
                assert.strictEqual(inputs(db).multiAz, config.highAvailability);
            });
            // Performance Insights reached end of life on 2026-07-31 (now CloudWatch Database Insights); Advanced
            // mode needs Performance Insights on with >= 465 days of retention:
            // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PerfInsights.Enabling.html,
            // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DatabaseInsights.Considerations.html
            const insights =
                config.environment === "prod" ? { mode: "advanced", days: 465 } : { mode: "standard", days: 7 };
            it(`exports logs and runs Database Insights in ${insights.mode} mode (${insights.days} days), so that monitoring survives the Performance Insights end of life, encrypted with the database key`, () => {
                const i = inputs(db);
                assert.deepStrictEqual(i.enabledCloudwatchLogsExports, ["postgresql", "upgrade"]);
                assert.strictEqual(i.databaseInsightsMode, insights.mode);
                assert.strictEqual(i.performanceInsightsEnabled, true);
                assert.strictEqual(i.performanceInsightsRetentionPeriod, insights.days);
                assert.ok(insights.mode !== "advanced" || i.performanceInsightsRetentionPeriod >= 465);
                assert.strictEqual(i.performanceInsightsKmsKeyId, i.kmsKeyId);
                takenFrom(db, "performanceInsightsKmsKeyId", componentKey(run, db));
            });
            it(
                config.deletionProtection
                    ? "has deletion protection and takes a final snapshot"
                    : "can be deleted without a final snapshot",
                () => {
                    const i = inputs(db);
                    assert.strictEqual(i.deletionProtection, config.deletionProtection);
                    assert.strictEqual(i.skipFinalSnapshot, !config.deletionProtection);
                    assert.strictEqual(i.finalSnapshotIdentifier !== undefined, config.deletionProtection);
                },
            );
            it(
                config.highAvailability
                    ? "replicates automated backups to the paired region, encrypted with a key there"
                    : "keeps backups in its own region",
                () => {
                    const replications = ofType(
                        run,
                        "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
                    );
                    assert.strictEqual(replications.length, config.highAvailability ? 1 : 0);
                    if (config.highAvailability) {
                        const [replication] = replications;
                        takenFrom(replication, "sourceDbInstanceArn", db);
                        assert.strictEqual(inputs(replication).retentionPeriod, config.backupRetentionDays);
                        assert.match(inputs(replication).kmsKeyId, /^arn:aws:kms:eu-central-1:/);
                        const provider = run.resources.find((r) => replication.provider?.startsWith(r.urn))!;
                        assert.strictEqual(inputs(provider).region, "eu-central-1");
                    }
                },
            );
            it("takes its password from @pulumi/random, registered as a secret", () => {
                assert.ok(rpc.isRpcSecret(db.inputs.password), "password input is a secret");
                // The administrator's password (the component also generates one per service login role).
                const password = ofType(run, "random:index/randomPassword:RandomPassword").find(
                    (p) => p.parent === db.parent && p.name === db.name.replace(/-instance$/, "-password"),
                )!;
                takenFrom(db, "password", password);
            });
        });

        describe("cache (ElastiCache)", () => {
            let rg: ResourceRecord;
            before(() => {
                rg = one(run, "aws:elasticache/replicationGroup:ReplicationGroup");
            });
            it("encrypts at rest with a KMS key and in transit, TLS required", () => {
                const i = inputs(rg);
                assert.strictEqual(i.atRestEncryptionEnabled, true);
                takenFrom(rg, "kmsKeyId", componentKey(run, rg));
                assert.strictEqual(i.transitEncryptionEnabled, true);
                assert.strictEqual(i.transitEncryptionMode, "required");
            });
            // Passwordless by default (issue 16 item 4): RBAC user group, no shared token
            // (test/components/cache-passwordless.test.ts has the users and the default user).
            it("authenticates clients through a user group instead of a shared auth token", () => {
                assert.strictEqual(rg.inputs.authToken, undefined);
                assert.strictEqual(inputs(rg).userGroupIds.length, 1);
            });
            // Valkey 8.2 with its parameter group family valkey8, supported by ElastiCache today:
            // https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Engine.html
            it("runs Valkey 8.2 on the valkey8 default parameter group, so that the engine is a current ElastiCache version", () => {
                const i = inputs(rg);
                assert.deepStrictEqual(
                    [i.engine, i.engineVersion, i.parameterGroupName],
                    ["valkey", "8.2", "default.valkey8"],
                );
            });
            it(`keeps ${config.backupRetentionDays} days of snapshots`, () => {
                assert.strictEqual(inputs(rg).snapshotRetentionLimit, config.backupRetentionDays);
            });
            it(`${config.highAvailability ? "fails over automatically across zones" : "runs a single node"}`, () => {
                const i = inputs(rg);
                assert.strictEqual(i.numCacheClusters, config.highAvailability ? 2 : 1);
                assert.strictEqual(i.automaticFailoverEnabled, config.highAvailability);
                assert.strictEqual(i.multiAzEnabled, config.highAvailability);
            });
        });

        describe("cluster (EKS)", () => {
            let eks: ResourceRecord;
            before(() => {
                eks = one(run, "aws:eks/cluster:Cluster");
            });
            it("envelope-encrypts secrets with a customer-managed KMS key", () => {
                const enc = inputs(eks).encryptionConfig;
                assert.deepStrictEqual(enc.resources, ["secrets"]);
                assert.match(enc.provider.keyArn, /^arn:aws:kms:/);
                takenFrom(eks, "encryptionConfig", componentKey(run, eks));
            });
            it("logs the api, audit and authenticator control-plane streams", () => {
                for (const type of ["api", "audit", "authenticator"]) {
                    assert.ok(inputs(eks).enabledClusterLogTypes.includes(type), type);
                }
            });
            it("keeps the endpoint private and opens it publicly only to the configured CIDRs", () => {
                const vpc = inputs(eks).vpcConfig;
                assert.strictEqual(vpc.endpointPrivateAccess, true);
                assert.strictEqual(vpc.endpointPublicAccess, config.apiAllowedCidrs.length > 0);
                assert.deepStrictEqual(vpc.publicAccessCidrs, config.apiAllowedCidrs);
            });
            it("authenticates through access entries (API mode)", () => {
                assert.strictEqual(inputs(eks).accessConfig.authenticationMode, "API");
            });
            it("runs a managed node group in the private node subnets", () => {
                const nodes = one(run, "aws:eks/nodeGroup:NodeGroup");
                const nodeSubnets = ofType(run, "aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-nodes-"));
                assert.deepStrictEqual(
                    new Set(nodes.propertyDependencies.subnetIds),
                    new Set(nodeSubnets.map((s) => s.urn)),
                );
                const scaling = inputs(nodes).scalingConfig;
                assert.ok(scaling.minSize <= scaling.desiredSize && scaling.desiredSize <= scaling.maxSize);
            });
            it("enforces Kubernetes NetworkPolicies (the VPC CNI's policy agent is on)", () => {
                const cni = ofType(run, "aws:eks/addon:Addon").find((a) => inputs(a).addonName === "vpc-cni")!;
                assert.deepStrictEqual(JSON.parse(inputs(cni).configurationValues), { enableNetworkPolicy: "true" });
            });
            it("gives pods workload identity through EKS Pod Identity", () => {
                assert.ok(
                    ofType(run, "aws:eks/addon:Addon").some((a) => inputs(a).addonName === "eks-pod-identity-agent"),
                );
            });
            it("hands workloads a Kubernetes provider whose kubeconfig is secret", () => {
                const provider = one(run, "pulumi:providers:kubernetes");
                assert.ok(rpc.isRpcSecret(provider.inputs.kubeconfig));
            });
            it("runs the stack's Kubernetes version, which is in standard support", () => {
                assert.strictEqual(inputs(eks).version, config.cluster.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION);
            });
            // STANDARD: "automatically upgraded at the end of standard support" (@pulumi/aws ClusterUpgradePolicy;
            // https://docs.aws.amazon.com/eks/latest/userguide/extended-support-control.html). EXTENDED never
            // changes the version behind the program; the config check refuses versions past standard support.
            it("never lets EKS upgrade the control plane behind the program (upgrade policy EXTENDED)", () => {
                assert.deepStrictEqual(inputs(eks).upgradePolicy, { supportType: "EXTENDED" });
            });
            it(`${config.deletionProtection ? "turns on" : "leaves off"} EKS deletion protection`, () => {
                assert.strictEqual(inputs(eks).deletionProtection, config.deletionProtection);
            });
            // EKS installs self-managed vpc-cni, kube-proxy and CoreDNS at creation; CreateAddon without
            // OVERWRITE "might fail" on them (https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAddon.html).
            it("takes over the vpc-cni, kube-proxy and CoreDNS that EKS bootstraps, so creating the add-ons cannot collide", () => {
                for (const name of ["vpc-cni", "kube-proxy", "coredns"]) {
                    assert.strictEqual(inputs(addon(run, name)).resolveConflictsOnCreate, "OVERWRITE", name);
                }
                assert.notStrictEqual(
                    inputs(eks).bootstrapSelfManagedAddons,
                    false,
                    "turning it off replaces the cluster",
                );
            });
            it("serves the resource metrics API that HorizontalPodAutoscalers read (metrics-server add-on)", () => {
                assert.ok(addon(run, "metrics-server"));
            });
            it("provisions PersistentVolumes through the EBS CSI driver, with AWS's policy through Pod Identity", () => {
                const ebs = addon(run, "aws-ebs-csi-driver");
                const [association] = inputs(ebs).podIdentityAssociations;
                assert.strictEqual(association.serviceAccount, "ebs-csi-controller-sa");
                const role = byUrn(run, ebs.propertyDependencies.podIdentityAssociations[0]);
                assert.match(inputs(role).assumeRolePolicy, /pods\.eks\.amazonaws\.com/);
                assert.ok(
                    ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").some(
                        (a) =>
                            a.propertyDependencies.role?.includes(role.urn) &&
                            inputs(a).policyArn === "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
                    ),
                );
            });
            it("starts no Kubernetes resource before Pod Identity, the CNI, CoreDNS, EBS CSI and metrics-server are active", () => {
                const provider = one(run, "pulumi:providers:kubernetes");
                for (const name of [
                    "eks-pod-identity-agent",
                    "vpc-cni",
                    "coredns",
                    "aws-ebs-csi-driver",
                    "metrics-server",
                ]) {
                    assert.ok(provider.dependencies.includes(addon(run, name).urn), `the provider waits for ${name}`);
                }
                for (const r of run.resources.filter((x) => x.custom && x.type.startsWith("kubernetes:"))) {
                    assert.ok(r.provider?.startsWith(`${provider.urn}::`), `${r.name} uses the cluster's provider`);
                }
            });

            describe("node autoscaling (Karpenter)", () => {
                const profile = catalog.cluster[config.cluster.size ?? config.size];
                const maxNodes = config.cluster.maxNodes ?? profile.maxNodes;
                it(`runs at most ${maxNodes} nodes: the managed group's fixed size plus the NodePool's node limit`, () => {
                    const scaling = inputs(one(run, "aws:eks/nodeGroup:NodeGroup")).scalingConfig;
                    assert.strictEqual(scaling.desiredSize, scaling.maxSize, "nothing resizes the managed group");
                    const pool = inputs(one(run, "kubernetes:karpenter.sh/v1:NodePool")).spec;
                    assert.strictEqual(scaling.maxSize + Number(pool.limits.nodes), maxNodes);
                    const types = pool.template.spec.requirements.find(
                        (r: { key: string }) => r.key === "node.kubernetes.io/instance-type",
                    );
                    assert.deepStrictEqual(types.values, [...profile.aws]);
                });
                it("runs the controller only on the managed node group, never on nodes it manages", () => {
                    const karpenter = release(run, "karpenter");
                    const values = inputs(karpenter).values;
                    const [term] =
                        values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
                    const group = one(run, "aws:eks/nodeGroup:NodeGroup");
                    // Managed nodes carry eks.amazonaws.com/nodegroup=<the group's name> (the mock names it after the group).
                    assert.deepStrictEqual(term.matchExpressions[0].key, "eks.amazonaws.com/nodegroup");
                    assert.deepStrictEqual(term.matchExpressions[0].operator, "In");
                    assert.match(term.matchExpressions[0].values[0], new RegExp(`^${group.name}-`));
                    assert.ok(karpenter.dependencies.includes(group.urn));
                    assert.deepStrictEqual(term.matchExpressions[1], {
                        key: "karpenter.sh/nodepool",
                        operator: "DoesNotExist",
                    });
                });
                it("installs the pinned Karpenter chart, its CRDs as their own release, and waits for its Pod Identity association", () => {
                    const crds = release(run, "karpenter-crd");
                    const controller = release(run, "karpenter");
                    assert.deepStrictEqual(
                        [
                            inputs(crds).chart,
                            inputs(crds).version,
                            inputs(controller).chart,
                            inputs(controller).version,
                        ],
                        [KARPENTER.crdChart, KARPENTER.version, KARPENTER.chart, KARPENTER.version],
                    );
                    assert.strictEqual(inputs(controller).skipCrds, true);
                    const association = ofType(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation").find(
                        (a) => inputs(a).serviceAccount === "karpenter",
                    )!;
                    assert.strictEqual(inputs(association).namespace, inputs(controller).namespace);
                    assert.ok(controller.dependencies.includes(association.urn));
                    assert.ok(controller.dependencies.includes(crds.urn));
                });
                // The statements of Karpenter's getting-started CloudFormation template (aws/karpenter-provider-aws@v1.14.1).
                it("lets the controller terminate only this cluster's Karpenter instances and pass only its node role", () => {
                    const policy = ofType(run, "aws:iam/rolePolicy:RolePolicy").find((p) =>
                        p.name.endsWith("-karpenter-controller"),
                    )!;
                    const statements = JSON.parse(inputs(policy).policy).Statement;
                    const sid = (id: string) => statements.find((st: { Sid: string }) => st.Sid === id);
                    const clusterName = inputs(eks).name;
                    assert.deepStrictEqual(sid("AllowScopedDeletion").Condition.StringEquals, {
                        [`aws:ResourceTag/kubernetes.io/cluster/${clusterName}`]: "owned",
                    });
                    const nodeRole = one(run, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass");
                    assert.match(
                        sid("AllowPassingInstanceRole").Resource,
                        new RegExp(`:role/${inputs(nodeRole).spec.role}$`),
                    );
                    assert.ok(statements.every((st: { Effect: string }) => st.Effect === "Allow"));
                });
                it("admits Karpenter's nodes through an EC2_LINUX access entry for their own role", () => {
                    const entry = ofType(run, "aws:eks/accessEntry:AccessEntry").find(
                        (e) => inputs(e).type === "EC2_LINUX",
                    )!;
                    const nodeClass = inputs(one(run, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")).spec;
                    const role = byUrn(run, entry.propertyDependencies.principalArn[0]);
                    assert.ok(nodeClass.role.startsWith(role.name), "the EC2NodeClass uses the role the entry admits");
                    assert.deepStrictEqual(nodeClass.metadataOptions.httpTokens, "required");
                    assert.strictEqual(nodeClass.blockDeviceMappings[0].ebs.encrypted, true);
                });
                it("hears about interruptions through a TLS-only SQS queue under its own key, fed by EventBridge", () => {
                    const queue = one(run, "aws:sqs/queue:Queue");
                    assert.strictEqual(inputs(queue).sqsManagedSseEnabled, undefined);
                    assert.match(inputs(queue).kmsMasterKeyId, /^arn:aws:kms:/);
                    const policy = JSON.parse(inputs(one(run, "aws:sqs/queuePolicy:QueuePolicy")).policy);
                    assert.ok(
                        policy.Statement.some(
                            (st: { Effect: string; Condition?: object }) => st.Effect === "Deny" && st.Condition,
                        ),
                    );
                    const patterns = ofType(run, "aws:cloudwatch/eventRule:EventRule").map(
                        (r) => JSON.parse(inputs(r).eventPattern)["detail-type"][0],
                    );
                    assert.deepStrictEqual(patterns.sort(), [
                        "AWS Health Event",
                        "EC2 Capacity Reservation Instance Interruption Warning",
                        "EC2 Instance Rebalance Recommendation",
                        "EC2 Instance State-change Notification",
                        "EC2 Spot Instance Interruption Warning",
                    ]);
                    for (const target of ofType(run, "aws:cloudwatch/eventTarget:EventTarget")) {
                        takenFrom(target, "arn", queue);
                    }
                    const values = inputs(release(run, "karpenter")).values;
                    assert.match(values.settings.interruptionQueue, new RegExp(`^${queue.name}-`));
                    assert.ok(release(run, "karpenter").dependencies.includes(queue.urn));
                });
            });
        });

        describe("storage (S3)", () => {
            // Prod replicates the bucket to a second region (components/storage/aws-replication.ts): the replica
            // carries the same guards, so each test judges every bucket's resource, one per bucket.
            const buckets = () => ofType(run, "aws:s3/bucket:Bucket");
            const perBucket = (type: string) => {
                const found = ofType(run, type);
                assert.strictEqual(found.length, buckets().length, `one ${type} per bucket`);
                return found;
            };
            it("encrypts with SSE-KMS under a customer-managed key", () => {
                const all = perBucket(
                    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                );
                for (const sse of all) {
                    const rule = inputs(sse).rules[0];
                    assert.strictEqual(rule.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
                    assert.ok(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId, `${sse.name} names a key`);
                }
                const primary = all.find((r) => !r.name.includes("-replica"))!;
                const bucket = buckets().find((r) => !r.name.includes("-replica"))!;
                takenFrom(primary, "rules", componentKey(run, bucket));
            });
            it("versions objects and expires noncurrent versions", () => {
                for (const versioning of perBucket("aws:s3/bucketVersioning:BucketVersioning")) {
                    assert.strictEqual(inputs(versioning).versioningConfiguration.status, "Enabled", versioning.name);
                }
                // The storage bucket's own lifecycle (Velero's bucket has its own, judged in the Velero tests).
                const lifecycles = ofType(
                    run,
                    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                ).filter((r) => r.name === `platform-${stack}-storage-lifecycle`);
                assert.strictEqual(lifecycles.length, 1, "one lifecycle configuration for the storage bucket");
                const rules = inputs(lifecycles[0]).rules;
                assert.ok(
                    rules.some(
                        (r: { noncurrentVersionExpiration?: { noncurrentDays: number } }) =>
                            r.noncurrentVersionExpiration?.noncurrentDays === 30,
                    ),
                );
            });
            it("blocks every kind of public access", () => {
                for (const r of perBucket("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")) {
                    const block = inputs(r);
                    for (const flag of [
                        "blockPublicAcls",
                        "blockPublicPolicy",
                        "ignorePublicAcls",
                        "restrictPublicBuckets",
                    ]) {
                        assert.strictEqual(block[flag], true, `${r.name} ${flag}`);
                    }
                }
            });
            it("denies every request made without TLS", () => {
                for (const r of perBucket("aws:s3/bucketPolicy:BucketPolicy")) {
                    const policy = JSON.parse(inputs(r).policy);
                    assert.deepStrictEqual(policy.Statement[0].Condition, { Bool: { "aws:SecureTransport": "false" } });
                    assert.strictEqual(policy.Statement[0].Effect, "Deny");
                }
            });
        });

        describe("monitoring (CloudWatch, SNS)", () => {
            it("e-mails alerts to the configured address", () => {
                const sub = inputs(one(run, "aws:sns/topicSubscription:TopicSubscription"));
                assert.deepStrictEqual([sub.protocol, sub.endpoint], ["email", config.alertEmail]);
                // Every SNS topic is encrypted: the alert topic and the Watchdog heartbeat topic of the workloads.
                const topics = ofType(run, "aws:sns/topic:Topic");
                assert.ok(
                    topics.length > 0 && topics.every((t) => inputs(t).kmsMasterKeyId),
                    "the topics are encrypted",
                );
            });
            it("alarms on database, cache and cluster health", () => {
                // The Monitoring component's alarms (the workloads add the Watchdog heartbeat alarm, tested in
                // test/workloads/observability.test.ts).
                const monitoring = one(run, "platform:monitoring:Monitoring").urn;
                const metrics = ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm")
                    .filter((a) => a.parent === monitoring)
                    .map((a) => `${inputs(a).namespace}/${inputs(a).metricName}`);
                assert.deepStrictEqual(metrics.sort(), [
                    "AWS/ElastiCache/DatabaseMemoryUsagePercentage",
                    "AWS/ElastiCache/EngineCPUUtilization",
                    "AWS/ElastiCache/Evictions",
                    "AWS/RDS/CPUUtilization",
                    "AWS/RDS/DatabaseConnections",
                    "AWS/RDS/FreeStorageSpace",
                    "ContainerInsights/cluster_failed_node_count",
                ]);
            });
            it(`keeps every log group, including those AWS services write to, for ${config.monitoring.logRetentionDays} days`, () => {
                const groups = ofType(run, "aws:cloudwatch/logGroup:LogGroup");
                for (const group of groups) {
                    assert.strictEqual(inputs(group).retentionInDays, config.monitoring.logRetentionDays, group.name);
                }
                const names = groups.map((g) => inputs(g).name).filter(Boolean);
                for (const expected of [
                    /^\/aws\/rds\/instance\/.+\/postgresql$/,
                    /^\/aws\/rds\/instance\/.+\/upgrade$/,
                    /^\/aws\/eks\/.+\/cluster$/,
                    /^\/aws\/containerinsights\/.+\/performance$/,
                ]) {
                    assert.ok(
                        names.some((n) => expected.test(n)),
                        `a log group matches ${expected}`,
                    );
                }
            });
        });

        describe("protection", () => {
            const stateful = [
                "aws:rds/instance:Instance",
                "aws:elasticache/replicationGroup:ReplicationGroup",
                "aws:s3/bucket:Bucket",
            ];
            for (const type of stateful) {
                it(`${config.deletionProtection ? "protects and retains" : "does not protect"} ${type}`, () => {
                    // Every one of them, read replicas included.
                    const all = ofType(run, type);
                    assert.ok(all.length > 0, type);
                    for (const r of all) {
                        assert.strictEqual(r.protect, config.deletionProtection, r.name);
                        assert.strictEqual(r.retainOnDelete, config.deletionProtection, r.name);
                    }
                });
            }
            it(`${config.deletionProtection ? "protects and retains" : "does not protect"} every KMS key that guards data`, () => {
                const keys = ofType(run, "aws:kms/key:Key").filter((k) => !k.name.includes("-alerts-"));
                assert.ok(keys.length >= 4, "database, cache, storage and cluster keys");
                for (const key of keys) {
                    assert.strictEqual(key.protect, config.deletionProtection, key.name);
                    assert.strictEqual(key.retainOnDelete, config.deletionProtection, key.name);
                }
            });
            it(`${config.deletionProtection ? "protects" : "does not protect"} the stateful components as a whole`, () => {
                for (const type of ["platform:database:Database", "platform:cache:Cache", "platform:storage:Storage"]) {
                    assert.strictEqual(one(run, type).protect, config.deletionProtection, type);
                }
            });
        });

        describe("outputs", () => {
            it("exports the normalized outputs of every capability", () => {
                const out = outputs(run);
                assert.deepStrictEqual(Object.keys(out.database).sort(), [
                    "connectionString",
                    "databaseName",
                    "engineVersion",
                    "host",
                    "password",
                    "port",
                    "resourceId",
                    "resourceName",
                    "tlsCaBundleUrl",
                    "username",
                ]);
                assert.strictEqual(out.database.port, 5432);
                // npm run drill restores from the instance this names (scripts/lib/drill/automation.ts).
                const db = ofType(run, "aws:rds/instance:Instance").find((r) => !inputs(r).replicateSourceDb)!;
                assert.strictEqual(out.database.resourceName, inputs(db).identifier);
                assert.match(
                    out.database.connectionString,
                    /^postgresql:\/\/platform_admin:.+@.+:5432\/app\?sslmode=verify-full$/,
                );
                // Passwordless: no token in the URL (each service has its own user, services/secret.ts).
                assert.match(out.cache.connectionString, /^rediss:\/\/[^:@/]+:6379$/);
                assert.strictEqual(out.cache.tls, true);
                assert.match(out.storage.endpoint, /^https:\/\//);
                assert.match(out.monitoring.alertDestinationId, /^arn:aws:sns:/);
            });
            it("keeps passwords, tokens, connection strings and the kubeconfig secret", () => {
                const wire = run.outputs as Record<string, Record<string, unknown>>;
                for (const [group, key] of [
                    ["database", "password"],
                    ["database", "connectionString"],
                    ["cache", "authToken"],
                    ["cache", "connectionString"],
                    ["cluster", "kubeconfig"],
                ]) {
                    assert.ok(rpc.isRpcSecret(wire[group][key]), `${group}.${key} is secret`);
                }
            });
            it("places every resource inside a component, in the stack's region (backup copies aside)", () => {
                const providers = ofType(run, "pulumi:providers:aws");
                const provider = providers.find((p) => p.parent === null || !p.name.includes("backup"))!;
                assert.strictEqual(inputs(provider).region, config.awsRegion);
                const backupProviders = providers.filter((p) => p !== provider);
                assert.deepStrictEqual(
                    backupProviders.map((p) => p.name),
                    [
                        ...(config.highAvailability ? ["platform-" + stack + "-db-backup-region"] : []),
                        // Prod replicates storage, copies backups to the backup region, and puts CloudFront's
                        // certificate and WAF in us-east-1 (the only region CloudFront takes them from).
                        ...(stack === "prod"
                            ? [
                                  "platform-prod-storage-replica-region",
                                  "platform-prod-backup-backup-region",
                                  "platform-prod-cdn-us-east-1",
                                  // Velero's bucket is replicated to the backup region in prod as well.
                                  "platform-prod-velero-bucket-replica-region",
                              ]
                            : []),
                    ],
                );
                for (const r of run.resources.filter((x) => x.custom && x.type.startsWith("aws:"))) {
                    // Each other-region provider serves only its own component's resources.
                    const elsewhere = backupProviders.find((p) => r.parent && p.parent === r.parent);
                    const home = r.name.includes("-db-backup") ? backupProviders[0] : (elsewhere ?? provider);
                    const allowed = [home, provider].map((p) => p.urn);
                    assert.ok(
                        allowed.some((u) => r.provider?.startsWith(u)),
                        `${r.name} uses the ${home.name} provider`,
                    );
                    assert.ok(byUrn(run, r.parent!).type.startsWith("platform:"), `${r.name} is inside a component`);
                }
            });
        });
    });
}

describe("AWS override bags", () => {
    it("turning off storage encryption is applied and reported as a security opt-out", async () => {
        const run = await runStack("staging", "aws", ['platform:database={"aws":{"storageEncrypted":false}}']);
        const db = primaryRds(run);
        assert.strictEqual(inputs(db).storageEncrypted, false);
        assert.strictEqual(inputs(db).kmsKeyId, undefined);
        assert.deepStrictEqual(one(run, "platform:database:Database").outputs.securityOptOuts, [
            "aws.storageEncrypted",
        ]);
    });
    it("an instance class override replaces the size profile", async () => {
        const run = await runStack("prod", "aws", ['platform:database={"aws":{"instanceClass":"db.r7g.2xlarge"}}']);
        assert.strictEqual(inputs(primaryRds(run)).instanceClass, "db.r7g.2xlarge");
    });
});
