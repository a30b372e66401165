import * as fs from "fs";
import * as path from "path";
import { Exactly, Field, Infer, explained, int, key, list, obj, oneOf, problem, str } from "../shared/schema";
import { CapabilityConfig, CheckContext } from "../shared/settings";
import { KIND_FIELDS, checkCalleeKinds, checkEgress, checkKindFields } from "./service-kinds-config";
import { checkCanaryName, checkGrafanaHost, checkReservedName } from "./service-names-config";
import {
    BINDABLE_RESOURCES,
    BINDING_VARIABLES,
    RESERVED_VARIABLES,
    type ServiceConfig,
    serviceDefaults,
    serviceUrlProblem,
} from ".";
import { scalingField, checkScaling } from "./scaling/config";
import { secretsField, checkSecrets } from "./secrets/config";

/**
 * `platform:services`: the application services the workloads run on the cluster (image or build, port,
 * replicas, resources, probes, environment, exposure, bindings, calls) and the checks that concern them:
 * required fields, unique names and routes, replica and resource bounds, bindings and calls that name
 * things that exist, build contexts on disk, and no secrets in plain environment variables. Each check
 * below looks at one concern of one service. Composed with every other capability's by
 * components/shared/config.ts.
 */

const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
const serviceName = () =>
    str({
        pattern: SERVICE_NAME,
        allowed: 'a DNS label: lowercase letters, digits and "-", starting with a letter, at most 40 characters',
    });
const IMAGE_REFERENCE =
    /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const imageReference = () =>
    str({
        pattern: IMAGE_REFERENCE,
        maxLength: 255,
        allowed: 'an image reference such as "ghcr.io/acme/api:1.4.2" or "ghcr.io/acme/api@sha256:<64 hex digits>"',
    });
const httpPath = () =>
    str({
        pattern: /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/,
        maxLength: 256,
        allowed: 'an absolute HTTP path such as "/health/ready" (starts with "/", no spaces, no query string)',
    });
const CPU = /^(\d+m|\d+(\.\d{1,3})?)$/;
const MEMORY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const quantities = () =>
    obj({
        cpu: str({ pattern: CPU, allowed: 'a CPU quantity such as "250m" or "1.5"' }),
        memory: str({ pattern: MEMORY, allowed: 'a memory quantity such as "256Mi" or "1Gi"' }),
    });

/** Plain environment variables: names as POSIX shells accept them, string values. */
function envVars(): Field<Record<string, string>> {
    const allowed =
        'an object of plain variables, e.g. {"LOG_LEVEL": "info"}: names of letters, digits and "_", string values';
    return {
        kind: "json",
        allowed,
        parse(value, at, problems) {
            if (typeof value !== "object" || value === null || Array.isArray(value)) {
                problems.push(problem(at, value, allowed));
                return undefined;
            }
            const before = problems.length;
            for (const [name, v] of Object.entries(value)) {
                if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || typeof v !== "string") {
                    problems.push(
                        problem(
                            { ...at, key: `${at.key}.${name}` },
                            v,
                            'a variable name of letters, digits and "_" with a string value (quote numbers: "8")',
                            `Rename "${name}" or quote its value in ${at.key}.`,
                        ),
                    );
                }
            }
            return problems.length === before ? (value as Record<string, string>) : undefined;
        },
    };
}

