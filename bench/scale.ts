/**
 * Child process of the benchmark for the scaling rows before `platform:services` exists: evaluates
 * bench/scale-program.ts (N stacks' worth of platform in one program) under the same mock runtime as the
 * offline check and prints `{ copies, resources, topLevelEscaped }` as JSON.
 *
 *   node -r ts-node/register/transpile-only bench/scale.ts --copies 10 [--cloud aws]
 */
import * as path from "path";
import { runProgram } from "../check/runtime";
import { loadStackConfig } from "../check/stack";
import { runAsScript } from "./graph";

async function main(argv: string[]): Promise<void> {
    const value = (flag: string, fallback: string) => {
        const i = argv.indexOf(flag);
        return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
    };
    const copies = Number(value("--copies", "1"));
    const cloud = value("--cloud", "aws");
    process.env.BENCH_SCALE_COPIES = String(copies);
    process.env.BENCH_SCALE_CLOUD = cloud;
    const { project, config } = loadStackConfig("dev", [`platform:cloud=${cloud}`]);
    const run = await runProgram({ project, stack: "dev", config, program: path.join(__dirname, "scale-program") });
    // Every resource must sit under one of the copies; one that escaped would mean a shared URN.
    const parentOf = new Map(run.resources.map((r) => [r.urn, r.parent]));
    const isCopy = (urn: string | null | undefined) =>
        !!urn && urn.includes("bench:scale:Copy") && urn.includes("::copy-");
    const underCopy = (urn: string) => {
        for (let p = parentOf.get(urn); p; p = parentOf.get(p)) if (isCopy(p)) return true;
        return false;
    };
    const copyCount = run.resources.filter((r) => isCopy(r.urn)).length;
    const escaped = run.resources.filter((r) => !isCopy(r.urn) && !underCopy(r.urn)).length;
    process.stdout.write(`${JSON.stringify({ copies, resources: run.resources.length - copyCount, escaped })}\n`);
}

if (require.main === module) {
    runAsScript(main);
}
