import * as pulumi from "@pulumi/pulumi";
import { CacheOutputs } from "../cache";
import { ClusterOutputs } from "../cluster";
import { DatabaseOutputs } from "../database";
import { NetworkOutputs } from "../network";
import { CapabilityComponent, Cloud, PlatformContext, implementationFor } from "../shared/context";
import { StorageOutputs } from "../storage";

/*
 * The Workloads capability: the application services of `platform:services` on the cluster, the stack's
 * container registry, ingress with TLS, and in-cluster monitoring. Everything Kubernetes is shared code
 * (kubernetes.ts, ingress.ts, observability.ts); only the registry, the per-service cloud identity, the
 * Alertmanager route and load-balancer annotations differ per cloud (aws.ts, azure.ts).
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
        "DATABASE_CA_BUNDLE_URL",
    ],
    cache: ["REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "REDIS_TLS"],
    storage: ["STORAGE_BUCKET", "STORAGE_ENDPOINT", "STORAGE_REGION"],
};

/** Variables the platform sets itself: the bindings' and `PORT`. */
export const RESERVED_VARIABLES = ["PORT", ...Object.values(BINDING_VARIABLES).flat()];

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

/** Public exposure through the ingress controller, with TLS from Let's Encrypt. */
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
    /** Prebuilt image reference ("registry/repository:tag" or "...@sha256:..."). Exclusive with `build`. */
    image?: string;
    /** Build the image from source and push it to the stack's registry. Exclusive with `image`. */
    build?: ServiceBuildConfig;
    /** Container port the service listens on (HTTP), also serving probes and metrics. Required. */
    port?: number;
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
     * pods only through `bind`.
     * @default {}
     */
    env?: Record<string, string>;
    /**
     * Public exposure through the ingress.
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
}

/**
 * What is wrong with an environment value that addresses another service of `platform:services` by URL, or
 * undefined when nothing is (or the value is no such URL). A URL addresses a service when its host is the
 * service's name, alone or as `<name>.<namespace>.svc[.cluster.local]`. Its Service listens on the service's
 * own port only (there is no port 80 in front of it, see service.ts servicePorts), and network policy drops
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
export interface ResolvedService {
    readonly name: string;
    readonly image?: string;
    readonly build?: { readonly context: string; readonly dockerfile: string; readonly target?: string };
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
}

/**
 * Applies the defaults to validated service definitions. The config module has already rejected missing
 * or contradictory fields for stacks; this guards direct callers of the component.
 */
export function resolveServices(services: ServiceConfig[]): ResolvedService[] {
    return services.map((s, i) => {
        if (!s.name || s.port === undefined || (s.image === undefined) === (s.build?.context === undefined)) {
            throw new Error(
                `services[${i}] (${s.name ?? "unnamed"}): "name", "port" and exactly one of "image" or "build.context" are required.`,
            );
        }
        const minReplicas = s.replicas?.min ?? serviceDefaults.minReplicas;
        const liveness = s.probes?.liveness ?? serviceDefaults.liveness;
        return {
            name: s.name,
            image: s.image,
            build: s.build?.context
                ? {
                      context: s.build.context,
                      dockerfile: s.build.dockerfile ?? serviceDefaults.dockerfile,
                      target: s.build.target,
                  }
                : undefined,
            port: s.port,
            minReplicas,
            maxReplicas: s.replicas?.max ?? Math.max(minReplicas, serviceDefaults.maxReplicas),
            requests: {
                cpu: s.resources?.requests?.cpu ?? serviceDefaults.requests.cpu,
                memory: s.resources?.requests?.memory ?? serviceDefaults.requests.memory,
            },
            limits: {
                cpu: s.resources?.limits?.cpu ?? serviceDefaults.limits.cpu,
                memory: s.resources?.limits?.memory ?? serviceDefaults.limits.memory,
            },
            probes: {
                liveness,
                readiness: s.probes?.readiness ?? serviceDefaults.readiness,
                startup: s.probes?.startup ?? liveness,
            },
            metricsPath: s.metricsPath ?? serviceDefaults.metricsPath,
            env: s.env ?? {},
            expose: s.expose?.host
                ? {
                      host: s.expose.host,
                      path: s.expose.path ?? serviceDefaults.exposePath,
                      rateLimitRps: s.expose.rateLimitRps ?? serviceDefaults.rateLimitRps,
                      canary: s.expose.canary?.image
                          ? {
                                image: s.expose.canary.image,
                                weight: s.expose.canary.weight ?? serviceDefaults.canaryWeight,
                            }
                          : undefined,
                  }
                : undefined,
            bind: [...new Set(s.bind ?? [])],
            calls: (s.calls ?? []).map((callee) => {
                const port = services.find((o) => o.name === callee)?.port;
                if (port === undefined) {
                    throw new Error(`services[${i}] (${s.name}): calls "${callee}", which is not a service.`);
                }
                return { name: callee, port };
            }),
            calledBy: services.filter((o) => o.calls?.includes(s.name!)).map((o) => o.name!),
        };
    });
}

