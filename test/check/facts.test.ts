/**
 * `npm run facts -- --refresh` (check/facts.ts): without credentials it says so and exits 2; with them it
 * asks the clouds' CLIs and prints how the dated Kubernetes sheet differs. The CLIs are faked here with
 * the answer shapes the clouds document: EKS DescribeClusterVersions
 * (https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeClusterVersions.html, timestamps as
 * the CLI's ISO 8601) and `az aks get-versions` (values[].version, isPreview).
 */
import * as assert from "assert";
import { refreshFacts } from "../../check/facts";

const SHEET = {
    "1.35": {
        aws: { available: "2026-01-27", standardSupportEnds: "2027-03-27" },
        azure: { available: "2026-03-31", standardSupportEnds: "2027-03-31" },
    },
    "1.36": {
        aws: { available: "2026-06-02", standardSupportEnds: "2027-08-02" },
        azure: { available: "2026-06-30", standardSupportEnds: "2027-06-30" },
    },
};

function run(argv: string[], answers: Record<string, { ok: boolean; stdout?: string; stderr?: string }>) {
    const out: string[] = [];
    const err: string[] = [];
    const calls: string[] = [];
    const code = refreshFacts({
        argv,
        sheet: SHEET,
        today: "2026-12-01",
        out: (l) => out.push(l),
        err: (l) => err.push(l),
        cli: (command, args) => {
            const line = [command, ...args].join(" ");
            calls.push(line);
            const key = Object.keys(answers).find((k) => line.startsWith(k));
            const a = key ? answers[key] : { ok: false, stderr: `${command}: command not found` };
            return { ok: a.ok, stdout: a.stdout ?? "", stderr: a.stderr ?? "" };
        },
    });
    return { code, out: out.join("\n"), err: err.join("\n"), calls };
}

describe("npm run facts -- --refresh", () => {
    it("answers --help with its usage on stdout and exit 0, asking no cloud anything", () => {
        const r = run(["--help"], {});
        assert.strictEqual(r.code, 0);
        assert.match(r.out, /^usage: npm run facts -- --refresh/);
        assert.match(r.out, /--azure-location <location>/);
        assert.deepStrictEqual(r.calls, []);
    });

    it("exits 2 and says so when neither cloud has credentials", () => {
        const r = run(["--refresh"], {
            "aws sts": {
                ok: false,
                stderr: 'Unable to locate credentials. You can configure credentials by running "aws configure".',
            },
            "az account": { ok: false, stderr: "Please run 'az login' to setup account." },
        });
        assert.strictEqual(r.code, 2);
        assert.match(r.err, /No cloud credentials: nothing refreshed/);
        assert.match(r.err, /Unable to locate credentials/);
        assert.ok(!r.calls.some((c) => c.includes("describe-cluster-versions")));
    });

    it("prints the EKS dates that moved and the versions the sheet lacks, and exits 1", () => {
        const r = run(["--refresh", "--aws-region", "eu-west-1"], {
            "aws sts": { ok: true, stdout: "{}" },
            "aws eks describe-cluster-versions --include-all --region eu-west-1": {
                ok: true,
                stdout: JSON.stringify({
                    clusterVersions: [
                        {
                            clusterVersion: "1.35",
                            releaseDate: "2026-01-27T00:00:00+00:00",
                            endOfStandardSupportDate: "2027-03-26T00:00:00+00:00",
                            versionStatus: "STANDARD_SUPPORT",
                        },
                        {
                            clusterVersion: "1.36",
                            releaseDate: "2026-06-02T00:00:00+00:00",
                            endOfStandardSupportDate: "2027-08-02T00:00:00+00:00",
                            versionStatus: "STANDARD_SUPPORT",
                        },
                        {
                            clusterVersion: "1.37",
                            releaseDate: "2026-11-20T00:00:00+00:00",
                            endOfStandardSupportDate: "2028-01-20T00:00:00+00:00",
                            versionStatus: "STANDARD_SUPPORT",
                        },
                    ],
                }),
            },
        });
        assert.strictEqual(r.code, 1, r.err);
        assert.match(r.out, /aws 1\.35: standardSupportEnds 2027-03-27 → 2027-03-26/);
        assert.match(r.out, /aws 1\.37: not in the sheet \(available 2026-11-20, standard support ends 2028-01-20\)/);
        assert.doesNotMatch(r.out, /aws 1\.36/);
        assert.match(r.err, /Azure skipped: no credentials/);
    });

    it("prints the AKS minors offered but missing, or listed but no longer offered", () => {
        const r = run(["--refresh"], {
            "az account": { ok: true, stdout: "{}" },
            "az aks get-versions --location eastus2": {
                ok: true,
                stdout: JSON.stringify({
                    values: [
                        { version: "1.36", isPreview: null },
                        { version: "1.37", isPreview: null },
                        { version: "1.38", isPreview: true },
                    ],
                }),
            },
        });
        assert.strictEqual(r.code, 1, r.err);
        assert.match(r.out, /azure 1\.37: offered by AKS but not in the sheet/);
        assert.match(r.out, /azure 1\.35: in standard support in the sheet until 2027-03-31, not offered by AKS/);
        assert.doesNotMatch(r.out, /1\.38/, "previews are not offered for production");
    });

    it("exits 0 when the sheet matches", () => {
        const r = run(["--refresh", "--sheet", "kubernetes"], {
            "az account": { ok: true, stdout: "{}" },
            "az aks get-versions": {
                ok: true,
                stdout: JSON.stringify({ values: [{ version: "1.35" }, { version: "1.36" }] }),
            },
        });
        assert.strictEqual(r.code, 0, r.out);
    });

    it("exits 2 on an unknown argument or without --refresh", () => {
        assert.strictEqual(run(["--refesh"], {}).code, 2);
        assert.strictEqual(run([], {}).code, 2);
    });
});
