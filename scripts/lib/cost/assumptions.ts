/**
 * What the estimate assumes where the graph fixes no quantity, and what it leaves out: shown in every estimate
 * (text and JSON) and in docs/cost.md.
 */

/** Usage the estimate assumes where the graph fixes no quantity. */
export const ASSUMPTIONS = {
    /** Object storage held in the stack's bucket or storage account, in GiB. */
    objectStorageGiB: 100,
    /** Logs ingested per CloudWatch log group per month, in GB. */
    logIngestGBPerLogGroup: 1,
    /** Logs ingested into the Log Analytics workspace per month, in GB. */
    logAnalyticsIngestGB: 30,
    /** Database backup storage beyond the free allowance (100% of the provisioned storage on RDS), in GiB. */
    backupBeyondFreeGiB: 0,
    /** Persistent volume size when the monitoring chart's values name none, in GiB. */
    defaultVolumeGiB: 10,
} as const;

/** What the estimate leaves out. */
export const EXCLUDED = [
    "data transfer: internet egress, cross-zone and cross-region traffic, NAT gateway and private endpoint data processing",
    "CDN and WAF traffic: CloudFront and Front Door data transfer out and requests, WAF requests inspected ($0.60 per million on AWS)",
    "storage growth beyond the provisioned sizes and the stated object-storage base; backup storage is priced at the protected size (an upper bound for today's data, not for growth)",
    "requests and operations (S3/Blob requests, KMS and Key Vault operations and key rotations, Secrets Manager API calls, SNS/e-mail deliveries, SQS requests, DNS queries)",
    "flow log volume: VPC and VNet flow logs bill per GB of logs collected (and Traffic Analytics per GB processed), which depends on traffic",
    "log ingestion beyond the stated assumption, log and metric retention, managed Prometheus samples",
    "node root/OS disks, load-balancer capacity units, CPU credits of burstable instances",
    "support plans, taxes, free tiers, savings plans, reservations and committed-use discounts",
];
