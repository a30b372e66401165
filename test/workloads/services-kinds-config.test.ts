/**
 * Bad workload-kind, egress and naming configuration stops the program before any resource is registered
 * (expectConfigError asserts that), with a message naming the key, the value, what is allowed and the fix
 * (issue 14 items 2, 3 and 6).
 */
import * as assert from "assert";
import { ServiceConfig } from "../../components/workloads";
import { cronScheduleProblem } from "../../components/workloads/service-kinds-config";
import { canaryName } from "../../components/workloads/services/reserved";
import { Cloud } from "../../components/shared/context";
import { CLOUDS, check, expectConfigError } from "../harness";
import { KIND_SERVICES } from "./fixtures/kinds";

/** The kinds fixture with one change applied, as a `-c platform:services=...` override. */
function servicesWith(change: (services: ServiceConfig[]) => void): string {
    const services = JSON.parse(JSON.stringify(KIND_SERVICES)) as ServiceConfig[];
    change(services);
    return `platform:services=${JSON.stringify(services)}`;
}

const byName = (services: ServiceConfig[], name: string) => services.find((s) => s.name === name)!;
const index = (name: string) => KIND_SERVICES.findIndex((s) => s.name === name);

interface BadCase {
    readonly title: string;
    readonly change: (services: ServiceConfig[]) => void;
    readonly key: string;
    readonly message: RegExp;
    /** Only on this cloud (the message differs per cloud). */
    readonly cloud?: Cloud;
}

const at = (name: string, where: string) => `platform:services[${index(name)}]${where}`;

