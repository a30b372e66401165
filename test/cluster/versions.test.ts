/**
 * Kubernetes versions come from the dated sheet (components/shared/facts/kubernetes.ts): a version past its
 * end of standard support, not yet available or not offered on the stack's cloud stops the program before
 * anything is registered; one within 60 days of its end deploys with one warning line. Every test passes
 * the day it judges on, taken from the sheet itself, so none of them changes its verdict with the calendar.
 * Sources: EKS release calendar (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html),
 * AKS release calendar (https://learn.microsoft.com/azure/aks/supported-kubernetes-versions).
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { reviewKubernetesVersion } from "../../components/cluster/versions";
import { ConfigError, parseConfig } from "../../components/shared/config";
import { daysBetween, evaluationDay, isoDate } from "../../components/shared/facts";
import {
    DEFAULT_KUBERNETES_VERSION,
    KARPENTER,
    KNOWN_KUBERNETES_VERSIONS,
    KUBERNETES_SOURCES,
    KUBERNETES_VERSIONS_BY_CLOUD,
} from "../../components/shared/facts/kubernetes";
import { formatProblem } from "../../components/shared/schema";
import { runProgram } from "../../check/runtime";
import { loadStackConfig } from "../../check/stack";
import { CLOUDS, Cloud, check } from "../harness";

const KEY = "platform:cluster.kubernetesVersion";

/** `day` moved by `days` days. */
function plus(day: string, days: number): string {
    return isoDate(new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000));
}

function ends(version: keyof typeof KUBERNETES_VERSIONS_BY_CLOUD, cloud: Cloud): string {
    return KUBERNETES_VERSIONS_BY_CLOUD[version][cloud].standardSupportEnds;
}

/** The stack's raw config on a cloud with a cluster override. */
function rawConfig(cloud: Cloud, cluster?: object): { project: string; config: Record<string, string> } {
    const overrides = [`platform:cloud=${cloud}`, ...(cluster ? [`platform:cluster=${JSON.stringify(cluster)}`] : [])];
    return loadStackConfig("dev", overrides);
}

/** The Kubernetes-version problem parseConfig raises on `today`, or undefined when it accepts the stack. */
function versionProblem(cloud: Cloud, today: string, cluster?: object): string | undefined {
    const { project, config } = rawConfig(cloud, cluster);
    try {
        parseConfig(config, project, "dev", { today });
        return undefined;
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        const found = err.problems.find((p) => p.key === KEY);
        assert.ok(found, `expected a problem naming ${KEY}: ${err.message}`);
        return formatProblem(found);
    }
}

