/**
 * Kubernetes rules over the objects the program registers (`kubernetes:apps/v1:Deployment` …): pod
 * security, pinned images, resources, probes, token automount, default-deny network policies, HTTPS-only
 * routes and the Gateways' TLS minimum, the namespaces' Pod Security level and no LoadBalancer Services
 * outside the gateway.
 *
 * Helm releases (`kubernetes:helm.sh/v3:Release`) render their objects inside the provider: the pack never
 * sees them, so charts (Envoy Gateway, cert-manager, monitoring) are judged by their values and the
 * namespace's Pod Security admission, not here. Ids: Checkov CKV_K8S_* (checkov/kubernetes/checks) and
 * Trivy KSV* (https://avd.aquasec.com/misconfig/kubernetes/).
 */
import type { PolicyResource } from "@pulumi/policy";
import { label, ofTypes, resourcePolicy, setting, stackPolicy } from "./lib/policy";

export const WORKLOAD_TYPES = [
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:apps/v1:ReplicaSet",
    "kubernetes:batch/v1:Job",
    "kubernetes:batch/v1:CronJob",
    "kubernetes:core/v1:Pod",
];

interface SecurityContext {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    allowPrivilegeEscalation?: boolean;
    privileged?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type?: string };
}

interface Probe {
    httpGet?: unknown;
    tcpSocket?: unknown;
    grpc?: unknown;
    exec?: unknown;
}

export interface Container {
    name: string;
    image?: string;
    ports?: { containerPort: number }[];
    securityContext?: SecurityContext;
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    livenessProbe?: Probe;
    readinessProbe?: Probe;
}

export interface PodSpec {
    securityContext?: SecurityContext;
    containers?: Container[];
    initContainers?: Container[];
    hostNetwork?: boolean;
    hostPID?: boolean;
    hostIPC?: boolean;
    volumes?: { name: string; hostPath?: unknown }[];
    automountServiceAccountToken?: boolean;
}

interface Workload {
    kind?: string;
    metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
    spec?: {
        template?: { spec?: PodSpec };
        jobTemplate?: { spec?: { template?: { spec?: PodSpec } } };
        containers?: Container[];
    };
}

/** The pod template of any workload kind (CronJob: its job's template; Pod: itself). */
export function podSpecOf(workload: Workload): PodSpec {
    const spec = workload.spec ?? {};
    if (spec.jobTemplate) return spec.jobTemplate.spec?.template?.spec ?? {};
    if (spec.template) return spec.template.spec ?? {};
    return spec as PodSpec;
}

