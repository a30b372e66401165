/**
 * The platform program: reads the stack's validated configuration, builds the platform through the
 * cloud-neutral components, and exports their normalized outputs (secrets stay secret).
 */
import { buildPlatform, platformOutputs } from "./components/platform";
import { loadConfig } from "./components/shared/config";

const outputs = platformOutputs(buildPlatform(loadConfig()));

export const cloud = outputs.cloud;
export const environment = outputs.environment;
export const network = outputs.network;
export const database = outputs.database;
export const cache = outputs.cache;
export const cluster = outputs.cluster;
export const storage = outputs.storage;
export const monitoring = outputs.monitoring;
export const workloads = outputs.workloads;
export const backup = outputs.backup;
export const edge = outputs.edge;
