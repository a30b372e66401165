import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/**
 * The database roles of one service (issue 14 item 4). Two roles, so that passwordless login (RDS IAM,
 * Microsoft Entra; issue 16) only changes how the login role authenticates:
 * - `group` (NOLOGIN) owns the service's schema and everything in it; it is the one place rights live.
 * - `login` is a member of `group` that logs in (today with a password) and switches to `group` on login
 *   (`ALTER ROLE login SET role = group`), so the objects it creates belong to `group`. With IAM, the same
 *   role gets `GRANT rds_iam`; with Entra, an Entra principal is created and made a member of `group`
 *   instead; the schema, grants and data never move.
 * Both names start with ROLE_PREFIX: the bootstrap Job disables (NOLOGIN) login roles with that prefix that
 * are no longer in the list it receives.
 */
export interface ServiceRoles {
    /** The schema the service owns: its name with `-` as `_`. */
    readonly schema: string;
    /** NOLOGIN owner of the schema. */
    readonly group: string;
    /** The role the service logs in as. */
    readonly login: string;
}

/** Every role the platform creates for services starts with this (and no other role does). */
export const ROLE_PREFIX = "svc_";

/** PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1): longer names get a digest. */
const MAX_IDENTIFIER = 63;

function fit(identifier: string): string {
    if (identifier.length <= MAX_IDENTIFIER) return identifier;
    const digest = createHash("sha256").update(identifier).digest("hex").slice(0, 8);
    return `${identifier.slice(0, MAX_IDENTIFIER - 9)}_${digest}`;
}

/** The roles and schema of the service named `service` (a DNS label). */
export function serviceRoles(service: string): ServiceRoles {
    const base = service.replace(/-/g, "_");
    return { schema: fit(base), group: fit(`${ROLE_PREFIX}${base}`), login: fit(`${ROLE_PREFIX}${base}_login`) };
}

/**
 * One generated password per client login role, secret. Letters and digits only (40 of them, ~238 bits), so
 * the password needs no quoting in SQL or URLs and is accepted by RDS (which forbids `/`, `@`, `"` and spaces)
 * and Azure alike.
 */
export function clientLoginPasswords(
    name: string,
    roles: readonly string[],
    opts: pulumi.CustomResourceOptions,
): Record<string, random.RandomPassword> {
    return Object.fromEntries(
        roles.map((role) => [
            role,
            new random.RandomPassword(`${name}-login-${role.replace(/_/g, "-")}`, { length: 40, special: false }, opts),
        ]),
    );
}

/** The passwords as one secret map, role → password. */
export function clientLoginsOutput(
    passwords: Record<string, random.RandomPassword>,
): pulumi.Output<Record<string, string>> {
    const entries = Object.entries(passwords).map(([role, p]) => p.result.apply((v) => [role, v] as const));
    return pulumi.secret(pulumi.all(entries).apply((all) => Object.fromEntries(all)));
}

/** The login roles of the services that bind the database, in order (the Database's `clientRoles`). */
export function clientRolesFor(services: readonly { name?: string; bind?: readonly string[] }[]): string[] {
    return services
        .filter((s) => s.name !== undefined && (s.bind ?? []).includes("database"))
        .map((s) => serviceRoles(s.name!).login);
}
