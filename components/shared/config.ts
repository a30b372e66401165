import * as pulumi from "@pulumi/pulumi";
import {
    AZURE_POSTGRES_STORAGE_GIB,
    CLOUDWATCH_RETENTION_DAYS,
    POSTGRES_VERSIONS,
    catalog,
    isBurstableDatabaseSku,
} from "./catalog";
import { CLOUDS, Cloud, ENVIRONMENTS, Environment, SIZES, SizeProfile } from "./context";
import {
    ConfigKind,
    ConfigProblem,
    Field,
    Infer,
    bool,
    decode,
    formatProblem,
    int,
    list,
    obj,
    oneOf,
    problem,
    str,
} from "./schema";
import type { AwsCacheOptions, AzureCacheOptions } from "../cache";
import type { AwsClusterOptions, AzureClusterOptions } from "../cluster";
import type { AwsDatabaseOptions, AzureDatabaseOptions } from "../database";
import type { AwsStorageOptions, AzureStorageOptions } from "../storage";

/**
 * The one module that reads stack configuration. It reads every `platform:*` key once, rejects unknown
 * keys, wrong types, values the clouds would reject and impossible combinations, and returns one typed
 * object. Organisational rules (minimum retention per environment, encryption required) are the policy
 * pack's job: a valid but weak setting passes here and is caught there.
 */

export const NAMESPACE = "platform";

const CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(\d|[12]\d|3[0-2])$/;
const cidr = () => str({ pattern: CIDR, allowed: 'an IPv4 CIDR such as "203.0.113.0/24"' });

const awsDatabase = obj({
    instanceClass: str({
        pattern: /^db\.[a-z0-9]+\.[a-z0-9]+$/,
        allowed: 'an RDS instance class such as "db.r7g.large"',
    }),
    storageEncrypted: bool(),
    forceSsl: bool(),
    performanceInsights: bool(),
});
const azureDatabase = obj({
    skuName: str({
        pattern: /^Standard_[A-Z][A-Za-z0-9_]+$/,
        allowed: 'a flexible server SKU name such as "Standard_D4ds_v5"',
    }),
    geoRedundantBackup: bool(),
    requireSecureTransport: bool(),
});
const awsCache = obj({
    nodeType: str({
        pattern: /^cache\.[a-z0-9]+\.[a-z0-9]+$/,
        allowed: 'an ElastiCache node type such as "cache.r7g.large"',
    }),
    engine: oneOf(["valkey", "redis"]),
    atRestEncryption: bool(),
    transitEncryption: bool(),
});
const azureCache = obj({
    skuName: str({
        pattern: /^(Balanced|MemoryOptimized|ComputeOptimized|FlashOptimized)_[A-Z]\d+$/,
        allowed: 'an Azure Managed Redis SKU such as "Balanced_B5"',
    }),
    persistence: oneOf(["aof", "rdb", "none"]),
});
const awsCluster = obj({
    instanceTypes: list(
        str({ pattern: /^[a-z0-9]+\.[a-z0-9]+$/, allowed: 'an EC2 instance type such as "m7i.large"' }),
        {
            maxItems: 20,
        },
    ),
    secretsEncryption: bool(),
    adminPrincipalArns: list(
        str({ pattern: /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, allowed: "an IAM role or user ARN" }),
    ),
});
const azureCluster = obj({
    vmSize: str({ pattern: /^Standard_[A-Za-z0-9_]+$/, allowed: 'an Azure VM size such as "Standard_D4s_v5"' }),
    adminGroupObjectIds: list(
        str({
            pattern: /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i,
            allowed: "a Microsoft Entra group object id (GUID)",
        }),
    ),
});
const awsStorage = obj({ kmsEncryption: bool(), denyInsecureTransport: bool(), versioning: bool() });
const azureStorage = obj({
    replication: oneOf(["LRS", "ZRS", "GRS", "GZRS", "RAGZRS"]),
    infrastructureEncryption: bool(),
    versioning: bool(),
});

/** Compile-time guard: the schema's inferred type must be exactly the contract's documented interface. */
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const contractsMatch: [
    Exactly<Infer<typeof awsDatabase>, AwsDatabaseOptions>,
    Exactly<Infer<typeof azureDatabase>, AzureDatabaseOptions>,
    Exactly<Infer<typeof awsCache>, AwsCacheOptions>,
    Exactly<Infer<typeof azureCache>, AzureCacheOptions>,
    Exactly<Infer<typeof awsCluster>, AwsClusterOptions>,
    Exactly<Infer<typeof azureCluster>, AzureClusterOptions>,
    Exactly<Infer<typeof awsStorage>, AwsStorageOptions>,
    Exactly<Infer<typeof azureStorage>, AzureStorageOptions>,
] = [true, true, true, true, true, true, true, true];
void contractsMatch;

