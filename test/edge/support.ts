import * as path from "path";
import { ProgramRun, plain, runProgram } from "../../check/runtime";
import { loadStackConfig } from "../../check/stack";
import { Cloud } from "../harness";

const cache = new Map<string, Promise<ProgramRun>>();

/**
 * Runs test/edge/program.ts (the platform's edge and storage outputs) for a stack on a cloud, with
 * `-c` overrides. Runs are cached and chained, as the harness's are (they share the SDK's global state).
 */
export function runEdge(stack: string, cloud: Cloud, overrides: string[] = []): Promise<ProgramRun> {
    const key = JSON.stringify([stack, cloud, overrides]);
    if (!cache.has(key)) {
        const { project, config } = loadStackConfig(stack, [`platform:cloud=${cloud}`, ...overrides]);
        const previous = [...cache.values()].pop() ?? Promise.resolve(undefined);
        cache.set(
            key,
            previous
                .catch(() => undefined)
                .then(() => runProgram({ project, stack, config, program: path.join(__dirname, "program") })),
        );
    }
    return cache.get(key)!;
}

/** A dev stack with a zone and the edge turned on (dev has neither by default). */
export const DEV_EDGE = ['platform:dns={"zone":"example.com","create":true}', 'platform:cdn={"enabled":true}'];

/**
 * The Gateway of the run (components/workloads/edge) as the cluster reports it: its namespace and the address
 * of its load balancer (the offline check's Gateway status, check/state/kubernetes.ts), the origin the CDN
 * must reach.
 */
export function gatewayOf(run: ProgramRun): { namespace: string; address: string } {
    const gateways = run.resources.filter((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:Gateway");
    if (gateways.length !== 1) throw new Error(`expected one Gateway, found ${gateways.length}`);
    const state = plain(gateways[0].state) as {
        metadata: { namespace: string };
        status: { addresses: { value: string }[] };
    };
    return { namespace: state.metadata.namespace, address: state.status.addresses[0].value };
}