// ---------------------------------------------------------------------------------------------------
// Per-cloud pieces: registry, workload identity, Alertmanager route, load balancer
// ---------------------------------------------------------------------------------------------------

/** Arguments of the stack's container registry. */
export interface RegistryArgs {
    readonly context: PlatformContext;
    /** Repositories to create, one per service. */
    readonly repositories: string[];
    /** The identity the cluster's nodes pull images with; granted pull access. */
    readonly nodeIdentityId: pulumi.Input<string>;
}

/** The registry's outputs, the same on every cloud. */
export interface RegistryOutputs {
    /** Registry host that `docker login` / image references use. */
    readonly server: pulumi.Output<string>;
    /** Full repository URL per service name (without tag). */
    readonly repositoryUrls: pulumi.Output<Record<string, string>>;
}

/** Arguments of one service's cloud identity. */
export interface WorkloadIdentityArgs {
    readonly context: PlatformContext;
    /** The cluster whose service account federates with the identity. */
    readonly cluster: Pick<ClusterOutputs, "clusterName" | "oidcIssuerUrl">;
    /** Namespace and name of the Kubernetes ServiceAccount. */
    readonly namespace: pulumi.Input<string>;
    readonly serviceAccountName: string;
    /** The storage the identity may read and write: nothing else. */
    readonly storage: Pick<StorageOutputs, "bucketName" | "resourceId">;
}

/** What a service account needs to become a cloud identity. */
export interface WorkloadIdentityOutputs {
    /** Annotations on the ServiceAccount (Azure: the client id). */
    readonly serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
    /** Labels on the pod template (Azure: `azure.workload.identity/use`). */
    readonly podLabels: pulumi.Output<Record<string, string>>;
    /** The cloud principal: IAM role ARN / managed identity client id. */
    readonly principalId: pulumi.Output<string>;
    /**
     * What a pod using this identity must wait for: the Pod Identity association and the role's policy
     * (AWS), the federated identity credential and the role assignment (Azure). Both clouds hand a pod its
     * credentials when the pod is created, so a pod created before these exist runs without them until it is
     * re-created. Put them in the `dependsOn` of every workload whose pods run as the service account.
     */
    readonly ready: pulumi.Resource[];
}

/** Arguments of the Alertmanager route to the platform's alert destination. */
export interface AlertRouteArgs {
    readonly context: PlatformContext;
    readonly cluster: Pick<ClusterOutputs, "clusterName" | "oidcIssuerUrl">;
    /** Where the Monitoring component sends alerts (SNS topic ARN / action group id). */
    readonly alertDestinationId: pulumi.Input<string>;
    /** The alert e-mail address. */
    readonly alertEmail: string;
    /** Namespace and service account Alertmanager runs as. */
    readonly namespace: string;
    readonly serviceAccountName: string;
    /** Service account the Prometheus servers run as (in the same namespace). */
    readonly prometheusServiceAccountName: string;
    /**
     * The platform's own alert rules (services, certificates), for a cloud that evaluates them itself.
     * @default [] (nothing evaluated outside the cluster)
     */
    readonly ruleGroups?: AlertRuleGroup[];
    /**
     * How often Alertmanager re-sends the always-firing Watchdog alert, minutes: a dead man's switch that
     * notices the heartbeat stopping must allow for this interval.
     */
    readonly watchdogIntervalMinutes: number;
}

/** A Prometheus alerting rule, in the rule-file format (`for` as a Prometheus duration such as "5m"). */
export interface AlertRule {
    readonly alert: string;
    readonly expr: string;
    readonly for: string;
    readonly labels: { readonly severity: "critical" | "warning" | "info" } & Record<string, string>;
    readonly annotations: Record<string, string>;
}

/** A named group of alert rules. */
export interface AlertRuleGroup {
    readonly name: string;
    readonly rules: AlertRule[];
}

