/**
 * Physical names within every cloud's limit for the longest stack name we support (20 characters), on both
 * clouds, and resources with fixed physical names that can be replaced. Runs the real program with the prod
 * stack's configuration (the largest graph) under a 20-character stack name.
 *
 * A physical name is what the program sets explicitly, or else what Pulumi's auto-naming derives: the
 * logical name plus 8 characters ("-" and 7 random on AWS, "name '...' plus 7 random chars is longer than
 * maximum length" in pulumi-terraform-bridge; 8 hex digits on azure-native, pulumi/pulumi-azure-native#3406).
 * An auto-generated name that does not fit fails the deployment (the bridge refuses it, the cloud rejects
 * it on azure-native), so both count.
 */
import * as assert from "assert";
import { ProgramRun, ResourceRecord, plain, runProgram } from "../../check/runtime";
import { loadStackConfig } from "../../check/stack";
import { AUTONAME_SUFFIX_LENGTH, fitName } from "../../components/shared/names";
import { Cloud } from "../harness";

/** The longest stack name the program supports. */
const LONG_STACK = "abcdefghijklmnopqrst";

/**
 * How a replacement of a resource with a fixed (explicit) physical name avoids a name conflict:
 * - `deleteBeforeReplace`: the program sets the option (asserted);
 * - a string: the provider deletes first by itself, or the resource is only ever replaced under a new
 *   name; the string says which, with its source.
 * Auto-named resources get a fresh name on replacement, so they need neither.
 */
type Replacement = "deleteBeforeReplace" | string;

const BRIDGE_DBR =
    "the bridge deletes before replacing when an auto-nameable property was set explicitly " +
    "(pulumi-terraform-bridge pkg/tfbridge nameRequiresDeleteBeforeReplace)";
const AZURE_DBR =
    "azure-native replaces explicitly named resources delete-first; only randomly auto-named ones are " +
    "created first (pulumi/pulumi-azure-native#519)";
const KUBERNETES_DBR =
    "the Kubernetes provider deletes before replacing an object with a fixed metadata.name " +
    "(pulumi/pulumi-terraform#383 quotes its Diff)";
const NAME_FORCES_NEW = "replaced only when the name itself changes, so the new one never conflicts";

interface Limit {
    readonly type: string;
    /** The input holding the physical name. */
    readonly property: string;
    readonly min: number;
    readonly max: number;
    readonly pattern?: RegExp;
    /** Whether Pulumi auto-names the property when the program leaves it out. */
    readonly autonamed: boolean;
    readonly replacement: Replacement;
    readonly source: string;
}

