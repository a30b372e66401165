import * as pulumi from "@pulumi/pulumi";
import { CacheClientMode, CacheOutputs } from "../cache";
import { ClusterOutputs } from "../cluster";
import { DatabaseOutputs } from "../database";
import { NetworkOutputs } from "../network";
import { PlatformContext } from "../shared/context";
import { StorageOutputs } from "../storage";
import {
    ResolvedKindFields,
    ServiceCronConfig,
    ServiceEgressConfig,
    ServiceMigrateConfig,
    ServiceProbeConfig,
    WorkloadKindName,
    resolveKindFields,
} from "./service-kinds";
import { ResolvedTrigger, ServiceScalingConfig, resolveScaling } from "./scaling";
import { ResolvedSecret, SecretValues, ServiceSecretConfig, resolveSecrets } from "./secrets";
import type { AcmeDirectory, Dns01Solver } from "./edge/certificates";
import type { OriginLock } from "./edge/origin-lock";
import type { Dns01Zone } from "./edge/dns01";

/*
 * The Workloads capability: the application on the cluster, one folder per concern, each with its contract
 * in its index.ts:
 *
 * - services/       the application services of `platform:services`: one builder per Kubernetes object
 *                   kind, composed per workload kind (web.ts today; a worker or a Job is a new file there)
 * - edge/           how requests reach them: the Gateway API through Envoy Gateway, the cloud's load balancer,
 *                   cert-manager and its ClusterIssuer, the HTTPRoutes and their policies
 * - observability/  kube-prometheus-stack, the services' dashboard and alerts, and the Alertmanager route to
 *                   the platform's alert destination (per cloud)
 * - identity/       a service's cloud identity federated with its ServiceAccount (per cloud)
 * - registry/       the stack's container registry (per cloud) and the services' images
 *
 * This file holds the shape of one `platform:services` entry with its defaults, and the Workloads component
 * whose body (workloads.ts) composes the folders. Kubernetes code is shared; only what a folder's aws.ts
 * and azure.ts hold differs per cloud, and those load lazily for the stack's cloud.
 */

// ---------------------------------------------------------------------------------------------------
// Service definitions (the shape of one entry of `platform:services`)
// ---------------------------------------------------------------------------------------------------

/** Platform resources a service can bind; each binding puts its connection details in the service's Secret. */
export const BINDABLE_RESOURCES = ["database", "cache", "storage"] as const;
export type BindableResource = (typeof BINDABLE_RESOURCES)[number];

/** The environment variables a binding puts in the service's Secret (reserved: `env` may not set them). */
export const BINDING_VARIABLES: Record<BindableResource, readonly string[]> = {
    database: [
        "DATABASE_URL",
        "DATABASE_HOST",
        "DATABASE_PORT",
        "DATABASE_NAME",
        "DATABASE_USER",
        "DATABASE_PASSWORD",
        "DATABASE_SCHEMA",
        "DATABASE_CA_BUNDLE_URL",
        "DATABASE_READ_URL",
        "DATABASE_READ_HOST",
        "DATABASE_READ_CA_BUNDLE_URL",
        "DATABASE_AUTH",
        "DATABASE_SSLMODE",
    ],
    // Every variable a cache binding may set; which ones depends on REDIS_AUTH (services/secret.ts cacheDetails).
    cache: [
        "REDIS_AUTH",
        "REDIS_URL",
        "REDIS_HOST",
        "REDIS_PORT",
        "REDIS_TLS",
        "REDIS_CLUSTER",
        "REDIS_USER",
        "REDIS_PASSWORD",
        "REDIS_CACHE_NAME",
        "REDIS_REGION",
        "REDIS_TOKEN_SCOPE",
    ],
    storage: ["STORAGE_BUCKET", "STORAGE_ENDPOINT", "STORAGE_REGION"],
};

/**
 * The plain variables naming the database CA bundle file a `bind: ["database"]` pod gets where the platform
 * ships the bundle (services/database-ca.ts); `PGSSLROOTCERT` is libpq's
 * (https://www.postgresql.org/docs/current/libpq-envars.html).
 */
export const DATABASE_CA_VARIABLES = ["DATABASE_CA_FILE", "PGSSLROOTCERT"] as const;

