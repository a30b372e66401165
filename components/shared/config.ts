import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
    AZURE_POSTGRES_STORAGE_GIB,
    awsBackupRegionPairs,
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
    Location,
    bool,
    decodeConfig,
    formatProblem,
    int,
    list,
    obj,
    oneOf,
    problem,
    checked,
    str,
} from "./schema";
import { awsRegionProblem, azureLocationProblem, cidrProblem, emailProblem, privateNetworkProblem } from "./values";
import { AZURE_LOCATIONS } from "./facts/regions";
import type { AwsCacheOptions, AzureCacheOptions } from "../cache";
import { nodeCounts } from "../cluster";
import { reviewKubernetesVersion } from "../cluster/versions";
import { evaluationDay } from "./facts";
import { editDistance } from "./values";
import { DEFAULT_KUBERNETES_VERSION } from "./facts/kubernetes";
import type { AwsClusterOptions, AzureClusterOptions } from "../cluster";
import type { AwsDatabaseOptions, AzureDatabaseOptions } from "../database";
import type { AwsStorageOptions, AzureStorageOptions } from "../storage";
import {
    BINDABLE_RESOURCES,
    BINDING_VARIABLES,
    RESERVED_VARIABLES,
    type ServiceConfig,
    serviceDefaults,
    serviceUrlProblem,
} from "../workloads";

/**
 * The one module that reads stack configuration. It reads every `platform:*` key once, rejects unknown
 * keys, wrong types, values the clouds would reject and impossible combinations, and returns one typed
 * object. Organisational rules (minimum retention per environment, encryption required) are the policy
 * pack's job: a valid but weak setting passes here and is caught there.
 */

export const NAMESPACE = "platform";

/**
 * Address ranges AKS uses inside the cluster on Azure (Azure CNI overlay pods, Kubernetes services). They
 * never appear on the VNet but must not overlap it, so an overlapping `platform:network` cidrBlock is
 * rejected on Azure.
 */
export const AZURE_CLUSTER_RANGES = { podCidr: "10.244.0.0/16", serviceCidr: "10.245.0.0/16" } as const;

const awsRegionCode = () => checked('an AWS region code such as "eu-west-1"', awsRegionProblem);
/** An internet range for an allow-list: a valid CIDR whose host bits are zero (EKS and AKS take networks). */
const cidr = () => checked('an IPv4 CIDR such as "203.0.113.0/24"', (value) => cidrProblem(value, "203.0.113.0/24"));

/** A field whose problems carry a more specific explanation than the generic one. */
function explained<T>(field: Field<T>, allowed: string, fix: (received: unknown) => string): Field<T> {
    return {
        kind: field.kind,
        allowed,
        parse(value, at, problems) {
            const own: ConfigProblem[] = [];
            const out = field.parse(value, at, own);
            problems.push(...own.map((p) => ({ ...p, allowed, fix: fix(p.received) })));
            return out;
        },
    };
}

/**
 * The principal types the deployer can be: the identity azure-native signs in as (`getClientConfig().objectId`) is
 * a user or a service principal (managed identities are service principals). A group cannot sign in.
 */
export const DEPLOYER_PRINCIPAL_TYPES = ["ServicePrincipal", "User"] as const;

