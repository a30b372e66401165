/**
 * The slices of resource inputs (and component outputs) the policies read, in the providers' own
 * property names. Kept here as plain interfaces so the pack does not load provider SDKs at start-up;
 * `test/policies/shapes.test.ts` checks at compile time that every property named here exists, with a
 * compatible type, in `@pulumi/aws`, `@pulumi/azure-native` and the platform's component contracts.
 */

/** Type tokens of the resources the policies look at. */
export const TYPES = {
    rdsInstance: "aws:rds/instance:Instance",
    rdsProxy: "aws:rds/proxy:Proxy",
    rdsParameterGroup: "aws:rds/parameterGroup:ParameterGroup",
    elastiCacheReplicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    s3Buckets: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    s3Encryption: [
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    ],
    s3PublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    s3BucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    s3Versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
    eksCluster: "aws:eks/cluster:Cluster",
    kmsKey: "aws:kms/key:Key",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    rdsBackupReplication: "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
    snsTopic: "aws:sns/topic:Topic",
    ecrRepository: "aws:ecr/repository:Repository",
    s3Lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    subnet: "aws:ec2/subnet:Subnet",
    vpc: "aws:ec2/vpc:Vpc",
    flowLog: "aws:ec2/flowLog:FlowLog",

    postgresServer: "azure-native:dbforpostgresql:Server",
    postgresConfiguration: "azure-native:dbforpostgresql:Configuration",
    redisCluster: "azure-native:redisenterprise:RedisEnterprise",
    redisDatabase: "azure-native:redisenterprise:Database",
    storageAccount: "azure-native:storage:StorageAccount",
    blobServiceProperties: "azure-native:storage:BlobServiceProperties",
    aksCluster: "azure-native:containerservice:ManagedCluster",
    aksAgentPool: "azure-native:containerservice:AgentPool",
    containerRegistry: "azure-native:containerregistry:Registry",
    managementLock: "azure-native:authorization:ManagementLockByScope",
    storageManagementPolicy: "azure-native:storage:ManagementPolicy",
    redisAccessPolicyAssignment: "azure-native:redisenterprise:AccessPolicyAssignment",
    diagnosticSetting: "azure-native:monitor:DiagnosticSetting",
    virtualNetwork: "azure-native:network:VirtualNetwork",
    networkFlowLog: "azure-native:network:FlowLog",

    database: "platform:database:Database",
    cache: "platform:cache:Cache",
    storage: "platform:storage:Storage",
} as const;

// ---- AWS ---------------------------------------------------------------------------------------------

/** `aws.rds.Instance` */
export interface RdsInstance {
    engine?: string;
    engineVersion?: string;
    storageEncrypted?: boolean;
    kmsKeyId?: string;
    backupRetentionPeriod?: number;
    deletionProtection?: boolean;
    skipFinalSnapshot?: boolean;
    finalSnapshotIdentifier?: string;
    multiAz?: boolean;
    parameterGroupName?: string;
    replicateSourceDb?: string;
    performanceInsightsEnabled?: boolean;
    performanceInsightsKmsKeyId?: string;
    databaseInsightsMode?: string;
    deleteAutomatedBackups?: boolean;
    publiclyAccessible?: boolean;
    iamDatabaseAuthenticationEnabled?: boolean;
    autoMinorVersionUpgrade?: boolean;
    enabledCloudwatchLogsExports?: string[];
}

/** `aws.rds.InstanceAutomatedBackupsReplication` */
export interface RdsBackupReplication {
    kmsKeyId?: string;
    retentionPeriod?: number;
    sourceDbInstanceArn: string;
}

/** `aws.sns.Topic` */
export interface SnsTopic {
    kmsMasterKeyId?: string;
}

/** `aws.ecr.Repository` */
export interface EcrRepository {
    encryptionConfigurations?: { encryptionType?: string; kmsKey?: string }[];
    imageTagMutability?: string;
    imageScanningConfiguration?: { scanOnPush?: boolean };
}

/** `aws.s3.BucketLifecycleConfiguration` */
export interface S3BucketLifecycle {
    bucket: string;
    rules: { status: string; noncurrentVersionExpiration?: { noncurrentDays?: number } }[];
}

