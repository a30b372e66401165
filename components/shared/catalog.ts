import { SizeProfile } from "./context";
import { POSTGRES_VERSIONS } from "./facts/engines";
import { KNOWN_KUBERNETES_VERSIONS } from "./facts/kubernetes";

/**
 * The one place where neutral size profiles become concrete SKUs. Everything cloud-specific about size
 * lives here or in a capability's per-cloud override bag, never in the neutral API.
 */
export const catalog = {
    database: {
        small: { aws: "db.t4g.medium", azure: "Standard_B2s", storageGiB: 32 },
        medium: { aws: "db.m7g.large", azure: "Standard_D2ds_v5", storageGiB: 128 },
        large: { aws: "db.r7g.xlarge", azure: "Standard_E4ds_v5", storageGiB: 512 },
    },
    cache: {
        small: { aws: "cache.t4g.small", azure: "Balanced_B0" },
        medium: { aws: "cache.m7g.large", azure: "Balanced_B3" },
        large: { aws: "cache.r7g.large", azure: "MemoryOptimized_M10" },
    },
    cluster: {
        small: { aws: ["t3.large"], azure: "Standard_D2s_v5", minNodes: 2, desiredNodes: 2, maxNodes: 3 },
        medium: { aws: ["m7i.large"], azure: "Standard_D4s_v5", minNodes: 2, desiredNodes: 3, maxNodes: 6 },
        large: { aws: ["m7i.xlarge"], azure: "Standard_D8s_v5", minNodes: 3, desiredNodes: 3, maxNodes: 10 },
    },
} as const satisfies {
    database: Record<SizeProfile, { aws: string; azure: string; storageGiB: number }>;
    cache: Record<SizeProfile, { aws: string; azure: string }>;
    cluster: Record<
        SizeProfile,
        { aws: readonly string[]; azure: string; minNodes: number; desiredNodes: number; maxNodes: number }
    >;
};

/** Burstable database classes cannot do high availability on Azure (and are not offered for it on AWS). */
export function isBurstableDatabaseSku(sku: string): boolean {
    return /^db\.t\d/.test(sku) || /^Standard_B/.test(sku);
}

/** Azure Database for PostgreSQL flexible server tier for a SKU name. */
export function azureDatabaseTier(sku: string): "Burstable" | "GeneralPurpose" | "MemoryOptimized" {
    if (/^Standard_B/.test(sku)) return "Burstable";
    if (/^Standard_E/.test(sku)) return "MemoryOptimized";
    return "GeneralPurpose";
}

/** Storage sizes Azure Database for PostgreSQL flexible server accepts, in GiB. */
export const AZURE_POSTGRES_STORAGE_GIB = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767] as const;

/**
 * Address ranges AKS uses inside the cluster on Azure (Azure CNI overlay pods, Kubernetes services). They
 * never appear on the VNet but must not overlap it, so an overlapping `platform:network` cidrBlock is
 * rejected on Azure (components/network/config.ts).
 */
export const AZURE_CLUSTER_RANGES = { podCidr: "10.244.0.0/16", serviceCidr: "10.245.0.0/16" } as const;

/** Retention values CloudWatch Logs accepts, in days. */
export const CLOUDWATCH_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** PostgreSQL major versions offered on both clouds (dated, with sources, in facts/engines.ts). */
export { POSTGRES_VERSIONS };
export type PostgresVersion = (typeof POSTGRES_VERSIONS)[number];

/**
 * Where RDS replicates automated backups for a region when no `backupRegion` is given: a nearby region in
 * the same jurisdiction that supports cross-region automated backups for PostgreSQL.
 */
export const awsBackupRegionPairs: Record<string, string> = {
    "us-east-1": "us-west-2",
    "us-east-2": "us-west-2",
    "us-west-1": "us-east-1",
    "us-west-2": "us-east-1",
    "ca-central-1": "us-east-1",
    "eu-west-1": "eu-central-1",
    "eu-west-2": "eu-west-1",
    "eu-west-3": "eu-central-1",
    "eu-central-1": "eu-west-1",
    "eu-north-1": "eu-central-1",
    "ap-southeast-1": "ap-southeast-2",
    "ap-southeast-2": "ap-southeast-1",
    "ap-northeast-1": "ap-northeast-3",
    "ap-northeast-3": "ap-northeast-1",
    "ap-south-1": "ap-southeast-1",
};

/**
 * Kubernetes minor versions the program knows, with their support windows per cloud in the dated sheet
 * (components/shared/facts/kubernetes.ts). Which of them a stack may use depends on its cloud and the day.
 */
export const KUBERNETES_VERSIONS = KNOWN_KUBERNETES_VERSIONS;
