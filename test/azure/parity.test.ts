/**
 * Switching a stack's cloud changes nothing a consumer sees: the stack outputs and every capability
 * component's registered outputs have the same keys on AWS and Azure, for every stack file.
 */
import * as assert from "assert";
import { ProgramRun } from "../../check/runtime";
import { STACKS, outputs, runStack } from "../harness";
import { component, shape } from "./support";

const CAPABILITIES = ["network", "database", "cache", "cluster", "storage", "monitoring"];

for (const stack of STACKS) {
    describe(`AWS ↔ Azure parity: ${stack}`, () => {
        let aws: ProgramRun;
        let azure: ProgramRun;
        before(async () => {
            aws = await runStack(stack, "aws");
            azure = await runStack(stack, "azure");
        });

        it("exports stack outputs with identical keys on both clouds", () => {
            assert.deepStrictEqual(shape(outputs(azure)), shape(outputs(aws)));
            assert.deepStrictEqual([outputs(aws).cloud, outputs(azure).cloud], ["aws", "azure"]);
        });

        for (const capability of CAPABILITIES) {
            it(`registers the same ${capability} outputs on both clouds`, () => {
                const keys = (run: ProgramRun) => Object.keys(component(run, capability).outputs).sort();
                assert.deepStrictEqual(keys(azure), keys(aws));
                assert.ok(keys(azure).length > 1);
            });
        }

        it("reports no security opt-outs by default on either cloud", () => {
            for (const run of [aws, azure]) {
                for (const capability of ["database", "cache", "cluster", "storage"]) {
                    assert.deepStrictEqual(component(run, capability).outputs.securityOptOuts, [], capability);
                }
            }
        });
    });
}
