import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { Namespace } from "@pulumi/kubernetes/core/v1";
import { Release } from "@pulumi/kubernetes/helm/v3";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { CHART_PINS } from "../charts";
import { INGRESS_NAMESPACE, INGRESS_POD_SELECTOR } from ".";

/** The ClusterIssuer exposed services' certificates come from. */
export const CLUSTER_ISSUER = "letsencrypt";
/** Let's Encrypt's production ACME directory. */
export const ACME_SERVER = "https://acme-v02.api.letsencrypt.org/directory";

/**
 * cert-manager's chart values: CRDs installed and kept by the chart (`crds.enabled`, the current name of
 * `installCRDs`), and its metrics scraped through the chart's own ServiceMonitor so certificate expiry and
 * readiness alert (observability/rules.ts, `certificateAlertRules`). Prometheus selects every ServiceMonitor
 * in the cluster (`serviceMonitorSelectorNilUsesHelmValues: false`), so the monitor needs no release label.
 * Source: cert-manager@v1.21.1:deploy/charts/cert-manager/values.yaml (`prometheus.servicemonitor`).
 */
export function certManagerValues(highAvailability: boolean): Record<string, unknown> {
    return {
        crds: { enabled: true, keep: true },
        replicaCount: highAvailability ? 2 : 1,
        podDisruptionBudget: { enabled: highAvailability },
        prometheus: { enabled: true, servicemonitor: { enabled: true, interval: "60s" } },
    };
}

/**
 * cert-manager (namespace and pinned release, `opts` applying to the release) and the Let's Encrypt
 * ClusterIssuer solving HTTP-01 through the ingress class; returns the issuer, which Ingresses wait for.
 */
export function createCertManager(
    name: string,
    args: { readonly alertEmail: string; readonly highAvailability: boolean; readonly ingressClass: string },
    opts: pulumi.CustomResourceOptions & { parent: pulumi.Resource },
): CustomResource {
    const certManagerNamespace = new Namespace(
        `${name}-cert-manager-namespace`,
        { metadata: { name: "cert-manager", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
        { parent: opts.parent },
    );
    const certManager = new Release(
        `${name}-cert-manager`,
        {
            name: "cert-manager",
            chart: CHART_PINS.certManager.chart,
            version: CHART_PINS.certManager.version,
            repositoryOpts: { repo: CHART_PINS.certManager.repo },
            namespace: certManagerNamespace.metadata.name,
            atomic: true,
            cleanupOnFail: true,
            values: certManagerValues(args.highAvailability),
        },
        opts,
    );
    return new CustomResource(
        `${name}-cluster-issuer`,
        {
            apiVersion: "cert-manager.io/v1",
            kind: "ClusterIssuer",
            metadata: { name: CLUSTER_ISSUER },
            spec: {
                acme: {
                    server: ACME_SERVER,
                    email: args.alertEmail,
                    privateKeySecretRef: { name: `${CLUSTER_ISSUER}-account-key` },
                    solvers: [{ http01: { ingress: { ingressClassName: args.ingressClass } } }],
                },
            },
        },
        { parent: opts.parent, dependsOn: [certManager] },
    );
}

/**
 * cert-manager answers HTTP-01 challenges from solver pods in the application namespace; the ingress
 * controller must reach them, or no certificate is ever issued under the namespace's default-deny policy.
 */
export function createAcmeSolverPolicy(
    name: string,
    namespace: pulumi.Input<string>,
    parent: pulumi.Resource,
): NetworkPolicy {
    return new NetworkPolicy(
        `${name}-allow-acme-solver`,
        {
            metadata: { name: "allow-acme-http01-solver", namespace },
            spec: {
                podSelector: { matchLabels: { "acme.cert-manager.io/http01-solver": "true" } },
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [{ namespaceSelector: INGRESS_NAMESPACE.selector, podSelector: INGRESS_POD_SELECTOR }],
                        ports: [{ protocol: "TCP", port: 8089 }],
                    },
                ],
            },
        },
        { parent },
    );
}
