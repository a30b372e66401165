/**
 * Images built from a build context: pushed to the stack's registry under a content-derived tag, so an
 * unchanged source is neither rebuilt nor redeployed, and a changed one always gets a new tag.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ServiceConfig } from "../../components/workloads";
import { contentTag, contextFiles } from "../../components/workloads/registry/image";
import { CLOUDS, inputs, ofType, runStack } from "../harness";

const FIXTURE = "test/workloads/fixtures/hello";

/** A copy of the fixture in a temporary directory, to change files in. */
function copyOfFixture(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-image-"));
    for (const file of fs.readdirSync(FIXTURE)) {
        fs.copyFileSync(path.join(FIXTURE, file), path.join(dir, file));
    }
    return dir;
}

describe("content-derived image tags", () => {
    const build = { context: FIXTURE, dockerfile: "Dockerfile" };

    it("are stable: the same source gives the same tag", () => {
        assert.match(contentTag(build), /^src-[0-9a-f]{16}$/);
        assert.strictEqual(contentTag(build), contentTag({ ...build }));
        assert.strictEqual(contentTag(build), contentTag({ ...build, context: copyOfFixture() }));
    });

    it("change when a file of the context changes", () => {
        const dir = copyOfFixture();
        const before = contentTag({ ...build, context: dir });
        fs.appendFileSync(path.join(dir, "server.mjs"), "\n// changed\n");
        assert.notStrictEqual(contentTag({ ...build, context: dir }), before);
    });

    it("change with the build target", () => {
        assert.notStrictEqual(contentTag({ ...build, target: "runtime" }), contentTag(build));
    });

    it("ignore what .dockerignore excludes", () => {
        const dir = copyOfFixture();
        const before = contentTag({ ...build, context: dir });
        assert.ok(!contextFiles(dir).includes("notes.md"));
        fs.appendFileSync(path.join(dir, "notes.md"), "more notes\n");
        assert.strictEqual(contentTag({ ...build, context: dir }), before);
    });
});

for (const cloud of CLOUDS) {
    describe(`a service with a build context, on ${cloud}`, () => {
        const services: ServiceConfig[] = [
            {
                name: "hello",
                build: { context: FIXTURE },
                port: 8080,
                probes: { liveness: "/", readiness: "/" },
                expose: { host: "hello.example.com" },
            },
        ];
        const tag = contentTag({ context: FIXTURE, dockerfile: "Dockerfile" });

        it("is built, pushed to the stack's registry with the content tag, and deployed by that tag", async () => {
            const run = await runStack("dev", cloud, [`platform:services=${JSON.stringify(services)}`]);
            const [image] = ofType(run, "docker:index/image:Image").map(inputs);
            assert.ok(image, "a docker Image is built");
            assert.strictEqual(image.build.context, FIXTURE);
            assert.strictEqual(image.build.dockerfile, path.join(FIXTURE, "Dockerfile"));
            const expectedRepository =
                cloud === "aws"
                    ? /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/platform-dev\/hello$/
                    : /^[a-z0-9]+\.azurecr\.io\/hello$/;
            const [repository, imageTag] = image.imageName.split(/:(?=[^:/]+$)/);
            assert.match(repository, expectedRepository);
            assert.strictEqual(imageTag, tag);
            assert.strictEqual(image.registry.server, repository.split("/")[0]);
            assert.strictEqual(image.registry.password, undefined, "no registry password in state");

            // The service's own Deployment (the cache runs one too).
            const deployment = ofType(run, "kubernetes:apps/v1:Deployment")
                .map(inputs)
                .find((d) => d.metadata?.name === "hello");
            assert.strictEqual(deployment.spec.template.spec.containers[0].image, image.imageName);
        });
    });
}
