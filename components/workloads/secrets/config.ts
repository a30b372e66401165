import * as pulumi from "@pulumi/pulumi";
import { ConfigProblem, Field, Location, list, problem, show } from "../../shared/schema";
import { RESERVED_VARIABLES, type ServiceConfig } from "..";
import { SECRET_DELIVERY, ServiceSecretConfig, SecretValues, resolveSecrets } from ".";

/**
 * The `secrets` field of a `platform:services` entry and its checks, and the values given in stack config.
 * Names are environment-variable names in capitals (they become a file name or a variable, and Key Vault
 * secret names are case-insensitive, so `jwt_key` and `JWT_KEY` could not both exist on Azure).
 */

const SECRET_NAME = /^[A-Z][A-Z0-9_]{0,62}$/;
const NAME_ALLOWED =
    'a name of capitals, digits and "_" starting with a capital, at most 63 characters (e.g. "JWT_PRIVATE_KEY")';
const ENTRY_ALLOWED = `${NAME_ALLOWED}, or {"name": ..., "as": "file" | "env"}`;

/** The config namespace of secret values: `pulumi config set --secret secrets:<service>.<NAME> <value>`. */
export const SECRET_VALUE_NAMESPACE = "secrets";

/** One entry: `"JWT_PRIVATE_KEY"` or `{"name": "STRIPE_KEY", "as": "env"}`. */
function secretEntry(): Field<ServiceSecretConfig> {
    return {
        kind: "json",
        allowed: ENTRY_ALLOWED,
        parse(value, at, problems) {
            const entry = typeof value === "string" ? { name: value } : value;
            if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
                problems.push(problem(at, value, ENTRY_ALLOWED));
                return undefined;
            }
            const { name, as, ...rest } = entry as Record<string, unknown>;
            const before = problems.length;
            if (Object.keys(rest).length > 0) {
                problems.push(
                    problem(at, value, `only the fields name, as`, `Remove ${Object.keys(rest).join(", ")}.`),
                );
            }
            if (typeof name !== "string" || !SECRET_NAME.test(name)) {
                problems.push(problem({ ...at, key: `${at.key}.name` }, name, NAME_ALLOWED));
            } else if (RESERVED_VARIABLES.includes(name)) {
                problems.push(
                    problem(
                        { ...at, key: `${at.key}.name` },
                        name,
                        `a name the platform does not set itself (it sets ${RESERVED_VARIABLES.join(", ")})`,
                        `Rename the secret "${name}"; the platform's own connection details come from "bind".`,
                    ),
                );
            }
            if (as !== undefined && !(SECRET_DELIVERY as readonly unknown[]).includes(as)) {
                problems.push(problem({ ...at, key: `${at.key}.as` }, as, `one of "file" (the default), "env"`));
            }
            if (problems.length > before) return undefined;
            return typeof value === "string" ? value : (entry as ServiceSecretConfig);
        },
    };
}

/** The schema fragment: at most 50 secrets per service. */
export function secretsField(): Field<ServiceSecretConfig[]> {
    return list(secretEntry(), { maxItems: 50 });
}

/** What the service checks hand each check (components/workloads/config.ts ServiceEntry). */
interface Entry {
    readonly service: ServiceConfig;
    readonly label: string;
    add(where: string, received: unknown, allowed: string, fix: string): void;
}

/** Each name once, and none that is also a plain `env` variable (the container would get it twice). */
export function checkSecrets({ service: s, label, add }: Entry): void {
    const names = resolveSecrets(s.secrets).map((x) => x.name);
    names.forEach((name, j) => {
        if (names.indexOf(name) !== j) {
            add(
                `.secrets[${j}]`,
                name,
                "each secret once",
                `Remove the repeated "${name}" from the "secrets" of ${label}.`,
            );
        } else if (Object.keys(s.env ?? {}).includes(name)) {
            add(
                `.secrets[${j}]`,
                name,
                'a name that is not also in "env"',
                `Remove "${name}" from the "env" of ${label}: it is a secret.`,
            );
        }
    });
}

/** Service name and secret name of a `secrets:<service>.<NAME>` key, or undefined for other keys. */
function secretValueKey(fullKey: string): { service: string; name: string } | undefined {
    const match = new RegExp(`^${SECRET_VALUE_NAMESPACE}:([a-z][-a-z0-9]*)\\.([^.]+)$`).exec(fullKey);
    return match ? { service: match[1], name: match[2] } : undefined;
}

/**
 * The values of `secrets:<service>.<NAME>` config keys, by service and name, each wrapped as a secret Output the
 * moment it is read (the engine hands the program decrypted config; the state then holds the value encrypted).
 * A key naming no declared secret is a problem: the value would be silently dropped. The namespace is not
 * `platform:` because Pulumi refuses a stack value in the project's namespace that Pulumi.yaml does not
 * declare ("uses configuration value ... which is not defined by the project configuration"; only other
 * namespaces may be undeclared: pulumi/pulumi#11127, #11192), and these keys are per service.
 */
export function readSecretValues(
    raw: Record<string, string>,
    services: ServiceConfig[],
    base: Omit<Location, "key">,
    problems: ConfigProblem[],
): Record<string, SecretValues> {
    const values: Record<string, Record<string, pulumi.Output<string>>> = {};
    for (const [fullKey, value] of Object.entries(raw)) {
        if (!fullKey.startsWith(`${SECRET_VALUE_NAMESPACE}:`)) continue;
        const parsed = secretValueKey(fullKey);
        const service = parsed && services.find((s) => s.name === parsed.service);
        if (!parsed || !service || !resolveSecrets(service.secrets).some((s) => s.name === parsed.name)) {
            const declared = services.flatMap((s) => resolveSecrets(s.secrets).map((x) => `${s.name}.${x.name}`));
            problems.push(
                problem(
                    { ...base, key: fullKey },
                    "[redacted]",
                    `a key ${SECRET_VALUE_NAMESPACE}:<service>.<NAME> of a secret a service declares: ${declared.map((d) => show(`${SECRET_VALUE_NAMESPACE}:${d}`)).join(", ") || "(none)"}`,
                    `Add the name to that service's "secrets" in platform:services, or remove ${fullKey}.`,
                ),
            );
            continue;
        }
        (values[parsed.service] ??= {})[parsed.name] = pulumi.secret(value);
    }
    return values;
}