/** Variables the platform sets itself: the bindings', the database CA file's and `PORT`. */
export const RESERVED_VARIABLES = ["PORT", ...Object.values(BINDING_VARIABLES).flat(), ...DATABASE_CA_VARIABLES];

/** How a service's image is built from source and pushed to the stack's registry. */
export interface ServiceBuildConfig {
    /** Build context directory, relative to the project directory. Required when `build` is set. */
    context?: string;
    /**
     * Dockerfile path, relative to the context.
     * @default "Dockerfile"
     */
    dockerfile?: string;
    /**
     * Multi-stage build target.
     * @default the Dockerfile's last stage
     */
    target?: string;
}

/** Replica bounds; the HorizontalPodAutoscaler scales between them. */
export interface ServiceReplicasConfig {
    /**
     * Fewest pods (also the PodDisruptionBudget's floor plus one).
     * @default 1
     */
    min?: number;
    /**
     * Most pods.
     * @default max(min, 3)
     */
    max?: number;
}

/** Kubernetes resource quantities, e.g. `{ "cpu": "250m", "memory": "512Mi" }`. */
export interface ResourceQuantities {
    /** CPU, in cores ("0.5", "2") or millicores ("250m"). */
    cpu?: string;
    /** Memory with a binary suffix: "256Mi", "1Gi". */
    memory?: string;
}

/** Container requests and limits. */
export interface ServiceResourcesConfig {
    /**
     * What the scheduler reserves; the HPA's utilisation targets are relative to it.
     * @default { cpu: "100m", memory: "128Mi" }
     */
    requests?: ResourceQuantities;
    /**
     * The most the container may use (CPU is throttled, memory over the limit is OOM-killed).
     * @default { cpu: "500m", memory: "512Mi" }
     */
    limits?: ResourceQuantities;
}

/** HTTP paths of the three probes, served on the service's port. */
export interface ServiceProbesConfig {
    /**
     * Liveness: the container is restarted when it fails.
     * @default "/health/live"
     */
    liveness?: string;
    /**
     * Readiness: the pod receives traffic only while it passes.
     * @default "/health/ready"
     */
    readiness?: string;
    /**
     * Startup: liveness and readiness wait until it passes (up to 5 minutes).
     * @default the liveness path
     */
    startup?: string;
}

/** A canary release behind the same host and path, taking a share of the traffic. */
export interface ServiceCanaryConfig {
    /** Prebuilt image reference of the canary. Required when `canary` is set. */
    image?: string;
    /**
     * Percentage of requests the canary receives (1-99).
     * @default 10
     */
    weight?: number;
}

/** Public exposure through the Gateway (an HTTPRoute on its HTTPS listener), with TLS from Let's Encrypt. */
export interface ServiceExposeConfig {
    /** Public DNS name, e.g. "api.example.com". Required when `expose` is set. */
    host?: string;
    /**
     * URL path prefix routed to the service.
     * @default "/"
     */
    path?: string;
    /**
     * Requests per second allowed from one client IP (burst: 5 × this).
     * @default 100
     */
    rateLimitRps?: number;
    /**
     * A canary release.
     * @default no canary
     */
    canary?: ServiceCanaryConfig;
}

/**
 * One application service, as written in `platform:services`. Every field is optional in the type because
 * the config module validates presence with a clear message; `name`, `port` and one of `image` / `build`
 * are required.
 */
