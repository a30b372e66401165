/**
 * The platform program (index.ts) with the Gateway API edge's outputs stood in: until the Gateway lands
 * (components/workloads/edge, issue 13 items 1-3) the Workloads component publishes no `loadBalancerAddress`
 * and `gatewayNamespace`, and the platform builds no CDN and no external-dns (components/platform gatewayOf).
 * This program answers those two properties with what the Gateway's Service would report, only where the
 * component does not set them itself: a real value assigned in the constructor becomes the instance's own
 * property and wins. The stand-in is removed once the program is built (the properties are read while it is).
 */
import * as pulumi from "@pulumi/pulumi";
import { buildPlatform, platformOutputs } from "../../components/platform";
import { loadConfig } from "../../components/shared/config";
import { Workloads } from "../../components/workloads";
import { GATEWAY_ADDRESS, GATEWAY_NAMESPACE } from "./gateway";

function standIn(name: string, value: () => unknown): () => void {
    const proto = Workloads.prototype as unknown as Record<string, unknown>;
    Object.defineProperty(proto, name, {
        configurable: true,
        get: value,
        set(this: object, v: unknown) {
            Object.defineProperty(this, name, { value: v, writable: true, enumerable: true, configurable: true });
        },
    });
    return () => delete proto[name];
}

const config = loadConfig();
const restore = [
    standIn("loadBalancerAddress", () => pulumi.output(GATEWAY_ADDRESS[config.cloud])),
    standIn("gatewayNamespace", () => GATEWAY_NAMESPACE),
];
const outputs = platformOutputs(buildPlatform(config));
restore.forEach((r) => r());

export const edge = outputs.edge;
export const storage = outputs.storage;