function allContainers(pod: PodSpec): Container[] {
    return [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
}

/** A rule over every container of every workload the program registers. */
function workloadPolicy(info: {
    name: string;
    description: string;
    severity: "low" | "medium" | "high" | "critical";
    /** Problems of one container (pod-level settings given), each a sentence; none when compliant. */
    check: (container: Container, pod: PodSpec) => string[];
    fix: string;
}) {
    return resourcePolicy({
        name: info.name,
        description: info.description,
        severity: info.severity,
        types: WORKLOAD_TYPES,
        validate: (workload: Workload, { report }) => {
            const pod = podSpecOf(workload);
            for (const container of allContainers(pod)) {
                const problems = info.check(container, pod);
                if (problems.length > 0) {
                    report(`Container "${container.name}": ${problems.join("; ")}. Fix: ${info.fix}`);
                }
            }
        },
    });
}

/** A container setting, falling back to the pod's securityContext where Kubernetes does. */
function effective<K extends keyof SecurityContext>(c: Container, pod: PodSpec, key: K): SecurityContext[K] {
    return c.securityContext?.[key] ?? pod.securityContext?.[key];
}

export const podNonRoot = workloadPolicy({
    name: "k8s-pod-non-root",
    description: "Containers run as a non-root user (runAsNonRoot, never runAsUser 0).",
    severity: "high",
    check: (c, pod) => [
        ...(effective(c, pod, "runAsNonRoot") !== true ? ["runAsNonRoot is not true (the image's user decides)"] : []),
        ...(effective(c, pod, "runAsUser") === 0 ? ["runAsUser is 0 (root)"] : []),
    ],
    fix: "set securityContext.runAsNonRoot: true and a non-zero runAsUser.",
});

export const noPrivilegeEscalation = workloadPolicy({
    name: "k8s-no-privilege-escalation",
    description: "Containers set allowPrivilegeEscalation: false.",
    severity: "high",
    // Kubernetes allows escalation unless it is set to false.
    check: (c) =>
        c.securityContext?.allowPrivilegeEscalation !== false ? ["allowPrivilegeEscalation is not false"] : [],
    fix: "set securityContext.allowPrivilegeEscalation: false.",
});

export const noPrivileged = workloadPolicy({
    name: "k8s-no-privileged",
    description: "Containers are not privileged.",
    severity: "critical",
    check: (c) => (c.securityContext?.privileged === true ? ["privileged is true (full access to the node)"] : []),
    fix: "remove securityContext.privileged or set it to false.",
});

export const capabilitiesDropped = workloadPolicy({
    name: "k8s-capabilities-dropped",
    description: "Containers drop ALL capabilities and add none but NET_BIND_SERVICE.",
    severity: "medium",
    check: (c) => {
        const caps = c.securityContext?.capabilities;
        const added = (caps?.add ?? []).filter((a) => a !== "NET_BIND_SERVICE");
        return [
            ...(!(caps?.drop ?? []).includes("ALL") ? ['capabilities.drop does not include "ALL"'] : []),
            ...(added.length > 0 ? [`capabilities.add has ${added.join(", ")}`] : []),
        ];
    },
    fix: 'set securityContext.capabilities { drop: ["ALL"] } and add nothing.',
});

export const readOnlyRootFilesystem = workloadPolicy({
    name: "k8s-read-only-root-filesystem",
    description: "Containers mount their root filesystem read-only.",
    severity: "medium",
    check: (c) => (c.securityContext?.readOnlyRootFilesystem !== true ? ["readOnlyRootFilesystem is not true"] : []),
    fix: "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process writes.",
});

export const seccompRuntimeDefault = workloadPolicy({
    name: "k8s-seccomp-runtime-default",
    description: "Containers run under the RuntimeDefault (or a Localhost) seccomp profile.",
    severity: "medium",
    check: (c, pod) => {
        const type = effective(c, pod, "seccompProfile")?.type;
        return type !== "RuntimeDefault" && type !== "Localhost"
            ? [`seccompProfile is ${type ?? "not set (Unconfined on most runtimes)"}`]
            : [];
    },
    fix: 'set securityContext.seccompProfile { type: "RuntimeDefault" } on the pod.',
});

/** Whether an image reference names a digest, or a tag other than `latest`. */
export function isPinned(image: string | undefined): boolean {
    if (!image) return false;
    if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
    const lastSegment = image.split("/").pop() ?? "";
    const tag = lastSegment.includes(":") ? lastSegment.split(":").pop() : undefined;
    return tag !== undefined && tag !== "" && tag !== "latest";
}

export const imagePinned = workloadPolicy({
    name: "k8s-image-pinned",
    description: "Container images are pinned by a tag other than latest, or by digest.",
    severity: "medium",
    check: (c) => (isPinned(c.image) ? [] : [`image "${c.image ?? ""}" has no tag, or the latest tag`]),
    fix: "use an immutable version tag (e.g. :1.4.2) or a digest (@sha256:…).",
});

export const resourcesSet = workloadPolicy({
    name: "k8s-resources-set",
    description: "Containers request and limit CPU and memory.",
    severity: "medium",
    check: (c) => {
        const missing = (["requests", "limits"] as const).flatMap((kind) =>
            ["cpu", "memory"].filter((r) => !c.resources?.[kind]?.[r]).map((r) => `${kind}.${r}`),
        );
        return missing.length > 0 ? [`resources ${missing.join(", ")} not set`] : [];
    },
    fix: "set resources.requests and resources.limits for cpu and memory.",
});

export const probesOnServices = workloadPolicy({
    name: "k8s-probes",
    description: "Containers that listen on a port have liveness and readiness probes.",
    severity: "low",
    check: (c) =>
        (c.ports ?? []).length === 0
            ? []
            : [...(c.livenessProbe ? [] : ["no livenessProbe"]), ...(c.readinessProbe ? [] : ["no readinessProbe"])],
    fix: "add livenessProbe and readinessProbe (httpGet on the service's health path).",
});

export const podIsolation = resourcePolicy({
    name: "k8s-pod-host-isolation",
    description: "Pods share no host namespace (network, PID, IPC) and mount no hostPath volume.",
    severity: "high",
    types: WORKLOAD_TYPES,
    validate: (workload: Workload, { report }) => {
        const pod = podSpecOf(workload);
        const shared = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((k) => pod[k] === true);
        const hostPaths = (pod.volumes ?? []).filter((v) => v.hostPath !== undefined).map((v) => v.name);
        if (shared.length > 0 || hostPaths.length > 0) {
            report(
                `The pod ${[...shared.map((k) => `sets ${k}: true`), ...hostPaths.map((v) => `mounts hostPath volume "${v}"`)].join(", ")}. ` +
                    "Fix: remove them; use a Service, an emptyDir or a persistent volume instead.",
            );
        }
    },
});

export const tokenNotAutomounted = resourcePolicy({
    name: "k8s-service-account-token-not-automounted",
    description: "Pods do not mount a service-account token unless they are listed as needing the Kubernetes API.",
    severity: "medium",
    types: WORKLOAD_TYPES,
    settings: {
        allowedWorkloads: setting.strings([], "Workload names (metadata.name) that call the Kubernetes API."),
    },
    validate: (workload: Workload, { config, args, report }) => {
        if (config.allowedWorkloads.includes(workload.metadata?.name ?? "")) {
            args.notApplicable("listed as calling the Kubernetes API");
        }
        // The pod's setting wins over the ServiceAccount's; Kubernetes mounts the token unless one says false.
        if (podSpecOf(workload).automountServiceAccountToken !== false) {
            report(
                "The pod mounts a service-account token (automountServiceAccountToken is not false), which a " +
                    "compromised process can use against the API. Fix: set spec.template.spec." +
                    "automountServiceAccountToken: false (or list the workload in allowedWorkloads).",
            );
        }
    },
});

interface NamedObject {
    metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
}

/** The namespaces that hold workloads the program registers (the application namespaces). */
function applicationNamespaces(resources: readonly PolicyResource[]): Set<string> {
    return new Set(
        ofTypes(resources, WORKLOAD_TYPES).map((w) => (w.props as NamedObject).metadata?.namespace ?? "default"),
    );
}

interface NetworkPolicySpec {
    podSelector?: { matchLabels?: object; matchExpressions?: unknown[] };
    policyTypes?: string[];
    ingress?: unknown[];
    egress?: unknown[];
}

/** A NetworkPolicy that selects every pod and allows nothing, in both directions. */
function isDefaultDeny(spec: NetworkPolicySpec | undefined): boolean {
    const selector = spec?.podSelector ?? {};
    const all = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
    const types = spec?.policyTypes ?? [];
    return (
        all &&
        types.includes("Ingress") &&
        types.includes("Egress") &&
        (spec?.ingress ?? []).length === 0 &&
        (spec?.egress ?? []).length === 0
    );
}

export const defaultDenyNetworkPolicy = stackPolicy({
    name: "k8s-default-deny-network-policy",
    description:
        "Every application namespace has a default-deny NetworkPolicy (all pods, Ingress and Egress, no rules).",
    severity: "high",
    validate: ({ resources, report }) => {
        const policies = ofTypes(resources, ["kubernetes:networking.k8s.io/v1:NetworkPolicy"]);
        for (const namespace of applicationNamespaces(resources)) {
            const denied = policies.some(
                (p) =>
                    ((p.props as NamedObject).metadata?.namespace ?? "default") === namespace &&
                    isDefaultDeny((p.props as { spec?: NetworkPolicySpec }).spec),
            );
            if (!denied) {
                const workload = ofTypes(resources, WORKLOAD_TYPES).find(
                    (w) => ((w.props as NamedObject).metadata?.namespace ?? "default") === namespace,
                )!;
                report(
                    workload,
                    `Namespace "${namespace}" has no default-deny NetworkPolicy, so every pod accepts and opens any ` +
                        'connection. Fix: add a NetworkPolicy with podSelector {} and policyTypes ["Ingress", "Egress"] ' +
                        "and no rules, then allow each flow explicitly.",
                );
            }
        }
    },
});

export const namespacePodSecurityRestricted = stackPolicy({
    name: "k8s-namespace-pod-security-restricted",
    description: 'Application namespaces enforce the Pod Security Standard "restricted".',
    severity: "high",
    validate: ({ resources, report }) => {
        const namespaces = ofTypes(resources, ["kubernetes:core/v1:Namespace"]);
        for (const name of applicationNamespaces(resources)) {
            const namespace = namespaces.find((n) => (n.props as NamedObject).metadata?.name === name);
            if (namespace === undefined) continue; // not managed here: nothing to judge, and nothing to fix here
            const level = (namespace.props as NamedObject).metadata?.labels?.["pod-security.kubernetes.io/enforce"];
            if (level !== "restricted") {
                report(
                    namespace,
                    `${label(namespace)} enforces Pod Security "${level ?? "privileged (no label)"}". Fix: label it ` +
                        'pod-security.kubernetes.io/enforce: "restricted" ' +
                        "(https://kubernetes.io/docs/concepts/security/pod-security-admission/).",
                );
            }
        }
    },
});

const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const CLIENT_TRAFFIC_POLICY = "kubernetes:gateway.envoyproxy.io/v1alpha1:ClientTrafficPolicy";

interface Listener {
    name?: string;
    protocol?: string;
}
interface GatewayObject extends NamedObject {
    spec?: { listeners?: Listener[] };
}
interface ParentRef {
    kind?: string;
    name?: string;
    namespace?: string;
    sectionName?: string;
}
interface HttpRouteObject extends NamedObject {
    spec?: {
        parentRefs?: ParentRef[];
        rules?: { filters?: { type?: string; requestRedirect?: { scheme?: string } }[] }[];
    };
}

/** A route whose every rule only redirects to https (the HTTP listener's one legitimate route). */
function redirectsToHttps(route: HttpRouteObject): boolean {
    const rules = route.spec?.rules ?? [];
    return (
        rules.length > 0 &&
        rules.every((r) =>
            (r.filters ?? []).some((f) => f.type === "RequestRedirect" && f.requestRedirect?.scheme === "https"),
        )
    );
}

/** The listeners a parentRef attaches to (all of the Gateway's without a sectionName), or undefined if unknown. */
function attachedListeners(gateways: GatewayObject[], ref: ParentRef, routeNamespace: string): Listener[] | undefined {
    if ((ref.kind ?? "Gateway") !== "Gateway") return undefined;
    const gateway = gateways.find(
        (g) =>
            g.metadata?.name === ref.name && (g.metadata?.namespace ?? "default") === (ref.namespace ?? routeNamespace),
    );
    if (!gateway) return undefined;
    const listeners = gateway.spec?.listeners ?? [];
    return ref.sectionName === undefined ? listeners : listeners.filter((l) => l.name === ref.sectionName);
}

/**
 * HTTPRoutes attach only to HTTPS listeners (a parentRef without sectionName attaches to every listener of the
 * Gateway: kubernetes-sigs/gateway-api@v1.6.1:apis/v1/shared_types.go, ParentReference.SectionName), except a
 * route whose every rule redirects to https.
 */
export const routeHttpsOnly = stackPolicy({
    name: "k8s-route-https-only",
    description: "HTTPRoutes attach only to HTTPS listeners; plain HTTP only redirects to HTTPS.",
    severity: "high",
    validate: ({ resources, report }) => {
        const gateways = ofTypes(resources, [GATEWAY]).map((g) => g.props as GatewayObject);
        for (const resource of ofTypes(resources, [HTTP_ROUTE])) {
            const route = resource.props as HttpRouteObject;
            if (redirectsToHttps(route)) continue;
            const namespace = route.metadata?.namespace ?? "default";
            for (const ref of route.spec?.parentRefs ?? []) {
                const listeners = attachedListeners(gateways, ref, namespace);
                const plain = listeners?.filter((l) => l.protocol !== "HTTPS").map((l) => l.name ?? "?");
                if (listeners === undefined || listeners.length === 0 || (plain ?? []).length > 0) {
                    report(
                        resource,
                        `${label(resource)}: parent ${ref.namespace ?? namespace}/${ref.name ?? "?"}` +
                            `${ref.sectionName ? ` (${ref.sectionName})` : ""} is ` +
                            (listeners === undefined || listeners.length === 0
                                ? "not an HTTPS listener of a Gateway of this stack"
                                : `reached over plain HTTP (listener ${plain!.join(", ")})`) +
                            ", so the route may serve without TLS. Fix: set parentRefs[].sectionName to the Gateway's " +
                            "HTTPS listener; only a RequestRedirect to https belongs on the HTTP listener.",
                    );
                }
            }
        }
    },
});

/** TLS versions Envoy Gateway accepts as a minimum that the pack allows. */
const TLS_MINIMUMS = ["1.2", "1.3"];

/**
 * Every Gateway with an HTTPS listener is the target of a ClientTrafficPolicy whose tls.minVersion is 1.2 or
 * 1.3 (envoyproxy/gateway@v1.9.0:api/v1alpha1/tls_types.go). An unset minVersion fails: the floor would then
 * be the implementation's default, which no resource of the stack states.
 */
export const gatewayTlsMinimum = stackPolicy({
    name: "k8s-gateway-tls-minimum",
    description: "Gateways with HTTPS listeners set a TLS minimum of 1.2 or 1.3 (ClientTrafficPolicy.tls.minVersion).",
    severity: "high",
    validate: ({ resources, report }) => {
        const policies = ofTypes(resources, [CLIENT_TRAFFIC_POLICY]).map(
            (p) =>
                p.props as NamedObject & {
                    spec?: { targetRefs?: { kind?: string; name?: string }[]; tls?: { minVersion?: string } };
                },
        );
        for (const resource of ofTypes(resources, [GATEWAY])) {
            const gateway = resource.props as GatewayObject;
            if (!(gateway.spec?.listeners ?? []).some((l) => l.protocol === "HTTPS")) continue;
            const namespace = gateway.metadata?.namespace ?? "default";
            const minimums = policies
                .filter(
                    (p) =>
                        (p.metadata?.namespace ?? "default") === namespace &&
                        (p.spec?.targetRefs ?? []).some(
                            (t) => t.kind === "Gateway" && t.name === gateway.metadata?.name,
                        ),
                )
                .map((p) => p.spec?.tls?.minVersion);
            if (!minimums.some((v) => v !== undefined && TLS_MINIMUMS.includes(v))) {
                report(
                    resource,
                    `${label(resource)}: no ClientTrafficPolicy sets tls.minVersion 1.2 or 1.3 for it (got ` +
                        `${minimums.length === 0 ? "none" : minimums.map(String).join(", ")}), so clients may negotiate an ` +
                        'older TLS. Fix: target the Gateway with a ClientTrafficPolicy with tls: { minVersion: "1.2" }.',
                );
            }
        }
    },
});

export const noLoadBalancerServices = resourcePolicy({
    name: "k8s-no-load-balancer-services",
    description: "Services of type LoadBalancer exist only in the gateway's namespaces.",
    severity: "high",
    types: ["kubernetes:core/v1:Service"],
    settings: {
        allowedNamespaces: setting.strings(["envoy-gateway-system"], "Namespaces of the gateway's data plane."),
    },
    validate: (service: NamedObject & { spec?: { type?: string } }, { config, report }) => {
        const namespace = service.metadata?.namespace ?? "default";
        if (service.spec?.type === "LoadBalancer" && !config.allowedNamespaces.includes(namespace)) {
            report(
                `The Service in "${namespace}" is a LoadBalancer, which exposes it outside the cluster past the ` +
                    "Gateway (TLS, allow-lists, rate limits). Fix: make it ClusterIP and route to it through an HTTPRoute.",
            );
        }
    },
});

export const kubernetesPolicies = [
    podNonRoot,
    noPrivilegeEscalation,
    noPrivileged,
    capabilitiesDropped,
    readOnlyRootFilesystem,
    seccompRuntimeDefault,
    podIsolation,
    imagePinned,
    resourcesSet,
    probesOnServices,
    tokenNotAutomounted,
    defaultDenyNetworkPolicy,
    namespacePodSecurityRestricted,
    routeHttpsOnly,
    gatewayTlsMinimum,
    noLoadBalancerServices,
];