const cases: BadCase[] = [
    {
        title: "fails when the kind is not one the platform builds",
        change: (s) => {
            (byName(s, "worker") as Record<string, unknown>).kind = "daemon";
        },
        key: at("worker", ".kind"),
        message: /got "daemon"; allowed: one of "web", "worker", "singleton", "cronjob"\. Fix: Set "kind"/,
    },
    {
        title: "fails when a worker has a port (it has no Service)",
        change: (s) => {
            byName(s, "worker").port = 8080;
        },
        key: at("worker", ".port"),
        message:
            /got 8080; allowed: no "port" on a worker: a worker serves no port .* Fix: Remove "port" from service "worker"/,
    },
    {
        title: "fails when a worker has HTTP probes",
        change: (s) => {
            byName(s, "worker").probes = { liveness: "/health" };
        },
        key: at("worker", ".probes"),
        message: /no "probes" on a worker: .*use "probe" with "exec" or "tcpPort"/,
    },
    {
        title: "fails when a web service has an exec probe",
        change: (s) => {
            byName(s, "api").probe = { exec: ["true"] };
        },
        key: at("api", ".probe"),
        message: /no "probe" on a web: a web service is probed over HTTP: use "probes"/,
    },
    {
        title: "fails when a probe has both a command and a port",
        change: (s) => {
            byName(s, "worker").probe = { exec: ["true"], tcpPort: 80 };
        },
        key: at("worker", ".probe"),
        message: /allowed: exactly one of "exec" \(a command\) or "tcpPort"/,
    },
    {
        title: "fails when a singleton has replicas (a second scheduler would send every task twice)",
        change: (s) => {
            byName(s, "beat").replicas = { min: 2 };
        },
        key: at("beat", ".replicas"),
        message: /no "replicas" on a singleton: a singleton runs exactly one pod/,
    },
    {
        title: "fails when a cronjob has no schedule",
        change: (s) => {
            delete byName(s, "backup").cron!.schedule;
        },
        key: at("backup", ".cron.schedule"),
        message: /allowed: a five-field cron expression \(required for a cronjob\)\. Fix: Add "cron"/,
    },
    {
        title: "fails when a cron schedule has four fields",
        change: (s) => {
            byName(s, "backup").cron!.schedule = "0 3 * *";
        },
        key: at("backup", ".cron.schedule"),
        message: /got "0 3 \* \*"; allowed: a five-field cron expression .*this has 4\. Fix: Set "cron.schedule"/,
    },
    {
        title: "fails when a cron field is out of range",
        change: (s) => {
            byName(s, "backup").cron!.schedule = "0 25 * * *";
        },
        key: at("backup", ".cron.schedule"),
        message: /the hour "25" is not within 0-23/,
    },
    {
        title: "fails when the schedule carries a time zone",
        change: (s) => {
            byName(s, "backup").cron!.schedule = "CRON_TZ=Europe/Berlin 0 3 * * *";
        },
        key: at("backup", ".cron.schedule"),
        message: /the time zone goes in "cron.timeZone"/,
    },
    {
        title: "fails when the time zone is unknown",
        change: (s) => {
            byName(s, "backup").cron!.timeZone = "Mars/Olympus_Mons";
        },
        key: at("backup", ".cron.timeZone"),
        message: /got "Mars\/Olympus_Mons"; allowed: an IANA time zone/,
    },
    {
        title: "fails when the concurrency policy is not Forbid, Replace or Allow",
        change: (s) => {
            (byName(s, "backup").cron as Record<string, unknown>).concurrencyPolicy = "Sometimes";
        },
        key: at("backup", ".cron.concurrencyPolicy"),
        message: /got "Sometimes"; allowed: one of "Forbid", "Replace", "Allow"/,
    },
    {
        title: "fails when a starting deadline is shorter than the controller's 10-second look",
        change: (s) => {
            byName(s, "backup").cron!.startingDeadlineSeconds = 5;
        },
        key: at("backup", ".cron.startingDeadlineSeconds"),
        message: /got 5; allowed: a whole number from 10 to 86400 seconds/,
    },
    {
        title: "fails when a cronjob has a migration (no rollout to gate)",
        change: (s) => {
            byName(s, "backup").migrate = { command: ["migrate"] };
        },
        key: at("backup", ".migrate"),
        message: /no "migrate" on a cronjob: a cronjob has no rollout to gate/,
    },
    {
        title: "fails when a migration has no command",
        change: (s) => {
            byName(s, "api").migrate = { args: ["up"] };
        },
        key: at("api", ".migrate.command"),
        message: /allowed: the migration's command \(required with migrate\)/,
    },
    {
        title: "fails when a service calls a worker (it has no port)",
        change: (s) => {
            byName(s, "api").calls = ["worker"];
        },
        key: at("api", ".calls[0]"),
        message: /allowed: a web service \("worker" is a worker: it has no port and no Service\)/,
    },
    {
        title: "fails when an egress entry names a host on EKS (the VPC CNI enforces no names)",
        cloud: "aws",
        change: (s) => {
            byName(s, "worker").egress = [{ fqdn: "api.stripe.com", ports: [443] }];
        },
        key: at("worker", ".egress[0].fqdn"),
        message:
            /got "api.stripe.com"; allowed: a CIDR: EKS's VPC CNI network policy agent enforces no host names .* Fix: Replace "fqdn"/,
    },
    {
        title: "fails when an egress entry names a host on AKS (Cilium without ACNS enforces no names)",
        cloud: "azure",
        change: (s) => {
            byName(s, "worker").egress = [{ fqdn: "api.stripe.com", ports: [443] }];
        },
        key: at("worker", ".egress[0].fqdn"),
        message: /allowed: a CIDR: AKS's Cilium enforces host names only with Advanced Container Networking Services/,
    },
    {
        title: "fails when an egress entry opens the whole internet",
        change: (s) => {
            byName(s, "worker").egress = [{ cidr: "0.0.0.0/0", ports: [443] }];
        },
        key: at("worker", ".egress[0].cidr"),
        message: /got "0.0.0.0\/0"; allowed: a range narrower than the whole internet/,
    },
    {
        title: "fails when an egress entry has no ports",
        change: (s) => {
            byName(s, "worker").egress = [{ cidr: "198.51.100.0/24" }];
        },
        key: at("worker", ".egress[0].ports"),
        message: /allowed: the TCP ports to allow \(required\)/,
    },
    {
        title: "fails when an egress entry is not a CIDR",
        change: (s) => {
            byName(s, "worker").egress = [{ cidr: "198.51.100.0", ports: [443] }];
        },
        key: at("worker", ".egress[0].cidr"),
        message: /allowed: an IPv4 CIDR such as "203.0.113.0\/24"/,
    },
    {
        title: "fails when a service is named like the platform's Grafana",
        change: (s) => {
            byName(s, "beat").name = "grafana";
        },
        key: at("beat", ".name"),
        message:
            /got "grafana"; allowed: a name the platform does not use \("grafana" is Grafana's Service and route\)/,
    },
    {
        title: "fails when a service is named like the Gateway controller's namespace",
        change: (s) => {
            byName(s, "beat").name = "envoy-gateway-system";
        },
        key: at("beat", ".name"),
        message: /"envoy-gateway-system" is Envoy Gateway's namespace/,
    },
    {
        title: "fails when a service is named like the namespace's default-deny NetworkPolicy (it would replace it)",
        change: (s) => {
            byName(s, "beat").name = "default-deny-all";
        },
        key: at("beat", ".name"),
        message: /"default-deny-all" is the namespace's default-deny NetworkPolicy/,
    },
    {
        title: 'fails when a service name starts with Kubernetes\' "kube-" prefix',
        change: (s) => {
            byName(s, "beat").name = "kube-jobs";
        },
        key: at("beat", ".name"),
        message: /"kube-" names are reserved/,
    },
    {
        title: "fails when a service is named like another service's canary",
        change: (s) => {
            byName(s, "api").expose = { host: "api.example.com", canary: { image: "ghcr.io/example-org/api:2.1.0" } };
            byName(s, "beat").name = "api-canary";
        },
        key: at("beat", ".name"),
        message:
            /"api-canary" is the canary Deployment and Service of service "api".* Fix: Rename service "api-canary"/,
    },
    {
        title: "fails when a worker and a web service share a name",
        change: (s) => {
            byName(s, "worker").name = "api";
        },
        key: at("worker", ".name"),
        message: /got "api"; allowed: a name no other service uses/,
    },
    {
        title: "fails when a service is exposed on Grafana's host",
        change: (s) => {
            byName(s, "api").expose = { host: "api.example.com" };
            s.push({
                name: "admin",
                image: "ghcr.io/example-org/admin:1.0.0",
                port: 8080,
                expose: { host: "grafana.example.com" },
            });
        },
        key: `platform:services[${KIND_SERVICES.length}].expose.host`,
        message:
            /allowed: a host other than Grafana's \(grafana.example.com, derived from the first exposed host api.example.com\)/,
    },
    {
        title: "fails when two services are exposed on the same host and path",
        change: (s) => {
            byName(s, "api").expose = { host: "api.example.com", path: "/v1" };
            s.push({
                name: "admin",
                image: "ghcr.io/example-org/admin:1.0.0",
                port: 8080,
                expose: { host: "api.example.com", path: "/v1" },
            });
        },
        key: `platform:services[${KIND_SERVICES.length}].expose`,
        message: /got "api.example.com\/v1"; allowed: a host and path no other service is exposed on/,
    },
];

describe("platform:services workload kinds, egress and names validation", () => {
    for (const cloud of CLOUDS) {
        describe(`on ${cloud}`, () => {
            for (const c of cases.filter((c) => c.cloud === undefined || c.cloud === cloud)) {
                it(c.title, async () => {
                    await expectConfigError("prod", cloud, [servicesWith(c.change)], c.key, c.message);
                });
            }
        });
    }

    it("stops `npm run check` with exit code 2 on a rejected name", () => {
        const result = check(
            "--stack",
            "dev",
            "-c",
            servicesWith((s) => (byName(s, "beat").name = "grafana")),
        );
        assert.strictEqual(result.code, 2, result.stderr);
        assert.match(result.stderr, /platform:services\[2\]\.name: got "grafana"/);
    });

    // The canary's name in the check is the one canary.ts creates (test/workloads/services-kinds.test.ts
    // and workloads.test.ts read the Deployment's name).
    it("reserves exactly the canary name the canary Deployment takes", () => {
        assert.strictEqual(canaryName("api"), "api-canary");
    });
});

describe("cron schedules", () => {
    // https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
    for (const good of ["0 3 * * *", "*/15 * * * *", "0 9-17 * * MON-FRI", "30 2 1 jan,jul ?", "0 0 * * 0", "@daily"]) {
        it(`accepts "${good}"`, () => assert.strictEqual(cronScheduleProblem(good), undefined));
    }
    for (const bad of [
        "* * * * * *",
        "60 * * * *",
        "0 0 0 * *",
        "0 0 * 13 *",
        "0 0 * * 7",
        "*/0 * * * *",
        "5-1 * * * *",
        "@every 5m",
    ]) {
        it(`rejects "${bad}"`, () => assert.ok(cronScheduleProblem(bad)));
    }
});