/** `aws.rds.ParameterGroup` */
export interface RdsParameterGroup {
    name?: string;
    family?: string;
    parameters?: { name: string; value: string }[];
}

/** `aws.elasticache.ReplicationGroup` */
export interface ElastiCacheReplicationGroup {
    engine?: string;
    atRestEncryptionEnabled?: boolean;
    kmsKeyId?: string;
    transitEncryptionEnabled?: boolean;
    transitEncryptionMode?: string;
    authToken?: string;
    userGroupIds?: string[];
    snapshotRetentionLimit?: number;
    automaticFailoverEnabled?: boolean;
    multiAzEnabled?: boolean;
    numCacheClusters?: number;
    autoMinorVersionUpgrade?: boolean;
}

/**
 * `aws.s3.Bucket`: only its physical name. Its inline sub-configurations (`serverSideEncryptionConfiguration`,
 * `versioning`, `policy`, `lifecycleRules`, `logging`) are deprecated, computed outputs the rules never read;
 * they judge the separate configuration resources instead.
 */
export interface S3Bucket {
    bucket?: string;
    forceDestroy?: boolean;
}

export interface S3DefaultEncryption {
    sseAlgorithm: string;
    kmsMasterKeyId?: string;
}

/** `aws.s3.BucketServerSideEncryptionConfiguration` */
export interface S3BucketEncryption {
    bucket: string;
    rules: { applyServerSideEncryptionByDefault?: S3DefaultEncryption }[];
}

/** `aws.s3.BucketPublicAccessBlock` */
export interface S3PublicAccessBlock {
    bucket: string;
    blockPublicAcls?: boolean;
    blockPublicPolicy?: boolean;
    ignorePublicAcls?: boolean;
    restrictPublicBuckets?: boolean;
}

/** `aws.s3.BucketPolicy` */
export interface S3BucketPolicy {
    bucket: string;
    policy: string | object;
}

/** `aws.s3.BucketVersioning` */
export interface S3BucketVersioning {
    bucket: string;
    versioningConfiguration: { status: string };
}

/** `aws.eks.Cluster` */
export interface EksCluster {
    encryptionConfig?: { provider: { keyArn: string }; resources: string[] };
    accessConfig?: { authenticationMode?: string };
    enabledClusterLogTypes?: string[];
}

/** `aws.ec2.FlowLog` */
export interface FlowLog {
    vpcId?: string;
    trafficType?: string;
}

/** `aws.kms.Key` */
export interface KmsKey {
    enableKeyRotation?: boolean;
    customerMasterKeySpec?: string;
    keyUsage?: string;
    customKeyStoreId?: string;
    policy?: string;
    deletionWindowInDays?: number;
}

/** `aws.cloudwatch.LogGroup` */
export interface LogGroup {
    kmsKeyId?: string;
    retentionInDays?: number;
}

// ---- Azure -------------------------------------------------------------------------------------------

/** `aws.rds.Proxy` */
export interface RdsProxy {
    requireTls?: boolean;
    engineFamily?: string;
}

/** `azure-native.dbforpostgresql.Server` (flexible server) */
export interface PostgresServer {
    createMode?: string;
    sku?: { name?: string; tier?: string };
    backup?: { backupRetentionDays?: number; geoRedundantBackup?: string };
    network?: { publicNetworkAccess?: string; delegatedSubnetResourceId?: string };
    highAvailability?: { mode?: string };
    replicationRole?: string;
    dataEncryption?: { type?: string; primaryKeyURI?: string; geoBackupKeyURI?: string };
    authConfig?: { activeDirectoryAuth?: string; passwordAuth?: string };
}

/** `azure-native.dbforpostgresql.Configuration` (one server parameter) */
export interface PostgresConfiguration {
    configurationName?: string;
    value?: string;
}

/** `azure-native.redisenterprise.RedisEnterprise` (the Azure Managed Redis cluster) */
export interface RedisCluster {
    minimumTlsVersion?: string;
    publicNetworkAccess?: string;
    highAvailability?: string;
    encryption?: { customerManagedKeyEncryption?: { keyEncryptionKeyUrl?: string } };
}

