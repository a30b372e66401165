/**
 * The five seed systems (../shared/seeds) as stack files, `examples/<system>.yaml`: each is checked the way
 * `npm run check -- --stack-file examples/<system>.yaml [-c platform:cloud=azure]` checks it, on both clouds,
 * and must pass its environment's policy pack with no mandatory violation, exercising what its seed asks for.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { runCheck } from "../../check";
import { hasMandatoryViolations } from "../../check/policy";
import { ROOT, stackNameOfFile } from "../../check/stack";
import { inputs, ofType } from "../harness";

const EXAMPLES = path.join(ROOT, "examples");

/** What each seed's file must exercise, as resources the program registers for it. */
const EXERCISES: Record<string, { kinds: string[]; note: string }> = {
    bell24h: {
        kinds: ["batch/v1:CronJob", "batch/v1:Job", "keda.sh/v1alpha1:ScaledObject"],
        note: "nightly backup, migration, queue scaling",
    },
    bilten: { kinds: ["gateway.networking.k8s.io/v1:HTTPRoute"], note: "CDN, WAF and a weighted canary" },
    charterflow: { kinds: ["keda.sh/v1alpha1:ScaledObject", "batch/v1:Job"], note: "workers on a queue, pgvector" },
    microservices: { kinds: ["keda.sh/v1alpha1:ScaledObject", "batch/v1:Job"], note: "services with their own logins" },
    mdc: { kinds: ["batch/v1:CronJob", "apps/v1:Deployment"], note: "celery, celery-beat, the 2 AM backup" },
};

describe("the seed systems as stack files (examples/)", function () {
    this.timeout(600000);

    it("has one file per seed system", () => {
        const files = fs
            .readdirSync(EXAMPLES)
            .filter((f) => f.endsWith(".yaml"))
            .map((f) => f.replace(/\.yaml$/, ""));
        assert.deepStrictEqual(files.sort(), Object.keys(EXERCISES).sort());
    });

    for (const [system, exercises] of Object.entries(EXERCISES)) {
        for (const cloud of ["aws", "azure"] as const) {
            it(`${system} on ${cloud}: passes its environment's pack with no mandatory violation (${exercises.note})`, async () => {
                const file = path.join(EXAMPLES, `${system}.yaml`);
                const result = await runCheck({
                    stack: stackNameOfFile(file),
                    stackFile: file,
                    overrides: [`platform:cloud=${cloud}`],
                });
                // What makes `npm run check` exit 1 (check/cli.ts).
                const mandatory = result.violations.filter((v) => hasMandatoryViolations([v]));
                assert.deepStrictEqual(
                    mandatory.map((v) => `${v.phase}: ${v.policy}: ${v.urn}`),
                    [],
                    `${system} on ${cloud}`,
                );
                const types = new Set(result.run.resources.map((r) => r.type.replace(/^kubernetes:/, "")));
                for (const kind of exercises.kinds) assert.ok(types.has(kind), `${system} registers a ${kind}`);
                // No Secret in the services' namespace carries the administrator login (issue 14 item 4); only
                // the role bootstrap's own namespace holds it.
                const appNamespace = `platform-${result.stack}`;
                const appSecrets = ofType(result.run, "kubernetes:core/v1:Secret").filter(
                    (r) => inputs(r).metadata?.namespace === appNamespace,
                );
                assert.ok(appSecrets.length > 0, "the services have Secrets to look at");
                for (const secret of appSecrets) {
                    const data = JSON.stringify(inputs(secret).stringData ?? {});
                    assert.ok(!data.includes("platform_admin"), `${secret.name} holds no admin login`);
                }
            });
        }
    }
});
