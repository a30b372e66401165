/**
 * Fixtures and cases of the Kubernetes rules: an application namespace with one hardened Deployment, its
 * Service, its HTTPRoute on the Gateway's HTTPS listener (the Gateway with its TLS policy and the HTTP
 * listener's redirect) and a default-deny NetworkPolicy, as the program registers them.
 */
import * as k8s from "../../policies/kubernetes";
import { FixtureResource, PolicyCases, named, setPath } from "./fixtures";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const CONTAINER = "spec.template.spec.containers.0";

export function app(): FixtureResource[] {
    return [
        {
            type: "kubernetes:core/v1:Namespace",
            name: "namespace",
            props: { metadata: { name: "app", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
        },
        {
            type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            name: "default-deny",
            props: {
                metadata: { name: "default-deny-all", namespace: "app" },
                spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
            },
        },
        {
            type: DEPLOYMENT,
            name: "api",
            props: {
                metadata: { name: "api", namespace: "app" },
                spec: {
                    template: {
                        spec: {
                            automountServiceAccountToken: false,
                            securityContext: {
                                runAsNonRoot: true,
                                runAsUser: 10001,
                                seccompProfile: { type: "RuntimeDefault" },
                            },
                            containers: [
                                {
                                    name: "api",
                                    image: "registry.example.com/api:1.4.2",
                                    ports: [{ containerPort: 3000 }],
                                    securityContext: {
                                        allowPrivilegeEscalation: false,
                                        privileged: false,
                                        readOnlyRootFilesystem: true,
                                        capabilities: { drop: ["ALL"] },
                                    },
                                    resources: {
                                        requests: { cpu: "100m", memory: "128Mi" },
                                        limits: { cpu: "500m", memory: "256Mi" },
                                    },
                                    livenessProbe: { httpGet: { path: "/health", port: "http" } },
                                    readinessProbe: { httpGet: { path: "/health", port: "http" } },
                                },
                            ],
                            volumes: [{ name: "tmp", emptyDir: {} }],
                        },
                    },
                },
            },
        },
        {
            type: "kubernetes:core/v1:Service",
            name: "api-service",
            props: { metadata: { name: "api", namespace: "app" }, spec: { type: "ClusterIP" } },
        },
        ...gateway(),
        {
            type: ROUTE,
            name: "api-route",
            props: {
                metadata: { name: "api", namespace: "app" },
                spec: {
                    parentRefs: [{ kind: "Gateway", name: "platform", namespace: "edge", sectionName: "https" }],
                    hostnames: ["api.example.com"],
                    rules: [{ backendRefs: [{ name: "api", port: 3000 }] }],
                },
            },
        },
    ];
}

const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";

/** The Gateway (HTTP and HTTPS listeners), its ClientTrafficPolicy and the HTTP listener's redirect. */
function gateway(): FixtureResource[] {
    return [
        {
            type: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
            name: "gateway",
            props: {
                metadata: { name: "platform", namespace: "edge" },
                spec: {
                    listeners: [
                        { name: "http", port: 80, protocol: "HTTP" },
                        { name: "https", port: 443, protocol: "HTTPS" },
                    ],
                },
            },
        },
        {
            type: "kubernetes:gateway.envoyproxy.io/v1alpha1:ClientTrafficPolicy",
            name: "client-traffic-policy",
            props: {
                metadata: { name: "platform", namespace: "edge" },
                spec: {
                    targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "platform" }],
                    tls: { minVersion: "1.2", maxVersion: "1.3" },
                },
            },
        },
        {
            type: ROUTE,
            name: "https-redirect",
            props: {
                metadata: { name: "https-redirect", namespace: "edge" },
                spec: {
                    parentRefs: [{ kind: "Gateway", name: "platform", sectionName: "http" }],
                    rules: [
                        {
                            filters: [
                                { type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } },
                            ],
                        },
                    ],
                },
            },
        },
    ];
}

const set = (name: string, path: string, value: unknown) => (graph: FixtureResource[]) =>
    setPath(named(graph, name).props, path, value);
const container = (path: string, value: unknown) => set("api", `${CONTAINER}.${path}`, value);
const pod = (path: string, value: unknown) => set("api", `spec.template.spec.${path}`, value);