const awsDatabase = obj({
    instanceClass: str({
        pattern: /^db\.[a-z0-9]+\.[a-z0-9]+$/,
        allowed: 'an RDS instance class such as "db.r7g.large"',
    }),
    storageEncrypted: bool(),
    forceSsl: bool(),
    performanceInsights: bool(),
    crossRegionBackup: bool(),
    backupRegion: awsRegionCode(),
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
        str({ pattern: /^[a-z0-9-]+\.[a-z0-9]+$/, allowed: 'an EC2 instance type such as "m7i.large"' }),
        // An empty list would leave the node group's instance types to EKS's default (t3.medium) silently.
        { minItems: 1, maxItems: 20, unique: true },
    ),
    secretsEncryption: bool(),
    // Each principal gets one EKS access entry; a repeated ARN would be a second entry for the same principal
    // (EKS: ResourceInUseException "The specified access entry resource is already in use").
    adminPrincipalArns: list(
        str({ pattern: /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, allowed: "an IAM role or user ARN" }),
        { unique: true },
    ),
});
const azureCluster = obj({
    vmSize: str({ pattern: /^Standard_[A-Za-z0-9_]+$/, allowed: 'an Azure VM size such as "Standard_D4s_v5"' }),
    adminGroupObjectIds: list(
        str({
            pattern: /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i,
            allowed: "a Microsoft Entra group object id (GUID)",
        }),
        { unique: true },
    ),
    deployerPrincipalType: explained(
        oneOf(DEPLOYER_PRINCIPAL_TYPES),
        `one of ${DEPLOYER_PRINCIPAL_TYPES.map((t) => JSON.stringify(t)).join(", ")} (what signs in to run the deployment; ` +
            "ARM rejects a role assignment whose principalType differs from the principal's real type)",
        () =>
            'Set "deployerPrincipalType" in the "azure" object of platform:cluster to "ServicePrincipal" when a service ' +
            'principal or managed identity deploys (CI), or "User" when a person deploys after az login. A group cannot ' +
            'sign in: give people access with "adminGroupObjectIds" instead.',
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

// ---- platform:services: the application services (components/workloads) ----

const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
const serviceName = () =>
    str({
        pattern: SERVICE_NAME,
        allowed: 'a DNS label: lowercase letters, digits and "-", starting with a letter, at most 40 characters',
    });
const IMAGE_REFERENCE =
    /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const imageReference = () =>
    str({
        pattern: IMAGE_REFERENCE,
        maxLength: 255,
        allowed: 'an image reference such as "ghcr.io/acme/api:1.4.2" or "ghcr.io/acme/api@sha256:<64 hex digits>"',
    });
const httpPath = () =>
    str({
        pattern: /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/,
        maxLength: 256,
        allowed: 'an absolute HTTP path such as "/health/ready" (starts with "/", no spaces, no query string)',
    });
const CPU = /^(\d+m|\d+(\.\d{1,3})?)$/;
const MEMORY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const quantities = () =>
    obj({
        cpu: str({ pattern: CPU, allowed: 'a CPU quantity such as "250m" or "1.5"' }),
        memory: str({ pattern: MEMORY, allowed: 'a memory quantity such as "256Mi" or "1Gi"' }),
    });

/** Plain environment variables: names as POSIX shells accept them, string values. */
function envVars(): Field<Record<string, string>> {
    const allowed =
        'an object of plain variables, e.g. {"LOG_LEVEL": "info"}: names of letters, digits and "_", string values';
    return {
        kind: "json",
        allowed,
        parse(value, at, problems) {
            if (typeof value !== "object" || value === null || Array.isArray(value)) {
                problems.push(problem(at, value, allowed));
                return undefined;
            }
            const before = problems.length;
            for (const [name, v] of Object.entries(value)) {
                if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || typeof v !== "string") {
                    problems.push(
                        problem(
                            { ...at, key: `${at.key}.${name}` },
                            v,
                            'a variable name of letters, digits and "_" with a string value (quote numbers: "8")',
                            `Rename "${name}" or quote its value in ${at.key}.`,
                        ),
                    );
                }
            }
            return problems.length === before ? (value as Record<string, string>) : undefined;
        },
    };
}

const serviceSchema = obj(
    {
        name: serviceName(),
        image: imageReference(),
        build: obj({
            context: str({ pattern: /^[^\0]+$/, allowed: "a directory relative to the project directory" }),
            dockerfile: str({ pattern: /^[^\0]+$/, allowed: "a Dockerfile path relative to the context" }),
            target: str({ pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, allowed: "a build stage name" }),
        }),
        port: explained(
            int(1, 65535),
            "a TCP port from 1 to 65535",
            () => 'Set "port" to the port the container listens on, e.g. 8080.',
        ),
        replicas: obj({ min: int(1, 100, "pods"), max: int(1, 100, "pods") }),
        resources: obj({ requests: quantities(), limits: quantities() }),
        probes: obj({ liveness: httpPath(), readiness: httpPath(), startup: httpPath() }),
        metricsPath: httpPath(),
        env: envVars(),
        expose: obj({
            host: str({
                pattern: /^(?=.{4,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
                allowed: 'a lowercase DNS name such as "api.example.com" (no wildcard, no scheme)',
            }),
            path: httpPath(),
            rateLimitRps: int(1, 10000, "requests per second"),
            canary: obj({ image: imageReference(), weight: int(1, 99, "percent") }),
        }),
        bind: list(
            explained(
                oneOf(BINDABLE_RESOURCES),
                `one of the resources the platform creates: ${BINDABLE_RESOURCES.map((r) => JSON.stringify(r)).join(", ")}`,
                (received) =>
                    `Remove ${JSON.stringify(received)} from "bind": there is no such platform resource to connect to.`,
            ),
        ),
        calls: list(serviceName()),
    },
    "a service",
);
/** `platform:services` is a JSON list (a string in Pulumi.yaml, like the other structured keys). */
const servicesField: Field<Infer<typeof serviceSchema>[]> = { ...list(serviceSchema, { maxItems: 100 }), kind: "json" };
const serviceContractMatches: Exactly<Infer<typeof serviceSchema>, ServiceConfig> = true;
void serviceContractMatches;

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
        int(0, 35, "days (AWS 0-35; Azure 7-35)"),
        7,
        "Days of automated database backups and cache snapshots (AWS 0-35, Azure 7-35).",
    ),
    deletionProtection: key(
        bool(),
        false,
        "Cloud deletion protection, final snapshots, and Pulumi protect/retainOnDelete on stateful resources.",
    ),
    alertEmail: key(
        checked("an e-mail address", emailProblem),
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
    awsRegion: key(awsRegionCode(), "us-east-1", "AWS region, used when cloud is aws."),
    azureLocation: key(
        checked('an Azure location programmatic name such as "westeurope"', azureLocationProblem),
        "eastus2",
        "Azure location, used when cloud is azure.",
    ),
    network: key(
        obj({
            cidrBlock: checked('a private IPv4 network from /16 to /20 such as "10.0.0.0/16"', privateNetworkProblem),
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
            // Which versions are allowed depends on the cloud and the day: checked against the dated sheet in crossCheck.
            kubernetesVersion: str({
                pattern: /^1\.\d{1,2}$/,
                allowed: 'a Kubernetes minor version such as "1.36" (major.minor, no patch)',
            }),
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
    services: key(
        servicesField,
        [],
        "JSON: the application services [{name, image | build, port, replicas, resources, probes, metricsPath, env, expose, bind, calls}].",
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
    readonly services: ServiceConfig[];
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

/** `platform:*` keys this program does not know: a typo must never be ignored (it would drop the setting). */
function unknownKeys(raw: Record<string, string>, at: Omit<Location, "key">, problems: ConfigProblem[]): void {
    const known = Object.keys(CONFIG_KEYS).map((k) => `${NAMESPACE}:${k}`);
    for (const fullKey of Object.keys(raw)) {
        if (!fullKey.startsWith(`${NAMESPACE}:`) || known.includes(fullKey)) continue;
        const suggestion = closest(fullKey, known);
        const meant = suggestion ? ` (did you mean ${suggestion}?)` : "";
        problems.push({
            key: fullKey,
            received: raw[fullKey],
            allowed: `only the keys ${known.join(", ")}`,
            fix: at.fromCommandLine?.has(fullKey)
                ? `Remove -c ${fullKey}=... from the command line${meant}.`
                : `Remove ${fullKey} from ${at.stackFile}${meant}.`,
        });
    }
}

/** Where the raw values came from, so fixes point at the right place. */
export interface ConfigSources {
    /**
     * Full keys (`platform:network`) given with `-c key=value` on the offline check's command line.
     * @default none: every value is in the stack file or Pulumi.yaml, as under `pulumi up`
     */
    readonly fromCommandLine?: Iterable<string>;
    /** The day dated facts (Kubernetes support windows) are judged on, YYYY-MM-DD. @default today */
    readonly today?: string;
}

/**
 * Validates raw config (`{"platform:cloud": "aws", ...}`, every value a string as the engine passes it)
 * for a stack. Pure: tests call it directly. Throws `ConfigError` listing every problem.
 */
export function parseConfig(
    raw: Record<string, string>,
    project: string,
    stack: string,
    sources: ConfigSources = {},
): PlatformConfig {
    const stackFile = `Pulumi.${stack}.yaml`;
    const fromCommandLine = new Set(sources.fromCommandLine ?? []);
    const problems: ConfigProblem[] = [];
    unknownKeys(raw, { stackFile, fromCommandLine }, problems);

    const values: Partial<Record<keyof Keys, unknown>> = {};
    for (const [name, def] of Object.entries(CONFIG_KEYS) as [keyof Keys, KeyDefinition<Field<unknown>>][]) {
        const fullKey = `${NAMESPACE}:${name}`;
        const text = raw[fullKey];
        const at = { key: fullKey, stackFile, fromCommandLine };
        if (text === undefined) {
            values[name] = def.default;
            continue;
        }
        const decoded = decodeConfig(def.field.kind, text);
        if ("invalid" in decoded) {
            problems.push(
                problem(
                    at,
                    text,
                    `valid JSON: ${def.field.allowed}`,
                    `Fix the JSON of ${fullKey}: ${decoded.invalid}. Strings need double quotes, and there are no trailing commas`,
                ),
            );
            continue;
        }
        values[name] = def.field.parse(decoded.value, at, problems);
    }
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    const v = values as Raw;
    const tagKeys = v.tags.map((t) => t.split("=", 2)[0]);
    const duplicate = tagKeys.find((k, i) => tagKeys.indexOf(k) !== i);
    if (duplicate !== undefined) {
        throw new ConfigError([
            problem(
                { key: `${NAMESPACE}:tags`, stackFile, fromCommandLine },
                v.tags,
                "each tag key once",
                `Remove the second "${duplicate}=..." from platform:tags.`,
            ),
        ]);
    }
    const config: PlatformConfig = {
        project,
        stack,
        ...v,
        tags: Object.fromEntries(v.tags.map((t) => t.split("=", 2) as [string, string])),
    };
    crossCheck(config, { stackFile, fromCommandLine }, problems);
    const kubernetes = reviewClusterVersion(config, sources.today ?? evaluationDay());
    if (kubernetes.problem) problems.push(kubernetes.problem);
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return config;
}

/** The effective Kubernetes version of a stack judged against the dated support sheet on `today`. */
export function reviewClusterVersion(c: PlatformConfig, today: string = evaluationDay()) {
    return reviewKubernetesVersion(c.cluster.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION, c.cloud, today, {
        stackFile: `Pulumi.${c.stack}.yaml`,
        explicit: c.cluster.kubernetesVersion !== undefined,
    });
}

/** Rules that involve several keys or the selected cloud's own limits. */
function crossCheck(c: PlatformConfig, base: Omit<Location, "key">, problems: ConfigProblem[]): void {
    const at = (key: string): Location => ({ ...base, key: `${NAMESPACE}:${key}` });
    checkServices(c.services, base, problems);

    checkPlacement(c, at, problems);
    checkTags(c, at, problems);
    if (c.cloud === "aws") checkNodeArchitecture(c, at, problems);
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
                `Set platform:backupRetentionDays to at least 7`,
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
                `Set platform:size (or "size" in platform:database) to "medium" or "large", or set platform:highAvailability to false`,
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

    const { minNodes, maxNodes } = nodeCounts(c.cluster, catalog.cluster[c.cluster.size ?? c.size]);
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

    if (c.cloud === "aws" && c.database.aws?.crossRegionBackup === true && c.database.aws.storageEncrypted === false) {
        problems.push(
            problem(
                at("database.aws.crossRegionBackup"),
                true,
                "crossRegionBackup only with encrypted storage (RDS replicates backups with a KMS key in the other region)",
                `Remove "storageEncrypted": false or "crossRegionBackup": true from the "aws" object of platform:database.`,
            ),
        );
    }
    if (
        c.cloud === "aws" &&
        (c.database.aws?.crossRegionBackup ?? c.highAvailability) &&
        c.database.aws?.storageEncrypted !== false &&
        c.backupRetentionDays === 0
    ) {
        problems.push(
            problem(
                at("backupRetentionDays"),
                0,
                "at least 1 day when backups are replicated to another region (high availability turns that on)",
                `Set platform:backupRetentionDays to 1 or more, or set "crossRegionBackup": false in the "aws" object of platform:database.`,
            ),
        );
    }
    if (c.cloud === "aws" && (c.database.aws?.crossRegionBackup ?? c.highAvailability)) {
        const backupRegion = c.database.aws?.backupRegion ?? awsBackupRegionPairs[c.awsRegion];
        if (!backupRegion || backupRegion === c.awsRegion) {
            problems.push(
                problem(
                    at("database.aws.backupRegion"),
                    backupRegion ?? null,
                    `a region other than platform:awsRegion (${c.awsRegion}) to replicate backups to; ` +
                        `${c.awsRegion} has no default pair (known: ${Object.keys(awsBackupRegionPairs).join(", ")})`,
                    `Set "backupRegion" in the "aws" object of platform:database, or set "crossRegionBackup": false there.`,
                ),
            );
        }
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
        const cidrBlock = c.network.cidrBlock ?? "10.0.0.0/16";
        const clash = Object.values(AZURE_CLUSTER_RANGES).find((range) => cidrsOverlap(cidrBlock, range));
        if (clash) {
            problems.push(
                problem(
                    at("network.cidrBlock"),
                    cidrBlock,
                    `a range that does not overlap ${Object.values(AZURE_CLUSTER_RANGES).join(" or ")} on Azure (AKS's pod and service ranges; it overlaps ${clash})`,
                    `Set "cidrBlock" in platform:network to a range outside them, e.g. "10.0.0.0/16".`,
                ),
            );
        }
    }
}

/**
 * Tag keys the program sets on every resource itself (components/platform/index.ts `platformTags`, which
 * spreads the user's tags first): a user tag of the same key would be overwritten without a word.
 */
export const PROGRAM_TAG_KEYS = ["project", "stack", "environment", "managed-by"] as const;

/**
 * Tag keys the clouds reserve or reject, and the keys the program sets itself.
 * - AWS: the "aws:" prefix, in any case, is reserved for AWS's own tags
 *   (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html, tag naming limits and requirements).
 * - Azure: tag names cannot contain < > % & \ ? / and cannot start with "azure", "microsoft" or "windows"
 *   (https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations).
 * Checked on both clouds: a stack moves between clouds with one setting (platform:cloud).
 */
function checkTags(c: PlatformConfig, at: (key: string) => Location, problems: ConfigProblem[]): void {
    for (const tagKey of Object.keys(c.tags)) {
        const rule = (PROGRAM_TAG_KEYS as readonly string[]).includes(tagKey)
            ? `a key the program does not set itself (it sets ${PROGRAM_TAG_KEYS.join(", ")} on every resource and would overwrite this one)`
            : /^aws:/i.test(tagKey)
              ? 'a key without the "aws:" prefix, which AWS reserves for its own tags'
              : /^(azure|microsoft|windows)/i.test(tagKey)
                ? 'a key that does not start with "azure", "microsoft" or "windows", which Azure reserves'
                : /[<>%&\\?/]/.test(tagKey)
                  ? "a key without < > % & \\ ? /, which Azure rejects in tag names"
                  : undefined;
        if (rule) {
            problems.push(problem(at("tags"), tagKey, rule, `Rename the tag "${tagKey}" in platform:tags`));
        }
    }
}

/**
 * Placement the cloud would refuse: zone-redundant high availability (AKS node pools across zones 1-3,
 * PostgreSQL ZoneRedundant HA, zone-redundant Redis) in an Azure location without availability zones
 * (components/shared/facts/regions.ts).
 */
function checkPlacement(c: PlatformConfig, at: (key: string) => Location, problems: ConfigProblem[]): void {
    if (c.cloud === "azure" && c.highAvailability && AZURE_LOCATIONS[c.azureLocation]?.zones === false) {
        const zoned = Object.entries(AZURE_LOCATIONS)
            .filter(([, l]) => l.zones && !l.restricted)
            .map(([name]) => name);
        problems.push(
            problem(
                at("azureLocation"),
                c.azureLocation,
                `a location with availability zones when platform:highAvailability is true (${c.azureLocation} has none; ` +
                    `e.g. ${zoned.slice(0, 6).join(", ")})`,
                "Choose a location with availability zones, or set platform:highAvailability to false",
            ),
        );
    }
}

/**
 * Graviton (arm64) instance types cannot join the node group: it runs the x86_64 AMI
 * (components/cluster/aws.ts, amiType AL2023_x86_64_STANDARD), and EKS rejects an instance type whose
 * architecture differs from the AMI type's (https://docs.aws.amazon.com/eks/latest/APIReference/API_Nodegroup.html:
 * amiType "AL2023_ARM_64_STANDARD" for Arm-based instances). A Graviton family has a "g" among the letters
 * after its generation: m7g, c7gn, r8g, m6gd, t4g, x2gd, im4gn, g5g. Rejected rather than switched to the
 * ARM AMI: the container images must then be arm64 too, which this program cannot check.
 */
function checkNodeArchitecture(c: PlatformConfig, at: (key: string) => Location, problems: ConfigProblem[]): void {
    (c.cluster.aws?.instanceTypes ?? []).forEach((type, i) => {
        if (isGravitonInstanceType(type)) {
            problems.push(
                problem(
                    at(`cluster.aws.instanceTypes[${i}]`),
                    type,
                    "an x86_64 instance type (Intel or AMD, e.g. m7i.large, m7a.large): the node group runs the " +
                        "AL2023_x86_64_STANDARD AMI, and this is a Graviton (arm64) type",
                    `Replace "${type}" with an x86 type, e.g. "${x86Counterpart(type)}"`,
                ),
            );
        }
    });
}

/** An Intel type of the same size for the general-purpose, compute and memory families (m/c/r 6-8), else m7i. */
function x86Counterpart(type: string): string {
    const m = /^([mcr])([678])g[a-z]*\.(.+)$/.exec(type);
    return m ? `${m[1]}${m[2]}i.${m[3]}` : "m7i.large";
}

/** Whether an EC2 instance type is a Graviton (arm64) type: "g" among the letters after the generation. */
export function isGravitonInstanceType(type: string): boolean {
    return /^[a-z]+\d+[a-z]*g[a-z]*\./.test(type);
}

/** Whether two IPv4 CIDR ranges share any address. */
function cidrsOverlap(a: string, b: string): boolean {
    const range = (cidr: string) => {
        const [address, prefix] = cidr.split("/");
        const start = address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
        const size = 2 ** (32 - Number(prefix));
        const first = start - (start % size);
        return [first, first + size - 1];
    };
    const [aStart, aEnd] = range(a);
    const [bStart, bEnd] = range(b);
    return aStart <= bEnd && bStart <= aEnd;
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

/**
 * Reads the running stack's configuration. The only place in the program that touches Pulumi config.
 */
export function loadConfig(): PlatformConfig {
    const config = parseConfig(pulumi.runtime.allConfig(), pulumi.getProject(), pulumi.getStack());
    // A version close to its end of standard support deploys, with one warning line (`pulumi up`, `npm run check`).
    const { warning } = reviewClusterVersion(config);
    if (warning) void pulumi.log.warn(warning);
    return config;
}

/** CPU quantity in cores, memory in bytes: enough to compare requests with limits. */
function quantityValue(text: string): number {
    const units: Record<string, number> = {
        m: 1e-3,
        k: 1e3,
        M: 1e6,
        G: 1e9,
        T: 1e12,
        Ki: 2 ** 10,
        Mi: 2 ** 20,
        Gi: 2 ** 30,
        Ti: 2 ** 40,
    };
    const [, number, unit] = /^([\d.]+)([A-Za-z]*)$/.exec(text) ?? [];
    return Number(number) * (unit ? (units[unit] ?? NaN) : 1);
}

/**
 * A container's request may not exceed its limit: the API server rejects the Deployment ("must be less than
 * or equal to cpu limit", kubernetes/kubernetes pkg/apis/core/validation/validation.go
 * ValidateResourceRequirements). The defaults count (components/workloads serviceDefaults: requests 100m /
 * 128Mi, limits 500m / 512Mi), so a request of 1 CPU with no limit given is as wrong as one over a given limit.
 */
function checkRequestsWithinLimits(
    s: ServiceConfig,
    add: (received: unknown, allowed: string, fix: string) => void,
    label: string,
): void {
    for (const resource of ["cpu", "memory"] as const) {
        const given = { request: s.resources?.requests?.[resource], limit: s.resources?.limits?.[resource] };
        if (given.request === undefined && given.limit === undefined) continue;
        const request = given.request ?? serviceDefaults.requests[resource];
        const limit = given.limit ?? serviceDefaults.limits[resource];
        if (quantityValue(request) <= quantityValue(limit)) continue;
        const defaulted = given.limit === undefined ? "limit" : given.request === undefined ? "request" : undefined;
        add(
            { requests: { [resource]: request }, limits: { [resource]: limit } },
            `a ${resource} request no larger than its limit${defaulted ? ` (the ${defaulted} is the default, ${defaulted === "limit" ? limit : request})` : ""}`,
            defaulted === "limit"
                ? `Set limits.${resource} of ${label} to at least ${request}, or lower requests.${resource}`
                : defaulted === "request"
                  ? `Set requests.${resource} of ${label} to at most ${limit}, or raise limits.${resource}`
                  : `Lower requests.${resource} or raise limits.${resource} of ${label}`,
        );
    }
}

/**
 * Rules for `platform:services` beyond each field's own shape: required fields, unique names and hosts,
 * replica and resource bounds, bindings and calls that name things that exist, build contexts on disk, and
 * no secrets in plain environment variables.
 */
function checkServices(services: ServiceConfig[], base: Omit<Location, "key">, problems: ConfigProblem[]): void {
    const key = `${NAMESPACE}:services`;
    const names = services.map((s) => s.name);
    const add = (where: string, received: unknown, allowed: string, fix: string) =>
        problems.push(problem({ ...base, key: `${key}${where}` }, received, allowed, fix));

    services.forEach((s, i) => {
        const at = `[${i}]`;
        const label = s.name ? `service "${s.name}"` : `service ${i}`;
        if (!s.name) {
            add(`${at}.name`, s.name, "a DNS label naming the service (required)", `Add "name" to ${label} in ${key}.`);
        } else if (names.indexOf(s.name) !== i) {
            add(
                `${at}.name`,
                s.name,
                "a name no other service uses",
                `Rename one of the services named "${s.name}" (entries ${names.indexOf(s.name)} and ${i}) in ${key}.`,
            );
        }
        if ((s.image === undefined) === (s.build === undefined)) {
            add(
                at,
                { image: s.image, build: s.build },
                'exactly one of "image" (a prebuilt reference) or "build" (a build context)',
                `Give ${label} either "image" or "build" in ${key}, not ${s.image === undefined ? "neither" : "both"}.`,
            );
        }
        if (s.build) {
            const context = s.build.context;
            if (context === undefined) {
                add(
                    `${at}.build.context`,
                    context,
                    "a build context directory (required with build)",
                    `Add "context" to the "build" of ${label}.`,
                );
            } else if (!fs.existsSync(context) || !fs.statSync(context).isDirectory()) {
                add(
                    `${at}.build.context`,
                    context,
                    `an existing directory, relative to the project directory (${process.cwd()})`,
                    `Point "context" of ${label} at the directory holding its sources.`,
                );
            } else if (!fs.existsSync(path.join(context, s.build.dockerfile ?? "Dockerfile"))) {
                add(
                    `${at}.build.dockerfile`,
                    s.build.dockerfile ?? "Dockerfile",
                    `a Dockerfile inside the build context "${context}"`,
                    `Add the Dockerfile or set "dockerfile" of ${label} to its path relative to the context.`,
                );
            }
        }
        if (s.port === undefined) {
            add(
                `${at}.port`,
                s.port,
                "a TCP port from 1 to 65535 (required)",
                `Add "port" to ${label}: the port its container listens on.`,
            );
        }
        const min = s.replicas?.min ?? 1;
        const max = s.replicas?.max ?? Math.max(min, 3);
        if (min > max) {
            add(
                `${at}.replicas`,
                s.replicas,
                "min <= max (the autoscaler scales between them)",
                `Lower "min" or raise "max" in the "replicas" of ${label}.`,
            );
        }
        checkRequestsWithinLimits(s, (received, allowed, fix) => add(`${at}.resources`, received, allowed, fix), label);
        for (const [name, value] of Object.entries(s.env ?? {})) {
            if (RESERVED_VARIABLES.includes(name)) {
                add(
                    `${at}.env.${name}`,
                    name,
                    `a name the platform does not set itself (it sets PORT and, through "bind", ${Object.values(BINDING_VARIABLES).flat().join(", ")})`,
                    `Remove "${name}" from the env of ${label}${name === "PORT" ? "" : '; use "bind" to receive it'}.`,
                );
            } else if (/PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|ACCESS_KEY|API_KEY|CREDENTIAL/i.test(name)) {
                add(
                    `${at}.env.${name}`,
                    "[redacted]",
                    "plain, non-secret settings only: a variable named like a secret would sit in the Deployment in clear text",
                    `Remove "${name}" from the env of ${label}; secrets reach pods only from Kubernetes Secrets ("bind").`,
                );
            } else if (/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^@\s]+@/i.test(value)) {
                add(
                    `${at}.env.${name}`,
                    "[redacted]",
                    "a value without credentials (this one is a URL with a password)",
                    `Remove the credentials from "${name}" of ${label}; bind the resource instead.`,
                );
            } else {
                const url = serviceUrlProblem(name, value, s, services);
                if (url) add(`${at}.env.${name}`, value, url.allowed, url.fix);
            }
        }
        if (s.expose) {
            if (!s.expose.host) {
                add(
                    `${at}.expose.host`,
                    s.expose.host,
                    "a public DNS name (required with expose)",
                    `Add "host" to the "expose" of ${label}.`,
                );
            }
            if (s.expose.canary && !s.expose.canary.image) {
                add(
                    `${at}.expose.canary.image`,
                    s.expose.canary.image,
                    "the canary's image reference (required with canary)",
                    `Add "image" to the canary of ${label}, or remove "canary".`,
                );
            }
            const route = `${s.expose.host}${s.expose.path ?? "/"}`;
            const first = services.findIndex((o) => o.expose && `${o.expose.host}${o.expose.path ?? "/"}` === route);
            if (s.expose.host && first !== i) {
                add(
                    `${at}.expose`,
                    route,
                    "a host and path no other service is exposed on",
                    `Change the "host" or "path" of ${label}: service ${first} already serves ${route}.`,
                );
            }
        }
        (s.bind ?? []).forEach((resource, j) => {
            if (s.bind!.indexOf(resource) !== j) {
                add(
                    `${at}.bind[${j}]`,
                    resource,
                    "each resource once",
                    `Remove the repeated "${resource}" from the "bind" of ${label}.`,
                );
            }
        });
        (s.calls ?? []).forEach((callee, j) => {
            if (!names.includes(callee) || callee === s.name) {
                add(
                    `${at}.calls[${j}]`,
                    callee,
                    `the name of another service in ${key}: ${
                        names
                            .filter((n) => n && n !== s.name)
                            .map((n) => JSON.stringify(n))
                            .join(", ") || "(none)"
                    }`,
                    `Remove "${callee}" from the "calls" of ${label}, or add a service of that name.`,
                );
            }
        });
    });
}
