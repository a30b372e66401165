import * as pulumi from "@pulumi/pulumi";
import { Namespace } from "@pulumi/kubernetes/core/v1";
import { Release } from "@pulumi/kubernetes/helm/v3";
import type { ChartPin } from "../charts";

/** KEDA's chart, as a dated pin (EKS; AKS runs KEDA as the managed add-on). */
export const KEDA_CHART_PIN = {
    chart: "keda",
    version: "2.21.0",
    repo: "https://kedacore.github.io/charts",
    appVersion: "2.21.0",
    released: "2026-09-25",
    checked: "2026-12-01",
    // KEDA 2.21 is the release tested with the cluster's Kubernetes 1.36 ("v2.21 v1.34 - v1.36"; 2.20 is
    // tested with 1.33 - 1.35 only: https://keda.sh/docs/2.22/operate/cluster/#kubernetes-compatibility), and
    // v2.21.0 fixes a critical CVE (https://github.com/kedacore/keda/releases/tag/v2.21.0, released 2026-09-25
    // per community upgrade notes; the kedacore charts version equals the KEDA version, keda/Chart.yaml).
    // Its breaking changes (token audience, Temporal and Azure Pipelines scalers) touch no field used here.
    // The newest tag in the stored mirror of github:kedacore/charts and kedacore/keda is v2.20.2, where the
    // ScaledObject and TriggerAuthentication fields (scaling/keda.ts) were read.
    source: "https://keda.sh/docs/2.22/operate/cluster/ ; https://github.com/kedacore/keda/releases/tag/v2.21.0",
    support: "newest minor; KEDA patches the latest release line",
} as const satisfies ChartPin;

/** KEDA's namespace on EKS. */
export const KEDA_NAMESPACE = "keda";

/** EKS: KEDA from its pinned chart, CRDs included, in a namespace of its own. */
export function installKeda(name: string, parent: pulumi.Resource): Release {
    // Pod Security `restricted`: the chart's pods run as non-root, drop ALL capabilities, no privilege escalation,
    // RuntimeDefault seccomp and no host network (kedacore/charts@v2.20.2 keda/values.yaml securityContext,
    // podSecurityContext, useHostNetwork: false; the newest tag in the stored mirror; "KEDA is secure by default").
    const namespace = new Namespace(
        `${name}-keda-namespace`,
        {
            metadata: {
                name: KEDA_NAMESPACE,
                labels: {
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/enforce-version": "latest",
                },
            },
        },
        { parent },
    );
    return new Release(
        `${name}-keda`,
        {
            name: "keda",
            chart: KEDA_CHART_PIN.chart,
            version: KEDA_CHART_PIN.version,
            repositoryOpts: { repo: KEDA_CHART_PIN.repo },
            namespace: namespace.metadata.name,
            atomic: true,
            cleanupOnFail: true,
        },
        { parent },
    );
}