export interface ServiceConfig {
    /** DNS label naming the Deployment, Service, ServiceAccount and friends. Required, unique. */
    name?: string;
    /**
     * The kind of workload (service-kinds.ts): "web", "worker", "singleton" or "cronjob".
     * @default "web"
     */
    kind?: WorkloadKindName;
    /** Prebuilt image reference ("registry/repository:tag" or "...@sha256:..."). Exclusive with `build`. */
    image?: string;
    /** Build the image from source and push it to the stack's registry. Exclusive with `image`. */
    build?: ServiceBuildConfig;
    /** Container port the service listens on (HTTP), also serving probes and metrics. Required for "web" only. */
    port?: number;
    /**
     * The container's command, replacing the image's entrypoint (workers, singletons, cronjobs).
     * @default the image's entrypoint
     */
    command?: string[];
    /**
     * The container's arguments.
     * @default the image's command
     */
    args?: string[];
    /**
     * Liveness and readiness probe of a worker or singleton (exec or TCP); a web service uses `probes`.
     * @default no probe
     */
    probe?: ServiceProbeConfig;
    /** Schedule of a "cronjob" (required for that kind, rejected for the others). */
    cron?: ServiceCronConfig;
    /**
     * A migration Job run to completion before each new version rolls out (not for cronjobs).
     * @default no migration
     */
    migrate?: ServiceMigrateConfig;
    /**
     * Destinations outside the namespace the service may connect to (CIDR and TCP ports).
     * @default [] (only DNS, the bound data stores and the services in `calls`)
     */
    egress?: ServiceEgressConfig[];
    /** Replica bounds. */
    replicas?: ServiceReplicasConfig;
    /** Requests and limits. */
    resources?: ServiceResourcesConfig;
    /** Probe paths. */
    probes?: ServiceProbesConfig;
    /**
     * Path Prometheus scrapes.
     * @default "/metrics"
     */
    metricsPath?: string;
    /**
     * Plain, non-secret environment variables. Names that look like secrets are rejected: secrets reach
     * pods only through `secrets` (the application's) and `bind` (the platform's).
     * @default {}
     */
    env?: Record<string, string>;
    /**
     * Public exposure through the Gateway.
     * @default not exposed (reachable only inside the namespace, by services that list it in `calls`)
     */
    expose?: ServiceExposeConfig;
    /**
     * Platform resources the service uses; their connection details reach the pod from a Secret, and
     * network policy lets it reach exactly those.
     * @default []
     */
    bind?: BindableResource[];
    /**
     * Other services this one calls; network policy admits exactly these calls.
     * @default []
     */
    calls?: string[];
    /**
     * Names of the application's own secrets, delivered from the cloud's secret store as files (default) or
     * env (components/workloads/secrets/).
     * @default []
     */
    secrets?: ServiceSecretConfig[];
    /**
     * Event-driven autoscaling with KEDA, beside CPU and memory (components/workloads/scaling/).
     * @default CPU and memory only (an HPA)
     */
    scaling?: ServiceScalingConfig;
}

/**
 * What is wrong with an environment value that addresses another service of `platform:services` by URL, or
 * undefined when nothing is (or the value is no such URL). A URL addresses a service when its host is the
 * service's name, alone or as `<name>.<namespace>.svc[.cluster.local]`. Its Service listens on the service's
 * own port only (there is no port 80 in front of it, see services/cluster-service.ts servicePorts), and network policy drops
 * calls the caller does not list in `calls`.
 */
export function serviceUrlProblem(
    variable: string,
    value: string,
    caller: ServiceConfig,
    services: ServiceConfig[],
): { allowed: string; fix: string } | undefined {
    const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#\s:@]+)(?::(\d+))?/i.exec(value);
    if (!match) return undefined;
    const [, scheme, host, port] = match;
    const [first, ...rest] = host.toLowerCase().split(".");
    const inCluster =
        rest.length === 0 || (rest[1] === "svc" && (rest.length === 2 || rest.slice(2).join(".") === "cluster.local"));
    const callee = services.find((o) => o.name === first && o !== caller);
    if (!inCluster || callee?.port === undefined) return undefined;
    const label = `service "${caller.name}"`;
    if (port === undefined || Number(port) !== callee.port) {
        const fixed = `${scheme}://${host}:${callee.port}${value.slice(match[0].length)}`;
        return {
            allowed: `a URL with the port "${callee.name}" listens on (${callee.port}); its Service has no other port`,
            fix: `Set "${variable}" of ${label} to "${fixed}".`,
        };
    }
    if (!(caller.calls ?? []).includes(callee.name!)) {
        return {
            allowed: `a URL of a service listed in the "calls" of ${label} (network policy drops other calls)`,
            fix: `Add "${callee.name}" to the "calls" of ${label}, or remove "${variable}".`,
        };
    }
    return undefined;
}

/** Figures shared by every service (seed architectures: 70% CPU / 80% memory autoscaling). */
export const autoscalingTargets = { cpuUtilizationPercent: 70, memoryUtilizationPercent: 80 } as const;