interface KeyDefinition<F extends Field<unknown>> {
    readonly field: F;
    /** The default, as the Pulumi CLI applies it from Pulumi.yaml. */
    readonly default: Infer<F>;
    readonly description: string;
}

function key<F extends Field<unknown>>(field: F, defaultValue: Infer<F>, description: string): KeyDefinition<F> {
    return { field, default: defaultValue, description };
}

/**
 * Every `platform:*` key. `Pulumi.yaml` declares the same keys with the same types and defaults (a test
 * keeps the two in step). Structured settings are JSON strings, because Pulumi project config types are
 * limited to string, integer, boolean and array.
 */
export const CONFIG_KEYS = {
    cloud: key(oneOf(CLOUDS), "aws", "Cloud that hosts this stack: aws or azure."),
    environment: key(
        oneOf(ENVIRONMENTS),
        "dev",
        "Environment this stack is: dev, staging or prod. Selects defaults and policy thresholds.",
    ),
    size: key(oneOf(SIZES), "small", "Size profile of the data stores and the cluster: small, medium or large."),
    highAvailability: key(
        bool(),
        false,
        "Zone-redundant database standby, cache replicas with failover, nodes and NAT in every zone.",
    ),
    backupRetentionDays: key(
        int(0, 35, "days"),
        7,
        "Days of automated database backups and cache snapshots (AWS 0-35, Azure 7-35).",
    ),
    deletionProtection: key(
        bool(),
        false,
        "Cloud deletion protection, final snapshots, and Pulumi protect/retainOnDelete on stateful resources.",
    ),
    alertEmail: key(
        str({ pattern: /^$|^[^@\s]+@[^@\s]+\.[^@\s]+$/, allowed: "an e-mail address" }),
        "",
        "E-mail address that receives every alert. Required.",
    ),
    apiAllowedCidrs: key(
        list(cidr(), { maxItems: 40 }),
        [],
        "CIDR ranges allowed to reach the Kubernetes API from the internet; empty keeps the API private.",
    ),
    tags: key(
        list(
            str({
                pattern: /^[^=]{1,128}=[^=]{0,256}$/,
                allowed: '"key=value" (key up to 128, value up to 256 characters)',
            }),
            {
                maxItems: 40,
            },
        ),
        [],
        'Tags for every resource, as "key=value" strings.',
    ),
    awsRegion: key(
        str({ pattern: /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$/, allowed: 'an AWS region code such as "eu-west-1"' }),
        "us-east-1",
        "AWS region, used when cloud is aws.",
    ),
    azureLocation: key(
        str({
            pattern: /^[a-z][a-z0-9]+$/,
            allowed: 'an Azure location programmatic name such as "westeurope" (lowercase, no spaces)',
        }),
        "eastus2",
        "Azure location, used when cloud is azure.",
    ),
    network: key(
        obj({
            cidrBlock: cidr(),
            zoneCount: int(2, 3, "zones"),
            natGatewayPerZone: bool(),
        }),
        {},
        "JSON: network overrides {cidrBlock, zoneCount, natGatewayPerZone}.",
    ),
    database: key(
        obj({
            size: oneOf(SIZES),
            storageGiB: int(20, 32767, "GiB"),
            maxStorageGiB: int(20, 65536, "GiB"),
            engineVersion: oneOf(POSTGRES_VERSIONS),
            logRetentionDays: int(1, 3653, "days"),
            aws: awsDatabase,
            azure: azureDatabase,
        }),
        {},
        "JSON: database overrides {size, storageGiB, maxStorageGiB, engineVersion, logRetentionDays, aws, azure}.",
    ),
    cache: key(
        obj({ size: oneOf(SIZES), aws: awsCache, azure: azureCache }),
        {},
        "JSON: cache overrides {size, aws, azure}.",
    ),
    cluster: key(
        obj({
            size: oneOf(SIZES),
            kubernetesVersion: str({ pattern: /^1\.\d{2}$/, allowed: 'a Kubernetes minor version such as "1.33"' }),
            minNodes: int(1, 100, "nodes"),
            desiredNodes: int(1, 100, "nodes"),
            maxNodes: int(1, 100, "nodes"),
            aws: awsCluster,
            azure: azureCluster,
        }),
        {},
        "JSON: cluster overrides {size, kubernetesVersion, minNodes, desiredNodes, maxNodes, aws, azure}.",
    ),
    storage: key(
        obj({ noncurrentVersionRetentionDays: int(1, 365, "days"), aws: awsStorage, azure: azureStorage }),
        {},
        "JSON: storage overrides {noncurrentVersionRetentionDays, aws, azure}.",
    ),
    monitoring: key(
        obj({ logRetentionDays: int(1, 3653, "days") }),
        {},
        "JSON: monitoring overrides {logRetentionDays}.",
    ),
};

