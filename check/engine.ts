/**
 * What the Pulumi engine and its providers refuse, decided offline over a program run, so that `npm run
 * check` fails where `pulumi preview` would:
 *
 *  - a URN registered twice: the step generator bails with "Duplicate resource URN '<urn>'; try giving it
 *    a unique name" (pulumi/pulumi pkg/resource/deploy/step_generator.go generateURN,
 *    sdk/go/common/diag/errors.go GetDuplicateResourceURNError, code 2001);
 *  - a resource whose parent has not been registered: "could not find parent resource <urn>"
 *    (step_generator.go checkParent; step.go refuses it again as "unknown parent");
 *  - a custom resource whose type token the provider does not implement: the provider's Check fails
 *    ("unrecognized resource type"). The known tokens are those of the installed provider SDK, read from the
 *    resource classes' `static __pulumiType` (each generated class declares its token there); the Kubernetes
 *    provider also accepts any `kubernetes:<group>/<version>:<Kind>` whose inputs carry that apiVersion and
 *    kind (a CustomResource, pulumi/pulumi-kubernetes sdk/nodejs/apiextensions/customResource.ts);
 *  - two resources that manage the same Kubernetes object (same API group, kind, namespace and name on the
 *    same cluster): both would be created and the second fails with AlreadyExists, or they overwrite each
 *    other on every update. The API server keeps one object per group/kind/namespace/name whatever the
 *    version it is written through (kubernetes.io/docs/reference/using-api/#api-groups). Objects rendered
 *    by a Helm release are the chart's, not the program's, and are not compared.
 *
 * When a configuration value is what makes the names collide, the refusal names the key (exit 2 in the
 * CLI), otherwise the resources (exit 3).
 */
import * as fs from "fs";
import * as path from "path";
import type { ProgramRun, Registration, ResourceRecord } from "./runtime";
import { plain } from "./runtime";
import { ROOT } from "./stack";

export type RefusalKind =
    | "duplicate-urn"
    | "parent-not-registered"
    | "unknown-type"
    | "same-kubernetes-object"
    /** A Kubernetes object or Helm values the API server or Helm would refuse (check/schemas.ts). */
    | "schema-violation";

export interface Refusal {
    readonly kind: RefusalKind;
    /** The resources concerned. */
    readonly urns: string[];
    readonly message: string;
    /** The configuration value that causes it (`platform:services[0].name`), when one does. */
    readonly configKey?: string;
}

/** The engine would refuse the program: exit 2 when every refusal comes from a config value, else 3. */
export class EngineRefusalError extends Error {
    constructor(public readonly refusals: Refusal[]) {
        super(
            `pulumi preview would refuse this program (${refusals.length} problem${refusals.length === 1 ? "" : "s"}):\n` +
                refusals.map((r) => `  - ${r.message.split("\n").join("\n    ")}`).join("\n"),
        );
        this.name = "EngineRefusalError";
    }

    /** True when a configuration value causes every refusal (bad input rather than a program defect). */
    get causedByConfig(): boolean {
        return this.refusals.every((r) => r.configKey !== undefined);
    }
}

/** Everything the engine would refuse in this run, in registration order. */
export function engineRefusals(run: ProgramRun, config: Record<string, string> = {}): Refusal[] {
    const registrations = run.registrations ?? [];
    const refusals = [
        ...duplicateUrns(registrations),
        ...parentsNotRegistered(registrations),
        ...unknownTypes(run.resources),
        ...sameKubernetesObjects(run.resources),
    ];
    const leaves = configLeaves(config);
    return refusals.map((r) => {
        const cause = causingLeaf(r, run, leaves);
        return cause
            ? {
                  ...r,
                  configKey: cause.key,
                  message:
                      `${r.message}\ncaused by ${cause.key}, got "${cause.value}": choose another value ` +
                      `(in Pulumi.${run.stack}.yaml, or -c) so that the names no longer collide.`,
              }
            : r;
    });
}

/**
 * Throws an `EngineRefusalError` when the engine would refuse the run, or when `also` (refusals found
 * elsewhere, such as schema violations) is not empty.
 */
export function assertEngineAccepts(run: ProgramRun, config: Record<string, string> = {}, also: Refusal[] = []): void {
    const refusals = [...engineRefusals(run, config), ...also];
    if (refusals.length > 0) throw new EngineRefusalError(refusals);
}

