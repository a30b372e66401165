/** `npm run graph:baseline`: rewrites test/graph/baseline/ from the current program (see snapshot.ts). */
import { MATRIX, runStack } from "../harness";
import { snapshotOf, writeBaseline, baselinePath } from "./snapshot";

async function main(): Promise<void> {
    for (const { stack, cloud } of MATRIX) {
        const run = await runStack(stack, cloud);
        writeBaseline(snapshotOf(run, cloud));
        console.log(`${baselinePath(stack, cloud)}: ${run.resources.length} resources`);
    }
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
});
