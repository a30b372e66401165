import type { Cloud } from "../shared/context";
import { SupportStatus, SupportWindow, supportStatus } from "../shared/facts";
import {
    DEFAULT_KUBERNETES_VERSION,
    KNOWN_KUBERNETES_VERSIONS,
    KUBERNETES_SOURCES,
    KUBERNETES_SUPPORT_WARNING_DAYS,
    KUBERNETES_VERSIONS_BY_CLOUD,
} from "../shared/facts/kubernetes";
import { ConfigProblem, problem } from "../shared/schema";

const KEY = "platform:cluster.kubernetesVersion";
const SERVICE: Record<Cloud, string> = { aws: "Amazon EKS", azure: "AKS" };

/** What the version sheet says about a chosen version: refuse it (`problem`), warn about it, or neither. */
export interface KubernetesVersionReview {
    readonly problem?: ConfigProblem;
    /** One line for the person deploying: the version leaves standard support soon. */
    readonly warning?: string;
}

/** Where `version` stands on `cloud` on `today` (YYYY-MM-DD). */
export function kubernetesVersionStatus(version: string, cloud: Cloud, today: string): SupportStatus {
    const windows = (KUBERNETES_VERSIONS_BY_CLOUD as Record<string, Partial<Record<Cloud, SupportWindow>>>)[version];
    return supportStatus(windows?.[cloud], today, KUBERNETES_SUPPORT_WARNING_DAYS);
}

/** The versions a new or upgraded cluster may use on `cloud` on `today`, oldest first. */
export function allowedKubernetesVersions(cloud: Cloud, today: string): string[] {
    return KNOWN_KUBERNETES_VERSIONS.filter((v) =>
        ["supported", "ending"].includes(kubernetesVersionStatus(v, cloud, today).state),
    );
}

function reason(version: string, cloud: Cloud, status: SupportStatus): string {
    switch (status.state) {
        case "ended":
            return `"${version}" left standard support on ${SERVICE[cloud]} on ${status.ends}`;
        case "not-yet-available":
            return `"${version}" is not available on ${SERVICE[cloud]} before ${status.available}`;
        default:
            return `"${version}" is not offered on ${SERVICE[cloud]}`;
    }
}

/**
 * Reviews the effective Kubernetes version against the dated sheet (components/shared/facts/kubernetes.ts):
 * a version past its end of standard support, not yet available, or not offered on the cloud is a problem;
 * one whose standard support ends within KUBERNETES_SUPPORT_WARNING_DAYS days is a warning.
 * `explicit` says whether the stack set the version (otherwise the default is being judged).
 */
export function reviewKubernetesVersion(
    version: string,
    cloud: Cloud,
    today: string,
    where: { stackFile: string; explicit: boolean },
): KubernetesVersionReview {
    const status = kubernetesVersionStatus(version, cloud, today);
    const allowed = allowedKubernetesVersions(cloud, today);
    const suggestion = allowed.includes(DEFAULT_KUBERNETES_VERSION) ? DEFAULT_KUBERNETES_VERSION : allowed.at(-1);
    const sheet = `support dates from ${KUBERNETES_SOURCES.urls[cloud]}, reviewed ${KUBERNETES_SOURCES.lastReviewed}`;
    if (status.state === "supported") return {};
    if (status.state === "ending") {
        const upgrade =
            suggestion && suggestion !== version
                ? `Upgrade to "${suggestion}" ("kubernetesVersion" in platform:cluster, ${where.stackFile}) before then`
                : "Refresh components/shared/facts/kubernetes.ts and upgrade before then";
        return {
            warning:
                `${KEY}: "${version}" leaves standard support on ${SERVICE[cloud]} on ${status.ends} ` +
                `(in ${status.daysLeft} days); from that day this program refuses it. ${upgrade} (${sheet}).`,
        };
    }
    const list = allowed.map((v) => JSON.stringify(v)).join(", ");
    const fix = !suggestion
        ? `No version is in standard support according to components/shared/facts/kubernetes.ts (last reviewed ${KUBERNETES_SOURCES.lastReviewed}): refresh it from ${KUBERNETES_SOURCES.urls[cloud]}.`
        : where.explicit
          ? `Set "kubernetesVersion" in platform:cluster to "${suggestion}" in ${where.stackFile}, or remove it to get the default. An existing cluster upgrades one minor version per deployment.`
          : `The default "${version}" is out of date: set "kubernetesVersion" in platform:cluster to "${suggestion}" in ${where.stackFile}, and refresh DEFAULT_KUBERNETES_VERSION in components/shared/facts/kubernetes.ts.`;
    return {
        problem: problem(
            { key: KEY, stackFile: where.stackFile },
            version,
            `a Kubernetes minor version in standard support on ${SERVICE[cloud]} on ${today}: ` +
                `${list || "none known"} (${reason(version, cloud, status)}; ${sheet})`,
            fix,
        ),
    };
}