type Keys = typeof CONFIG_KEYS;
type Raw = { [K in keyof Keys]: Infer<Keys[K]["field"]> };

/** The validated stack configuration every other module works from. */
export interface PlatformConfig {
    readonly project: string;
    readonly stack: string;
    readonly cloud: Cloud;
    readonly environment: Environment;
    readonly size: SizeProfile;
    readonly highAvailability: boolean;
    readonly backupRetentionDays: number;
    readonly deletionProtection: boolean;
    readonly alertEmail: string;
    readonly apiAllowedCidrs: string[];
    readonly tags: Record<string, string>;
    readonly awsRegion: string;
    readonly azureLocation: string;
    readonly network: Raw["network"];
    readonly database: Raw["database"];
    readonly cache: Raw["cache"];
    readonly cluster: Raw["cluster"];
    readonly storage: Raw["storage"];
    readonly monitoring: Raw["monitoring"];
}

/** Thrown when the configuration is invalid; carries one problem per mistake. */
export class ConfigError extends Error {
    constructor(public readonly problems: ConfigProblem[]) {
        super(
            `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** The Pulumi.yaml type each kind of field is declared with. */
export function pulumiTypeOf(kind: ConfigKind): "string" | "integer" | "boolean" | "array" {
    return kind === "json" ? "string" : kind;
}

/**
 * Validates raw config (`{"platform:cloud": "aws", ...}`, every value a string as the engine passes it)
 * for a stack. Pure: tests call it directly. Throws `ConfigError` listing every problem.
 */
export function parseConfig(raw: Record<string, string>, project: string, stack: string): PlatformConfig {
    const stackFile = `Pulumi.${stack}.yaml`;
    const problems: ConfigProblem[] = [];
    const known = new Set(Object.keys(CONFIG_KEYS).map((k) => `${NAMESPACE}:${k}`));
    for (const fullKey of Object.keys(raw)) {
        if (fullKey.startsWith(`${NAMESPACE}:`) && !known.has(fullKey)) {
            const suggestion = closest(fullKey, [...known]);
            problems.push({
                key: fullKey,
                received: raw[fullKey],
                allowed: `only the keys ${[...known].join(", ")}`,
                fix: `Remove ${fullKey} from ${stackFile}${suggestion ? ` (did you mean ${suggestion}?)` : ""}.`,
            });
        }
    }

    const values: Partial<Record<keyof Keys, unknown>> = {};
    for (const [name, def] of Object.entries(CONFIG_KEYS) as [keyof Keys, KeyDefinition<Field<unknown>>][]) {
        const fullKey = `${NAMESPACE}:${name}`;
        const text = raw[fullKey];
        values[name] =
            text === undefined
                ? def.default
                : def.field.parse(decode(def.field.kind, text), { key: fullKey, stackFile }, problems);
    }
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    const v = values as Raw;
    const config: PlatformConfig = {
        project,
        stack,
        ...v,
        tags: Object.fromEntries(v.tags.map((t) => t.split("=", 2) as [string, string])),
    };
    crossCheck(config, stackFile, problems);
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return config;
}

/** Rules that involve several keys or the selected cloud's own limits. */
function crossCheck(c: PlatformConfig, stackFile: string, problems: ConfigProblem[]): void {
    const at = (key: string) => ({ key: `${NAMESPACE}:${key}`, stackFile });

    if (!c.alertEmail) {
        problems.push(
            problem(
                at("alertEmail"),
                c.alertEmail,
                "an e-mail address (required: alerts must reach someone)",
                `Set it: pulumi config set platform:alertEmail oncall@example.com -s ${c.stack}`,
            ),
        );
    }

    if (c.cloud === "azure" && c.backupRetentionDays < 7) {
        problems.push(
            problem(
                at("backupRetentionDays"),
                c.backupRetentionDays,
                "a whole number from 7 to 35 days on Azure (Azure Database for PostgreSQL flexible server's range)",
                `Set platform:backupRetentionDays to at least 7 in ${stackFile}.`,
            ),
        );
    }

    const databaseSize = c.database.size ?? c.size;
    const databaseSku =
        c.cloud === "aws"
            ? (c.database.aws?.instanceClass ?? catalog.database[databaseSize].aws)
            : (c.database.azure?.skuName ?? catalog.database[databaseSize].azure);
    if (c.highAvailability && isBurstableDatabaseSku(databaseSku)) {
        const overridden = c.cloud === "aws" ? c.database.aws?.instanceClass : c.database.azure?.skuName;
        problems.push(
            problem(
                at(
                    overridden
                        ? `database.${c.cloud}.${c.cloud === "aws" ? "instanceClass" : "skuName"}`
                        : "highAvailability",
                ),
                overridden ?? true,
                `high availability only with a non-burstable database size: the database size is "${databaseSize}" (${databaseSku}), a burstable class that Azure's zone-redundant HA rejects and that this program does not offer for HA on any cloud`,
                `Set platform:size (or "size" in platform:database) to "medium" or "large", or set platform:highAvailability to false in ${stackFile}.`,
            ),
        );
    }

    const storageGiB = c.database.storageGiB ?? catalog.database[databaseSize].storageGiB;
    if (c.cloud === "azure" && !(AZURE_POSTGRES_STORAGE_GIB as readonly number[]).includes(storageGiB)) {
        problems.push(
            problem(
                at("database.storageGiB"),
                storageGiB,
                `one of ${AZURE_POSTGRES_STORAGE_GIB.join(", ")} GiB on Azure (the flexible server's storage sizes)`,
                `Set "storageGiB" in platform:database to one of those sizes.`,
            ),
        );
    }
    if (c.database.maxStorageGiB !== undefined && c.database.maxStorageGiB < storageGiB) {
        problems.push(
            problem(
                at("database.maxStorageGiB"),
                c.database.maxStorageGiB,
                `at least storageGiB (${storageGiB} GiB): autoscaling cannot shrink below the allocated storage`,
                `Raise "maxStorageGiB" or lower "storageGiB" in platform:database.`,
            ),
        );
    }

    const profile = catalog.cluster[c.cluster.size ?? c.size];
    const minNodes = c.cluster.minNodes ?? profile.minNodes;
    const maxNodes = c.cluster.maxNodes ?? Math.max(profile.maxNodes, minNodes);
    const desired = c.cluster.desiredNodes;
    if (minNodes > maxNodes || (desired !== undefined && (desired < minNodes || desired > maxNodes))) {
        problems.push(
            problem(
                at("cluster"),
                { minNodes, desiredNodes: desired, maxNodes },
                "minNodes <= desiredNodes <= maxNodes",
                `Adjust "minNodes", "desiredNodes" and "maxNodes" in platform:cluster.`,
            ),
        );
    }

    if (c.cloud === "aws") {
        for (const [name, days] of [
            ["database.logRetentionDays", c.database.logRetentionDays],
            ["monitoring.logRetentionDays", c.monitoring.logRetentionDays],
        ] as const) {
            if (days !== undefined && !(CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(days)) {
                problems.push(
                    problem(
                        at(name),
                        days,
                        `one of CloudWatch Logs' retention values: ${CLOUDWATCH_RETENTION_DAYS.join(", ")} days`,
                        `Pick the nearest allowed value for "${name.split(".")[1]}".`,
                    ),
                );
            }
        }
    } else {
        const days = c.monitoring.logRetentionDays;
        if (days !== undefined && (days < 30 || days > 730)) {
            problems.push(
                problem(
                    at("monitoring.logRetentionDays"),
                    days,
                    "a whole number from 30 to 730 days on Azure (Log Analytics workspace retention)",
                    `Set "logRetentionDays" in platform:monitoring between 30 and 730.`,
                ),
            );
        }
        for (const [tagKey] of Object.entries(c.tags)) {
            if (/[<>%&\\?/]/.test(tagKey)) {
                problems.push(
                    problem(
                        at("tags"),
                        tagKey,
                        "tag names without < > % & \\ ? / on Azure",
                        `Rename the tag "${tagKey}" in platform:tags.`,
                    ),
                );
            }
        }
    }
    for (const tagKey of Object.keys(c.tags)) {
        if (/^(aws:|azure|microsoft|windows)/i.test(tagKey)) {
            problems.push(
                problem(
                    at("tags"),
                    tagKey,
                    'tag names that do not start with a prefix the clouds reserve ("aws:", "azure", "microsoft", "windows")',
                    `Rename the tag "${tagKey}" in platform:tags.`,
                ),
            );
        }
    }
}

/** The known key closest to a mistyped one, when it is close enough to be a typo. */
function closest(input: string, candidates: string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of candidates) {
        const d = editDistance(input.toLowerCase(), candidate.toLowerCase());
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return bestDistance <= 3 ? best : undefined;
}

function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let previous = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const current = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
            previous = current;
        }
    }
    return row[b.length];
}

/**
 * Reads the running stack's configuration. The only place in the program that touches Pulumi config.
 */
export function loadConfig(): PlatformConfig {
    return parseConfig(pulumi.runtime.allConfig(), pulumi.getProject(), pulumi.getStack());
}