/** Defaults applied in one place (resolveService). */
export const serviceDefaults = {
    minReplicas: 1,
    maxReplicas: 3,
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
    liveness: "/health/live",
    readiness: "/health/ready",
    metricsPath: "/metrics",
    dockerfile: "Dockerfile",
    exposePath: "/",
    rateLimitRps: 100,
    canaryWeight: 10,
} as const;

/** A service with every default applied. */
export interface ResolvedService extends ResolvedKindFields {
    readonly name: string;
    readonly image?: string;
    readonly build?: { readonly context: string; readonly dockerfile: string; readonly target?: string };
    /** The container port of a web service; 0 for the kinds without one (which never read it). */
    readonly port: number;
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
    readonly probes: { readonly liveness: string; readonly readiness: string; readonly startup: string };
    readonly metricsPath: string;
    readonly env: Record<string, string>;
    readonly expose?: {
        readonly host: string;
        readonly path: string;
        readonly rateLimitRps: number;
        readonly canary?: { readonly image: string; readonly weight: number };
    };
    readonly bind: BindableResource[];
    /** The services this one calls, with the container port each listens on. */
    readonly calls: { readonly name: string; readonly port: number }[];
    /** Services that list this one in `calls` (computed). */
    readonly calledBy: string[];
    /** The application's secrets. */
    readonly secrets: ResolvedSecret[];
    /** KEDA triggers, or undefined for CPU/memory scaling by the HPA. */
    readonly scaling?: ResolvedTrigger[];
}

/**
 * Applies the defaults to validated service definitions. The config module has already rejected missing
 * or contradictory fields for stacks; this guards direct callers of the component.
 */
export function resolveServices(services: ServiceConfig[]): ResolvedService[] {
    return services.map((s, i) => {
        const kind = resolveKindFields(s);
        const needsPort = kind.kind === "web";
        if (
            !s.name ||
            (needsPort && s.port === undefined) ||
            (s.image === undefined) === (s.build?.context === undefined)
        ) {
            throw new Error(
                `services[${i}] (${s.name ?? "unnamed"}): "name", "port" (web services) and exactly one of "image" or "build.context" are required.`,
            );
        }
        const minReplicas = s.replicas?.min ?? serviceDefaults.minReplicas;
        const liveness = s.probes?.liveness ?? serviceDefaults.liveness;
        return {
            ...kind,
            name: s.name,
            image: s.image,
            build: s.build?.context
                ? {
                      context: s.build.context,
                      dockerfile: s.build.dockerfile ?? serviceDefaults.dockerfile,
                      target: s.build.target,
                  }
                : undefined,
            port: needsPort ? s.port! : 0,
            minReplicas,
            maxReplicas: s.replicas?.max ?? Math.max(minReplicas, serviceDefaults.maxReplicas),
            ...resolveResources(s),
            probes: {
                liveness,
                readiness: s.probes?.readiness ?? serviceDefaults.readiness,
                startup: s.probes?.startup ?? liveness,
            },
            metricsPath: s.metricsPath ?? serviceDefaults.metricsPath,
            env: s.env ?? {},
            expose: resolveExpose(s.expose),
            bind: [...new Set(s.bind ?? [])],
            calls: resolveCalls(s, i, services),
            calledBy: services.filter((o) => o.calls?.includes(s.name!)).map((o) => o.name!),
            secrets: resolveSecrets(s.secrets),
            scaling: resolveScaling(s.scaling),
        };
    });
}

/** Requests and limits with their defaults. */
function resolveResources(s: ServiceConfig): Pick<ResolvedService, "requests" | "limits"> {
    return {
        requests: {
            cpu: s.resources?.requests?.cpu ?? serviceDefaults.requests.cpu,
            memory: s.resources?.requests?.memory ?? serviceDefaults.requests.memory,
        },
        limits: {
            cpu: s.resources?.limits?.cpu ?? serviceDefaults.limits.cpu,
            memory: s.resources?.limits?.memory ?? serviceDefaults.limits.memory,
        },
    };
}

