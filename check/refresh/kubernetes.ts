/**
 * The Kubernetes support sheet (components/shared/facts/kubernetes.ts) against the clouds:
 *  - EKS: `aws eks describe-cluster-versions --include-all` (clusterVersion, releaseDate,
 *    endOfStandardSupportDate; https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeClusterVersions.html);
 *  - AKS: `az aks get-versions --location <location>` (which minor versions AKS offers; it publishes no
 *    dates, https://learn.microsoft.com/cli/azure/aks#az-aks-get-versions).
 */
import { KUBERNETES_VERSIONS_BY_CLOUD } from "../../components/shared/facts/kubernetes";
import { Cli, SheetReport, askJson, day, report } from "./types";

export type KubernetesSheet = Record<
    string,
    Partial<Record<"aws" | "azure", { available: string; standardSupportEnds: string }>>
>;

export const KUBERNETES_SHEET = KUBERNETES_VERSIONS_BY_CLOUD as KubernetesSheet;

/** Differences between the sheet's EKS rows and describe-cluster-versions. */
export function diffEks(sheet: KubernetesSheet, answer: { clusterVersions?: Record<string, unknown>[] }): string[] {
    const lines: string[] = [];
    for (const v of answer.clusterVersions ?? []) {
        const version = String(v.clusterVersion);
        const row = sheet[version]?.aws;
        const available = day(v.releaseDate);
        const ends = day(v.endOfStandardSupportDate);
        if (!row) {
            if (v.versionStatus !== "UNSUPPORTED") {
                lines.push(`aws ${version}: not in the sheet (available ${available}, standard support ends ${ends})`);
            }
            continue;
        }
        if (available && available !== row.available) {
            lines.push(`aws ${version}: available ${row.available} → ${available}`);
        }
        if (ends && ends !== row.standardSupportEnds) {
            lines.push(`aws ${version}: standardSupportEnds ${row.standardSupportEnds} → ${ends}`);
        }
    }
    return lines;
}

/** Differences between the sheet's AKS rows and the minor versions `az aks get-versions` offers. */
export function diffAks(
    sheet: KubernetesSheet,
    answer: { values?: Record<string, unknown>[] },
    today: string,
): string[] {
    const offered = new Set(
        (answer.values ?? [])
            .filter((v) => v.isPreview !== true)
            .map((v) => String(v.version).split(".").slice(0, 2).join(".")),
    );
    const lines: string[] = [];
    for (const version of [...offered].sort()) {
        if (!sheet[version]?.azure) lines.push(`azure ${version}: offered by AKS but not in the sheet`);
    }
    for (const [version, row] of Object.entries(sheet)) {
        if (row.azure && row.azure.standardSupportEnds >= today && !offered.has(version)) {
            lines.push(
                `azure ${version}: in standard support in the sheet until ${row.azure.standardSupportEnds}, not offered by AKS`,
            );
        }
    }
    return lines;
}

/** The EKS rows, asked in `region`. */
export function refreshEks(cli: Cli, sheet: KubernetesSheet, region: string): SheetReport {
    const out = report();
    const answer = askJson(cli, out, "aws", ["eks", "describe-cluster-versions", "--include-all", "--region", region]);
    if (answer !== undefined)
        out.differences.push(...diffEks(sheet, answer as { clusterVersions?: Record<string, unknown>[] }));
    return out;
}

/** The AKS rows, asked in `location`. */
export function refreshAks(cli: Cli, sheet: KubernetesSheet, location: string, today: string): SheetReport {
    const out = report();
    const answer = askJson(cli, out, "az", ["aks", "get-versions", "--location", location]);
    if (answer !== undefined)
        out.differences.push(...diffAks(sheet, answer as { values?: Record<string, unknown>[] }, today));
    return out;
}
