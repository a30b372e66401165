import type { ChartPin } from "../charts";

/**
 * The external-dns chart pin, dated (the same shape as ../charts.ts, kept here so the edge's owner keeps that
 * file). Tags in github:kubernetes-sigs/external-dns: `external-dns-helm-chart-1.21.1` (2026-04-30, appVersion
 * 0.21.0) is the newest chart; the application's v0.22.0 (2026-08-19) has no chart release yet. The project
 * supports only its latest release (README, "Status of in-tree providers" / releases), so bump with each chart.
 * The chart makes `policy` required from its next release (CHANGELOG, [UNRELEASED], #6508): the values below
 * always set it.
 */
export const EXTERNAL_DNS_CHART = {
    chart: "external-dns",
    version: "1.21.1",
    repo: "https://kubernetes-sigs.github.io/external-dns/",
    appVersion: "0.21.0",
    released: "2026-04-30",
    checked: "2026-12-01",
    source: "github:kubernetes-sigs/external-dns@external-dns-helm-chart-1.21.1:charts/external-dns/Chart.yaml",
    support: "latest release only; the next chart (app v0.22.0) replaces it",
} as const satisfies ChartPin;