/** Exposure with its defaults, or undefined without a host. */
function resolveExpose(expose: ServiceExposeConfig | undefined): ResolvedService["expose"] {
    if (!expose?.host) {
        return undefined;
    }
    return {
        host: expose.host,
        path: expose.path ?? serviceDefaults.exposePath,
        rateLimitRps: expose.rateLimitRps ?? serviceDefaults.rateLimitRps,
        canary: expose.canary?.image
            ? { image: expose.canary.image, weight: expose.canary.weight ?? serviceDefaults.canaryWeight }
            : undefined,
    };
}

/** The services `s` calls, with the port each listens on. */
function resolveCalls(s: ServiceConfig, i: number, services: ServiceConfig[]): ResolvedService["calls"] {
    return (s.calls ?? []).map((callee) => {
        const port = services.find((o) => o.name === callee)?.port;
        if (port === undefined) {
            throw new Error(`services[${i}] (${s.name}): calls "${callee}", which is not a service.`);
        }
        return { name: callee, port };
    });
}

// ---------------------------------------------------------------------------------------------------
// The Workloads component
// ---------------------------------------------------------------------------------------------------

/**
 * What the Workloads need of the database: the administrator's login (for the role bootstrap Job only,
 * workloads/database) and what a bound service receives (its own login, the client endpoint, the replicas).
 */
export type WorkloadsDatabase = Pick<
    DatabaseOutputs,
    | "host"
    | "port"
    | "databaseName"
    | "username"
    | "password"
    | "connectionString"
    | "tlsCaBundleUrl"
    | "clientEndpoint"
    | "readHosts"
    | "extensions"
    | "clientLogins"
    | "clientAuthentication"
    | "iamConnectPrefixes"
    | "resourceName"
> & {
    /**
     * What a Deployment that binds the database waits for (the role bootstrap Job; a promise of it when the Job
     * is built after the services, whose identities it maps logins to).
     */
    readonly ready?: pulumi.Input<pulumi.Resource>[];
};
/** Cache connection details a bound service receives. */
export type WorkloadsCache = Pick<CacheOutputs, "host" | "port" | "authToken" | "tls" | "connectionString"> & {
    /**
     * How services connect (components/cache cacheClientMode): per-service users / assignments when passwordless.
     * @default password authentication, no cluster mode
     */
    readonly mode?: CacheClientMode;
    /** What per-service users / assignments attach to (passwordless only). */
    readonly clientAccess?: CacheOutputs["clientAccess"];
};
/** Storage details a bound service receives. */
export type WorkloadsStorage = Pick<StorageOutputs, "bucketName" | "endpoint" | "region" | "resourceId">;