describe("Kubernetes versions (dated support sheet)", () => {
    it("defaults to a version GA on both clouds and more than 60 days from its end of standard support on the day the sheet was reviewed", () => {
        for (const cloud of CLOUDS) {
            const window = KUBERNETES_VERSIONS_BY_CLOUD[DEFAULT_KUBERNETES_VERSION][cloud];
            assert.ok(window.available <= KUBERNETES_SOURCES.lastReviewed, `${cloud}: GA`);
            assert.ok(daysBetween(KUBERNETES_SOURCES.lastReviewed, window.standardSupportEnds) > 60, cloud);
        }
    });

    // Freshness guard: this one reads the real calendar on purpose. It fails once the default is within 60
    // days of its end on either cloud: refresh the sheet and the default then (see the sheet's comment).
    it("defaults to a version that is not within 60 days of its end of standard support today, so the sheet is fresh enough", () => {
        for (const cloud of CLOUDS) {
            assert.ok(
                daysBetween(evaluationDay(), ends(DEFAULT_KUBERNETES_VERSION, cloud)) > 60,
                `the default ${DEFAULT_KUBERNETES_VERSION} is near its end on ${cloud}: refresh components/shared/facts/kubernetes.ts`,
            );
        }
    });

    it("pins a Karpenter release that supports every version in the sheet (Karpenter's compatibility matrix)", () => {
        const parts = (v: string) => v.split(".").map(Number);
        const atLeast = (a: string, b: string) => {
            const [x, y] = [parts(a), parts(b)];
            for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
            return true;
        };
        for (const version of KNOWN_KUBERNETES_VERSIONS) {
            assert.ok(atLeast(KARPENTER.version, KARPENTER.minimumFor[version]), version);
        }
    });

    it("fails when a stack asks for 1.33 on EKS after its end of standard support (2026-07-29), naming the key, value, allowed versions and fix", () => {
        const message = versionProblem("aws", "2026-12-01", { kubernetesVersion: "1.33" });
        assert.ok(message);
        assert.match(message, /^platform:cluster\.kubernetesVersion: got "1\.33"; allowed: /);
        assert.match(message, /"1\.34", "1\.35", "1\.36"/);
        assert.match(message, /left standard support on Amazon EKS on 2026-07-29/);
        assert.match(message, /Fix: Set "kubernetesVersion" in platform:cluster to "1\.36" in Pulumi\.dev\.yaml/);
    });

    it("fails when a stack asks for 1.34 on AKS after its end of life (November 2026) although EKS still supports it", () => {
        const message = versionProblem("azure", "2026-12-01", { kubernetesVersion: "1.34" });
        assert.ok(message);
        assert.match(message, /allowed: .*"1\.35", "1\.36" \("1\.34" left standard support on AKS on 2026-11-30/);
    });

    it("fails when a stack asks for a version the cloud does not offer", () => {
        assert.match(
            versionProblem("aws", "2026-12-01", { kubernetesVersion: "1.99" }) ?? "",
            /is not offered on Amazon EKS/,
        );
    });

    it("fails when a stack asks for a version before the cloud made it generally available", () => {
        const available = KUBERNETES_VERSIONS_BY_CLOUD["1.36"].azure.available;
        assert.match(
            versionProblem("azure", plus(available, -1), { kubernetesVersion: "1.36" }) ?? "",
            /"1\.36" is not available on AKS before/,
        );
    });

    it("fails from the end-of-standard-support day on, and accepts the day before", () => {
        const end = ends("1.35", "aws");
        assert.ok(versionProblem("aws", end, { kubernetesVersion: "1.35" }));
        assert.strictEqual(versionProblem("aws", plus(end, -1), { kubernetesVersion: "1.35" }), undefined);
    });

    it("fails when the default itself has left standard support and no version remains, telling to refresh the sheet", () => {
        const message = versionProblem("azure", ends(DEFAULT_KUBERNETES_VERSION, "azure"));
        assert.ok(message);
        assert.match(message, /got "1\.36"; allowed: .*none known.*Fix: No version is in standard support.*refresh it/);
    });

    it("fails when an out-of-date default is judged, telling to move the stack and refresh DEFAULT_KUBERNETES_VERSION", () => {
        const review = reviewKubernetesVersion("1.35", "aws", ends("1.35", "aws"), {
            stackFile: "Pulumi.dev.yaml",
            explicit: false,
        });
        assert.match(
            review.problem?.fix ?? "",
            /^The default "1\.35" is out of date: set "kubernetesVersion" in platform:cluster to "1\.36".*DEFAULT_KUBERNETES_VERSION/,
        );
    });

    for (const cloud of CLOUDS) {
        it(`warns on ${cloud} from 60 days before the end of standard support, and not a day earlier`, () => {
            const end = ends("1.35", cloud);
            const at = (today: string) =>
                reviewKubernetesVersion("1.35", cloud, today, { stackFile: "Pulumi.dev.yaml", explicit: true });
            const warned = at(plus(end, -60));
            assert.strictEqual(warned.problem, undefined);
            assert.match(
                warned.warning ?? "",
                new RegExp(`^${KEY.replace(/\./g, "\\.")}: "1\\.35" leaves standard support`),
            );
            assert.match(warned.warning ?? "", /in 60 days.*Upgrade to "1\.36"/);
            assert.doesNotMatch(warned.warning ?? "", /\n/);
            assert.deepStrictEqual(at(plus(end, -61)), {});
        });
    }

    it("warns through pulumi.log.warn (what `pulumi up` shows) when the program runs with a version near its end", async () => {
        const end = ends("1.35", "aws");
        const { project, config } = rawConfig("aws", { kubernetesVersion: "1.35" });
        const warnings: string[] = [];
        const original = pulumi.log.warn;
        (pulumi.log as { warn: typeof pulumi.log.warn }).warn = async (message: string) => {
            warnings.push(message);
        };
        try {
            await runProgram({ project, stack: "dev", config, today: plus(end, -30) });
        } finally {
            (pulumi.log as { warn: typeof pulumi.log.warn }).warn = original;
        }
        assert.strictEqual(warnings.filter((w) => w.startsWith(KEY)).length, 1, warnings.join("\n"));
        assert.match(warnings.find((w) => w.startsWith(KEY))!, /in 30 days/);
    });
});

describe("npm run check and Kubernetes versions", () => {
    const end = ends("1.35", "aws");
    const cluster = `platform:cluster=${JSON.stringify({ kubernetesVersion: "1.35" })}`;

    it("prints the near-end warning as one line on stderr and keeps --json stdout parseable", () => {
        const out = check(
            "--stack",
            "dev",
            "-c",
            "platform:cloud=aws",
            "-c",
            cluster,
            "--today",
            plus(end, -30),
            "--json",
        );
        assert.strictEqual(out.code, 0, out.stderr);
        const lines = out.stderr.split("\n").filter((l) => l.includes(KEY));
        assert.strictEqual(lines.length, 1, out.stderr);
        assert.match(lines[0], /"1\.35" leaves standard support on Amazon EKS on 2027-03-27 \(in 30 days\)/);
        assert.doesNotThrow(() => JSON.parse(out.stdout));
    });

    it("exits 2 with the key, value and allowed versions when the version is past its end", () => {
        const out = check("--stack", "dev", "-c", "platform:cloud=aws", "-c", cluster, "--today", end, "--json");
        assert.strictEqual(out.code, 2, out.stderr);
        assert.strictEqual(out.stdout, "");
        assert.match(out.stderr, /platform:cluster\.kubernetesVersion: got "1\.35"; allowed: .*"1\.36"/);
    });

    it("exits 2 when --today is not a calendar date", () => {
        const out = check("--stack", "dev", "--today", "2027-02-30");
        assert.strictEqual(out.code, 2);
        assert.match(out.stderr, /--today needs a calendar date/);
    });
});
