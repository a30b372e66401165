/**
 * The Helm charts of the cluster's monitoring and certificate layers, as dated data: each pin says when it was
 * checked, where the version comes from and how long its line is supported. Bump deliberately (read the
 * chart's UPGRADE notes), never float: an unpinned chart makes two deployments of the same commit differ.
 *
 * Kept next to the charts rather than in `components/shared/facts/` because only the workloads use them; the
 * shape matches a facts table (value, source, checked date) so it can move there unchanged.
 */

/** One pinned chart and the evidence for it. */
export interface ChartPin {
    /** Chart name in its repository. */
    readonly chart: string;
    /** Exact chart version. */
    readonly version: string;
    /** Helm repository URL. */
    readonly repo: string;
    /** The application version the chart ships (the operator/controller release). */
    readonly appVersion: string;
    /** Date the chart version was published (its release tag). */
    readonly released: string;
    /** Date this pin was last checked against the upstream releases. */
    readonly checked: string;
    /** Where the version and its support window were read. */
    readonly source: string;
    /** How long this line receives fixes, in upstream's own terms. */
    readonly support: string;
}

/** The dated pins, one per chart. */
export const CHART_PINS = {
    envoyGatewayCrds: {
        // The Gateway API CRDs (standard channel, the v1.6.1 bundle Envoy Gateway 1.9 is compiled against) and
        // Envoy Gateway's own CRDs, as templates so that bumping the pin upgrades them (Helm never upgrades a
        // chart's crds/ directory). Rendered client-side (kubernetes helm/v4 Chart, like upstream's `helm
        // template | kubectl apply --server-side`): a Helm release of these CRDs exceeds the release Secret's size
        // limit (envoyproxy/gateway@v1.9.0:charts/gateway-crds-helm/README.md).
        chart: "gateway-crds-helm",
        version: "v1.9.0",
        repo: "oci://docker.io/envoyproxy",
        appVersion: "v1.9.0",
        released: "2026-08-15",
        checked: "2026-12-01",
        source: "github:envoyproxy/gateway@v1.9.0:charts/gateway-crds-helm ; site/content/en/news/releases/matrix.md",
        support: "follows envoyGateway (same release)",
    },
    envoyGateway: {
        chart: "gateway-helm",
        version: "v1.9.0",
        repo: "oci://docker.io/envoyproxy",
        appVersion: "v1.9.0",
        released: "2026-08-15",
        checked: "2026-12-01",
        // Tag v1.9.0 (2026-08-15) is the newest in github:envoyproxy/gateway; the compatibility matrix gives
        // v1.9 End of Life 2027/02/14 (each minor "is supported for 6 months following the release date",
        // site/content/en/news/releases/_index.md) with Gateway API v1.6.1 and Kubernetes 1.33-1.36.
        source: "github:envoyproxy/gateway@v1.9.0:site/content/en/news/releases/matrix.md",
        support: "until 2027-02-14 (six months after release)",
    },
    awsLoadBalancerController: {
        chart: "aws-load-balancer-controller",
        version: "3.5.0",
        repo: "https://aws.github.io/eks-charts",
        appVersion: "v3.5.0",
        released: "2026-08-03",
        checked: "2026-12-01",
        // github:aws/eks-charts@5239609 (2026-08-03, "aws-load-balancer-controller: v3.5.0"):
        // stable/aws-load-balancer-controller/Chart.yaml; v3.5.0 is the newest tag of
        // github:kubernetes-sigs/aws-load-balancer-controller. Its IAM policy: aws-load-balancer-controller/iam-policy.ts.
        source: "github:aws/eks-charts@5239609242f3430be50fb0b714a24d3ef2b47983:stable/aws-load-balancer-controller",
        support: "latest release; AWS fixes only the newest controller release",
    },
    certManager: {
        chart: "cert-manager",
        version: "v1.21.1",
        repo: "https://charts.jetstack.io",
        appVersion: "v1.21.1",
        released: "2026-08",
        checked: "2026-12-01",
        // Tags v1.21.0 (2026-07-08) and v1.21.1 in github:cert-manager/cert-manager; the releases table
        // (https://cert-manager.io/docs/releases/) gives every minor "End of Life: Release of <minor + 2>", so
        // 1.21 is supported until 1.23 ships. `crds.enabled` replaces `installCRDs`
        // (cert-manager@v1.21.1:deploy/charts/cert-manager/values.yaml).
        source: "https://cert-manager.io/docs/releases/ ; github:cert-manager/cert-manager@v1.21.1",
        support: "until cert-manager 1.23 is released",
    },
    kubePrometheusStack: {
        chart: "kube-prometheus-stack",
        version: "88.5.3",
        repo: "https://prometheus-community.github.io/helm-charts",
        appVersion: "v0.93.1",
        released: "2026-08-21",
        checked: "2026-12-01",
        // prometheus-community/helm-charts@kube-prometheus-stack-88.5.3:charts/kube-prometheus-stack/Chart.yaml
        // (appVersion = the prometheus-operator release whose CRDs it needs); UPGRADE.md lists 75.x -> 88.x.
        source: "github:prometheus-community/helm-charts@kube-prometheus-stack-88.5.3",
        support: "latest major; the community supports only the newest chart version",
    },
    prometheusOperatorCrds: {
        chart: "prometheus-operator-crds",
        version: "31.0.1",
        repo: "https://prometheus-community.github.io/helm-charts",
        // Must equal kubePrometheusStack.appVersion: the operator and its CRDs move together.
        appVersion: "v0.93.1",
        released: "2026-08-10",
        checked: "2026-12-01",
        source: "github:prometheus-community/helm-charts@prometheus-operator-crds-31.0.1",
        support: "follows kube-prometheus-stack (same prometheus-operator release)",
    },
    velero: {
        // Cluster backups (components/workloads/backup). Chart velero-12.1.0 (2026-06-25) is the newest tag in
        // github:vmware-tanzu/helm-charts; it ships appVersion 1.18.1. The server image is pinned one patch up, to
        // v1.18.2 (2026-06-24, github:velero-io/velero tag; changelogs/CHANGELOG-1.18.md: fixes a Kopia snapshot
        // leak on expiry), same minor, so the chart's templates and CRDs are the ones it was released with.
        // Velero supports the current and the previous minor (site/content/docs/v1.18/support-process.md): 1.18
        // until 1.20 ships. Plugins: see VELERO_PLUGINS in components/workloads/backup/plugins.ts.
        chart: "velero",
        version: "12.1.0",
        repo: "https://vmware-tanzu.github.io/helm-charts",
        appVersion: "v1.18.2",
        released: "2026-06-25",
        checked: "2026-12-01",
        source: "github:vmware-tanzu/helm-charts@velero-12.1.0:charts/velero/Chart.yaml ; github:velero-io/velero@v1.18.2",
        support: "current minor (n and n-1 get fixes): until Velero 1.20 is released",
    },
} as const satisfies Record<string, ChartPin>;