/** Neutral arguments of the Workloads capability. The Kubernetes provider flows in through `opts.providers`. */
export interface WorkloadsArgs {
    /** The stack's context. */
    readonly context: PlatformContext;
    /**
     * The application services (validated `platform:services`).
     * @default [] (only the registry, the edge and monitoring are installed)
     */
    readonly services?: ServiceConfig[];
    /** The cluster the services run on. */
    readonly cluster: Pick<ClusterOutputs, "clusterName" | "oidcIssuerUrl" | "nodeIdentityId">;
    /** The network: its address range bounds egress to the data stores. */
    readonly network: Pick<NetworkOutputs, "cidrBlock" | "endpointSubnetIds" | "networkId">;
    /** The database whose details `bind: ["database"]` hands out. */
    readonly database: WorkloadsDatabase;
    /** The cache whose details `bind: ["cache"]` hands out. */
    readonly cache: WorkloadsCache;
    /** The storage `bind: ["storage"]` grants access to, through a per-service cloud identity. */
    readonly storage: WorkloadsStorage;
    /** E-mail for Let's Encrypt expiry notices and (on Azure) alerts. */
    readonly alertEmail: string;
    /** The Monitoring component's alert destination, where Alertmanager routes alerts. */
    readonly alertDestinationId: pulumi.Input<string>;
    /**
     * Spread pods across zones (topology spread constraints) and run the Envoy fleet and Alertmanager with
     * three replicas.
     * @default false
     */
    readonly highAvailability?: boolean;
    /**
     * CIDR ranges allowed to reach Grafana's route (`platform:edge.grafanaAllowedCidrs`, separate from the
     * Kubernetes API's allow-list).
     * @default [] (Grafana is not published; reach it with kubectl port-forward)
     */
    readonly grafanaAllowedCidrs?: string[];
    /**
     * Let's Encrypt's directory.
     * @default "production" in prod, "staging" in dev and staging
     */
    readonly letsEncrypt?: AcmeDirectory;
    /**
     * DNS-01 through the stack's DNS zone (filled from components/dns when `platform:dns` is set).
     * @default HTTP-01 through the Gateway
     */
    readonly dns01?: Dns01Solver;
    /**
     * The CDN's lock on the Gateway (components/cdn/origin.ts), when the CDN is on: only the CDN reaches the
     * load balancer, the HTTPS listener requires its header, and the client IP comes from its X-Forwarded-For.
     * @default none (no CDN in front: the load balancer admits every source)
     */
    readonly originLock?: OriginLock;
    /**
     * The stack's DNS zone (`platform:dns`): cert-manager solves ACME challenges for its names with DNS-01,
     * as its own workload identity limited to the zone.
     * @default none: HTTP-01 through the Gateway
     */
    readonly dnsZone?: Dns01Zone;
    /**
     * Public host name of Grafana.
     * @default "grafana." + the first exposed service's host without its first label
     * (api.example.com -> grafana.example.com); with no exposed service Grafana gets no route.
     */
    readonly grafanaHost?: string;
    /**
     * Namespace of the application services.
     * @default context.namePrefix, e.g. "platform-prod"
     */
    readonly namespace?: string;
    /**
     * Values of the services' secrets from stack config, by service and name (secret Outputs).
     * @default {} (every value is set out of band)
     */
    readonly secretValues?: Readonly<Record<string, SecretValues>>;
}

/** The outputs of the Workloads capability, the same on every cloud. */
export interface WorkloadsOutputs {
    /** Namespace of the application services. */
    readonly namespace: pulumi.Output<string>;
    /** Public URL per exposed service, e.g. `{ "api": "https://api.example.com/" }`. */
    readonly serviceUrls: pulumi.Output<Record<string, string>>;
    /** Grafana's URL (public when exposed, otherwise the in-cluster address for port-forwarding). */
    readonly grafanaUrl: pulumi.Output<string>;
    /** Registry host images are pushed to. */
    readonly registryServer: pulumi.Output<string>;
    /** The Gateway's public address (the NLB's DNS name on AWS, the load balancer's IP on Azure). */
    readonly loadBalancerAddress: pulumi.Output<string>;
    /** Namespace of the Gateway and its Envoy pods. */
    readonly gatewayNamespace: pulumi.Output<string>;
}

/**
 * The application on the cluster: a namespace with default-deny network policy, one ServiceWorkload per
 * service, the stack's registry, the edge (Envoy Gateway + cert-manager), and kube-prometheus-stack with the services'
 * dashboard and alerts.
 */
export class Workloads extends pulumi.ComponentResource implements WorkloadsOutputs {
    public readonly namespace: pulumi.Output<string>;
    public readonly serviceUrls: pulumi.Output<Record<string, string>>;
    public readonly grafanaUrl: pulumi.Output<string>;
    public readonly registryServer: pulumi.Output<string>;
    public readonly loadBalancerAddress: pulumi.Output<string>;
    public readonly gatewayNamespace: pulumi.Output<string>;

    constructor(name: string, args: WorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:workloads:Workloads", name, {}, opts);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { createWorkloads } = require("./workloads") as typeof import("./workloads");
        const outputs = createWorkloads(name, args, this);
        this.namespace = outputs.namespace;
        this.serviceUrls = outputs.serviceUrls;
        this.grafanaUrl = outputs.grafanaUrl;
        this.registryServer = outputs.registryServer;
        this.loadBalancerAddress = outputs.loadBalancerAddress;
        this.gatewayNamespace = outputs.gatewayNamespace;
        this.registerOutputs({ ...outputs });
    }
}

// The folders' contracts, so that `import { ... } from "components/workloads"` reaches every public name.
export * from "./edge";
export * from "./identity";
export * from "./observability";
export * from "./registry";
export * from "./services";