/** An Alertmanager receiver, and the identity Alertmanager needs to use it. */
export interface AlertRouteOutputs {
    /** The receiver, in Alertmanager's configuration format, named "platform". */
    readonly receiver: pulumi.Output<Record<string, unknown>>;
    /**
     * The receiver of the always-firing Watchdog alert, named "watchdog": the heartbeat a dead man's switch
     * outside the cluster watches (AWS), or a receiver without integrations where the cloud watches the
     * Watchdog series itself (Azure).
     */
    readonly watchdogReceiver: pulumi.Output<Record<string, unknown>>;
    /** Annotations on Alertmanager's ServiceAccount. */
    readonly serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
    /**
     * What Prometheus needs for the route: remote-write targets (prometheus-operator `RemoteWriteSpec`),
     * annotations on its ServiceAccount and labels on its pods (Azure: the workload identity).
     */
    readonly prometheus: pulumi.Output<PrometheusRouteSettings>;
    /**
     * What the monitoring pods must wait for before they are created, so that they start with credentials:
     * the Pod Identity association and its role policy (AWS: credentials are injected only at pod creation),
     * the federated credential and its role assignment (Azure).
     */
    readonly ready: pulumi.Resource[];
}

/** Prometheus settings an alert route asks for. */
export interface PrometheusRouteSettings {
    readonly remoteWrite: Record<string, unknown>[];
    readonly serviceAccountAnnotations: Record<string, string>;
    readonly podLabels: Record<string, string>;
}

/** A NetworkPolicy egress destination outside the cluster. */
export interface EgressDestination {
    readonly cidr: string;
    readonly except?: string[];
    readonly ports: number[];
    /** Why the destination is needed (documentation). */
    readonly reason: string;
}

/** What differs per cloud, loaded lazily for the stack's cloud. */
export interface WorkloadsCloudImplementation {
    createRegistry(name: string, args: RegistryArgs, parent: pulumi.Resource): RegistryOutputs;
    createIdentity(name: string, args: WorkloadIdentityArgs, parent: pulumi.Resource): WorkloadIdentityOutputs;
    createAlertRoute(name: string, args: AlertRouteArgs, parent: pulumi.Resource): AlertRouteOutputs;
    /** Annotations on the ingress controller's LoadBalancer Service. */
    loadBalancerAnnotations(highAvailability: boolean): Record<string, string>;
    /** HTTPS destinations a storage-bound service needs (object storage API, identity token endpoints). */
    cloudApiEgress(networkCidr: string): EgressDestination[];
}

export function workloadsCloud(cloud: Cloud): WorkloadsCloudImplementation {
    return implementationFor<WorkloadsCloudImplementation>(cloud, {
        // Loaded lazily: a stack only loads the provider SDK of its own cloud.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        aws: () => (require("./aws") as typeof import("./aws")).awsWorkloads,
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        azure: () => (require("./azure") as typeof import("./azure")).azureWorkloads,
    });
}

/** The stack's container registry: ECR repositories (AWS) or an Azure Container Registry. */
export class Registry extends CapabilityComponent<RegistryArgs, RegistryOutputs> implements RegistryOutputs {
    declare public readonly server: pulumi.Output<string>;
    declare public readonly repositoryUrls: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: RegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "platform:workloads:Registry",
            name,
            args,
            { aws: () => workloadsCloud("aws").createRegistry, azure: () => workloadsCloud("azure").createRegistry },
            opts,
        );
    }
}

/** A service's cloud identity, federated with its ServiceAccount, allowed into the platform's storage only. */
export class WorkloadIdentity
    extends CapabilityComponent<WorkloadIdentityArgs, WorkloadIdentityOutputs>
    implements WorkloadIdentityOutputs
{
    declare public readonly serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
    declare public readonly podLabels: pulumi.Output<Record<string, string>>;
    declare public readonly principalId: pulumi.Output<string>;
    declare public readonly ready: pulumi.Resource[];

    constructor(name: string, args: WorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "platform:workloads:WorkloadIdentity",
            name,
            args,
            { aws: () => workloadsCloud("aws").createIdentity, azure: () => workloadsCloud("azure").createIdentity },
            opts,
        );
    }
}

/** Alertmanager's route to the platform's alert destination. */
export class AlertRoute extends CapabilityComponent<AlertRouteArgs, AlertRouteOutputs> implements AlertRouteOutputs {
    declare public readonly receiver: pulumi.Output<Record<string, unknown>>;
    declare public readonly watchdogReceiver: pulumi.Output<Record<string, unknown>>;
    declare public readonly serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
    declare public readonly prometheus: pulumi.Output<PrometheusRouteSettings>;
    declare public readonly ready: pulumi.Resource[];

    constructor(name: string, args: AlertRouteArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "platform:workloads:AlertRoute",
            name,
            args,
            {
                aws: () => workloadsCloud("aws").createAlertRoute,
                azure: () => workloadsCloud("azure").createAlertRoute,
            },
            opts,
        );
    }
}

