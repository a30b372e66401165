/**
 * Documentation placeholders in a stack's configuration: values reserved for examples that can never work
 * in a real deployment. The stack files ship with them (an `example.com` alert address, `203.0.113.0/24` as
 * the Kubernetes API allow-list, `ghcr.io/example-org/...` images) so that `npm run check` has something
 * to run on; `npm run deploy` refuses them (exit 2) before anything runs, and the offline check prints one
 * warning line. Every string in every config key is looked at, including the fields of the JSON-valued
 * keys (`platform:services[0].expose.host`), so a placeholder in an env var or a canary image is found too.
 *
 * What counts as a placeholder, and why (these are fixed by RFC, not by a vendor's release cycle):
 *  - IPv4 in 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24: "TEST-NET-1/2/3", reserved for documentation;
 *    RFC 5737 section 3 says they "SHOULD NOT" appear on the public internet (https://www.rfc-editor.org/rfc/rfc5737).
 *  - IPv6 in 2001:db8::/32: the documentation prefix (https://www.rfc-editor.org/rfc/rfc3849).
 *  - example.com, example.net, example.org and their subdomains, and the TLDs .example, .test and .invalid:
 *    reserved by RFC 2606 (https://www.rfc-editor.org/rfc/rfc2606) and RFC 6761 section 6
 *    (https://www.rfc-editor.org/rfc/rfc6761): no one can register them, so no mail is delivered there,
 *    no public DNS zone or TLS certificate can exist for them. Not counted: `.localhost` and bare
 *    `localhost` (a sidecar URL such as http://localhost:9090 is legitimate), `.local` (mDNS) and
 *    `.internal` (ICANN's private-use TLD, 2024), which are real in their own networks.
 *  - Container images under an `example-org` or `example` namespace (`ghcr.io/example-org/platform-api`):
 *    the stack files' stand-ins for the application's images; no registry serves them for this platform,
 *    so every pod would sit in ImagePullBackOff.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { EXIT, ExitError } from "./exit-codes";

export type PlaceholderKind = "address" | "email" | "domain" | "image";

export interface Placeholder {
    /** The config key and field path: `platform:alertEmail`, `platform:services[0].expose.host`. */
    readonly key: string;
    /** The whole value of that field. */
    readonly value: string;
    readonly kind: PlaceholderKind;
    /** The reserved part found in the value: `203.0.113.0/24`, `example.com`, `example-org`. */
    readonly reserved: string;
}

/** The documentation address blocks, as the first octets every address in them shares (all are /24). */
const IPV4_DOC_BLOCKS = ["192.0.2", "198.51.100", "203.0.113"];
const RESERVED_SECOND_LEVEL = ["example.com", "example.net", "example.org"];
const RESERVED_TLDS = ["example", "test", "invalid"];
const PLACEHOLDER_NAMESPACES = ["example-org", "example"];

