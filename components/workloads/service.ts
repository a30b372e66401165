import * as crypto from "crypto";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Image } from "@pulumi/docker/image";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { Deployment } from "@pulumi/kubernetes/apps/v1";
import { HorizontalPodAutoscaler } from "@pulumi/kubernetes/autoscaling/v2";
import { Secret, Service, ServiceAccount } from "@pulumi/kubernetes/core/v1";
import { Ingress, NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { PodDisruptionBudget } from "@pulumi/kubernetes/policy/v1";
import type * as k8s from "@pulumi/kubernetes/types/input";
import {
    ResolvedService,
    ServiceWorkloadArgs,
    ServiceWorkloadOutputs,
    WorkloadIdentity,
    WorkloadIdentityOutputs,
    autoscalingTargets,
    workloadsCloud,
} from ".";
import { contentTag } from "./image";
import { INGRESS_NAMESPACE, INGRESS_POD_SELECTOR } from "./ingress";
import { serviceLabels } from "./kubernetes";
import { MONITORING_NAMESPACE, PROMETHEUS_POD_SELECTOR } from "./observability";

/** Probe timings (seed architectures): startup allows 5 minutes, liveness and readiness react in ~15 s. */
export const probeTimings = {
    startup: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 },
    liveness: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    readiness: { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
} as const;

/**
 * Shutdown timings. Removing a terminating pod from the EndpointSlices (and so from ingress-nginx and
 * kube-proxy on every node) happens concurrently with its termination, not before it: without a pause,
 * requests still routed to the pod fail while the app exits. The preStop sleep keeps it serving for a few
 * seconds first (AWS Prescriptive Guidance, https://docs.aws.amazon.com/prescriptive-guidance/latest/ha-resiliency-amazon-eks-apps/lifecycle-hooks.html).
 * The sleep action needs no `sleep` binary in the image; it is on by default since Kubernetes 1.30 and GA
 * in 1.34 (KEP-3960, https://www.kubernetes.dev/resources/keps/3960/). The grace period counts the sleep.
 */
export const shutdownTimings = { preStopSleepSeconds: 10, terminationGracePeriodSeconds: 40 } as const;

/** The user and group every container runs as (the restricted Pod Security Standard's non-root). */
export const RUN_AS_ID = 10001;

/**
 * The connection details of the bound resources, from the components' normalized outputs. The whole
 * object is secret: it only ever reaches the cluster as a Kubernetes Secret.
 */
export function connectionDetails(
    service: ResolvedService,
    args: Pick<ServiceWorkloadArgs, "database" | "cache" | "storage">,
): pulumi.Output<Record<string, string>> {
    const parts: pulumi.Output<Record<string, string>>[] = [];
    if (service.bind.includes("database")) {
        const db = args.database;
        parts.push(
            pulumi
                .all([
                    db.connectionString,
                    db.host,
                    db.port,
                    db.databaseName,
                    db.username,
                    db.password,
                    db.tlsCaBundleUrl,
                ])
                .apply(
                    ([url, host, port, database, user, password, ca]): Record<string, string> => ({
                        DATABASE_URL: url,
                        DATABASE_HOST: host,
                        DATABASE_PORT: String(port),
                        DATABASE_NAME: database,
                        DATABASE_USER: user,
                        DATABASE_PASSWORD: password,
                        DATABASE_CA_BUNDLE_URL: ca,
                    }),
                ),
        );
    }
    if (service.bind.includes("cache")) {
        const cache = args.cache;
        parts.push(
            pulumi.all([cache.connectionString, cache.host, cache.port, cache.authToken, cache.tls]).apply(
                ([url, host, port, token, tls]): Record<string, string> => ({
                    REDIS_URL: url,
                    REDIS_HOST: host,
                    REDIS_PORT: String(port),
                    REDIS_PASSWORD: token,
                    REDIS_TLS: String(tls),
                }),
            ),
        );
    }
    if (service.bind.includes("storage")) {
        const storage = args.storage;
        parts.push(
            pulumi.all([storage.bucketName, storage.endpoint, storage.region]).apply(
                ([bucket, endpoint, region]): Record<string, string> => ({
                    STORAGE_BUCKET: bucket,
                    STORAGE_ENDPOINT: endpoint,
                    STORAGE_REGION: region,
                }),
            ),
        );
    }
    return pulumi.secret(pulumi.all(parts).apply((p) => Object.assign({}, ...p) as Record<string, string>));
}

function httpProbe(probePath: string, timings: (typeof probeTimings)[keyof typeof probeTimings]): k8s.core.v1.Probe {
    return { httpGet: { path: probePath, port: "http", scheme: "HTTP" }, ...timings };
}

/** The restricted container security context: non-root, read-only root, no escalation, no capabilities. */
export const containerSecurityContext: k8s.core.v1.SecurityContext = {
    runAsNonRoot: true,
    runAsUser: RUN_AS_ID,
    runAsGroup: RUN_AS_ID,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

/**
 * The ports of a service's ClusterIP Service: the container port itself, not 80 in front of it, and a
 * numeric targetPort equal to it. EKS enforces network policy with eBPF on the pod's interface, before the
 * Service address is translated, so the policy controller must find the Service port among the policy's
 * ports: "For any of your Kubernetes services, the service port must be the same as the container port"
 * (https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html#cni-network-policy-considerations,
 * aws/aws-network-policy-agent#166; the resolver is aws/amazon-network-policy-controller-k8s@
 * pkg/resolvers/endpoints.go getMatchingServiceClusterIPs). The numeric targetPort keeps the controller on
 * its direct match (pkg/k8s/service_utils.go LookupServiceListenPort) rather than a look-up in the pods
 * that exist at the time (named targetPorts, aws/amazon-network-policy-controller-k8s#210). Callers use
 * `http://<name>:<port>`.
 */
export function servicePorts(port: number): k8s.core.v1.ServicePort[] {
    return [{ name: "http", port, targetPort: port, protocol: "TCP" }];
}

/** The ClusterIP Service in front of one track's pods (see servicePorts). */
function clusterService(
    resourceName: string,
    metadata: k8s.meta.v1.ObjectMeta,
    selector: Record<string, string>,
    port: number,
    opts: pulumi.CustomResourceOptions,
): Service {
    return new Service(
        resourceName,
        { metadata, spec: { type: "ClusterIP", selector, ports: servicePorts(port) } },
        opts,
    );
}

/**
 * What a service's Deployments wait for: the ServiceAccount, the connection Secret their env comes from,
 * and the cloud identity's `ready` resources. Credentials reach a pod only when it is created: EKS Pod
 * Identity's webhook injects them at admission and a pod admitted before its association exists never gets
 * them (aws/amazon-eks-pod-identity-webhook#210, aws/containers-roadmap#2507); an Entra token exchange fails
 * until the federated credential has propagated
 * (https://learn.microsoft.com/en-us/azure/aks/workload-identity-deploy-cluster#create-the-federated-identity-credential).
 */
export function workloadDependsOn(
    serviceAccount: pulumi.Resource,
    secret: pulumi.Resource | undefined,
    identity: Pick<WorkloadIdentityOutputs, "ready"> | undefined,
): pulumi.Resource[] {
    return [serviceAccount, ...(secret ? [secret] : []), ...(identity?.ready ?? [])];
}

/** Pod annotation naming the cloud principal the pods run as. */
export const IDENTITY_ANNOTATION = "platform/workload-identity";
/** Pod annotation holding a digest of the connection details. */
export const CONNECTIONS_ANNOTATION = "platform/connections-sha256";

/**
 * The pod template's annotations. Pods are re-created only when their template changes, and both the
 * identity's credentials and `envFrom` values are read once, when a pod starts: the principal and a digest
 * of the connection details are in the template so that gaining an identity (a new `bind: ["storage"]`) or
 * new connection details (a rotated password, a replaced database) rolls the pods.
 */
function podAnnotations(
    container: string,
    identity: Pick<WorkloadIdentityOutputs, "principalId"> | undefined,
    connections: pulumi.Output<Record<string, string>> | undefined,
): pulumi.Input<Record<string, pulumi.Input<string>>> {
    return {
        "kubectl.kubernetes.io/default-container": container,
        ...(identity ? { [IDENTITY_ANNOTATION]: identity.principalId } : {}),
        ...(connections ? { [CONNECTIONS_ANNOTATION]: connections.apply(digest) } : {}),
    };
}

/** sha256 of a string map, independent of key order. */
function digest(values: Record<string, string>): string {
    const sorted = Object.keys(values)
        .sort()
        .map((key) => [key, values[key]]);
    return crypto.createHash("sha256").update(JSON.stringify(sorted)).digest("hex");
}

/**
 * One service on the cluster. Stable pods carry `track: stable`; a canary (when configured) runs the
 * canary image with `track: canary` behind its own Service and a weighted canary Ingress.
 */
export function createServiceWorkload(
    name: string,
    args: ServiceWorkloadArgs,
    parent: pulumi.Resource,
): ServiceWorkloadOutputs {
    const { service: s, namespace, context } = args;
    const cloud = workloadsCloud(context.cloud);
    const opts = { parent };
    const labels = serviceLabels(s.name, context.environment);
    const selector = (track: "stable" | "canary") => ({ "app.kubernetes.io/name": s.name, track });

    // The image: built from source with a content-derived tag, or the prebuilt reference.
    let image: pulumi.Output<string>;
    if (s.build) {
        const tag = contentTag(s.build);
        const built = new Image(
            `${name}-image`,
            {
                imageName: pulumi.interpolate`${args.repositoryUrl}:${tag}`,
                build: {
                    context: s.build.context,
                    dockerfile: path.join(s.build.context, s.build.dockerfile),
                    target: s.build.target,
                    platform: "linux/amd64",
                },
                // Pushed with the deployer's Docker credentials for the registry host (`aws ecr
                // get-login-password | docker login` / `az acr login`): no registry password in state.
                registry: { server: pulumi.output(args.repositoryUrl).apply((url) => url.split("/")[0]) },
            },
            opts,
        );
        image = built.imageName;
    } else {
        image = pulumi.output(s.image!);
    }

    // Identity: only a service that uses storage gets a cloud identity, scoped to that storage.
    const identity = s.bind.includes("storage")
        ? new WorkloadIdentity(
              `${name}-identity`,
              {
                  context,
                  cluster: args.cluster,
                  namespace,
                  serviceAccountName: s.name,
                  storage: args.storage,
              },
              opts,
          )
        : undefined;
    const serviceAccount = new ServiceAccount(
        `${name}-service-account`,
        {
            metadata: {
                name: s.name,
                namespace,
                labels,
                annotations: identity?.serviceAccountAnnotations ?? {},
            },
            automountServiceAccountToken: false,
        },
        opts,
    );

    const secretName = `${s.name}-connections`;
    const connections = connectionDetails(s, args);
    const secret =
        s.bind.length > 0
            ? new Secret(
                  `${name}-connections`,
                  {
                      metadata: { name: secretName, namespace, labels },
                      type: "Opaque",
                      stringData: connections,
                  },
                  opts,
              )
            : undefined;

    const identityLabels = identity?.podLabels ?? pulumi.output({} as Record<string, string>);
    const podTemplate = (track: "stable" | "canary", podImage: pulumi.Input<string>): k8s.core.v1.PodTemplateSpec => ({
        metadata: {
            labels: identityLabels.apply((extra) => ({ ...labels, ...selector(track), ...extra })),
            annotations: podAnnotations(s.name, identity, secret ? connections : undefined),
        },
        spec: {
            serviceAccountName: s.name,
            // Cloud identity tokens are projected by the identity webhooks; the app needs no API token.
            automountServiceAccountToken: false,
            securityContext: {
                runAsNonRoot: true,
                runAsUser: RUN_AS_ID,
                runAsGroup: RUN_AS_ID,
                fsGroup: RUN_AS_ID,
                seccompProfile: { type: "RuntimeDefault" },
            },
            topologySpreadConstraints: args.highAvailability
                ? [
                      {
                          maxSkew: 1,
                          topologyKey: "topology.kubernetes.io/zone",
                          whenUnsatisfiable: "DoNotSchedule",
                          labelSelector: { matchLabels: selector(track) },
                          matchLabelKeys: ["pod-template-hash"],
                      },
                      {
                          maxSkew: 1,
                          topologyKey: "kubernetes.io/hostname",
                          whenUnsatisfiable: "ScheduleAnyway",
                          labelSelector: { matchLabels: selector(track) },
                          matchLabelKeys: ["pod-template-hash"],
                      },
                  ]
                : undefined,
            terminationGracePeriodSeconds: shutdownTimings.terminationGracePeriodSeconds,
            containers: [
                {
                    name: s.name,
                    image: podImage,
                    imagePullPolicy: "IfNotPresent",
                    ports: [{ name: "http", containerPort: s.port, protocol: "TCP" }],
                    env: [
                        { name: "PORT", value: String(s.port) },
                        ...Object.entries(s.env).map(([envName, value]) => ({ name: envName, value })),
                    ],
                    envFrom: secret ? [{ secretRef: { name: secretName } }] : undefined,
                    resources: { requests: { ...s.requests }, limits: { ...s.limits } },
                    startupProbe: httpProbe(s.probes.startup, probeTimings.startup),
                    livenessProbe: httpProbe(s.probes.liveness, probeTimings.liveness),
                    readinessProbe: httpProbe(s.probes.readiness, probeTimings.readiness),
                    lifecycle: { preStop: { sleep: { seconds: shutdownTimings.preStopSleepSeconds } } },
                    securityContext: containerSecurityContext,
                    // A read-only root filesystem still needs a scratch directory.
                    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                },
            ],
            volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
        },
    });
    const dependsOn = workloadDependsOn(serviceAccount, secret, identity);

    new Deployment(
        `${name}-deployment`,
        {
            metadata: { name: s.name, namespace, labels },
            spec: {
                replicas: s.minReplicas,
                revisionHistoryLimit: 5,
                selector: { matchLabels: selector("stable") },
                strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                template: podTemplate("stable", image),
            },
        },
        // The HPA owns the replica count after creation.
        { parent, dependsOn, ignoreChanges: ["spec.replicas"] },
    );
    clusterService(`${name}-service`, { name: s.name, namespace, labels }, selector("stable"), s.port, opts);
    new HorizontalPodAutoscaler(
        `${name}-hpa`,
        {
            metadata: { name: s.name, namespace, labels },
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: s.name },
                minReplicas: s.minReplicas,
                maxReplicas: s.maxReplicas,
                metrics: [
                    {
                        type: "Resource",
                        resource: {
                            name: "cpu",
                            target: {
                                type: "Utilization",
                                averageUtilization: autoscalingTargets.cpuUtilizationPercent,
                            },
                        },
                    },
                    {
                        type: "Resource",
                        resource: {
                            name: "memory",
                            target: {
                                type: "Utilization",
                                averageUtilization: autoscalingTargets.memoryUtilizationPercent,
                            },
                        },
                    },
                ],
                behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
            },
        },
        opts,
    );
    new PodDisruptionBudget(
        `${name}-pdb`,
        {
            metadata: { name: s.name, namespace, labels },
            spec: {
                // One pod at a time: drains always make progress, and a service with N >= 2 replicas keeps N-1.
                maxUnavailable: 1,
                selector: { matchLabels: selector("stable") },
                unhealthyPodEvictionPolicy: "AlwaysAllow",
            },
        },
        opts,
    );

    // Network policy: exactly the traffic this service needs, on top of the namespace's default deny.
    const podPort = [{ protocol: "TCP", port: s.port }];
    const ingressRules: k8s.networking.v1.NetworkPolicyIngressRule[] = [
        {
            from: [{ namespaceSelector: MONITORING_NAMESPACE.selector, podSelector: PROMETHEUS_POD_SELECTOR }],
            ports: podPort,
        },
    ];
    if (s.expose) {
        ingressRules.push({
            from: [{ namespaceSelector: INGRESS_NAMESPACE.selector, podSelector: INGRESS_POD_SELECTOR }],
            ports: podPort,
        });
    }
    if (s.calledBy.length > 0) {
        ingressRules.push({
            from: [
                {
                    podSelector: {
                        matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: s.calledBy }],
                    },
                },
            ],
            ports: podPort,
        });
    }
    const egressRules = pulumi
        .all([args.network.cidrBlock, args.database.port, args.cache.port])
        .apply(([cidr, databasePort, cachePort]) => {
            const rules: k8s.networking.v1.NetworkPolicyEgressRule[] = s.calls.map((callee) => ({
                to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": callee.name } } }],
                ports: [{ protocol: "TCP", port: callee.port }],
            }));
            if (s.bind.includes("database")) {
                rules.push({ to: [{ ipBlock: { cidr } }], ports: [{ protocol: "TCP", port: databasePort }] });
            }
            if (s.bind.includes("cache")) {
                rules.push({ to: [{ ipBlock: { cidr } }], ports: [{ protocol: "TCP", port: cachePort }] });
            }
            if (s.bind.includes("storage")) {
                for (const destination of cloud.cloudApiEgress(cidr)) {
                    rules.push({
                        to: [{ ipBlock: { cidr: destination.cidr, except: destination.except } }],
                        ports: destination.ports.map((port) => ({ protocol: "TCP", port })),
                    });
                }
            }
            return rules;
        });
    new NetworkPolicy(
        `${name}-network-policy`,
        {
            metadata: { name: s.name, namespace, labels },
            spec: {
                podSelector: { matchLabels: { "app.kubernetes.io/name": s.name } },
                policyTypes: ["Ingress", "Egress"],
                ingress: ingressRules,
                egress: egressRules,
            },
        },
        opts,
    );

    new CustomResource(
        `${name}-service-monitor`,
        {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "ServiceMonitor",
            metadata: { name: s.name, namespace, labels },
            spec: {
                selector: { matchLabels: { "app.kubernetes.io/name": s.name } },
                endpoints: [{ port: "http", path: s.metricsPath, interval: "30s" }],
            },
        },
        { parent, dependsOn: args.monitoringDependsOn },
    );

    let url: pulumi.Output<string | undefined> = pulumi.output(undefined);
    if (s.expose) {
        const { host, path: urlPath, rateLimitRps, canary } = s.expose;
        const rule = (backend: string): k8s.networking.v1.IngressRule => ({
            host,
            http: {
                paths: [
                    {
                        path: urlPath,
                        pathType: "Prefix",
                        backend: { service: { name: backend, port: { name: "http" } } },
                    },
                ],
            },
        });
        const ingressOpts = { parent, dependsOn: args.ingressDependsOn };
        new Ingress(
            `${name}-ingress`,
            {
                metadata: {
                    name: s.name,
                    namespace,
                    labels,
                    annotations: {
                        "cert-manager.io/cluster-issuer": args.ingress.clusterIssuer,
                        "nginx.ingress.kubernetes.io/ssl-redirect": "true",
                        "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
                        "nginx.ingress.kubernetes.io/limit-rps": String(rateLimitRps),
                        "nginx.ingress.kubernetes.io/limit-burst-multiplier": "5",
                    },
                },
                spec: {
                    ingressClassName: args.ingress.className,
                    tls: [{ hosts: [host], secretName: `${s.name}-tls` }],
                    rules: [rule(s.name)],
                },
            },
            ingressOpts,
        );
        if (canary) {
            const canaryName = `${s.name}-canary`;
            const canaryLabels = { ...labels, track: "canary" };
            new Deployment(
                `${name}-canary-deployment`,
                {
                    metadata: { name: canaryName, namespace, labels: canaryLabels },
                    spec: {
                        replicas: 1,
                        revisionHistoryLimit: 5,
                        selector: { matchLabels: selector("canary") },
                        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                        template: podTemplate("canary", canary.image),
                    },
                },
                { parent, dependsOn },
            );
            clusterService(
                `${name}-canary-service`,
                { name: canaryName, namespace, labels: canaryLabels },
                selector("canary"),
                s.port,
                opts,
            );
            // The controller's canary: the same host and path, a weighted share of requests. TLS and the
            // redirect come from the main Ingress of the host.
            new Ingress(
                `${name}-canary-ingress`,
                {
                    metadata: {
                        name: canaryName,
                        namespace,
                        labels: canaryLabels,
                        annotations: {
                            "nginx.ingress.kubernetes.io/canary": "true",
                            "nginx.ingress.kubernetes.io/canary-weight": String(canary.weight),
                        },
                    },
                    spec: { ingressClassName: args.ingress.className, rules: [rule(canaryName)] },
                },
                ingressOpts,
            );
        }
        url = pulumi.output(`https://${host}${urlPath}`);
    }

    return { image, url };
}