/** The limits of every physical name the program sets, per service, with their sources. */
const LIMITS: Limit[] = [
    // This wave's explicitly named AWS resources (backup, RDS Proxy); the bridge deletes them first on replacement.
    {
        type: "aws:backup/vault:Vault",
        property: "name",
        min: 2,
        max: 50,
        pattern: /^[a-zA-Z0-9_-]+$/,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupVault.html (^[a-zA-Z0-9\\-\\_]{2,50}$)",
    },
    {
        type: "aws:backup/plan:Plan",
        property: "name",
        min: 1,
        max: 50,
        pattern: /^[a-zA-Z0-9._-]+$/,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupPlanInput.html (alphanumeric or -_., at most 50)",
    },
    {
        type: "aws:backup/selection:Selection",
        property: "name",
        min: 1,
        max: 50,
        pattern: /^[a-zA-Z0-9._-]+$/,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html (^[a-zA-Z0-9\\-\\_\\.]{1,50}$)",
    },
    {
        type: "aws:rds/proxy:Proxy",
        property: "name",
        min: 1,
        max: 63,
        pattern: /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$/,
        autonamed: false,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBProxy.html (letter first, letters, digits, hyphens; no trailing or double hyphen)",
    },
    {
        type: "aws:secretsmanager/secret:Secret",
        property: "name",
        min: 1,
        max: 512,
        pattern: /^[a-zA-Z0-9/_+=.@-]+$/,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html (1-512, letters, digits, /_+=.@-)",
    },
    {
        type: "aws:wafv2/webAcl:WebAcl",
        property: "name",
        min: 1,
        max: 128,
        pattern: /^[\w-]+$/,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html (^[\\w\\-]+$, 1-128)",
    },
    {
        type: "azure-native:frontdoor:Policy",
        property: "policyName",
        min: 1,
        max: 128,
        pattern: /^[a-zA-Z][a-zA-Z0-9]*$/,
        autonamed: false,
        replacement: AZURE_DBR,
        source: "@pulumi/azure-native frontdoor/policy.d.ts and https://learn.microsoft.com/azure/web-application-firewall/afds/waf-front-door-create-portal (letter first, letters and digits, at most 128)",
    },
    // AWS
    {
        type: "aws:iam/role:Role",
        property: "name",
        min: 1,
        max: 64,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (role name 64; namePrefix 38)",
    },
    {
        type: "aws:iam/rolePolicy:RolePolicy",
        property: "name",
        min: 1,
        max: 128,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html",
    },
    {
        type: "aws:elasticache/replicationGroup:ReplicationGroup",
        property: "replicationGroupId",
        min: 1,
        max: 40,
        pattern: /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/,
        autonamed: true,
        replacement: "deleteBeforeReplace",
        source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html (1-40, letter first, no --)",
    },
    // ElastiCache RBAC (passwordless cache): the API documents only "minimum length of 1" and
    // [a-zA-Z][a-zA-Z0-9\-]* for UserId/UserGroupId, stored lowercase; 40 is the program's own cap
    // (components/cache/aws-auth.ts elasticacheId), the replication group's limit, which this row holds it to.
    {
        type: "aws:elasticache/user:User",
        property: "userId",
        min: 1,
        max: 40,
        pattern: /^[a-z][a-z0-9-]*$/,
        autonamed: false,
        replacement: NAME_FORCES_NEW + " (user name follows the id; the access string and passwords update in place)",
        source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateUser.html (UserId: min 1, [a-zA-Z][a-zA-Z0-9-]*)",
    },
    {
        type: "aws:elasticache/userGroup:UserGroup",
        property: "userGroupId",
        min: 1,
        max: 40,
        pattern: /^[a-z][a-z0-9-]*$/,
        autonamed: false,
        replacement: NAME_FORCES_NEW + " (its members update in place)",
        source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateUserGroup.html (UserGroupId: [a-zA-Z][a-zA-Z0-9-]*)",
    },
    {
        type: "aws:elasticache/subnetGroup:SubnetGroup",
        property: "name",
        min: 1,
        max: 255,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheSubnetGroup.html",
    },
    {
        type: "aws:rds/instance:Instance",
        property: "identifier",
        min: 1,
        max: 63,
        pattern: /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/,
        autonamed: true,
        replacement: "deleteBeforeReplace",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (1-63, letter first)",
    },
    {
        type: "aws:rds/parameterGroup:ParameterGroup",
        property: "name",
        min: 1,
        max: 255,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBParameterGroup.html",
    },
    {
        type: "aws:rds/subnetGroup:SubnetGroup",
        property: "name",
        min: 1,
        max: 255,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html",
    },
    {
        type: "aws:s3/bucket:Bucket",
        property: "bucket",
        min: 3,
        max: 63,
        pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html (3-63 lowercase)",
    },
    {
        type: "aws:eks/cluster:Cluster",
        property: "name",
        min: 1,
        max: 100,
        pattern: /^[0-9A-Za-z][A-Za-z0-9_-]*$/,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html (1-100)",
    },
    {
        type: "aws:eks/nodeGroup:NodeGroup",
        property: "nodeGroupName",
        min: 1,
        max: 63,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html (1-63)",
    },
    {
        type: "aws:eks/addon:Addon",
        property: "addonName",
        min: 1,
        max: 100,
        autonamed: false,
        replacement: NAME_FORCES_NEW + " (the add-on's own name, one per cluster)",
        source: "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAddon.html",
    },
    {
        type: "aws:cloudwatch/logGroup:LogGroup",
        property: "name",
        min: 1,
        max: 512,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html (1-512)",
    },
    {
        type: "aws:cloudwatch/metricAlarm:MetricAlarm",
        property: "alarmName",
        min: 1,
        max: 255,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
    },
    {
        type: "aws:cloudwatch/dashboard:Dashboard",
        property: "dashboardName",
        min: 1,
        max: 255,
        autonamed: false,
        replacement: NAME_FORCES_NEW + " (the body updates in place)",
        source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html",
    },
    {
        type: "aws:kms/alias:Alias",
        property: "name",
        min: 7,
        max: 256,
        pattern: /^alias\/[a-zA-Z0-9/_-]+$/,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html (1-256 incl. alias/)",
    },
    {
        type: "aws:ecr/repository:Repository",
        property: "name",
        min: 2,
        max: 256,
        pattern: /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html (2-256)",
    },
    {
        type: "aws:ec2/securityGroup:SecurityGroup",
        property: "name",
        min: 1,
        max: 255,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
    },
    {
        type: "aws:sns/topic:Topic",
        property: "name",
        min: 1,
        max: 80,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html (256; the provider's auto-name caps at 80)",
    },
    {
        type: "aws:cloudwatch/eventRule:EventRule",
        property: "name",
        min: 1,
        max: 64,
        pattern: /^[.\-_A-Za-z0-9]+$/,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html (Name: 1-64, [.-_A-Za-z0-9]+)",
    },
    {
        type: "aws:ec2/launchTemplate:LaunchTemplate",
        property: "name",
        min: 3,
        max: 128,
        pattern: /^[a-zA-Z0-9().\-/_]+$/,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html (LaunchTemplateName: 3-128, [a-zA-Z0-9\\(\\)\\.\\-/_]+)",
    },
    {
        type: "aws:sqs/queue:Queue",
        property: "name",
        min: 1,
        max: 80,
        pattern: /^[A-Za-z0-9_-]+$/,
        autonamed: true,
        replacement: BRIDGE_DBR,
        source: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html (QueueName: up to 80 alnum, - and _)",
    },
    // Azure
    ...azure("resources:ResourceGroup", "resourceGroupName", 1, 90, undefined, "resource groups: 1-90"),
    ...azure("storage:StorageAccount", "accountName", 3, 24, /^[a-z0-9]+$/, "storage accounts: 3-24 lowercase alnum"),
    ...azure("containerregistry:Registry", "registryName", 5, 50, /^[a-zA-Z0-9]+$/, "registries: 5-50 alnum"),
    ...azure("keyvault:Vault", "vaultName", 3, 24, /^[a-zA-Z][a-zA-Z0-9-]+$/, "key vaults: 3-24"),
    // https://learn.microsoft.com/azure/templates/microsoft.keyvault/vaults/keys (name: ^[a-zA-Z0-9-]{1,127}$)
    ...azure("keyvault:Key", "keyName", 1, 127, /^[a-zA-Z0-9-]+$/, "key vault keys: 1-127"),
    ...azure("containerservice:ManagedCluster", "resourceName", 1, 63, undefined, "AKS clusters: 1-63"),
    ...azure("containerservice:ManagedCluster", "dnsPrefix", 1, 54, undefined, "AKS DNS prefix: 1-54"),
    ...azure("dbforpostgresql:Server", "serverName", 3, 63, /^[a-z0-9][a-z0-9-]*[a-z0-9]$/, "flexible servers: 3-63"),
    // Front Door (Microsoft.Cdn): "profiles 1-260; profiles/endpoints, originGroups, originGroups/origins and
    // afdEndpoints/routes 1-50, alphanumerics and hyphens, start and end with alphanumeric" (same page).
    ...azure(
        "cdn:Profile",
        "profileName",
        1,
        260,
        /^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/,
        "Front Door profiles: 1-260",
    ),
    ...azure("cdn:AFDEndpoint", "endpointName", 1, 50, /^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/, "endpoints: 1-50"),
    ...azure(
        "cdn:AFDOriginGroup",
        "originGroupName",
        1,
        50,
        /^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/,
        "origin groups: 1-50",
    ),
    ...azure("cdn:AFDOrigin", "originName", 1, 50, /^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/, "origins: 1-50"),
    ...azure("cdn:Route", "routeName", 1, 50, /^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/, "routes: 1-50"),
    // Microsoft.DataProtection: "backupVaults 2-50, alphanumerics and hyphens, start with letter" (same page).
    ...azure("dataprotection:BackupVault", "vaultName", 2, 50, /^[a-zA-Z][a-zA-Z0-9-]*$/, "backup vaults: 2-50"),
    // Microsoft.Compute: "diskEncryptionSets 1-80, alphanumerics, underscores and hyphens" (same page).
    ...azure(
        "compute:DiskEncryptionSet",
        "diskEncryptionSetName",
        1,
        80,
        /^[a-zA-Z0-9_-]+$/,
        "disk encryption sets: 1-80",
    ),
    ...azure("redisenterprise:RedisEnterprise", "clusterName", 1, 60, undefined, "Azure Managed Redis: 1-60"),
    // Managed Redis access policy assignments (passwordless cache): alphanumerics, 1-60
    // (components/cache/clients/azure.ts assignmentName: up to 52 of the service name plus an 8-hex digest).
    ...azure(
        "redisenterprise:AccessPolicyAssignment",
        "accessPolicyAssignmentName",
        1,
        60,
        /^[A-Za-z0-9]+$/,
        "access policy assignments: 1-60",
    ),

    ...azure("operationalinsights:Workspace", "workspaceName", 4, 63, undefined, "Log Analytics: 4-63"),
    ...azure("network:VirtualNetwork", "virtualNetworkName", 2, 64, undefined, "virtual networks: 2-64"),
    ...azure("network:NetworkSecurityGroup", "networkSecurityGroupName", 1, 80, undefined, "NSGs: 1-80"),
    ...azure("network:PrivateEndpoint", "privateEndpointName", 2, 64, undefined, "private endpoints: 2-64"),
    ...azure("managedidentity:UserAssignedIdentity", "resourceName", 3, 128, undefined, "identities: 3-128"),
    ...azure("monitor:DataCollectionRule", "dataCollectionRuleName", 1, 64, undefined, "data collection rules: 1-64"),
    ...azure(
        "monitor:AzureMonitorWorkspace",
        "azureMonitorWorkspaceName",
        4,
        44,
        undefined,
        "Azure Monitor workspaces: 4-44",
    ),
    ...azure(
        "monitor:DataCollectionEndpoint",
        "dataCollectionEndpointName",
        3,
        44,
        undefined,
        "data collection endpoints: 3-44",
    ),
    ...azure(
        "alertsmanagement:PrometheusRuleGroup",
        "ruleGroupName",
        1,
        260,
        undefined,
        "Prometheus rule groups: 1-260",
    ),
    ...azure("monitor:DiagnosticSetting", "name", 1, 260, undefined, "diagnostic settings"),
    {
        type: "azure-native:privatedns:PrivateZone",
        property: "privateZoneName",
        min: 1,
        max: 253,
        // Each DNS label at most 63 characters.
        pattern: /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/,
        autonamed: false,
        replacement: AZURE_DBR,
        source: "https://learn.microsoft.com/azure/dns/private-dns-privatednszone (DNS names: labels 1-63, 253 in all)",
    },
    ...azure("monitor:ActionGroup", "groupShortName", 1, 12, undefined, "action group short names: 1-12"),
];

/** An Azure row: limits from https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules. */
function azure(
    type: string,
    property: string,
    min: number,
    max: number,
    pattern: RegExp | undefined,
    what: string,
): Limit[] {
    const autonamed = property !== "dnsPrefix" && property !== "groupShortName";
    return [
        {
            type: `azure-native:${type}`,
            property,
            min,
            max,
            pattern,
            autonamed,
            replacement: autonamed ? AZURE_DBR : NAME_FORCES_NEW,
            source: `https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules (${what})`,
        },
    ];
}

/** Kubernetes names: DNS labels for namespaces and services, DNS subdomains otherwise. */
const KUBERNETES_SOURCE = "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/";
function kubernetesMax(type: string): number {
    return type === "kubernetes:core/v1:Namespace" || type === "kubernetes:core/v1:Service" ? 63 : 253;
}

/** Resource types without a physical name of their own (ids the cloud assigns, or names fixed by the parent). */
const UNNAMED = new Set([
    // Names fixed by the stack's configuration (the DNS zone, its hosts), not by the stack name.
    "aws:route53/zone:Zone",
    "aws:route53/record:Record",
    "aws:acm/certificate:Certificate",
    "azure-native:dns:Zone",
    "azure-native:dns:RecordSet",
    // No name of their own: attached to a named parent (certificate, bucket, vault, proxy, secret) or given an id.
    "aws:acm/certificateValidation:CertificateValidation",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
    "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
    "aws:rds/proxyTarget:ProxyTarget",
    "aws:secretsmanager/secretVersion:SecretVersion",
    "aws:cloudfront/distribution:Distribution",
    "aws:cloudwatch/eventTarget:EventTarget",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:ec2/eip:Eip",
    "aws:ec2/flowLog:FlowLog",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/vpc:Vpc",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    "aws:eks/accessEntry:AccessEntry",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:kms/key:Key",
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:sqs/queuePolicy:QueuePolicy",
    // Membership of a user in the cache's user group: identified by the pair, no name of its own.
    "aws:elasticache/userGroupAssociation:UserGroupAssociation",
    // Front Door children the name-rules page lists no rule for: a security policy and the custom domains
    // (named after the hosts); and a Backup vault's policies and instances, which the page does not list either.
    "azure-native:cdn:SecurityPolicy",
    "azure-native:cdn:AFDCustomDomain",
    "azure-native:dataprotection:BackupPolicy",
    "azure-native:dataprotection:BackupInstance",
    // Azure children and extension resources: short fixed names ("default", parameter names, GUIDs).
    "azure-native:applicationinsights:Workbook",
    "azure-native:authorization:ManagementLockByScope",
    "azure-native:authorization:RoleAssignment",
    // Velero's custom role (components/workloads/backup/azure.ts): its resource name is a GUID; `roleName` is a
    // display name (`<stack prefix>-velero-disk-snapshots`), not a physical resource name.
    "azure-native:authorization:RoleDefinition",
    "azure-native:dbforpostgresql:Configuration",
    "azure-native:dbforpostgresql:Database",
    // The server's Entra administrator: its resource name is the principal's object id (a GUID).
    "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra",
    "azure-native:managedidentity:FederatedIdentityCredential",
    "azure-native:monitor:DataCollectionRuleAssociation",
    "azure-native:monitor:MetricAlert",
    "azure-native:network:PrivateDnsZoneGroup",
    // `<stack prefix>-vnet` under the region's Network Watcher (flow log names allow 80 characters).
    "azure-native:network:FlowLog",
    "azure-native:network:Subnet",
    "azure-native:privatedns:VirtualNetworkLink",
    "azure-native:redisenterprise:Database",
    "azure-native:storage:BlobContainer",
    "azure-native:storage:BlobServiceProperties",
    "azure-native:storage:ManagementPolicy",
    "random:index/randomPassword:RandomPassword",
    // The AKS RBAC access probe (components/cluster/azure-access.ts): a dynamic resource, nothing in the cloud.
    "pulumi-nodejs:dynamic:Resource",
]);

interface PhysicalName {
    readonly resource: ResourceRecord;
    readonly limit: Limit;
    readonly value: string;
    readonly explicit: boolean;
}

/** Every physical name in the run that a row of LIMITS covers. */
function physicalNames(run: ProgramRun): PhysicalName[] {
    return run.resources.flatMap((resource) => {
        const i = plain(resource.inputs) as Record<string, unknown>;
        return LIMITS.filter((l) => l.type === resource.type).flatMap((limit) => {
            const explicit = typeof i[limit.property] === "string";
            if (limit.property === "name" && typeof i.namePrefix === "string") {
                // The provider appends a 26-character unique suffix to a name prefix (terraform's
                // id.PrefixedUniqueId), so the generated name is the prefix plus 26.
                return [{ resource, limit, value: `${i.namePrefix}${"x".repeat(26)}`, explicit: false }];
            }
            if (!explicit && !limit.autonamed) return [];
            const value = explicit
                ? String(i[limit.property])
                : `${resource.name}-${"x".repeat(AUTONAME_SUFFIX_LENGTH - 1)}`;
            return [{ resource, limit, value, explicit }];
        });
    });
}

async function runLongStack(cloud: Cloud): Promise<ProgramRun> {
    const { project, config } = loadStackConfig("prod", [`platform:cloud=${cloud}`]);
    return runProgram({ project, stack: LONG_STACK, config });
}

describe("physical names (shared/names.ts)", () => {
    it("keeps a name that fits unchanged, so that existing stacks keep their resources", () => {
        assert.strictEqual(fitName("platform-prod-cache-rg", 40), "platform-prod-cache-rg");
    });
    it("shortens a long name to the limit, deterministically, keeping both ends", () => {
        const long = "platform-abcdefghijklmnopqrst-workloads-monitoring-alert-route-role";
        const short = fitName(long, 37);
        assert.ok(short.length <= 37, short);
        assert.strictEqual(short, fitName(long, 37));
        assert.ok(short.startsWith("platform-") && short.endsWith("route-role"), short);
        assert.notStrictEqual(fitName(`${long}-a`, 37), fitName(`${long}-b`, 37));
    });
});

for (const cloud of ["aws", "azure"] as const) {
    describe(`physical names on ${cloud} with a ${LONG_STACK.length}-character stack name (${LONG_STACK})`, () => {
        let run: ProgramRun;
        before(async () => {
            run = await runLongStack(cloud);
        });

        it("stay within every service's length and character rules, so that the deployment does not fail", () => {
            const names = physicalNames(run);
            assert.ok(names.length > 10, "the table covers the program's names");
            const broken = names
                .filter(
                    ({ limit, value }) =>
                        value.length < limit.min ||
                        value.length > limit.max ||
                        (limit.pattern !== undefined && !limit.pattern.test(value)),
                )
                .map(
                    ({ resource, limit, value }) =>
                        `${resource.type} ${resource.name}: ${limit.property} "${value}" (${value.length}) ` +
                        `outside ${limit.min}-${limit.max}${limit.pattern ? ` ${limit.pattern}` : ""} (${limit.source})`,
                );
            assert.deepStrictEqual(broken, []);
        });

        // Their fixed metadata.name values can be replaced: see KUBERNETES_DBR.
        it(`keep Kubernetes object names within DNS label / subdomain limits (replacement: ${KUBERNETES_DBR})`, () => {
            const broken = run.resources
                .filter((r) => r.type.startsWith("kubernetes:") && r.custom && !r.type.startsWith("pulumi:"))
                .map((r) => ({ r, name: (plain(r.inputs) as { metadata?: { name?: string } }).metadata?.name }))
                .filter(({ r, name }) => (name ?? `${r.name}-xxxxxxx`).length > kubernetesMax(r.type))
                .map(
                    ({ r, name }) =>
                        `${r.type} ${r.name}: ${name} over ${kubernetesMax(r.type)} (${KUBERNETES_SOURCE})`,
                );
            assert.deepStrictEqual(broken, []);
        });

        it("cover every resource type the program creates (a new type needs a row or a reason)", () => {
            const covered = new Set(LIMITS.map((l) => l.type));
            const missing = [
                ...new Set(
                    run.resources
                        .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
                        .filter((r) => !r.type.startsWith("kubernetes:"))
                        .map((r) => r.type),
                ),
            ].filter((t) => !covered.has(t) && !UNNAMED.has(t));
            assert.deepStrictEqual(missing, []);
        });

        it("can replace every resource with a fixed physical name (deleteBeforeReplace or a provider that deletes first)", () => {
            const unsafe = physicalNames(run)
                .filter(({ explicit }) => explicit)
                .filter(
                    ({ resource, limit }) =>
                        limit.replacement === "deleteBeforeReplace" && !resource.deleteBeforeReplace,
                )
                .map(
                    ({ resource, limit }) =>
                        `${resource.type} ${resource.name} sets ${limit.property} without deleteBeforeReplace`,
                );
            assert.deepStrictEqual(unsafe, []);
            for (const { limit } of physicalNames(run).filter((n) => n.explicit)) {
                assert.ok(
                    limit.replacement.length > 0,
                    `${limit.type}: say how a replacement avoids the name conflict`,
                );
            }
        });

        if (cloud === "aws") {
            it("deletes the RDS instance and its log groups before replacing them (fixed identifier and log group names)", () => {
                const ours = run.resources.filter(
                    (r) =>
                        r.type === "aws:rds/instance:Instance" ||
                        (r.type === "aws:cloudwatch/logGroup:LogGroup" &&
                            String((plain(r.inputs) as { name?: string }).name).startsWith("/aws/rds/")),
                );
                // The primary, prod's read replica (platform:database readReplicas 1) and the log groups.
                assert.strictEqual(ours.length, 4);
                assert.deepStrictEqual(
                    ours.filter((r) => !r.deleteBeforeReplace).map((r) => r.name),
                    [],
                );
            });
        } else {
            // AKS names its node resource group MC_<group>_<cluster>_<location> and rejects one over 80
            // characters ("The length of the node resource group name is too long. The maximum length is 80",
            // https://aka.ms/aks-naming-rules).
            it("keeps the AKS node resource group within 80 characters", () => {
                const aks = run.resources.find((r) => r.type === "azure-native:containerservice:ManagedCluster")!;
                const i = plain(aks.inputs) as { nodeResourceGroup?: string; resourceName: string; location: string };
                const group = plain(
                    run.resources.find((r) => r.type === "azure-native:resources:ResourceGroup")!.inputs,
                ) as { resourceGroupName: string };
                const nodeGroup =
                    i.nodeResourceGroup ?? `MC_${group.resourceGroupName}_${i.resourceName}_${i.location}`;
                assert.ok(nodeGroup.length <= 80, `${nodeGroup} (${nodeGroup.length})`);
            });
        }
    });
}