// ---------------------------------------------------------------------------------------------------
// The Workloads component
// ---------------------------------------------------------------------------------------------------

/** Database connection details a bound service receives. */
export type WorkloadsDatabase = Pick<
    DatabaseOutputs,
    "host" | "port" | "databaseName" | "username" | "password" | "connectionString" | "tlsCaBundleUrl"
>;
/** Cache connection details a bound service receives. */
export type WorkloadsCache = Pick<CacheOutputs, "host" | "port" | "authToken" | "tls" | "connectionString">;
/** Storage details a bound service receives. */
export type WorkloadsStorage = Pick<StorageOutputs, "bucketName" | "endpoint" | "region" | "resourceId">;

/** Neutral arguments of the Workloads capability. The Kubernetes provider flows in through `opts.providers`. */
export interface WorkloadsArgs {
    /** The stack's context. */
    readonly context: PlatformContext;
    /**
     * The application services (validated `platform:services`).
     * @default [] (only the registry, ingress and monitoring are installed)
     */
    readonly services?: ServiceConfig[];
    /** The cluster the services run on. */
    readonly cluster: Pick<ClusterOutputs, "clusterName" | "oidcIssuerUrl" | "nodeIdentityId">;
    /** The network: its address range bounds egress to the data stores. */
    readonly network: Pick<NetworkOutputs, "cidrBlock">;
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
     * Spread pods across zones (topology spread constraints) and run the ingress controller and
     * Alertmanager with three replicas.
     * @default false
     */
    readonly highAvailability?: boolean;
    /**
     * CIDR ranges allowed to reach Grafana's ingress.
     * @default [] (Grafana is reachable from anywhere, behind its login)
     */
    readonly adminAllowedCidrs?: string[];
    /**
     * Public host name of Grafana.
     * @default "grafana." + the first exposed service's host without its first label
     * (api.example.com -> grafana.example.com); with no exposed service Grafana gets no ingress.
     */
    readonly grafanaHost?: string;
    /**
     * Namespace of the application services.
     * @default context.namePrefix, e.g. "platform-prod"
     */
    readonly namespace?: string;
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
}

/**
 * The application on the cluster: a namespace with default-deny network policy, one ServiceWorkload per
 * service, the stack's registry, ingress-nginx + cert-manager, and kube-prometheus-stack with the services'
 * dashboard and alerts.
 */
export class Workloads extends pulumi.ComponentResource implements WorkloadsOutputs {
    public readonly namespace: pulumi.Output<string>;
    public readonly serviceUrls: pulumi.Output<Record<string, string>>;
    public readonly grafanaUrl: pulumi.Output<string>;
    public readonly registryServer: pulumi.Output<string>;

    constructor(name: string, args: WorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:workloads:Workloads", name, {}, opts);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { createWorkloads } = require("./kubernetes") as typeof import("./kubernetes");
        const outputs = createWorkloads(name, args, this);
        this.namespace = outputs.namespace;
        this.serviceUrls = outputs.serviceUrls;
        this.grafanaUrl = outputs.grafanaUrl;
        this.registryServer = outputs.registryServer;
        this.registerOutputs({ ...outputs });
    }
}

/** Arguments of one service on the cluster (built by the Workloads component). */
export interface ServiceWorkloadArgs {
    readonly context: PlatformContext;
    readonly service: ResolvedService;
    /** Namespace the service runs in. */
    readonly namespace: pulumi.Input<string>;
    /** Repository the built image is pushed to. */
    readonly repositoryUrl: pulumi.Input<string>;
    readonly cluster: Pick<ClusterOutputs, "clusterName" | "oidcIssuerUrl">;
    readonly network: Pick<NetworkOutputs, "cidrBlock">;
    readonly database: WorkloadsDatabase;
    readonly cache: WorkloadsCache;
    readonly storage: WorkloadsStorage;
    /** Spread pods across zones. */
    readonly highAvailability: boolean;
    /** Ingress class and ClusterIssuer exposed services use. */
    readonly ingress: { readonly className: string; readonly clusterIssuer: string };
    /** Resources the Ingresses and ServiceMonitor wait for (the ingress controller, CRDs). */
    readonly ingressDependsOn: pulumi.Input<pulumi.Resource>[];
    readonly monitoringDependsOn: pulumi.Input<pulumi.Resource>[];
}

/** One service's outputs. */
export interface ServiceWorkloadOutputs {
    /** The image reference the Deployment runs. */
    readonly image: pulumi.Output<string>;
    /** Public URL, or undefined when not exposed. */
    readonly url: pulumi.Output<string | undefined>;
}

