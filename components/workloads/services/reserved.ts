import { GATEWAY, GATEWAY_NAMESPACE } from "../edge";
import { MONITORING_NAMESPACE } from "../observability";
import { NAMESPACE_POLICY_NAMES } from "./namespace";

/**
 * Names a service may not take, because the platform already uses them: a service names its Deployment,
 * Service, ServiceAccount, NetworkPolicy, HPA, PDB and registry repository, and appears by that name in the
 * services' dashboard and alerts. In the application namespace a service named like one of the platform's
 * objects there replaces it (its NetworkPolicy would overwrite "default-deny-all"); a service named like a
 * platform namespace, Helm release or in-cluster component makes every dashboard, alert, log query and
 * `kubectl get -A` ambiguous. Collected from the code that creates them; a new platform object adds its name
 * here.
 */
export const RESERVED_SERVICE_NAMES: Readonly<Record<string, string>> = {
    // Kubernetes' own namespaces (https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces).
    default: "a Kubernetes namespace",
    "kube-system": "a Kubernetes namespace (the cluster's add-ons, Karpenter, the Prometheus operator CRDs)",
    "kube-public": "a Kubernetes namespace",
    "kube-node-lease": "a Kubernetes namespace",
    // The edge (edge/controller.ts, edge/certificates.ts, edge/aws-load-balancer-controller, workloads/dns).
    [GATEWAY_NAMESPACE.name]: "Envoy Gateway's namespace",
    [GATEWAY.name]: "the edge's Gateway and GatewayClass",
    gateway: "the edge's gateway",
    "gateway-helm": "Envoy Gateway's Helm release",
    "gateway-crds-helm": "the Gateway API CRDs' Helm release",
    "gateway-ratelimit": "the rate-limit store's namespace",
    "https-redirect": "the HTTP-to-HTTPS redirect route",
    "aws-load-balancer-controller": "the AWS Load Balancer Controller's Helm release",
    "cert-manager": "cert-manager's namespace and Helm release",
    "external-dns": "external-dns's Helm release",
    // Secrets and scaling (workloads/secrets, workloads/scaling).
    keda: "KEDA's namespace and Helm release",
    reloader: "Reloader's namespace and Helm release",
    "secrets-store-csi-driver-provider-aws": "the Secrets Store CSI driver's Helm release",
    // The database roles (workloads/database).
    "database-admin": "the role bootstrap's administrator Secret",
    "db-bootstrap": "the database role bootstrap",
    // Observability (observability/monitoring.ts, values.ts).
    [MONITORING_NAMESPACE.name]: "the monitoring namespace",
    "kube-prometheus-stack": "the monitoring Helm release",
    "prometheus-operator-crds": "the Prometheus operator CRDs' Helm release",
    prometheus: "the cluster's Prometheus",
    alertmanager: "the cluster's Alertmanager",
    grafana: "Grafana's Service and route",
    // The cluster (cluster/karpenter.ts).
    karpenter: "Karpenter's Helm release",
    "karpenter-crd": "Karpenter's CRDs' Helm release",
    // NetworkPolicies of the application namespace (services/namespace.ts, edge/certificates.ts).
    [NAMESPACE_POLICY_NAMES.defaultDeny]: "the namespace's default-deny NetworkPolicy",
    [NAMESPACE_POLICY_NAMES.allowDns]: "the namespace's DNS NetworkPolicy",
};

/** What a reserved name belongs to, or undefined when a service may take it ("kube-" is Kubernetes' prefix). */
export function reservedNameOwner(name: string): string | undefined {
    if (Object.prototype.hasOwnProperty.call(RESERVED_SERVICE_NAMES, name)) {
        return RESERVED_SERVICE_NAMES[name];
    }
    return name.startsWith("kube-") ? 'Kubernetes ("kube-" names are reserved for its system namespaces)' : undefined;
}

/** The canary Deployment and Service of an exposed service with a canary (canary.ts). */
export function canaryName(service: string): string {
    return `${service}-canary`;
}
