/**
 * A synthetic program for the scaling measurement until `platform:services` exists: N stacks' worth of
 * platform in one Pulumi program. Copy i builds the whole platform from stack file i mod 3 (dev, prod,
 * staging, ...) under its own name prefix, so the graph grows the way it would if one program managed
 * several environments.
 *
 * Each copy is wrapped in a component of its own type (`bench:scale:Copy<i>`): URNs carry the parent's type,
 * so the per-stack provider named "aws" stays unique. buildPlatform takes no parent option, so while a copy
 * is built the SDK's root resource is swapped for the copy's component (an SDK internal, as in
 * check/runtime.ts): every resource created without a parent lands under that copy.
 *
 * Run through bench/scale.ts, which sets BENCH_SCALE_COPIES and BENCH_SCALE_CLOUD.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig, stackNames } from "../check/stack";
import { buildPlatform, platformOutputs } from "../components/platform";
import { parseConfig } from "../components/shared/config";

interface RootState {
    getStackResource(): pulumi.Resource | undefined;
    setStackResource(resource: pulumi.Resource | undefined): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state") as RootState;

const copies = Number(process.env.BENCH_SCALE_COPIES ?? "1");
const cloud = process.env.BENCH_SCALE_CLOUD ?? "aws";
const stacks = stackNames();
const root = state.getStackResource();

export const resourcesPerCopy: pulumi.Output<string>[] = [];
for (let i = 0; i < copies; i++) {
    const stackFile = stacks[i % stacks.length];
    const { project, config: raw } = loadStackConfig(stackFile, [`platform:cloud=${cloud}`]);
    const config = parseConfig(raw, project, `${stackFile}${i + 1}`);
    const copy = new pulumi.ComponentResource(`bench:scale:Copy${i + 1}`, `copy-${i + 1}`, {});
    state.setStackResource(copy);
    try {
        const outputs = platformOutputs(buildPlatform(config));
        resourcesPerCopy.push(pulumi.output(outputs.cloud));
    } finally {
        state.setStackResource(root);
    }
}