export const KUBERNETES_CASES: PolicyCases[] = [
    {
        policy: k8s.podNonRoot,
        compliant: app,
        nonCompliant: { what: "runAsUser is 0", change: pod("securityContext.runAsUser", 0) },
        undefinedProperty: {
            what: "runAsNonRoot",
            remove: pod("securityContext.runAsNonRoot", undefined),
            verdict: "fail",
            because: "the image's user, often root, then decides",
        },
    },
    {
        policy: k8s.noPrivilegeEscalation,
        compliant: app,
        nonCompliant: {
            what: "allowPrivilegeEscalation is true",
            change: container("securityContext.allowPrivilegeEscalation", true),
        },
        undefinedProperty: {
            what: "allowPrivilegeEscalation",
            remove: container("securityContext.allowPrivilegeEscalation", undefined),
            verdict: "fail",
            because: "Kubernetes allows escalation by default",
        },
    },
    {
        policy: k8s.noPrivileged,
        compliant: app,
        nonCompliant: { what: "privileged is true", change: container("securityContext.privileged", true) },
        undefinedProperty: {
            what: "privileged",
            remove: container("securityContext.privileged", undefined),
            verdict: "pass",
            because: "containers are unprivileged by default",
        },
    },
    {
        policy: k8s.capabilitiesDropped,
        compliant: app,
        nonCompliant: {
            what: "NET_ADMIN is added",
            change: container("securityContext.capabilities.add", ["NET_ADMIN"]),
        },
        undefinedProperty: {
            what: "capabilities",
            remove: container("securityContext.capabilities", undefined),
            verdict: "fail",
            because: "the runtime's default capabilities are then kept",
        },
    },
    {
        policy: k8s.readOnlyRootFilesystem,
        compliant: app,
        nonCompliant: {
            what: "readOnlyRootFilesystem is false",
            change: container("securityContext.readOnlyRootFilesystem", false),
        },
        undefinedProperty: {
            what: "readOnlyRootFilesystem",
            remove: container("securityContext.readOnlyRootFilesystem", undefined),
            verdict: "fail",
            because: "the root filesystem is writable by default",
        },
    },
    {
        policy: k8s.seccompRuntimeDefault,
        compliant: app,
        nonCompliant: {
            what: "the profile is Unconfined",
            change: pod("securityContext.seccompProfile.type", "Unconfined"),
        },
        undefinedProperty: {
            what: "seccompProfile",
            remove: pod("securityContext.seccompProfile", undefined),
            verdict: "fail",
            because: "most runtimes then run Unconfined",
        },
    },
    {
        policy: k8s.podIsolation,
        compliant: app,
        nonCompliant: { what: "hostNetwork is true", change: pod("hostNetwork", true) },
        undefinedProperty: {
            what: "hostPID",
            remove: pod("hostPID", undefined),
            verdict: "pass",
            because: "pods share no host namespace by default",
        },
    },
    {
        policy: k8s.imagePinned,
        compliant: app,
        nonCompliant: {
            what: "the image uses the latest tag",
            change: container("image", "registry.example.com/api:latest"),
        },
        undefinedProperty: {
            what: "the image tag",
            remove: container("image", "registry.example.com:5000/api"),
            verdict: "fail",
            because: "no tag means latest",
        },
    },
    {
        policy: k8s.resourcesSet,
        compliant: app,
        nonCompliant: { what: "the memory limit is empty", change: container("resources.limits.memory", "") },
        undefinedProperty: {
            what: "resources",
            remove: container("resources", undefined),
            verdict: "fail",
            because: "the container is then unbounded",
        },
    },
    {
        policy: k8s.probesOnServices,
        compliant: app,
        nonCompliant: { what: "there is no readiness probe", change: container("readinessProbe", undefined) },
        undefinedProperty: {
            what: "livenessProbe",
            remove: container("livenessProbe", undefined),
            verdict: "fail",
            because: "a hung process is then never restarted",
        },
    },
    {
        policy: k8s.tokenNotAutomounted,
        compliant: app,
        nonCompliant: {
            what: "automountServiceAccountToken is true",
            change: pod("automountServiceAccountToken", true),
        },
        undefinedProperty: {
            what: "automountServiceAccountToken",
            remove: pod("automountServiceAccountToken", undefined),
            verdict: "fail",
            because: "Kubernetes mounts the token by default",
        },
    },
    {
        policy: k8s.defaultDenyNetworkPolicy,
        compliant: app,
        nonCompliant: {
            what: "the deny policy covers Ingress only",
            change: set("default-deny", "spec.policyTypes", ["Ingress"]),
        },
        undefinedProperty: {
            what: "policyTypes",
            remove: set("default-deny", "spec.policyTypes", undefined),
            verdict: "fail",
            because: "the policy is then not a default deny of both directions",
        },
    },
    {
        policy: k8s.namespacePodSecurityRestricted,
        compliant: app,
        nonCompliant: {
            what: "the namespace enforces baseline",
            change: set("namespace", "metadata.labels", { "pod-security.kubernetes.io/enforce": "baseline" }),
        },
        undefinedProperty: {
            what: "the enforce label",
            remove: set("namespace", "metadata.labels", {}),
            verdict: "fail",
            because: "without a label the namespace is privileged",
        },
    },
    {
        policy: k8s.routeHttpsOnly,
        compliant: app,
        nonCompliant: {
            what: "the route attaches to the HTTP listener",
            change: set("api-route", "spec.parentRefs.0.sectionName", "http"),
        },
        undefinedProperty: {
            what: "the parentRef's sectionName",
            remove: set("api-route", "spec.parentRefs.0.sectionName", undefined),
            verdict: "fail",
            because: "without a sectionName the route attaches to every listener, the plain-HTTP one included",
        },
    },
    {
        policy: k8s.gatewayTlsMinimum,
        compliant: app,
        nonCompliant: {
            what: "the Gateway accepts TLS 1.0",
            change: set("client-traffic-policy", "spec.tls.minVersion", "1.0"),
        },
        undefinedProperty: {
            what: "tls.minVersion",
            remove: set("client-traffic-policy", "spec.tls.minVersion", undefined),
            verdict: "fail",
            because: "the floor is then the implementation's default, which no resource of the stack states",
        },
    },
    {
        policy: k8s.noLoadBalancerServices,
        compliant: app,
        nonCompliant: {
            what: "the Service is a LoadBalancer",
            change: set("api-service", "spec.type", "LoadBalancer"),
        },
        undefinedProperty: {
            what: "the Service type",
            remove: set("api-service", "spec.type", undefined),
            verdict: "pass",
            because: "a Service is ClusterIP by default",
        },
    },
];
