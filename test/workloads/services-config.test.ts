/**
 * Bad `platform:services` definitions stop the program before any resource is registered, with one
 * message per problem naming the key, the value, what is allowed and the fix.
 */
import * as assert from "assert";
import { parse } from "yaml";
import * as fs from "fs";
import * as path from "path";
import { ServiceConfig, serviceUrlProblem } from "../../components/workloads";
import { ROOT } from "../../check/stack";
import { CLOUDS, expectConfigError, inputs, ofType, runStack } from "../harness";

/** The services of a stack file, as written. */
function shipped(stack: string): ServiceConfig[] {
    const file = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, string>;
    };
    return JSON.parse(file.config["platform:services"]);
}

/** A `-c platform:services=...` override: the prod services with one change applied. */
function servicesWith(change: (services: ServiceConfig[]) => void): string {
    const services = shipped("prod");
    change(services);
    return `platform:services=${JSON.stringify(services)}`;
}

const byName = (services: ServiceConfig[], name: string) => services.find((s) => s.name === name)!;

interface BadCase {
    readonly title: string;
    readonly change: (services: ServiceConfig[]) => void;
    readonly key: string;
    readonly message: RegExp;
}

const cases: BadCase[] = [
    {
        title: "fails when two services have the same name",
        change: (s) => {
            byName(s, "worker").name = "api";
        },
        key: "platform:services[2].name",
        message: /got "api"; allowed: a name no other service uses\. Fix: Rename one of the services named "api"/,
    },
    {
        title: "fails when a port is out of range",
        change: (s) => {
            byName(s, "api").port = 70000;
        },
        key: "platform:services[0].port",
        message: /got 70000; allowed: a TCP port from 1 to 65535\. Fix: Set "port"/,
    },
    {
        title: "fails when a service has no port",
        change: (s) => {
            delete byName(s, "api").port;
        },
        key: "platform:services[0].port",
        message: /allowed: a TCP port from 1 to 65535 \(required\)/,
    },
    {
        title: "fails when min replicas exceed max replicas",
        change: (s) => {
            byName(s, "api").replicas = { min: 5, max: 3 };
        },
        key: "platform:services[0].replicas",
        message: /got \{"min":5,"max":3\}; allowed: min <= max .* Fix: Lower "min" or raise "max"/,
    },
    {
        title: "fails when a service binds a resource the platform does not have",
        change: (s) => {
            byName(s, "worker").bind = ["database", "queue"] as unknown as ServiceConfig["bind"];
        },
        key: "platform:services[2].bind[1]",
        message:
            /got "queue"; allowed: one of the resources the platform creates: "database", "cache", "storage"\. Fix: Remove "queue"/,
    },
    {
        title: "fails when a service binds the same resource twice",
        change: (s) => {
            byName(s, "worker").bind = ["cache", "cache"];
        },
        key: "platform:services[2].bind[1]",
        message: /allowed: each resource once/,
    },
    {
        title: "fails when a service calls a service that does not exist",
        change: (s) => {
            byName(s, "frontend").calls = ["backend"];
        },
        key: "platform:services[1].calls[0]",
        message: /got "backend"; allowed: the name of another service in platform:services: "api", "worker"/,
    },
    {
        title: "fails when a probe path is not an absolute HTTP path",
        change: (s) => {
            byName(s, "api").probes = { liveness: "health live" };
        },
        key: "platform:services[0].probes.liveness",
        message: /got "health live"; allowed: an absolute HTTP path/,
    },
    {
        title: "fails when a service has neither an image nor a build",
        change: (s) => {
            delete byName(s, "api").image;
        },
        key: "platform:services[0]",
        message:
            /allowed: exactly one of "image" \(a prebuilt reference\) or "build" \(a build context\)\. Fix: .*not neither/,
    },
    {
        title: "fails when a service has both an image and a build",
        change: (s) => {
            byName(s, "api").build = { context: "test/workloads/fixtures/hello" };
        },
        key: "platform:services[0]",
        message: /not both/,
    },
    {
        title: "fails when a build context does not exist",
        change: (s) => {
            const api = byName(s, "api");
            delete api.image;
            api.build = { context: "apps/missing" };
        },
        key: "platform:services[0].build.context",
        message: /got "apps\/missing"; allowed: an existing directory/,
    },
    {
        title: "fails when the Dockerfile is not in the build context",
        change: (s) => {
            const api = byName(s, "api");
            delete api.image;
            api.build = { context: "test/workloads/fixtures/hello", dockerfile: "Dockerfile.prod" };
        },
        key: "platform:services[0].build.dockerfile",
        message: /got "Dockerfile.prod"; allowed: a Dockerfile inside the build context/,
    },
    {
        title: "fails when an image reference is malformed",
        change: (s) => {
            byName(s, "api").image = "ghcr.io/Acme/API latest";
        },
        key: "platform:services[0].image",
        message: /allowed: an image reference such as/,
    },
    {
        title: "fails when a name is not a DNS label",
        change: (s) => {
            byName(s, "api").name = "API_Server";
        },
        key: "platform:services[0].name",
        message: /got "API_Server"; allowed: a DNS label/,
    },
    {
        title: "fails when a request is larger than its limit",
        change: (s) => {
            byName(s, "api").resources = {
                requests: { cpu: "2", memory: "1Gi" },
                limits: { cpu: "500m", memory: "1Gi" },
            };
        },
        key: "platform:services[0].resources",
        message: /allowed: a cpu request no larger than its limit/,
    },
    {
        title: "fails when a memory quantity is malformed",
        change: (s) => {
            byName(s, "api").resources = { limits: { memory: "1GB" } };
        },
        key: "platform:services[0].resources.limits.memory",
        message: /got "1GB"; allowed: a memory quantity such as "256Mi"/,
    },
    {
        title: "fails when env sets a variable a binding provides",
        change: (s) => {
            byName(s, "api").env = { DATABASE_URL: "postgresql://db/app" };
        },
        key: "platform:services[0].env.DATABASE_URL",
        message: /allowed: a name the platform does not set itself .* use "bind" to receive it/,
    },
    {
        title: "fails when env holds something named like a secret",
        change: (s) => {
            byName(s, "api").env = { STRIPE_SECRET_KEY: "sk_live_123" };
        },
        key: "platform:services[0].env.STRIPE_SECRET_KEY",
        message: /got "\[redacted\]"; allowed: plain, non-secret settings only/,
    },
    {
        title: "fails when env holds a URL with credentials",
        change: (s) => {
            byName(s, "api").env = { UPSTREAM: "https://user:hunter2@upstream.example.com" };
        },
        key: "platform:services[0].env.UPSTREAM",
        message: /got "\[redacted\]"; allowed: a value without credentials/,
    },
    // Every Service listens on its container port only, because EKS's network policy enforcement needs the
    // Service port to be the container port (https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html
    // "Considerations"; aws/aws-network-policy-agent#166): a URL without it reaches nothing.
    {
        title: "fails when env addresses another service without its port, so that the call would reach nothing",
        change: (s) => {
            byName(s, "frontend").env = { API_URL: "http://api" };
        },
        key: "platform:services[1].env.API_URL",
        message:
            /got "http:\/\/api"; allowed: a URL with the port "api" listens on \(3000\); its Service has no other port\. Fix: Set "API_URL" of service "frontend" to "http:\/\/api:3000" \(in Pulumi\.prod\.yaml\)\./,
    },
    {
        title: "fails when env addresses another service by its full name on the old port 80",
        change: (s) => {
            byName(s, "frontend").env = { API_URL: "http://api.platform-prod.svc.cluster.local:80/v1" };
        },
        key: "platform:services[1].env.API_URL",
        message:
            /Fix: Set "API_URL" of service "frontend" to "http:\/\/api\.platform-prod\.svc\.cluster\.local:3000\/v1"/,
    },
    {
        title: "fails when env addresses a service the caller does not list in calls, so that network policy would drop it",
        change: (s) => {
            byName(s, "worker").env = { API_URL: "http://api:3000" };
        },
        key: "platform:services[2].env.API_URL",
        message:
            /allowed: a URL of a service listed in the "calls" of service "worker" .* Fix: Add "api" to the "calls"/,
    },
    {
        title: "fails when two services are exposed on the same host and path",
        change: (s) => {
            byName(s, "frontend").expose = { host: "api.example.com", path: "/" };
        },
        key: "platform:services[1].expose",
        message: /allowed: a host and path no other service is exposed on/,
    },
    {
        title: "fails when an exposed service has no host",
        change: (s) => {
            byName(s, "frontend").expose = { path: "/" };
        },
        key: "platform:services[1].expose.host",
        message: /allowed: a public DNS name \(required with expose\)/,
    },
    {
        title: "fails when a canary weight is out of range",
        change: (s) => {
            byName(s, "api").expose!.canary = { image: "ghcr.io/example-org/platform-api:1.5.0", weight: 150 };
        },
        key: "platform:services[0].expose.canary.weight",
        message: /got 150; allowed: a whole number from 1 to 99 percent/,
    },
    {
        title: "fails when a service has an unknown field",
        change: (s) => {
            (byName(s, "api") as Record<string, unknown>).replica = 3;
        },
        key: "platform:services[0].replica",
        message: /unknown field "replica"/,
    },
];

