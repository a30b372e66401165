/**
 * Typical creation time per resource type, in minutes: the weights of the deploy critical path. This is
 * the ONE table the benchmark uses; add a row here when `npm run bench` lists a type under "unweighted".
 *
 * Each row gives a low / typical / high figure and where it comes from. Rows are tried in order and the
 * first whose `type` (and `when`, if any) matches wins, so put specific variants (Multi-AZ, HA, a named
 * Helm chart) before the general row for the same type. "estimate" marks a figure for which no published
 * number was found; it is kept small where the API call returns in seconds and the resource is usable at
 * once.
 *
 * Dated: {@link WEIGHTS_CHECKED} is when the table was last read against its sources; a row added or changed
 * later carries its own `checked` date. Creation times drift (CloudFront's went from ~20 to ~5 minutes over the
 * years), so re-read the sources when a row is older than a year.
 */

/** When the rows without a `checked` date of their own were last read against their sources. */
export const WEIGHTS_CHECKED = "2026-12-01";

/** Creation time in minutes. */
export interface Minutes {
    readonly low: number;
    readonly typical: number;
    readonly high: number;
}

export interface WeightRule {
    /** Exact type token, or a pattern over it. */
    readonly type: string | RegExp;
    /** Picks a variant from the resource's registered inputs (secrets already redacted). */
    readonly when?: (inputs: Inputs) => boolean;
    /** Short label shown next to the type, e.g. "Multi-AZ". */
    readonly variant?: string;
    readonly minutes: Minutes;
    /** Where the figure comes from: a URL, the issue's published figures, or "estimate". */
    readonly source: string;
    /** When the figure was last read against its source (ISO date). @default WEIGHTS_CHECKED */
    readonly checked?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Inputs = Record<string, any>;

const m = (low: number, typical: number, high: number): Minutes => ({ low, typical, high });

/** The figures the issue quotes as published (issue 7, "Deploy critical path"). */
const ISSUE = "issue 7 (published figures)";
const SECONDS = m(0.05, 0.1, 0.3);
const INSTANT = m(0, 0, 0);

const isTrue = (v: unknown) => v === true || v === "true";
const text = (v: unknown) => (typeof v === "string" ? v : "");

export const WEIGHTS: readonly WeightRule[] = [
    // ---- nothing to create in the cloud ------------------------------------------------------------
    { type: /^pulumi:providers:/, minutes: INSTANT, source: "a provider instance is configured locally" },
    { type: /^(random|tls):/, minutes: INSTANT, source: "computed locally by the provider" },

    // ---- AWS: the slow ones -------------------------------------------------------------------------
    // ---- issue 15: read replicas, RDS Proxy, backups (checked 2026-12-01) ------------------------------
    {
        type: "aws:rds/instance:Instance",
        when: (i) => text(i.replicateSourceDb) !== "",
        variant: "read replica",
        minutes: m(10, 15, 30),
        source:
            "estimate: a replica is a new instance restored from a snapshot of its source, so at least a single-AZ " +
            "create (issue 7: 5-10 min) plus the snapshot; https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Create.html " +
            "(RDS takes a snapshot of the source and creates the replica from it)",
        checked: "2026-12-01",
    },
    {
        type: "aws:rds/proxy:Proxy",
        minutes: m(2, 5, 15),
        source:
            "https://github.com/turbot/steampipe-plugin-aws/pull/1414 (terraform log: aws_db_proxy still creating after 2.5 min); " +
            "https://github.com/cloudposse/terraform-aws-rds-db-proxy/pull/9 (create/delete timeouts raised; 60 min hit on delete)",
        checked: "2026-12-01",
    },
    {
        type: "aws:rds/proxyTarget:ProxyTarget",
        minutes: m(1, 3, 10),
        source:
            "https://github.com/aws/aws-cdk/issues/8919 (the target group becomes available only once the proxy reaches " +
            'the instance: "after several minutes"); typical is an estimate',
        checked: "2026-12-01",
    },
    {
        type: /^aws:rds\/(proxyDefaultTargetGroup|proxyEndpoint):/,
        minutes: m(0.1, 0.5, 2),
        source: "estimate (configuration of an existing proxy)",
        checked: "2026-12-01",
    },
    {
        type: /^aws:backup\//,
        minutes: SECONDS,
        source:
            "AWS Backup's vault, plan, selection and vault lock are synchronous API calls (CreateBackupVault, CreateBackupPlan, " +
            "CreateBackupSelection, PutBackupVaultLockConfiguration return the resource; https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Operations_AWS_Backup.html); " +
            "the first backup runs on the schedule, after the deployment",
        checked: "2026-12-01",
    },
    {
        type: "aws:rds/instance:Instance",
        when: (i) => isTrue(i.multiAz),
        variant: "Multi-AZ",
        minutes: m(15, 17.5, 20),
        source: ISSUE + ": RDS PostgreSQL Multi-AZ 15-20 min",
    },
    {
        type: "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
        minutes: m(1, 3, 10),
        source:
            "estimate: the API call starts replication of an existing instance's backups (no published creation time); " +
            "it runs after the RDS instance, so it adds to the database chain",
    },
    {
        type: "aws:rds/instance:Instance",
        variant: "single-AZ",
        minutes: m(5, 7.5, 10),
        source: ISSUE + ": RDS PostgreSQL single-AZ 5-10 min",
    },
    {
        type: "aws:elasticache/replicationGroup:ReplicationGroup",
        when: (i) => isTrue(i.multiAzEnabled) || isTrue(i.automaticFailoverEnabled) || Number(i.numCacheClusters) > 1,
        variant: "replicas, Multi-AZ",
        minutes: m(15, 20, 50),
        source:
            ISSUE +
            ": replication group often 15 min, up to 40-50; replicas add a node to provision (typical is an estimate); " +
            "https://github.com/radius-project/radius/pull/5207 (AWS/Azure Redis 20-50 min)",
    },
    {
        type: "aws:elasticache/replicationGroup:ReplicationGroup",
        variant: "single node",
        minutes: m(10, 15, 45),
        source: ISSUE + ": replication group often 15 min, up to 40-50",
    },
    {
        type: "aws:eks/cluster:Cluster",
        minutes: m(8, 9, 21),
        source: ISSUE + ": EKS control plane about 9 min, users report 14-21",
    },
    {
        type: "aws:eks/nodeGroup:NodeGroup",
        minutes: m(3, 5, 10),
        source: ISSUE + ": managed node group about 5 min",
    },
    {
        type: "aws:eks/addon:Addon",
        when: (i) => text(i.addonName) === "coredns",
        variant: "coredns",
        minutes: m(1, 2, 15),
        source: "https://github.com/aws-ia/terraform-aws-eks-blueprints/issues/642 (coredns add-on often 15 min even with nodes; typical is an estimate)",
    },
    {
        type: "aws:eks/addon:Addon",
        minutes: m(0.5, 1, 5),
        source: "estimate; https://github.com/aws-ia/terraform-aws-eks-blueprints/issues/642 (vpc-cni, kube-proxy return once their pods are ready)",
    },
    { type: "aws:ec2/natGateway:NatGateway", minutes: m(1, 2, 5), source: ISSUE + ": NAT gateway about 2 min" },
    {
        type: "aws:ec2/vpcEndpoint:VpcEndpoint",
        when: (i) => text(i.vpcEndpointType) === "Interface",
        variant: "interface",
        minutes: m(1, 2, 4),
        source: "estimate (interface endpoints provision ENIs in every subnet)",
    },
    { type: "aws:ec2/vpcEndpoint:VpcEndpoint", variant: "gateway", minutes: m(0.1, 0.3, 1), source: "estimate" },
    // The edge (components/cdn): slow to create, and kept off the data stores' path (test/edge/aws.test.ts).
    {
        type: "aws:cloudfront/distribution:Distribution",
        minutes: m(3, 8, 25),
        source: "estimate (distribution status Deployed)",
    },
    {
        type: /^aws:cloudfront\/(originAccessControl|cachePolicy|originRequestPolicy|responseHeadersPolicy|function):/,
        minutes: SECONDS,
        source: "estimate (CloudFront policies are global configuration objects returned at once; only distributions deploy to the edge)",
        checked: "2026-12-01",
    },
    {
        type: /^aws:wafv2\//,
        minutes: m(0.1, 0.5, 2),
        source: "estimate (WAFv2 CreateWebACL returns the ACL; CloudFront-scope ACLs in us-east-1)",
        checked: "2026-12-01",
    },
    {
        type: "aws:acm/certificate:Certificate",
        minutes: SECONDS,
        source: "estimate (the request; validation is the next row)",
        checked: "2026-12-01",
    },
    {
        type: "aws:acm/certificateValidation:CertificateValidation",
        minutes: m(1, 3, 30),
        source: "estimate (ACM DNS validation once the CNAMEs resolve)",
    },
    { type: "aws:route53/zone:Zone", minutes: m(0.5, 1, 2), source: "estimate (change status INSYNC)" },
    {
        type: /^aws:(lb|alb)\/loadBalancer:/,
        minutes: m(2, 3, 5),
        source: "estimate (load balancer provisioning)",
    },
    { type: /^aws:route53\/record:/, minutes: m(0.5, 1, 2), source: "estimate (waits for INSYNC)" },
    { type: /^aws:acm\/certificateValidation:/, minutes: m(1, 3, 30), source: "estimate (DNS validation)" },

    // ---- AWS: seconds ---------------------------------------------------------------------------------
    { type: /^aws:(iam|kms|ec2|s3|cloudwatch|sns|sqs|ecr|secretsmanager|ssm)\//, minutes: SECONDS, source: ISSUE },
    {
        type: /^aws:(rds|elasticache)\/(subnetGroup|parameterGroup|clusterParameterGroup):/,
        minutes: SECONDS,
        source: ISSUE,
    },
    {
        // Passwordless cache (components/cache): the user and the group are control-plane objects that settle
        // to "active"; the association modifies the replication group, which is unavailable for changes meanwhile.
        type: /^aws:elasticache\/(user|userGroup):/,
        minutes: m(0.1, 0.5, 2),
        source: "estimate (ElastiCache RBAC user / user group create waits for status active)",
        checked: "2026-12-01",
    },
    {
        type: "aws:elasticache/userGroupAssociation:UserGroupAssociation",
        minutes: m(1, 3, 10),
        source: "estimate (modifies the replication group's user groups and waits until it is available again)",
        checked: "2026-12-01",
    },
    {
        type: /^aws:eks\/(accessEntry|accessPolicyAssociation|podIdentityAssociation):/,
        minutes: SECONDS,
        source: ISSUE,
    },

    // ---- Azure: the slow ones -----------------------------------------------------------------------
    {
        type: "azure-native:dbforpostgresql:Server",
        when: (i) => text(i.createMode) === "Replica",
        variant: "read replica",
        minutes: m(10, 15, 30),
        source:
            "estimate: a new server seeded from the primary's backup (https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-read-replicas, " +
            '"Create a replica": the time depends on the primary\'s size); at least a server create (issue 7: 10-15 min)',
        checked: "2026-12-01",
    },
    {
        type: "azure-native:dataprotection:BackupInstance",
        minutes: m(1, 3, 10),
        source: "estimate (protection is configured and validated against the data source: a long-running ARM operation)",
        checked: "2026-12-01",
    },
    {
        type: /^azure-native:dataprotection:(BackupVault|BackupPolicy)$/,
        minutes: m(0.2, 0.5, 2),
        source: "estimate (ARM create of a vault / policy)",
        checked: "2026-12-01",
    },
    {
        type: /^azure-native:cdn:(AFDEndpoint|AFDOriginGroup|AFDOrigin|RuleSet|Rule|Secret)$/,
        minutes: m(0.5, 1, 5),
        source: "estimate (Front Door configuration objects; the edge deployment is counted on the Route)",
        checked: "2026-12-01",
    },
    {
        type: /^azure-native:dns:/,
        minutes: SECONDS,
        source: "estimate (Azure DNS zones and record sets)",
        checked: "2026-12-01",
    },
    {
        type: "azure-native:dbforpostgresql:Server",
        when: (i) => ["ZoneRedundant", "SameZone"].includes(text(i.highAvailability?.mode)),
        variant: "zone-redundant HA",
        minutes: m(15, 20, 30),
        source: ISSUE + ": flexible server about 10-15 min; the standby adds to it (figures are an estimate)",
    },
    {
        type: "azure-native:dbforpostgresql:Server",
        minutes: m(10, 12.5, 15),
        source: ISSUE + ": PostgreSQL flexible server about 10-15 min",
    },
    {
        type: /^azure-native:dbforpostgresql:(Configuration|Database|FirewallRule|Administrator)$/,
        minutes: m(0.2, 0.5, 1),
        source: "estimate (server-side operations, applied one at a time per server)",
    },
    {
        type: "azure-native:redisenterprise:RedisEnterprise",
        minutes: m(10, 20, 45),
        source:
            "https://github.com/Azure/AzureCacheForRedis/issues/6 (20+ min typical, Microsoft); " +
            "https://github.com/hashicorp/terraform-provider-azurerm/pull/30932 (Managed Redis create timeout raised 30 -> 45 min)",
    },
    {
        type: "azure-native:redisenterprise:Database",
        minutes: m(1, 2, 5),
        source: "estimate (database on an existing cluster)",
    },
    { type: "azure-native:redis:Redis", minutes: m(20, 25, 30), source: ISSUE + ": Azure Cache for Redis 20-30 min" },
    {
        type: "azure-native:containerservice:ManagedCluster",
        minutes: m(10, 12.5, 30),
        source: ISSUE + ": AKS about 10-15 min; https://github.com/Azure/AKS/issues/585 (20-30 min reported)",
    },
    {
        type: "azure-native:containerservice:AgentPool",
        minutes: m(3, 5, 10),
        source: "https://github.com/Azure/AKS/issues/1439 (node pools 4-9 min)",
    },
    { type: "azure-native:network:NatGateway", minutes: m(1, 2, 5), source: ISSUE + ": NAT gateway about 2 min" },
    { type: "azure-native:network:PrivateEndpoint", minutes: m(1, 1.5, 3), source: "estimate" },
    { type: /^azure-native:(privatedns|network):PrivateZone$/, minutes: m(0.5, 1, 2), source: "estimate" },
    { type: /^azure-native:(privatedns|network):VirtualNetworkLink$/, minutes: m(0.5, 0.5, 1), source: "estimate" },
    { type: "azure-native:keyvault:Vault", minutes: m(0.5, 1, 2), source: "estimate" },
    { type: "azure-native:containerregistry:Registry", minutes: m(0.3, 0.5, 1), source: "estimate" },
    { type: "azure-native:storage:StorageAccount", minutes: m(0.3, 0.5, 1), source: "estimate" },
    { type: "azure-native:cdn:Profile", minutes: m(1, 2, 5), source: "estimate (Front Door Premium profile)" },
    {
        type: "azure-native:cdn:AFDCustomDomain",
        minutes: m(5, 15, 60),
        source: "estimate (domain validation and managed certificate issuance)",
    },
    { type: "azure-native:cdn:Route", minutes: m(1, 5, 20), source: "estimate (configuration propagates to the edge)" },
    { type: "azure-native:cdn:SecurityPolicy", minutes: m(1, 3, 10), source: "estimate" },
    { type: "azure-native:operationalinsights:Workspace", minutes: m(0.3, 0.5, 1), source: "estimate" },
    { type: "azure-native:dashboard:Grafana", minutes: m(2, 3, 5), source: "estimate (Azure Managed Grafana)" },
    { type: "azure-native:monitor:AzureMonitorWorkspace", minutes: m(0.5, 1, 2), source: "estimate" },
    {
        type: "azure-native:authorization:RoleAssignment",
        minutes: m(0.1, 0.3, 1),
        source: "estimate (role assignments take a while to propagate)",
    },

    // ---- Azure: seconds -------------------------------------------------------------------------------
    {
        type: /^azure-native:(resources|network|managedidentity|insights|applicationinsights|alertsmanagement|monitor|portal|storage|keyvault|operationalinsights|privatedns|containerservice|dbforpostgresql|redisenterprise|containerregistry|authorization):/,
        minutes: SECONDS,
        source: ISSUE,
    },

    {
        // components/shared/azure-keys.ts GrantPropagation: a dynamic resource that sleeps `seconds` after a Key
        // Vault role assignment before the data store that uses the key is created.
        type: "pulumi-nodejs:dynamic:Resource",
        when: (i) => Number(i.seconds) > 0,
        variant: "Key Vault grant propagation",
        minutes: m(10, 10, 10),
        source:
            "components/shared/azure-keys.ts KEY_VAULT_RBAC_PROPAGATION_SECONDS = 600 (MicrosoftDocs/azure-docs " +
            "articles/key-vault/general/rbac-guide.md: up to 10 minutes for a role assignment to apply); it sleeps exactly that",
        checked: "2026-12-01",
    },

    {
        // components/cluster/azure-access.ts: polls the AKS API every 10 s until the deployer's new role
        // assignment is honoured (three answers in a row), giving up after 600 s.
        type: "pulumi-nodejs:dynamic:Resource",
        variant: "AKS grant probe",
        minutes: m(0.5, 2, 10),
        source:
            'components/cluster/azure-access.ts DEFAULT_PROBE_TIMING (timeout 600 s); "New role assignments can take up to ' +
            'five minutes to propagate" (the Azure RBAC doc quoted there); typical is an estimate',
        checked: "2026-12-01",
    },
    {
        // Node-disk keys (K2): the AKS cluster names this set; an ARM create that returns once the set exists.
        type: "azure-native:compute:DiskEncryptionSet",
        minutes: m(0.2, 0.5, 2),
        source: "estimate (ARM create of a disk encryption set with its system-assigned identity)",
        checked: "2026-12-01",
    },
    {
        type: "azure-native:frontdoor:Policy",
        minutes: m(0.2, 0.5, 2),
        source: "estimate (the Front Door WAF policy is an ARM create; it reaches the edge with the security policy)",
        checked: "2026-12-01",
    },

    // ---- Kubernetes -----------------------------------------------------------------------------------
    {
        type: /^kubernetes:helm\.sh\/v\d:Release$/,
        when: (i) => isTrue(i.skipAwait),
        variant: "skipAwait",
        minutes: SECONDS,
        source: ISSUE + ": Kubernetes objects seconds (nothing awaited)",
    },
    {
        type: /^kubernetes:helm\.sh\/v\d:Release$/,
        when: (i) => text(i.chart) === "velero",
        variant: "velero",
        minutes: m(0.5, 1.5, 5),
        source:
            "estimate: one Deployment and the upgrade-CRDs hook Job (vmware-tanzu/helm-charts@velero-12.1.0); helm.v3.Release " +
            "waits until both are ready",
        checked: "2026-12-01",
    },
    {
        type: /^kubernetes:helm\.sh\/v\d:Release$/,
        when: (i) => /kube-prometheus-stack/.test(text(i.chart)),
        variant: "kube-prometheus-stack",
        minutes: m(1.5, 3, 10),
        source:
            "https://github.com/linode/cluster-api-provider-linode/pull/405 (usually 90 s); " +
            "https://github.com/spack/spack-infrastructure/pull/1191 (often over the 10 min default)",
    },
    {
        type: /^kubernetes:helm\.sh\/v\d:Release$/,
        when: (i) => /ingress-nginx/.test(text(i.chart)),
        variant: "ingress-nginx",
        minutes: m(1, 2, 5),
        source: "estimate (waits for the controller and its cloud load balancer)",
    },
    {
        type: /^kubernetes:helm\.sh\/v\d:Release$/,
        minutes: m(0.5, 1.5, 5),
        source: "estimate; helm.v3.Release waits until every resource is ready (@pulumi/kubernetes docs)",
    },
    {
        type: /^kubernetes:apps\/v1:(Deployment|StatefulSet|DaemonSet)$/,
        when: (i) => text(i.metadata?.annotations?.["pulumi.com/skipAwait"]) === "true",
        variant: "skipAwait",
        minutes: SECONDS,
        source: ISSUE,
    },
    {
        type: /^kubernetes:apps\/v1:(Deployment|StatefulSet|DaemonSet)$/,
        minutes: m(0.3, 1, 10),
        source: "estimate; @pulumi/kubernetes waits for the rollout (up to 10 min)",
    },
    {
        type: "kubernetes:core/v1:Service",
        when: (i) => text(i.spec?.type) === "LoadBalancer",
        variant: "LoadBalancer",
        minutes: m(1, 2, 5),
        source: "estimate (waits for the cloud load balancer's address)",
    },
    {
        type: "kubernetes:networking.k8s.io/v1:Ingress",
        minutes: m(0.3, 1, 5),
        source: "estimate; @pulumi/kubernetes waits for the Ingress to get an address",
    },
    { type: /^kubernetes:batch\/v1:Job$/, minutes: m(0.3, 1, 10), source: "estimate (waits for completion)" },
    { type: /^kubernetes:/, minutes: m(0.02, 0.05, 0.2), source: ISSUE + ": Kubernetes objects seconds" },

    // ---- images ---------------------------------------------------------------------------------------
    {
        type: /^(docker:index\/image:Image|docker-build:index:Image)$/,
        minutes: m(1, 3, 10),
        source: "estimate (build and push)",
    },
    { type: /^docker:/, minutes: m(0.1, 0.5, 2), source: "estimate" },
];

/** Weight of a type nobody has measured yet; such types are listed in the results so a row gets added. */
export const UNKNOWN: WeightRule = { type: "*", minutes: m(0.1, 0.5, 2), source: "no row in bench/weights.ts" };

export interface Weight {
    readonly minutes: Minutes;
    readonly variant?: string;
    readonly source: string;
    /** False when no row matched and UNKNOWN was used. */
    readonly known: boolean;
}

/** The creation time of one custom resource. Components take no time of their own. */
export function weightOf(type: string, inputs: Inputs = {}): Weight {
    for (const rule of WEIGHTS) {
        const typeMatches = typeof rule.type === "string" ? rule.type === type : rule.type.test(type);
        if (typeMatches && (!rule.when || safely(() => rule.when!(inputs)))) {
            return { minutes: rule.minutes, variant: rule.variant, source: rule.source, known: true };
        }
    }
    return { minutes: UNKNOWN.minutes, source: UNKNOWN.source, known: false };
}

function safely(test: () => boolean): boolean {
    try {
        return test();
    } catch {
        return false;
    }
}
