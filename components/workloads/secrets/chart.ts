import * as pulumi from "@pulumi/pulumi";
import { Namespace } from "@pulumi/kubernetes/core/v1";
import { Release } from "@pulumi/kubernetes/helm/v3";
import type { ChartPin } from "../charts";
import { PlatformContext } from "../../shared/context";
import { SECRET_ROTATION_POLL } from ".";

/** The charts that deliver application secrets, as dated pins. */
export const SECRETS_CHART_PINS = {
    awsSecretsProvider: {
        chart: "secrets-store-csi-driver-provider-aws",
        version: "3.1.1",
        repo: "https://aws.github.io/secrets-store-csi-driver-provider-aws",
        appVersion: "3.1.1",
        released: "2026-06-01",
        checked: "2026-12-01",
        // Tag 3.1.1 of github:aws/secrets-store-csi-driver-provider-aws (newest); its Chart.lock pins the
        // secrets-store-csi-driver chart 1.6.0 (kubernetes-sigs/secrets-store-csi-driver v1.6.0, 2026-04-29, the
        // newest driver release, kubeVersion >= 1.30) as the dependency it installs.
        source: "github:aws/secrets-store-csi-driver-provider-aws@3.1.1:charts/secrets-store-csi-driver-provider-aws",
        support: "newest release; AWS fixes the latest version only",
    },
    reloader: {
        chart: "reloader",
        version: "2.2.16",
        repo: "https://stakater.github.io/stakater-charts",
        appVersion: "v1.4.21",
        released: "2026-08-10",
        checked: "2026-12-01",
        // Tag chart-v2.2.16 of github:stakater/Reloader (deployments/kubernetes/chart/reloader/Chart.yaml).
        source: "github:stakater/Reloader@chart-v2.2.16:deployments/kubernetes/chart/reloader",
        support: "newest release; Stakater supports the latest version only",
    },
} as const satisfies Record<string, ChartPin>;

/** What Pod Security `restricted` asks of every container beyond the chart's pod-level settings. */
const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };

/**
 * EKS: the Secrets Store CSI driver with the AWS provider (ASCP), from the provider's chart, which installs the
 * driver as its dependency with the `tokenRequests` the provider needs for Pod Identity. Syncing to Kubernetes
 * Secrets (for `as: env`) and rotation are off in the driver's chart by default
 * (kubernetes-sigs/secrets-store-csi-driver@v1.6.0 charts/secrets-store-csi-driver/values.yaml `syncSecret.enabled`,
 * `enableSecretRotation`, `rotationPollInterval`), so both are turned on. AKS runs the same driver as its
 * `azureKeyvaultSecretsProvider` add-on (cluster/azure.ts), with rotation on.
 */
export function installAwsSecretsDriver(name: string, parent: pulumi.Resource): Release {
    const pin = SECRETS_CHART_PINS.awsSecretsProvider;
    return new Release(
        `${name}-secrets-store-csi`,
        {
            name: "secrets-provider-aws",
            chart: pin.chart,
            version: pin.version,
            repositoryOpts: { repo: pin.repo },
            namespace: "kube-system",
            atomic: true,
            cleanupOnFail: true,
            values: {
                "secrets-store-csi-driver": {
                    syncSecret: { enabled: true },
                    enableSecretRotation: true,
                    rotationPollInterval: SECRET_ROTATION_POLL,
                },
            },
        },
        { parent },
    );
}

/**
 * Reloader in a namespace of its own, watching only the application namespace (the chart's scoped mode:
 * a Role and RoleBinding there, no ClusterRole for Secrets), with its CSI integration on: it rolls a
 * Deployment annotated `secretproviderclass.reloader.stakater.com/reload` when the driver reports a new
 * version of a mounted secret (values `reloader.enableCSIIntegration`, `reloader.namespaces`,
 * `reloader.watchGlobally`, `reloader.reloadStrategy` in the pinned chart's values.yaml). The `annotations`
 * strategy marks the pod template with an annotation rather than an environment variable. Jobs and CronJobs
 * are ignored (`reloader.ignoreJobs`, `reloader.ignoreCronJobs`): Reloader "reloads" a Job by deleting and
 * re-creating it and a CronJob by starting a Job at once (Reloader@v1.4.21 internal/pkg/callbacks/rolling_upgrade.go),
 * which would re-run a migration or run a scheduled job off schedule on every rotation.
 */
export function installReloader(
    name: string,
    args: { context: PlatformContext; appNamespace: pulumi.Input<string> },
    opts: pulumi.CustomResourceOptions,
): Release {
    const pin = SECRETS_CHART_PINS.reloader;
    // Pod Security `restricted`: the chart's pod runs as non-root 65534 with RuntimeDefault seccomp, but its container
    // security context is empty (stakater/Reloader@chart-v2.2.16 deployments/kubernetes/chart/reloader/values.yaml
    // `reloader.deployment.containerSecurityContext: {}`), so the values below add what `restricted` also requires:
    // no privilege escalation and ALL capabilities dropped (https://kubernetes.io/docs/concepts/security/pod-security-standards/).
    const ns = new Namespace(
        `${name}-reloader-namespace`,
        {
            metadata: {
                name: "reloader",
                labels: {
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/enforce-version": "latest",
                },
            },
        },
        opts,
    );
    return new Release(
        `${name}-reloader`,
        {
            name: "reloader",
            chart: pin.chart,
            version: pin.version,
            repositoryOpts: { repo: pin.repo },
            namespace: ns.metadata.name,
            atomic: true,
            cleanupOnFail: true,
            values: {
                reloader: {
                    enableCSIIntegration: true,
                    ignoreJobs: true,
                    ignoreCronJobs: true,
                    reloadStrategy: "annotations",
                    watchGlobally: false,
                    namespaces: [args.appNamespace],
                    enableHA: args.context.environment === "prod",
                    deployment: {
                        replicas: args.context.environment === "prod" ? 2 : 1,
                        containerSecurityContext: RESTRICTED_CONTAINER,
                    },
                },
            },
        },
        opts,
    );
}