function duplicateUrns(registrations: readonly Registration[]): Refusal[] {
    const counts = new Map<string, number>();
    for (const r of registrations) counts.set(r.urn, (counts.get(r.urn) ?? 0) + 1);
    return [...counts.entries()]
        .filter(([, n]) => n > 1)
        .map(([urn, n]) => ({
            kind: "duplicate-urn" as const,
            urns: [urn],
            message: `Duplicate resource URN '${urn}' (registered ${n} times); give each resource a unique name.`,
        }));
}

function parentsNotRegistered(registrations: readonly Registration[]): Refusal[] {
    return registrations
        .filter((r) => !r.parentRegistered)
        .map((r) => ({
            kind: "parent-not-registered" as const,
            urns: [r.urn, r.parent!],
            message:
                `could not find parent resource ${r.parent} for ${r.urn}: a resource must be registered after ` +
                `its parent (create the parent first and pass it as { parent }).`,
        }));
}

/** `static __pulumiType = '<token>'` as the generated SDKs declare it. */
const TYPE_DECLARATION = /__pulumiType = ['"]([^'"]+)['"]/g;

/** Known tokens (and the module declaring each) per directory of an installed provider SDK, read once. */
const tokensByDir = new Map<string, Map<string, string>>();

function tokensIn(dir: string, recursive: boolean): Map<string, string> {
    const cacheKey = `${dir}|${recursive}`;
    const cached = tokensByDir.get(cacheKey);
    if (cached) return cached;
    const found = new Map<string, string>();
    const entries = fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : [];
    for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory() && recursive && entry.name !== "node_modules") {
            tokensIn(full, true).forEach((file, t) => found.set(t, file));
        } else if (entry.isFile() && entry.name.endsWith(".js")) {
            for (const m of fs.readFileSync(full, "utf8").matchAll(TYPE_DECLARATION)) found.set(m[1], full);
        }
    }
    tokensByDir.set(cacheKey, found);
    return found;
}

/** The directory of an installed `@pulumi/<package>` SDK, or undefined when it is not installed. */
function sdkDir(pkg: string, root = ROOT): string | undefined {
    try {
        return path.dirname(require.resolve(`@pulumi/${pkg}/package.json`, { paths: [root] }));
    } catch {
        return undefined;
    }
}

/**
 * Whether the installed SDK of the token's package declares the token. Looks first in the directories the
 * module maps to (`aws:s3/bucket:Bucket` → s3/, `kubernetes:networking.k8s.io/v1:NetworkPolicy` → networking/v1/),
 * then in the whole package.
 */
export function isKnownType(token: string, root = ROOT): boolean {
    const [pkg, module, member] = token.split(":");
    if (pkg === "pulumi" && module === "providers") return sdkDir(member, root) !== undefined;
    // Dynamic providers run in the program itself, under any type name (@pulumi/pulumi dynamic/index.js).
    if (pkg === "pulumi-nodejs" && /^dynamic(\/|$)/.test(module ?? "")) return true;
    return sdkModuleOf(token, root) !== undefined;
}

/** The installed SDK's JavaScript module that declares the resource class of a token, if any. */
export function sdkModuleOf(token: string, root = ROOT): string | undefined {
    const [pkg, module, member] = token.split(":");
    const dir = pkg && module && member ? sdkDir(pkg, root) : undefined;
    if (!dir) return undefined;
    const segments = module.split("/").map((s) => s.split(".")[0]);
    const candidates = [segments, segments.slice(0, -1)].map((s) =>
        s.length === 0 || s[0] === "index" ? dir : path.join(dir, ...s),
    );
    for (const c of candidates) {
        const file = tokensIn(c, false).get(token);
        if (file) return file;
    }
    return tokensIn(dir, true).get(token);
}

function unknownTypes(resources: readonly ResourceRecord[]): Refusal[] {
    return resources
        .filter((r) => r.custom && !isKnownType(r.type) && !isCustomResource(r))
        .map((r) => ({
            kind: "unknown-type" as const,
            urns: [r.urn],
            message:
                `${r.urn}: the installed provider SDK has no resource type ${r.type}, so the provider would ` +
                `refuse it (unrecognized resource type). Use a type from the provider's SDK.`,
        }));
}

/** A Kubernetes custom resource: the token is `kubernetes:<apiVersion>:<kind>` of its own inputs. */
function isCustomResource(r: ResourceRecord): boolean {
    const [pkg, apiVersion, kind] = r.type.split(":");
    return pkg === "kubernetes" && r.inputs.apiVersion === apiVersion && r.inputs.kind === kind;
}