/**
 * One application service: ServiceAccount (bound to a cloud identity when it uses storage), connection
 * Secret, Deployment, Service, HPA, PDB, NetworkPolicy, ServiceMonitor, and Ingress (plus canary) when
 * exposed.
 */
export class ServiceWorkload extends pulumi.ComponentResource implements ServiceWorkloadOutputs {
    public readonly image: pulumi.Output<string>;
    public readonly url: pulumi.Output<string | undefined>;

    constructor(name: string, args: ServiceWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:workloads:ServiceWorkload", name, {}, opts);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { createServiceWorkload } = require("./service") as typeof import("./service");
        const outputs = createServiceWorkload(name, args, this);
        this.image = outputs.image;
        this.url = outputs.url;
        this.registerOutputs({ ...outputs });
    }
}

/** Arguments of the ingress controller and certificate issuer. */
export interface IngressControllerArgs {
    readonly context: PlatformContext;
    readonly alertEmail: string;
    readonly highAvailability: boolean;
    /** Annotations of the controller's LoadBalancer Service (per cloud). */
    readonly loadBalancerAnnotations: Record<string, string>;
    /** The Prometheus operator's CRDs, which cert-manager's ServiceMonitor needs before it installs. */
    readonly monitoringCrds: pulumi.Resource[];
}

/** What exposed services need from the ingress layer. */
export interface IngressControllerOutputs {
    readonly className: string;
    readonly clusterIssuer: string;
    /** Namespace of the controller (network policy admits traffic from it). */
    readonly namespace: string;
    /** The resources an Ingress must wait for (controller webhook, ClusterIssuer). */
    readonly ready: pulumi.Resource[];
}

/** ingress-nginx and cert-manager from their pinned Helm charts, and a Let's Encrypt ClusterIssuer. */
export class IngressController extends pulumi.ComponentResource implements IngressControllerOutputs {
    public readonly className: string;
    public readonly clusterIssuer: string;
    public readonly namespace: string;
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: IngressControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:workloads:IngressController", name, {}, opts);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { createIngressController } = require("./ingress") as typeof import("./ingress");
        const outputs = createIngressController(name, args, this);
        this.className = outputs.className;
        this.clusterIssuer = outputs.clusterIssuer;
        this.namespace = outputs.namespace;
        this.ready = outputs.ready;
        this.registerOutputs({
            className: outputs.className,
            clusterIssuer: outputs.clusterIssuer,
            namespace: outputs.namespace,
        });
    }
}

/** Arguments of the in-cluster monitoring stack. */
export interface ClusterMonitoringArgs {
    readonly context: PlatformContext;
    readonly cluster: Pick<ClusterOutputs, "clusterName" | "oidcIssuerUrl">;
    /** The application namespace whose services the dashboard and alerts cover. */
    readonly appNamespace: string;
    /** Names of the services (dashboard variable values). */
    readonly services: string[];
    readonly alertEmail: string;
    readonly alertDestinationId: pulumi.Input<string>;
    readonly highAvailability: boolean;
    /** Public Grafana host; no ingress when undefined. */
    readonly grafanaHost?: string;
    readonly adminAllowedCidrs: string[];
    /** Ingress class and ClusterIssuer for Grafana's ingress. */
    readonly ingress: { readonly className: string; readonly clusterIssuer: string };
    readonly ingressDependsOn: pulumi.Resource[];
    /** The Prometheus operator's CRDs (installed before the stack, see `createMonitoringCrds`). */
    readonly crds: pulumi.Resource[];
}

/** What the monitoring stack offers. */
export interface ClusterMonitoringOutputs {
    readonly grafanaUrl: pulumi.Output<string>;
    /** Namespace of Prometheus (network policy admits scrapes from it). */
    readonly namespace: string;
    /** Resources ServiceMonitors and PrometheusRules wait for (the CRDs). */
    readonly ready: pulumi.Resource[];
}

/** kube-prometheus-stack (pinned) with the services' Grafana dashboard, alert rules and Alertmanager route. */
export class ClusterMonitoring extends pulumi.ComponentResource implements ClusterMonitoringOutputs {
    public readonly grafanaUrl: pulumi.Output<string>;
    public readonly namespace: string;
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: ClusterMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:workloads:ClusterMonitoring", name, {}, opts);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { createClusterMonitoring } = require("./observability") as typeof import("./observability");
        const outputs = createClusterMonitoring(name, args, this);
        this.grafanaUrl = outputs.grafanaUrl;
        this.namespace = outputs.namespace;
        this.ready = outputs.ready;
        this.registerOutputs({ grafanaUrl: outputs.grafanaUrl, namespace: outputs.namespace });
    }
}
