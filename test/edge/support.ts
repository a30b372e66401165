import * as path from "path";
import { ProgramRun, runProgram } from "../../check/runtime";
import { loadStackConfig } from "../../check/stack";
import { Cloud } from "../harness";

const cache = new Map<string, Promise<ProgramRun>>();

/**
 * Runs test/edge/program.ts (the platform with the Gateway's address stood in) for a stack on a cloud, with
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
