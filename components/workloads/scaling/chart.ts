import * as pulumi from "@pulumi/pulumi";
import { Namespace } from "@pulumi/kubernetes/core/v1";
import { Release } from "@pulumi/kubernetes/helm/v3";
import type { ChartPin } from "../charts";

/** KEDA's chart, as a dated pin (EKS; AKS runs KEDA as the managed add-on). */
export const KEDA_CHART_PIN = {
    chart: "keda",
    version: "2.20.2",
    repo: "https://kedacore.github.io/charts",
    appVersion: "2.20.2",
    released: "2026-07-31",
    checked: "2026-12-01",
    // Tag v2.20.2 of github:kedacore/charts (keda/Chart.yaml, the chart installs its CRDs: crds.install) and of
    // github:kedacore/keda (the operator). KEDA supports its newest minor releases
    // (https://keda.sh/docs/2.20/operate/cluster/#kubernetes-compatibility lists 2.20 with Kubernetes 1.34-1.36).
    source: "github:kedacore/charts@v2.20.2:keda ; github:kedacore/keda@v2.20.2",
    support: "newest minor; KEDA patches the latest release line",
} as const satisfies ChartPin;

/** KEDA's namespace on EKS. */
export const KEDA_NAMESPACE = "keda";

/** EKS: KEDA from its pinned chart, CRDs included, in a namespace of its own. */
export function installKeda(name: string, parent: pulumi.Resource): Release {
    const namespace = new Namespace(`${name}-keda-namespace`, { metadata: { name: KEDA_NAMESPACE } }, { parent });
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
