/**
 * The pull-request report shows each stack's monthly cost, the change against the base branch's costs
 * (`--base-costs`, the `<report>.costs.json` a run on the base branch writes) and each stack's diagram.
 */
import * as assert from "assert";
import { CheckRow, PrReport, costRows, renderMarkdown, renderText } from "../../scripts/lib/pr-report";
import { costsFile } from "../../scripts/lib/cost/render";
import { costsPath, parsePrCheckArgs } from "../../scripts/pr-check";

const row = (stack: string, cloud: string, extra: Partial<CheckRow>): CheckRow => ({
    stack,
    cloud,
    resources: 10,
    violations: [],
    seconds: 1,
    ...extra,
});

const report = (checks: CheckRow[], baseCosts?: PrReport["baseCosts"]): PrReport => ({
    checks,
    previews: [],
    previewNote: "skipped (--no-preview).",
    seconds: 2,
    ...(baseCosts ? { baseCosts } : {}),
});

describe("pr-check report: cost and diagram", () => {
    const prod = row("prod", "aws", {
        cost: { region: "eu-west-1", monthlyUsd: 120.5, unpriced: 3 },
        diagram: "flowchart LR\n    a --> b\n",
    });
    const dev = row("dev", "azure", { costNote: 'The price table has no prices for azure region "eastus2"' });

    it("shows each stack's cost and the change against the base branch's costs", () => {
        const md = renderMarkdown(report([prod, dev], { "prod/aws": { monthlyUsd: 100, unpriced: 3 } }));
        assert.match(md, /^\| prod \| aws \| eu-west-1 \| ≥ \$120\.50 \+ 3 unpriced \| \+\$20\.50 \|$/m);
        assert.match(
            md,
            /^\| dev \| azure \| – \| not estimated: The price table has no prices for azure region "eastus2" \| – \|$/m,
        );
        assert.match(md, /Change against the base branch\./);
        assert.match(renderText(report([prod])), /prod\/aws: ≥ \$120\.50 \+ 3 unpriced; change no base estimate/);
    });

    it("says there is no base when no --base-costs was given", () => {
        assert.match(renderMarkdown(report([prod])), /No base-branch costs given \(`--base-costs`\)\./);
        assert.match(renderMarkdown(report([prod])), /\| \+?no base estimate \|$/m);
    });

    it("shows each stack's diagram in a closed details block as a mermaid fence", () => {
        const md = renderMarkdown(report([prod]));
        assert.match(
            md,
            /<details><summary>prod on aws: diagram<\/summary>\n\n```mermaid\nflowchart LR\n {4}a --> b\n```\n\n<\/details>/,
        );
    });

    it("writes the costs a base-branch run leaves for --base-costs, next to the report", () => {
        assert.deepStrictEqual(costsFile(costRows(report([prod, dev]))), {
            "prod/aws": { monthlyUsd: 120.5, unpriced: 3 },
        });
        assert.strictEqual(costsPath("/x/pr-check-report.md"), "/x/pr-check-report.costs.json");
        assert.deepStrictEqual(parsePrCheckArgs(["--base-costs", "base.costs.json"]).baseCosts, "base.costs.json");
        assert.strictEqual("baseCosts" in parsePrCheckArgs([]), false);
    });
});
