/**
 * The inputs of the scaling rows: generated services stay valid (unique names and routes, calls that point
 * at services that exist) and the growth figures are per extra resource. No subprocesses.
 */
import * as assert from "assert";
import { generateServices, growth, maxItemsOf } from "../../bench/scaling";

const TEMPLATES = [
    { name: "api", port: 3000, expose: { host: "api.dev.example.com", path: "/" } },
    { name: "frontend", port: 8080, expose: { host: "app.dev.example.com", path: "/" }, calls: ["api"] },
    { name: "worker", port: 8081 },
];

describe("bench: scaling inputs", () => {
    it("cycles through the stack's services with unique names and routes", () => {
        const services = generateServices(TEMPLATES, 10);
        assert.deepStrictEqual(
            services.map((s) => s.name),
            [
                "api",
                "frontend",
                "worker",
                "api-2",
                "frontend-2",
                "worker-2",
                "api-3",
                "frontend-3",
                "worker-3",
                "api-4",
            ],
        );
        const hosts = services.filter((s) => s.expose).map((s) => s.expose.host);
        assert.strictEqual(new Set(hosts).size, hosts.length);
        assert.strictEqual(services[4].expose.host, "app-2.dev.example.com");
        // The templates are not modified.
        assert.strictEqual(TEMPLATES[1].expose!.host, "app.dev.example.com");
    });

    it("points calls at the same copy and drops calls to services that are not generated", () => {
        assert.deepStrictEqual(generateServices(TEMPLATES, 5)[4].calls, ["api-2"]);
        assert.deepStrictEqual(generateServices([TEMPLATES[1], TEMPLATES[0]], 1)[0].calls, []);
    });

    it("fails clearly when the stack defines no service to copy", () => {
        assert.throws(() => generateServices([], 3), /no service to copy/);
    });

    it("reads the list limit from the schema's description", () => {
        assert.strictEqual(maxItemsOf("a list of a service with the fields name, image (at most 30)"), 30);
        assert.strictEqual(maxItemsOf("a list of strings"), undefined);
    });

    it("reports growth per extra resource between consecutive sizes", () => {
        const [g] = growth([
            { size: 1, resources: 100, wallMs: 4000, cpuMs: 5000, peakMiB: 200 },
            { size: 10, resources: 300, wallMs: 6000, cpuMs: 7000, peakMiB: 260 },
        ]);
        assert.deepStrictEqual(g, {
            from: 1,
            to: 10,
            wallMsPerResource: 10,
            cpuMsPerResource: 10,
            peakMiBPer100Resources: 30,
        });
    });
});