const IPV4 = /(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?(?![\d.])/g;
const IPV6_DOC = /(?<![0-9a-f:])2001:0{0,2}db8(?::[0-9a-f]{0,4})*(?:\/\d{1,3})?/gi;
const DOMAIN = /(?<![a-z0-9-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*(?![a-z0-9-])/gi;
/** An image reference: optional registry host, path segments, optional tag or digest; no spaces, no scheme. */
const IMAGE =
    /^[a-z0-9][a-z0-9._-]*(?::\d+)?(?:\/[a-z0-9][a-z0-9._-]*)+(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

function documentationAddresses(text: string): string[] {
    const found: string[] = [];
    for (const m of text.matchAll(IPV4)) {
        const prefix = m[5] === undefined ? 32 : Number(m[5]);
        if (IPV4_DOC_BLOCKS.includes(`${m[1]}.${m[2]}.${m[3]}`) && prefix >= 24) found.push(m[0]);
    }
    for (const m of text.matchAll(IPV6_DOC)) found.push(m[0]);
    return found;
}

function reservedDomain(domain: string): string | undefined {
    const labels = domain.toLowerCase().split(".");
    const tld = labels[labels.length - 1];
    const secondLevel = labels.slice(-2).join(".");
    if (RESERVED_SECOND_LEVEL.includes(secondLevel)) return secondLevel;
    if (RESERVED_TLDS.includes(tld)) return `.${tld}`;
    return undefined;
}

function placeholderNamespace(text: string): string | undefined {
    if (!IMAGE.test(text)) return undefined;
    const name = text.split("@")[0].replace(/:[\w][\w.-]*$/, "");
    const segments = name.split("/");
    // The first segment is a registry when it looks like a host (docker's rule: a dot, a port or localhost).
    const namespaces = segments.slice(/[.:]/.test(segments[0]) || segments[0] === "localhost" ? 1 : 0, -1);
    return namespaces.find((s) => PLACEHOLDER_NAMESPACES.includes(s));
}

/** The placeholders in one string value. */
function inString(key: string, value: string): Placeholder[] {
    const found: Placeholder[] = documentationAddresses(value).map((reserved) => ({
        key,
        value,
        kind: "address",
        reserved,
    }));
    for (const m of value.matchAll(DOMAIN)) {
        const reserved = reservedDomain(m[0]);
        if (reserved === undefined) continue;
        const email = m.index !== undefined && value[m.index - 1] === "@";
        found.push({ key, value, kind: email ? "email" : "domain", reserved });
    }
    const namespace = placeholderNamespace(value);
    if (namespace !== undefined) found.push({ key, value, kind: "image", reserved: namespace });
    // One entry per reserved name in a field (a URL naming the same host twice is one fix).
    return found.filter((p, i) => found.findIndex((q) => q.kind === p.kind && q.reserved === p.reserved) === i);
}

/** A string holding a JSON object or array (the structured config keys), parsed; otherwise undefined. */
function parseJson(value: string): unknown {
    const text = value.trim();
    if (!text.startsWith("{") && !text.startsWith("[")) return undefined;
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return undefined;
    }
}

function walk(key: string, value: unknown, out: Placeholder[]): void {
    if (typeof value === "string") {
        const parsed = parseJson(value);
        if (parsed !== undefined) walk(key, parsed, out);
        else out.push(...inString(key, value));
    } else if (Array.isArray(value)) {
        value.forEach((item, i) => walk(`${key}[${i}]`, item, out));
    } else if (value !== null && typeof value === "object") {
        // An encrypted value ({secure: ...}) cannot be read here and was never a documentation example.
        if ("secure" in value) return;
        for (const [field, item] of Object.entries(value)) {
            walk(/^[A-Za-z_$][\w$]*$/.test(field) ? `${key}.${field}` : `${key}[${JSON.stringify(field)}]`, item, out);
        }
    }
}

/**
 * Every placeholder in a stack's configuration (keys to values as the stack file or the CLI holds them:
 * strings, JSON strings, lists), in key order.
 */
export function findPlaceholders(config: Readonly<Record<string, unknown>>): Placeholder[] {
    const out: Placeholder[] = [];
    for (const key of Object.keys(config).sort()) walk(key, config[key], out);
    return out;
}

/**
 * The configuration a deployment of `stack` gets from the repository: Pulumi.yaml's defaults under the
 * stack file's values. Encrypted values are kept as they are (and skipped by {@link findPlaceholders}).
 */
export function stackFileConfig(stack: string, root: string): Record<string, unknown> {
    const project = (parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) ?? {}) as {
        name?: string;
        config?: Record<string, unknown>;
    };
    const file = (parse(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) ?? {}) as {
        config?: Record<string, unknown>;
    };
    const config: Record<string, unknown> = {};
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        const value =
            declaration !== null && typeof declaration === "object" && "default" in declaration
                ? (declaration as { default: unknown }).default
                : declaration;
        if (value !== undefined) config[key.includes(":") ? key : `${project.name}:${key}`] = value;
    }
    for (const [key, value] of Object.entries(file.config ?? {})) {
        config[key.includes(":") ? key : `${project.name}:${key}`] = value;
    }
    return config;
}

const API_ACCESS_DOC = "docs/reaching-the-cluster-api.md";

/** Why one placeholder cannot be deployed and what to put there instead. */
export function explainPlaceholder(p: Placeholder): string {
    if (p.kind === "address" && /apiAllowedCidrs/.test(p.key)) {
        return (
            `${p.reserved} is a documentation range (RFC 5737/3849): no machine has these addresses, so the ` +
            `Kubernetes API would admit nobody, including the machine that runs \`pulumi up\`, and the deploy ` +
            `would fail at the first Kubernetes resource. Put the egress address of that machine here (a CI ` +
            `runner's NAT address, your office VPN), or [] to keep the API private and deploy from inside the ` +
            `network; see ${API_ACCESS_DOC}.`
        );
    }
    if (p.kind === "address") {
        return `${p.reserved} is a documentation address (RFC 5737/3849) that no machine has. Use the real address.`;
    }
    if (p.kind === "email") {
        return (
            `${p.reserved} is reserved for documentation (RFC 2606): mail to it is never delivered, so every ` +
            `alert would be lost. Use a mailbox the team that is on call reads.`
        );
    }
    if (p.kind === "domain") {
        return (
            `${p.reserved} is reserved for documentation (RFC 2606/6761): no one can own it, so there is no DNS ` +
            `record or TLS certificate for it. Use a name in a DNS zone you control.`
        );
    }
    return (
        `the "${p.reserved}" namespace stands in for your organisation's images: no registry serves it, so ` +
        `these pods would never start (ImagePullBackOff). Use the image your build publishes, pinned to a ` +
        `version or digest.`
    );
}

/** The exit-2 error for a deploy command on a stack that still holds placeholders. */
export function refusePlaceholders(command: string, stack: string, found: readonly Placeholder[]): ExitError {
    const lines = found.map((p) => `  - ${p.key} = ${JSON.stringify(p.value)}: ${explainPlaceholder(p)}`);
    return new ExitError(
        EXIT.usage,
        `Refusing to ${command} stack ${stack}: Pulumi.${stack}.yaml still holds ${found.length} documentation ` +
            `placeholder${found.length === 1 ? "" : "s"}, values reserved for examples that cannot work in a ` +
            `real deployment. Nothing was run and nothing was changed. Replace each one in Pulumi.${stack}.yaml:\n` +
            `${lines.join("\n")}\n` +
            `Then check the stack offline with \`npm run check -- --stack ${stack}\` (it lists what is left).`,
    );
}

/** The offline check's one warning line (stderr) for a configuration with placeholders. */
export function placeholderWarning(stack: string, found: readonly Placeholder[], file?: string): string {
    const keys = [...new Set(found.map((p) => p.key))];
    const shown = keys.slice(0, 4).join(", ");
    const more = keys.length > 4 ? ` and ${keys.length - 4} more` : "";
    const head =
        `warning: ${file ?? `Pulumi.${stack}.yaml`} holds ${found.length} documentation placeholder` +
        `${found.length === 1 ? "" : "s"} (${shown}${more}); the check runs on them, but \`npm run deploy\` `;
    // A file kept outside the project (`--stack-file`) becomes a stack only once copied to Pulumi.<stack>.yaml.
    return file === undefined
        ? `${head}refuses them until they are replaced (\`npm run placeholders -- --stack ${stack}\` lists them).`
        : `${head}refuses them: replace them when you copy it to Pulumi.${stack}.yaml to deploy it.`;
}
