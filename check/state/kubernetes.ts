import { StateFn, hash } from "./common";

/**
 * Provider-computed outputs of Kubernetes resources (and of the images deployed onto the cluster), on top
 * of their inputs: what the API server and the Helm and Docker providers report after creation.
 */

/** A UID in the API server's shape, stable per resource. */
const uid = (text: string) =>
    `${hash(text, 8)}-${hash(text + 1, 4)}-4${hash(text + 2, 3)}-8${hash(text + 3, 3)}-${hash(text + 4, 12)}`;

/** Cluster-scoped kinds: their objects have no namespace. */
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterIssuer", "ClusterRole", "ClusterRoleBinding", "GatewayClass"]);

/**
 * Object metadata as the API server returns it: the explicit name, or the logical name plus a random
 * suffix (the provider's auto-naming); the "default" namespace for namespaced objects that name none; a
 * uid, a generation and a resource version.
 */
const objectMeta: StateFn = (r) => {
    const metadata = (r.inputs.metadata ?? {}) as Record<string, unknown>;
    const kind = r.type.split(":")[2];
    return {
        metadata: {
            ...metadata,
            name: metadata.name ?? `${r.name}-${hash(r.name, 8)}`,
            ...(CLUSTER_SCOPED.has(kind) ? {} : { namespace: metadata.namespace ?? "default" }),
            uid: uid(r.type + r.name),
            generation: 1,
            resourceVersion: String(parseInt(hash(r.name, 6), 16)),
        },
    };
};

/** A ClusterIP from the service range, stable per Service. */
const clusterIp = (name: string) => {
    const n = parseInt(hash(name, 4), 16);
    return `172.20.${(n >> 8) & 255}.${n & 255 || 1}`;
};

/** A public IPv4 address from Azure's 20.0.0.0/8 range, stable per resource. */
const publicIp = (name: string) => {
    const n = parseInt(hash(name, 6), 16);
    return `20.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255 || 1}`;
};

export const kubernetesState: Record<string, StateFn> = {
    "kubernetes:core/v1:Namespace": (r, at, id) => ({
        ...objectMeta(r, at, id),
        status: { phase: "Active" },
    }),
    "kubernetes:core/v1:Service": (r, at, id) => {
        const spec = (r.inputs.spec ?? {}) as Record<string, unknown>;
        const loadBalancer = spec.type === "LoadBalancer";
        return {
            ...objectMeta(r, at, id),
            spec: { ...spec, clusterIP: clusterIp(r.name), clusterIPs: [clusterIp(r.name)] },
            status: {
                loadBalancer: loadBalancer
                    ? { ingress: [{ hostname: `a${hash(r.name, 31)}.elb.${at.region}.amazonaws.com` }] }
                    : {},
            },
        };
    },
    "kubernetes:core/v1:ServiceAccount": objectMeta,
    "kubernetes:core/v1:Secret": objectMeta,
    "kubernetes:core/v1:ConfigMap": objectMeta,
    "kubernetes:apps/v1:Deployment": (r, at, id) => {
        const replicas = Number((r.inputs.spec as { replicas?: number } | undefined)?.replicas ?? 1);
        return {
            ...objectMeta(r, at, id),
            status: { replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 },
        };
    },
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": objectMeta,
    "kubernetes:policy/v1:PodDisruptionBudget": objectMeta,
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": objectMeta,
    // The Gateway reports its load balancer's address as its Service does: on EKS the NLB's DNS name (AWS Load
    // Balancer Controller names it k8s-<namespace>-<service>-<hash>), on AKS the public IP of the Standard load
    // balancer's frontend (type IPAddress, gateway-api apis/v1/gateway_types.go GatewayStatusAddress).
    "kubernetes:gateway.networking.k8s.io/v1:Gateway": (r, at, id) => ({
        ...objectMeta(r, at, id),
        status: {
            addresses: [
                at.cloud === "azure"
                    ? { type: "IPAddress", value: publicIp(r.name) }
                    : { type: "Hostname", value: `k8s-${hash(r.name, 24)}.elb.${at.region}.amazonaws.com` },
            ],
        },
    }),
    "kubernetes:cert-manager.io/v1:ClusterIssuer": objectMeta,
    "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": objectMeta,
    "kubernetes:monitoring.coreos.com/v1:PrometheusRule": objectMeta,
    // A Helm release reports what it installed.
    "kubernetes:helm.sh/v3:Release": (r) => {
        const name = String(r.inputs.name ?? `${r.name}-${hash(r.name, 8)}`);
        return {
            name,
            status: {
                name,
                namespace: String(r.inputs.namespace ?? "default"),
                chart: String(r.inputs.chart),
                version: String(r.inputs.version ?? ""),
                revision: 1,
                status: "deployed",
            },
        };
    },
    // The Docker provider reports the pushed image's digest.
    "docker:index/image:Image": (r) => {
        const imageName = String(r.inputs.imageName);
        const repository = imageName.replace(/:[^:/]+$/, "");
        return {
            imageName,
            baseImageName: imageName,
            registryServer: repository.split("/")[0],
            repoDigest: `${repository}@sha256:${hash(imageName, 64)}`,
        };
    },
};