describe("platform:services validation", () => {
    for (const cloud of CLOUDS) {
        describe(`on ${cloud}`, () => {
            for (const c of cases) {
                it(c.title, async () => {
                    await expectConfigError("prod", cloud, [servicesWith(c.change)], c.key, c.message);
                });
            }
        });
    }

    it("fails when platform:services is not a JSON list", async () => {
        await expectConfigError(
            "dev",
            "aws",
            ['platform:services={"name": "api"}'],
            "platform:services",
            /allowed: a list of a service with the fields name, image, build, port/,
        );
    });

    it("reports every problem at once, one line each", async () => {
        const err = await expectConfigError(
            "prod",
            "aws",
            [
                servicesWith((s) => {
                    byName(s, "api").port = 0;
                    byName(s, "worker").bind = ["queue"] as unknown as ServiceConfig["bind"];
                }),
            ],
            "platform:services[0].port",
            /platform:services\[0\]\.port: got 0/,
        );
        assert.ok(err.problems.some((p) => p.key === "platform:services[2].bind[0]"));
        for (const p of err.problems) {
            assert.ok(p.allowed.length > 0 && p.fix.length > 10, `${p.key} explains itself`);
        }
    });

    it("leaves public URLs that merely start with a service's name alone", () => {
        const services = shipped("prod");
        const worker = byName(services, "worker");
        for (const url of ["https://api.example.com", "http://api.partner.example:80", "http://api-gateway", "api"]) {
            assert.strictEqual(serviceUrlProblem("UPSTREAM", url, worker, services), undefined, url);
        }
        const frontend = byName(services, "frontend");
        assert.strictEqual(serviceUrlProblem("API_URL", "http://api:3000/v1", frontend, services), undefined);
    });

    it("accepts no services at all: the registry, the edge and monitoring still install", async () => {
        const run = await runStack("dev", "aws", ["platform:services=[]"]);
        // No application Deployment (the edge's rate-limit store runs in its own namespace).
        const appDeployments = ofType(run, "kubernetes:apps/v1:Deployment").filter(
            (r) => inputs(r).metadata.namespace === "platform-dev",
        );
        assert.strictEqual(appDeployments.length, 0);
        // Envoy Gateway, the AWS Load Balancer Controller (EKS), cert-manager, the Prometheus operator CRDs,
        // kube-prometheus-stack and KEDA (EKS; the Cluster component installs Karpenter's charts itself).
        const workloadReleases = ofType(run, "kubernetes:helm.sh/v3:Release").filter(
            (r) => !r.urn.includes("::platform:cluster:Cluster$"),
        );
        assert.strictEqual(workloadReleases.length, 6);
    });
});
