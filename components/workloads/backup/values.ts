import { CHART_PINS } from "../charts";
import { VELERO_SERVICE_ACCOUNT, VeleroArgs } from ".";
import { VeleroPlugin } from "./plugins";
import { veleroSchedules } from "./schedules";

/**
 * The restricted Pod Security profile for every Velero container: non-root, no privilege escalation, no
 * capabilities, the runtime's seccomp profile, read-only root (the chart mounts an emptyDir at /tmp then,
 * vmware-tanzu/helm-charts@velero-12.1.0 charts/velero/templates/deployment.yaml). Explicit user ids: the
 * server image runs as the named user `cnb` (github:velero-io/velero@v1.18.2 Dockerfile), which the kubelet
 * cannot prove non-root without a number; the plugins run as 65532 (their Dockerfiles' USER).
 */
export const POD_SECURITY_CONTEXT = {
    runAsNonRoot: true,
    runAsUser: 65532,
    runAsGroup: 65532,
    fsGroup: 65532,
    seccompProfile: { type: "RuntimeDefault" },
} as const;
export const CONTAINER_SECURITY_CONTEXT = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem: true,
} as const;

/** The server's requests and limits (the chart sets none); the upgrade-CRDs hook Job's. */
export const VELERO_RESOURCES = {
    server: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
    job: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
} as const;

/** The plugin as an init container that copies its binary into the server's plugin directory (/target). */
export function pluginInitContainer(plugin: VeleroPlugin): Record<string, unknown> {
    return {
        name: plugin.name,
        image: plugin.image,
        imagePullPolicy: "IfNotPresent",
        volumeMounts: [{ mountPath: "/target", name: "plugins" }],
        securityContext: CONTAINER_SECURITY_CONTEXT,
        resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } },
    };
}

/**
 * The chart's values: the pinned server image, restricted security contexts, resources, no node agent (volumes
 * are taken as the cloud's disk snapshots by the plugin, not copied file by file, so nothing needs host paths),
 * the schedules, and the cloud's part (plugin, locations, identity) merged over the top. Checked against the
 * chart's values.schema.json in test/workloads/velero.test.ts.
 */
export function veleroValues(args: VeleroArgs, cloud: Record<string, unknown>): Record<string, unknown> {
    const { configuration, serviceAccount, ...rest } = cloud as {
        configuration?: Record<string, unknown>;
        serviceAccount?: { server?: Record<string, unknown> };
    };
    return {
        image: { repository: "docker.io/velero/velero", tag: CHART_PINS.velero.appVersion, pullPolicy: "IfNotPresent" },
        podSecurityContext: POD_SECURITY_CONTEXT,
        containerSecurityContext: CONTAINER_SECURITY_CONTEXT,
        resources: VELERO_RESOURCES.server,
        upgradeJobResources: VELERO_RESOURCES.job,
        upgradeCRDs: true,
        cleanUpCRDs: false,
        deployNodeAgent: false,
        backupsEnabled: true,
        snapshotsEnabled: true,
        metrics: { enabled: true, serviceMonitor: { autodetect: false, enabled: false } },
        ...rest,
        serviceAccount: { server: { create: true, name: VELERO_SERVICE_ACCOUNT, ...(serviceAccount?.server ?? {}) } },
        configuration: {
            defaultVolumesToFsBackup: false,
            logFormat: "json",
            ...(configuration ?? {}),
        },
        schedules: veleroSchedules(args.settings, args.context.cloud),
    };
}