/** Kinds that are not namespaced among those the program writes (kubectl api-resources --namespaced=false). */
const CLUSTER_SCOPED = new Set([
    "Namespace",
    "StorageClass",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PriorityClass",
    "IngressClass",
    "GatewayClass",
    "PersistentVolume",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "ClusterIssuer",
    "NodePool",
    "EC2NodeClass",
    "AKSNodeClass",
]);

/** The Kubernetes object a resource manages, or undefined when it manages none (or is auto-named). */
export function kubernetesObjectKey(r: ResourceRecord, byUrn: Map<string, ResourceRecord>): string | undefined {
    if (!r.custom || !r.type.startsWith("kubernetes:") || r.type.startsWith("kubernetes:helm.sh/")) return undefined;
    const [, apiVersion, kind] = r.type.split(":");
    const metadata = (plain(r.inputs.metadata) ?? {}) as { name?: unknown; namespace?: unknown };
    if (typeof metadata.name !== "string") return undefined;
    const providerUrn = r.provider?.slice(0, r.provider.lastIndexOf("::"));
    const provider = providerUrn ? byUrn.get(providerUrn) : undefined;
    const providerInputs = (plain(provider?.inputs) ?? {}) as { kubeconfig?: unknown; namespace?: unknown };
    // Two providers with the same kubeconfig write to the same cluster.
    const cluster = typeof providerInputs.kubeconfig === "string" ? providerInputs.kubeconfig : (providerUrn ?? "");
    const namespace = CLUSTER_SCOPED.has(kind)
        ? ""
        : String(metadata.namespace ?? providerInputs.namespace ?? "default");
    const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.lastIndexOf("/")) : "core";
    return JSON.stringify([cluster, group, kind, namespace, metadata.name]);
}

function sameKubernetesObjects(resources: readonly ResourceRecord[]): Refusal[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const byObject = new Map<string, ResourceRecord[]>();
    for (const r of resources) {
        const key = kubernetesObjectKey(r, byUrn);
        if (key) byObject.set(key, [...(byObject.get(key) ?? []), r]);
    }
    return [...byObject.entries()]
        .filter(([, rs]) => rs.length > 1)
        .map(([key, rs]) => {
            const [, group, kind, namespace, name] = JSON.parse(key) as string[];
            const object = `${group === "core" ? "" : `${group}/`}${kind} ${namespace ? `${namespace}/` : ""}${name}`;
            return {
                kind: "same-kubernetes-object" as const,
                urns: rs.map((r) => r.urn).sort(),
                message:
                    `${rs.length} resources manage the same Kubernetes object ${object}; the second would fail ` +
                    `with AlreadyExists or overwrite the first:\n${rs
                        .map((r) => r.urn)
                        .sort()
                        .join("\n")}`,
            };
        });
}

/** Every string in the config with its path: `platform:services[0].name` → "api". */
export function configLeaves(config: Record<string, string>): { key: string; value: string }[] {
    const out: { key: string; value: string }[] = [];
    const walk = (value: unknown, key: string) => {
        if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${key}[${i}]`));
        else if (value !== null && typeof value === "object") {
            Object.entries(value).forEach(([k, v]) => walk(v, `${key}.${k}`));
        } else if (typeof value === "string") out.push({ key, value });
    };
    for (const [key, raw] of Object.entries(config)) {
        let parsed: unknown = raw;
        try {
            parsed = JSON.parse(raw);
        } catch {
            // a plain string value
        }
        walk(parsed, key);
    }
    return out;
}

/**
 * The config value the colliding names come from: for a Kubernetes object its `metadata.name`, for a
 * duplicate URN a `-`-separated part of the resource name. The most specific (longest) match wins.
 */
function causingLeaf(
    refusal: Refusal,
    run: ProgramRun,
    leaves: { key: string; value: string }[],
): { key: string; value: string } | undefined {
    if (refusal.kind !== "same-kubernetes-object" && refusal.kind !== "duplicate-urn") return undefined;
    const names = refusal.urns.flatMap((urn) => {
        const r = run.resources.find((x) => x.urn === urn);
        const metadata = (plain(r?.inputs.metadata) ?? {}) as { name?: unknown };
        return refusal.kind === "same-kubernetes-object"
            ? [typeof metadata.name === "string" ? metadata.name : ""]
            : [urn.slice(urn.lastIndexOf("::") + 2)];
    });
    const matches = leaves.filter(
        ({ value }) =>
            value.length >= 2 &&
            names.some((n) =>
                refusal.kind === "same-kubernetes-object" ? n === value : `-${n}-`.includes(`-${value}-`),
            ),
    );
    matches.sort((a, b) => b.value.length - a.value.length);
    return matches[0];
}