/** `azure-native.redisenterprise.Database` */
export interface RedisDatabase {
    clientProtocol?: string;
    clusterName?: string;
    accessKeysAuthentication?: string;
    persistence?: { aofEnabled?: boolean; rdbEnabled?: boolean };
}

/** `azure-native.storage.StorageAccount` */
export interface StorageAccount {
    accountName?: string;
    allowSharedKeyAccess?: boolean;
    enableHttpsTrafficOnly?: boolean;
    minimumTlsVersion?: string;
    allowBlobPublicAccess?: boolean;
    encryption?: {
        requireInfrastructureEncryption?: boolean;
        keySource?: string;
        keyVaultProperties?: { keyName?: string; keyVaultUri?: string };
    };
    sku?: { name: string };
}

/** `azure-native.authorization.ManagementLockByScope` */
export interface ManagementLock {
    level: string;
    scope: string;
}

/** `azure-native.storage.ManagementPolicy` (lifecycle rules) */
export interface StorageManagementPolicy {
    accountName: string;
    policy: {
        rules: {
            enabled?: boolean;
            definition: { actions: { version?: { delete?: { daysAfterCreationGreaterThan?: number } } } };
        }[];
    };
}

/** `azure-native.storage.BlobServiceProperties` */
export interface BlobServiceProperties {
    accountName?: string;
    isVersioningEnabled?: boolean;
    deleteRetentionPolicy?: { enabled?: boolean; days?: number };
    containerDeleteRetentionPolicy?: { enabled?: boolean; days?: number };
}

/** `azure-native.containerservice.ManagedCluster` (AKS) */
export interface AksCluster {
    aadProfile?: { managed?: boolean; enableAzureRBAC?: boolean };
    diskEncryptionSetID?: string;
    disableLocalAccounts?: boolean;
    enableRBAC?: boolean;
    securityProfile?: {
        azureKeyVaultKms?: { enabled?: boolean; keyVaultNetworkAccess?: string };
        workloadIdentity?: { enabled?: boolean };
    };
    apiServerAccessProfile?: { authorizedIPRanges?: string[]; enablePrivateCluster?: boolean };
    networkProfile?: { networkPolicy?: string };
    agentPoolProfiles?: { name: string; enableNodePublicIP?: boolean; enableEncryptionAtHost?: boolean }[];
    oidcIssuerProfile?: { enabled?: boolean };
    autoUpgradeProfile?: { upgradeChannel?: string; nodeOSUpgradeChannel?: string };
}

/** `azure-native.containerregistry.Registry` (encryption only; exposure.ts reads its network settings) */
export interface ContainerRegistry {
    sku?: { name?: string };
    encryption?: { status?: string; keyVaultProperties?: { keyIdentifier?: string; identity?: string } };
}

/** `azure-native.containerservice.AgentPool` (a node pool added to an AKS cluster) */
export interface AksAgentPool {
    enableEncryptionAtHost?: boolean;
}

/** `azure-native.redisenterprise.AccessPolicyAssignment` (an Entra identity granted a Redis access policy) */
export interface RedisAccessPolicyAssignment {
    clusterName: string;
    databaseName: string;
}

/** `azure-native.monitor.DiagnosticSetting` */
export interface DiagnosticSetting {
    resourceUri: string;
    logs?: { category?: string; categoryGroup?: string; enabled: boolean }[];
}

/** `azure-native.network.FlowLog` (a Network Watcher flow log; VNet flow logs target the virtual network) */
export interface NetworkFlowLog {
    targetResourceId: string;
    enabled?: boolean;
}

// ---- Platform components (registered outputs) ------------------------------------------------------

/** `platform:database:Database` outputs the platform rules read. */
export interface DatabaseComponent {
    backupRetentionDays?: number;
    highAvailability?: boolean;
    securityOptOuts?: string[];
}

/** Any capability component that publishes the security controls its override bag turned off. */
export interface OptOutComponent {
    securityOptOuts?: string[];
}
