import type { Cloud } from "../context";
import { FactSource, SupportWindow } from ".";

/**
 * Kubernetes minor versions on EKS and AKS, with the day each became available and the day its standard
 * support ends, per cloud.
 *
 * Sources (read 2026-12-01):
 * - EKS: the "Amazon EKS Kubernetes release calendar" (release and end-of-standard-support dates, exact
 *   days). Past its end of standard support a cluster either enters paid extended support or is upgraded by
 *   AWS (see `upgradePolicy` in components/cluster/aws.ts).
 * - AKS: the "AKS Kubernetes release calendar" (GA and end-of-life months; AKS reads "Mar 2027" as March
 *   31, 2027). From the end of life a version is in "platform support" only: AKS no longer creates clusters
 *   on it nor ships Kubernetes fixes for it.
 *
 * How to refresh (at least monthly, and before every upgrade): open both pages, add each new minor version
 * once it is GA on a cloud (a version on one cloud only gets only that cloud's window), correct any dates
 * that moved, drop versions whose support ended on both clouds more than a year ago, update `lastReviewed`,
 * and run `npm test` (the tests check the default and the pinned Karpenter against this sheet).
 */
export const KUBERNETES_SOURCES: FactSource = {
    urls: {
        aws: "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar",
        azure: "https://learn.microsoft.com/azure/aks/supported-kubernetes-versions#aks-kubernetes-release-calendar-and-upcoming-versions",
    },
    lastReviewed: "2026-12-01",
};

/** Standard-support windows by Kubernetes minor version and cloud. A cloud missing from a row does not offer it. */
export const KUBERNETES_VERSIONS_BY_CLOUD = {
    "1.33": {
        aws: { available: "2025-05-29", standardSupportEnds: "2026-07-29" },
        azure: { available: "2025-06-30", standardSupportEnds: "2026-07-31" },
    },
    "1.34": {
        aws: { available: "2025-10-02", standardSupportEnds: "2026-12-02" },
        azure: { available: "2025-11-30", standardSupportEnds: "2026-11-30" },
    },
    "1.35": {
        aws: { available: "2026-01-27", standardSupportEnds: "2027-03-27" },
        azure: { available: "2026-03-31", standardSupportEnds: "2027-03-31" },
    },
    "1.36": {
        aws: { available: "2026-06-02", standardSupportEnds: "2027-08-02" },
        azure: { available: "2026-06-30", standardSupportEnds: "2027-06-30" },
    },
} as const satisfies Record<string, Partial<Record<Cloud, SupportWindow>>>;

export type KubernetesVersion = keyof typeof KUBERNETES_VERSIONS_BY_CLOUD;

/** Every version the sheet knows, oldest first. */
export const KNOWN_KUBERNETES_VERSIONS = Object.keys(KUBERNETES_VERSIONS_BY_CLOUD) as KubernetesVersion[];

/**
 * The version new clusters get: the newest minor GA on both clouds, furthest from its end of standard
 * support (1.36: until 2027-06-30 on AKS, 2027-08-02 on EKS). 1.35 would already warn from late January 2027.
 */
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = "1.36";

/** Days before the end of standard support from which every run warns. */
export const KUBERNETES_SUPPORT_WARNING_DAYS = 60;

/**
 * Karpenter's pinned chart (EKS node autoscaler) and the oldest Karpenter release that supports each
 * Kubernetes minor version, from Karpenter's compatibility matrix
 * (aws/karpenter-provider-aws@v1.14.1:website/content/en/docs/upgrading/compatibility.md, read 2026-12-01;
 * 1.14.1 is the newest release there). Bump deliberately with the release notes; a test checks that the
 * pinned version supports every version in the sheet.
 */
export const KARPENTER = {
    version: "1.14.1",
    chart: "oci://public.ecr.aws/karpenter/karpenter",
    crdChart: "oci://public.ecr.aws/karpenter/karpenter-crd",
    minimumFor: { "1.33": "1.5.0", "1.34": "1.6.0", "1.35": "1.9.0", "1.36": "1.13.0" },
} as const satisfies { minimumFor: Record<KubernetesVersion, string> } & Record<string, unknown>;