const serviceSchema = obj(
    {
        name: serviceName(),
        image: imageReference(),
        build: obj({
            context: str({ pattern: /^[^\0]+$/, allowed: "a directory relative to the project directory" }),
            dockerfile: str({ pattern: /^[^\0]+$/, allowed: "a Dockerfile path relative to the context" }),
            target: str({ pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, allowed: "a build stage name" }),
        }),
        port: explained(
            int(1, 65535),
            "a TCP port from 1 to 65535",
            () => 'Set "port" to the port the container listens on, e.g. 8080.',
        ),
        replicas: obj({ min: int(1, 100, "pods"), max: int(1, 100, "pods") }),
        resources: obj({ requests: quantities(), limits: quantities() }),
        probes: obj({ liveness: httpPath(), readiness: httpPath(), startup: httpPath() }),
        metricsPath: httpPath(),
        env: envVars(),
        expose: obj({
            host: str({
                pattern: /^(?=.{4,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
                allowed: 'a lowercase DNS name such as "api.example.com" (no wildcard, no scheme)',
            }),
            path: httpPath(),
            rateLimitRps: int(1, 10000, "requests per second"),
            canary: obj({ image: imageReference(), weight: int(1, 99, "percent") }),
        }),
        bind: list(
            explained(
                oneOf(BINDABLE_RESOURCES),
                `one of the resources the platform creates: ${BINDABLE_RESOURCES.map((r) => JSON.stringify(r)).join(", ")}`,
                (received) =>
                    `Remove ${JSON.stringify(received)} from "bind": there is no such platform resource to connect to.`,
            ),
        ),
        calls: list(serviceName()),
        kind: KIND_FIELDS.kind,
        command: KIND_FIELDS.command,
        args: KIND_FIELDS.args,
        probe: KIND_FIELDS.probe,
        cron: KIND_FIELDS.cron,
        migrate: KIND_FIELDS.migrate,
        egress: KIND_FIELDS.egress,
        secrets: secretsField(),
        scaling: scalingField(),
    },
    "a service",
);
const serviceContractMatches: Exactly<Infer<typeof serviceSchema>, ServiceConfig> = true;
void serviceContractMatches;

/** `platform:services` is a JSON list (a string in Pulumi.yaml, like the other structured keys). */
const servicesField: Field<ServiceConfig[]> = { ...list(serviceSchema, { maxItems: 100 }), kind: "json" };

const KEY = "platform:services";

/** One service under check, with the others it must agree with. */
export interface ServiceEntry {
    readonly service: ServiceConfig;
    readonly index: number;
    /** `service "api"`, or `service 2` when it has no name. */
    readonly label: string;
    readonly services: ServiceConfig[];
    readonly names: (string | undefined)[];
    /** The stack's cloud (what its cluster enforces differs). */
    readonly cloud: string;
    /** Records a problem on a path inside the entry: `".name"`, `".env.LOG_LEVEL"`, or `""` for the entry. */
    add(where: string, received: unknown, allowed: string, fix: string): void;
}

/** A name is required and unique: it names the Deployment, the Service and the entries of "calls". */
function checkName({ service: s, index: i, label, names, add }: ServiceEntry): void {
    if (!s.name) {
        add(".name", s.name, "a DNS label naming the service (required)", `Add "name" to ${label} in ${KEY}.`);
    } else if (names.indexOf(s.name) !== i) {
        add(
            ".name",
            s.name,
            "a name no other service uses",
            `Rename one of the services named "${s.name}" (entries ${names.indexOf(s.name)} and ${i}) in ${KEY}.`,
        );
    }
}

/** Exactly one source for the container image. */
function checkImageSource({ service: s, label, add }: ServiceEntry): void {
    if ((s.image === undefined) === (s.build === undefined)) {
        add(
            "",
            { image: s.image, build: s.build },
            'exactly one of "image" (a prebuilt reference) or "build" (a build context)',
            `Give ${label} either "image" or "build" in ${KEY}, not ${s.image === undefined ? "neither" : "both"}.`,
        );
    }
}

/** A build needs its context directory and Dockerfile on disk, relative to the project directory. */
function checkBuildContext({ service: s, label, add }: ServiceEntry): void {
    if (!s.build) return;
    const context = s.build.context;
    if (context === undefined) {
        add(
            ".build.context",
            context,
            "a build context directory (required with build)",
            `Add "context" to the "build" of ${label}.`,
        );
    } else if (!fs.existsSync(context) || !fs.statSync(context).isDirectory()) {
        add(
            ".build.context",
            context,
            `an existing directory, relative to the project directory (${process.cwd()})`,
            `Point "context" of ${label} at the directory holding its sources.`,
        );
    } else if (!fs.existsSync(path.join(context, s.build.dockerfile ?? "Dockerfile"))) {
        add(
            ".build.dockerfile",
            s.build.dockerfile ?? "Dockerfile",
            `a Dockerfile inside the build context "${context}"`,
            `Add the Dockerfile or set "dockerfile" of ${label} to its path relative to the context.`,
        );
    }
}

/** A web service's port is required: probes, the Service and network policy all point at it. */
function checkPort({ service: s, label, add }: ServiceEntry): void {
    if (s.port === undefined && (s.kind ?? "web") === "web") {
        add(
            ".port",
            s.port,
            "a TCP port from 1 to 65535 (required)",
            `Add "port" to ${label}: the port its container listens on.`,
        );
    }
}

/** The autoscaler scales between min and max, after the defaults. */
function checkReplicas({ service: s, label, add }: ServiceEntry): void {
    const min = s.replicas?.min ?? 1;
    const max = s.replicas?.max ?? Math.max(min, 3);
    if (min > max) {
        add(
            ".replicas",
            s.replicas,
            "min <= max (the autoscaler scales between them)",
            `Lower "min" or raise "max" in the "replicas" of ${label}.`,
        );
    }
}

/** CPU quantity in cores, memory in bytes: enough to compare requests with limits. */
function quantityValue(text: string): number {
    const units: Record<string, number> = {
        m: 1e-3,
        k: 1e3,
        M: 1e6,
        G: 1e9,
        T: 1e12,
        Ki: 2 ** 10,
        Mi: 2 ** 20,
        Gi: 2 ** 30,
        Ti: 2 ** 40,
    };
    const [, number, unit] = /^([\d.]+)([A-Za-z]*)$/.exec(text) ?? [];
    return Number(number) * (unit ? (units[unit] ?? NaN) : 1);
}

/**
 * A container's request may not exceed its limit: the API server rejects the Deployment ("must be less than
 * or equal to cpu limit", kubernetes/kubernetes pkg/apis/core/validation/validation.go
 * ValidateResourceRequirements). The defaults count (components/workloads serviceDefaults: requests 100m /
 * 128Mi, limits 500m / 512Mi), so a request of 1 CPU with no limit given is as wrong as one over a given limit.
 */
function checkRequestsWithinLimits({ service: s, label, add }: ServiceEntry): void {
    for (const resource of ["cpu", "memory"] as const) {
        const given = { request: s.resources?.requests?.[resource], limit: s.resources?.limits?.[resource] };
        if (given.request === undefined && given.limit === undefined) continue;
        const request = given.request ?? serviceDefaults.requests[resource];
        const limit = given.limit ?? serviceDefaults.limits[resource];
        if (quantityValue(request) <= quantityValue(limit)) continue;
        const defaulted = given.limit === undefined ? "limit" : given.request === undefined ? "request" : undefined;
        add(
            ".resources",
            { requests: { [resource]: request }, limits: { [resource]: limit } },
            `a ${resource} request no larger than its limit${defaulted ? ` (the ${defaulted} is the default, ${defaulted === "limit" ? limit : request})` : ""}`,
            defaulted === "limit"
                ? `Set limits.${resource} of ${label} to at least ${request}, or lower requests.${resource}`
                : defaulted === "request"
                  ? `Set requests.${resource} of ${label} to at most ${limit}, or raise limits.${resource}`
                  : `Lower requests.${resource} or raise limits.${resource} of ${label}`,
        );
    }
}

/**
 * Plain variables only: none the platform sets itself, none named like a secret, no credentials in a URL
 * (a Deployment's env is clear text), and URLs of other services that the Service and network policy allow.
 */
function checkEnvironment({ service: s, label, services, add }: ServiceEntry): void {
    for (const [name, value] of Object.entries(s.env ?? {})) {
        const where = `.env.${name}`;
        if (RESERVED_VARIABLES.includes(name)) {
            add(
                where,
                name,
                `a name the platform does not set itself (it sets PORT and, through "bind", ${Object.values(BINDING_VARIABLES).flat().join(", ")})`,
                `Remove "${name}" from the env of ${label}${name === "PORT" ? "" : '; use "bind" to receive it'}.`,
            );
        } else if (/PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|ACCESS_KEY|API_KEY|CREDENTIAL/i.test(name)) {
            add(
                where,
                "[redacted]",
                "plain, non-secret settings only: a variable named like a secret would sit in the Deployment in clear text",
                `Move "${name}" from the env of ${label} to its "secrets" (the value then lives in the cloud's secret store).`,
            );
        } else if (/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^@\s]+@/i.test(value)) {
            add(
                where,
                "[redacted]",
                "a value without credentials (this one is a URL with a password)",
                `Remove the credentials from "${name}" of ${label}; bind the resource instead.`,
            );
        } else {
            const url = serviceUrlProblem(name, value, s, services);
            if (url) add(where, value, url.allowed, url.fix);
        }
    }
}

/** An exposed service needs a host (and a canary an image), on a route no other service serves. */
function checkExposure({ service: s, index: i, label, services, add }: ServiceEntry): void {
    if (!s.expose) return;
    if (!s.expose.host) {
        add(
            ".expose.host",
            s.expose.host,
            "a public DNS name (required with expose)",
            `Add "host" to the "expose" of ${label}.`,
        );
    }
    if (s.expose.canary && !s.expose.canary.image) {
        add(
            ".expose.canary.image",
            s.expose.canary.image,
            "the canary's image reference (required with canary)",
            `Add "image" to the canary of ${label}, or remove "canary".`,
        );
    }
    const route = `${s.expose.host}${s.expose.path ?? "/"}`;
    const first = services.findIndex((o) => o.expose && `${o.expose.host}${o.expose.path ?? "/"}` === route);
    if (s.expose.host && first !== i) {
        add(
            ".expose",
            route,
            "a host and path no other service is exposed on",
            `Change the "host" or "path" of ${label}: service ${first} already serves ${route}.`,
        );
    }
}

/** Each platform resource is bound once (its variables would be set twice). */
function checkBindings({ service: s, label, add }: ServiceEntry): void {
    (s.bind ?? []).forEach((resource, j) => {
        if (s.bind!.indexOf(resource) !== j) {
            add(
                `.bind[${j}]`,
                resource,
                "each resource once",
                `Remove the repeated "${resource}" from the "bind" of ${label}.`,
            );
        }
    });
}

/** "calls" names other services of the list: network policy opens the way to each. */
function checkCalls({ service: s, label, names, add }: ServiceEntry): void {
    (s.calls ?? []).forEach((callee, j) => {
        if (!names.includes(callee) || callee === s.name) {
            const others = names.filter((n) => n && n !== s.name).map((n) => JSON.stringify(n));
            add(
                `.calls[${j}]`,
                callee,
                `the name of another service in ${KEY}: ${others.join(", ") || "(none)"}`,
                `Remove "${callee}" from the "calls" of ${label}, or add a service of that name.`,
            );
        }
    });
}

/** The checks on one service, in the order their problems are reported. */
const SERVICE_CHECKS: readonly ((entry: ServiceEntry) => void)[] = [
    checkName,
    checkReservedName,
    checkCanaryName,
    checkKindFields,
    checkImageSource,
    checkBuildContext,
    checkPort,
    checkReplicas,
    checkRequestsWithinLimits,
    checkEnvironment,
    checkExposure,
    checkBindings,
    checkCalls,
    checkCalleeKinds,
    checkEgress,
    checkGrafanaHost,
    checkSecrets,
    checkScaling,
];

/** Runs every service check on every service, service by service. */
function checkServices(services: ServiceConfig[], ctx: CheckContext): void {
    const names = services.map((s) => s.name);
    services.forEach((service, index) => {
        const entry: ServiceEntry = {
            service,
            index,
            label: service.name ? `service "${service.name}"` : `service ${index}`,
            services,
            names,
            cloud: ctx.settings.cloud,
            add: (where, received, allowed, fix) => ctx.report(`services[${index}]${where}`, received, allowed, fix),
        };
        for (const check of SERVICE_CHECKS) check(entry);
    });
}

export const SERVICES_CONFIG: CapabilityConfig<typeof servicesField> = {
    key: key(
        servicesField,
        [],
        "JSON: the application services [{name, kind, image | build, port, replicas, resources, probes, metricsPath, env, expose, bind, calls, command, args, probe, cron, migrate, egress, secrets, scaling}].",
    ),
    checks: [checkServices],
};
