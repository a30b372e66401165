/**
 * The platform program (index.ts) exporting the edge's and the storage's outputs. The Gateway's address and
 * namespace come from the Workloads component itself (components/workloads/edge): no stand-in, so a Gateway
 * that stopped publishing them would leave the stack without a CDN and these tests red.
 */
import { buildPlatform, platformOutputs } from "../../components/platform";
import { loadConfig } from "../../components/shared/config";

const outputs = platformOutputs(buildPlatform(loadConfig()));

export const edge = outputs.edge;
export const storage = outputs.storage;
