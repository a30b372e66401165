import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes/types/input";
import type { WorkloadIdentityOutputs } from "../identity";
import { withDatabaseCa } from "./database-ca";
import { digest } from "./secret";
import { RunTrack, Track, trackSelector } from "./labels";
import type { ServiceRuntime } from "./runtime";
import { withAppSecrets } from "../secrets/delivery";

/** Probe timings (seed architectures): startup allows 5 minutes, liveness and readiness react in ~15 s. */
export const probeTimings = {
    startup: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 },
    liveness: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    readiness: { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
} as const;

/**
 * Shutdown timings. Removing a terminating pod from the EndpointSlices (and so from the Gateway's Envoy and
 * kube-proxy on every node) happens concurrently with its termination, not before it: without a pause,
 * requests still routed to the pod fail while the app exits. The preStop sleep keeps it serving for a few
 * seconds first (AWS Prescriptive Guidance, https://docs.aws.amazon.com/prescriptive-guidance/latest/ha-resiliency-amazon-eks-apps/lifecycle-hooks.html).
 * The sleep action needs no `sleep` binary in the image; it is on by default since Kubernetes 1.30 and GA
 * in 1.34 (KEP-3960, https://www.kubernetes.dev/resources/keps/3960/). The grace period counts the sleep.
 */
export const shutdownTimings = { preStopSleepSeconds: 10, terminationGracePeriodSeconds: 40 } as const;

/** The user and group every container runs as (the restricted Pod Security Standard's non-root). */
export const RUN_AS_ID = 10001;

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

/** Spread one track's pods across zones (strictly) and nodes (best effort), per rollout. */
function topologySpread(service: string, track: Track | RunTrack): k8s.core.v1.TopologySpreadConstraint[] {
    return [
        {
            maxSkew: 1,
            topologyKey: "topology.kubernetes.io/zone",
            whenUnsatisfiable: "DoNotSchedule",
            labelSelector: { matchLabels: trackSelector(service, track) },
            matchLabelKeys: ["pod-template-hash"],
        },
        {
            maxSkew: 1,
            topologyKey: "kubernetes.io/hostname",
            whenUnsatisfiable: "ScheduleAnyway",
            labelSelector: { matchLabels: trackSelector(service, track) },
            matchLabelKeys: ["pod-template-hash"],
        },
    ];
}

/** The service's container: its port, env (plus the connection Secret), resources, probes, restricted context. */
function serviceContainer(runtime: ServiceRuntime, image: pulumi.Input<string>): k8s.core.v1.Container {
    const { service: s, secret } = runtime;
    return {
        name: s.name,
        image,
        imagePullPolicy: "IfNotPresent",
        ports: [{ name: "http", containerPort: s.port, protocol: "TCP" }],
        env: [
            { name: "PORT", value: String(s.port) },
            ...Object.entries(s.env).map(([envName, value]) => ({ name: envName, value })),
        ],
        envFrom: secret ? [{ secretRef: { name: secret.name } }] : undefined,
        resources: { requests: { ...s.requests }, limits: { ...s.limits } },
        startupProbe: httpProbe(s.probes.startup, probeTimings.startup),
        livenessProbe: httpProbe(s.probes.liveness, probeTimings.liveness),
        readinessProbe: httpProbe(s.probes.readiness, probeTimings.readiness),
        lifecycle: { preStop: { sleep: { seconds: shutdownTimings.preStopSleepSeconds } } },
        securityContext: containerSecurityContext,
        // A read-only root filesystem still needs a scratch directory.
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
    };
}

/**
 * How a workload kind changes the web service's pod (kinds.ts): a worker's container has no port and no
 * HTTP probes, a Job's pods restart on failure instead of always.
 */
export interface PodVariant {
    /** Rewrites the service container. @default the web service's container, unchanged */
    readonly container?: (container: k8s.core.v1.Container) => k8s.core.v1.Container;
    /** @default "Always" (a Deployment's only policy) */
    readonly restartPolicy?: "Never" | "OnFailure";
}

/**
 * The pod template of one track of a service, for any controller kind (Deployment today; a Job or CronJob
 * takes the same template): the service account, the restricted pod security context, zone spreading when
 * highly available, the shutdown grace period, and the identity's labels and roll-triggering annotations.
 */
export function podTemplate(
    runtime: ServiceRuntime,
    track: Track | RunTrack,
    image: pulumi.Input<string>,
    variant: PodVariant = {},
): k8s.core.v1.PodTemplateSpec {
    const { service: s, identity, secret, labels } = runtime;
    const identityLabels = identity?.podLabels ?? pulumi.output({} as Record<string, string>);
    return withAppSecrets(runtime.appSecrets, {
        metadata: {
            labels: identityLabels.apply((extra) => ({ ...labels, ...trackSelector(s.name, track), ...extra })),
            annotations: podAnnotations(s.name, identity, secret?.connections),
        },
        spec: withDatabaseCa(
            {
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
                topologySpreadConstraints: runtime.args.highAvailability ? topologySpread(s.name, track) : undefined,
                terminationGracePeriodSeconds: shutdownTimings.terminationGracePeriodSeconds,
                restartPolicy: variant.restartPolicy,
                containers: [(variant.container ?? ((c) => c))(serviceContainer(runtime, image))],
                volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
            },
            runtime.databaseCa,
        ),
    });
}
