/**
 * Kubernetes objects and Helm values validated against the API they go to, with ajv over published schemas:
 *
 *  - every `kubernetes:<group>/<version>:<Kind>` resource against the Kubernetes API definitions of the
 *    cluster's version (config `platform:cluster.kubernetesVersion`, default DEFAULT_KUBERNETES_VERSION), or,
 *    for a custom resource, against the openAPIV3Schema of the CRD its pinned chart installs;
 *  - every Helm release's `values` against the pinned chart's values.schema.json, or the keys of its
 *    values.yaml where it ships none.
 *
 * Unknown fields are refused as the API server refuses them under strict field validation
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation; the Pulumi Kubernetes
 * provider sends server-side apply with the objects as written), and for CRDs as structural pruning drops
 * them: an object with neither `x-kubernetes-preserve-unknown-fields` nor `additionalProperties` allows only
 * its `properties` (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#field-pruning).
 * Not modelled: CEL rules (`x-kubernetes-validations`), admission webhooks, defaulting.
 *
 * The schemas are a bundle (manifest.json plus the files it lists, written by check/schemas-vendor.ts with each
 * file's repository@tag and version). Where no bundle, no schema or a schema of another version than the pin
 * is found, the kind or chart is reported as "not validated: ..." — never passed silently.
 */
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import standaloneCode from "ajv/dist/standalone";
import * as crypto from "crypto";
import * as os from "os";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_KUBERNETES_VERSION } from "../components/shared/facts/kubernetes";
import type { Refusal } from "./engine";
import { configLeaves } from "./engine";
import type { ProgramRun, ResourceRecord } from "./runtime";
import { plain } from "./runtime";
import { ROOT } from "./stack";

/** One CRD version's schema in the bundle, and the chart release that installs it. */
export interface CrdEntry {
    readonly apiVersion: string;
    readonly kind: string;
    readonly chart: string;
    readonly chartVersion: string;
    readonly file: string;
    readonly source: string;
}

/** One chart's values schema in the bundle. */
export interface ChartEntry {
    readonly chart: string;
    readonly version: string;
    readonly kind: "values.schema.json" | "values.yaml keys";
    readonly file: string;
    readonly source: string;
    /** Subcharts whose values.yaml keys are merged in under their key. */
    readonly subcharts?: Record<string, { version: string; source: string }>;
}

export interface SchemaManifest {
    readonly note: string;
    readonly kubernetes: { version: string; file: string; source: string; kinds: string[] };
    readonly crds: CrdEntry[];
    readonly charts: ChartEntry[];
}

/** Something the API server (or Helm) would refuse, at a JSON path of one resource's inputs. */
export interface SchemaFinding {
    readonly urn: string;
    /** `spec.template.spec.containers[0].imagePullPolicy`; for Helm releases under `values`. */
    readonly path: string;
    /** The value received (for an unknown field, its name). */
    readonly received: unknown;
    /** What the schema allows there. */
    readonly allowed: string;
    /** Which schema said so (`Kubernetes 1.36`, `cert-manager v1.21.1 CRD`, `gateway-helm v1.9.0 values.yaml keys`). */
    readonly schema: string;
}

export interface SchemaReport {
    /** The bundle directory used, or undefined when none was found. */
    readonly bundle?: string;
    readonly kubernetesVersion: string;
    /** Resources validated (objects and releases). */
    readonly validated: number;
    readonly findings: SchemaFinding[];
    /** One line per kind or chart that could not be validated, saying why. */
    readonly notValidated: string[];
}

/**
 * Where the bundle is looked for, first found wins: $PLATFORM_SCHEMAS, check/data/schemas, and shared/schemas
 * beside the repository (where CI lays the steering repository's shared/ folder).
 */
export function bundleCandidates(root = ROOT, env: NodeJS.ProcessEnv = process.env): string[] {
    return [
        env.PLATFORM_SCHEMAS,
        path.join(root, "check", "data", "schemas"),
        path.join(root, "..", "shared", "schemas"),
    ].filter((d): d is string => typeof d === "string" && d !== "");
}

export function findBundle(candidates = bundleCandidates()): string | undefined {
    return candidates.find((d) => fs.existsSync(path.join(d, "manifest.json")));
}

/** Ajv over Kubernetes schemas: formats and vendor keywords (x-kubernetes-*) are not JSON-schema assertions. */
function newAjv(): Ajv {
    return new Ajv({
        allErrors: true,
        verbose: true,
        strict: false,
        validateFormats: false,
        unicodeRegExp: false,
        inlineRefs: false,
        code: { source: true },
    });
}

/**
 * CRD patterns are Go (RE2) expressions, checked by the API server with Go's regexp. A leading `(?i)` flag
 * group, which JavaScript lacks, is written out: each ASCII letter outside a character class or escape
 * becomes `[aA]`, and inside a class gets its other case. The rest of the RE2 syntax the CRDs use is
 * JavaScript's.
 */
export function goPattern(pattern: string): string {
    const m = /^(\^?)\(\?i\)/.exec(pattern);
    if (!m) return pattern;
    const body = pattern.slice(m[0].length);
    let out = m[1];
    let inClass = false;
    for (let i = 0; i < body.length; i++) {
        const c = body[i];
        if (c === "\\") {
            out += c + (body[++i] ?? "");
        } else if (c === "[" && !inClass) {
            inClass = true;
            out += c;
        } else if (c === "]" && inClass) {
            inClass = false;
            out += c;
        } else if (/[a-z]/i.test(c)) {
            const both = c.toLowerCase() + c.toUpperCase();
            out += inClass ? both : `[${both}]`;
        } else out += c;
    }
    return out;
}

const QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
const INT_OR_STRING = { anyOf: [{ type: "integer" }, { type: "string" }] };

/**
 * A Kubernetes or CRD schema node as ajv reads it: int-or-string and quantities as the API decodes them
 * (a quantity is a string or a JSON number), objects closed unless they say otherwise, formats dropped.
 */
export function strictSchema(node: unknown): unknown {
    if (Array.isArray(node)) return node.map(strictSchema);
    if (node === null || typeof node !== "object") return node;
    const n = node as Record<string, unknown>;
    if (n.format === "int-or-string" || n["x-kubernetes-int-or-string"] === true) return INT_OR_STRING;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n)) {
        if (k === "format" || k === "description" || k === "example") continue;
        if (k === "pattern" && typeof v === "string") out[k] = goPattern(v);
        else out[k] = k === "enum" || k === "default" || k === "required" ? v : strictSchema(v);
    }
    if (typeof out.$ref === "string" && out.$ref === `#/definitions/${QUANTITY}`) {
        return { anyOf: [{ type: "string" }, { type: "number" }] };
    }
    const preserve = n["x-kubernetes-preserve-unknown-fields"] === true;
    if (n.type === "object" && !preserve && out.additionalProperties === undefined) {
        out.additionalProperties = false;
        if (n["x-kubernetes-embedded-resource"] === true) {
            out.properties = {
                apiVersion: { type: "string" },
                kind: { type: "string" },
                metadata: { type: "object" },
                ...(out.properties as object),
            };
        }
    }
    return out;
}

/** Loads and compiles schemas lazily, once per bundle and key. */
class Bundle {
    readonly ajv = newAjv();
    readonly manifest: SchemaManifest;
    private readonly compiled = new Map<string, ValidateFunction>();
    private kubernetesId?: string;
    private kubernetesKinds?: Record<string, string>;
    private kubernetesText?: string;

    constructor(readonly dir: string) {
        this.manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")) as SchemaManifest;
    }

    private read(file: string): unknown {
        return JSON.parse(fs.readFileSync(path.join(this.dir, file), "utf8"));
    }

    private loadKubernetes(): Record<string, string> {
        if (!this.kubernetesKinds) {
            const { kinds, definitions } = this.read(this.manifest.kubernetes.file) as {
                kinds: Record<string, string>;
                definitions: Record<string, unknown>;
            };
            this.kubernetesId = `kubernetes-${this.manifest.kubernetes.version}`;
            this.kubernetesText = JSON.stringify(definitions);
            this.ajv.addSchema({ $id: this.kubernetesId, definitions: strictSchema(definitions) });
            this.kubernetesKinds = kinds;
        }
        return this.kubernetesKinds;
    }

    /** The validator of a built-in kind (`apps/v1:Deployment`), or undefined when the bundle lacks it. */
    builtin(kind: string): ValidateFunction | undefined {
        const name = this.loadKubernetes()[kind];
        return name
            ? this.once(`k8s:${kind}`, () => ({ $ref: `${this.kubernetesId}#/definitions/${name}` }))
            : undefined;
    }

    /** The validator of a CRD kind; its `metadata` is the API's ObjectMeta, as the API server checks it. */
    crd(entry: CrdEntry): ValidateFunction {
        return this.once(`crd:${entry.file}`, () => {
            this.loadKubernetes();
            const { schema } = this.read(entry.file) as { schema: Record<string, unknown> };
            const strict = strictSchema(schema) as { properties?: Record<string, unknown> };
            strict.properties = {
                ...strict.properties,
                metadata: { $ref: `${this.kubernetesId}#/definitions/${OBJECT_META}` },
            };
            return strict;
        });
    }

    values(entry: ChartEntry): ValidateFunction {
        return this.once(`values:${entry.file}`, () => {
            const data = this.read(entry.file);
            if (entry.kind === "values.schema.json") {
                const { $schema, ...schema } = data as Record<string, unknown>;
                void $schema;
                return schema;
            }
            return keysSchema(data);
        });
    }

    /**
     * Compiling the larger schemas (a Deployment's pod template, cert-manager's issuers) takes seconds, so each
     * compiled validator is kept as ajv standalone code in the OS temp directory, keyed by the schema's
     * content and this module's source; a later run loads it instead of compiling.
     */
    private once(key: string, schema: () => unknown): ValidateFunction {
        let v = this.compiled.get(key);
        if (!v) {
            const s = schema();
            const digest = crypto
                .createHash("sha256")
                .update(OWN_SOURCE)
                .update(this.kubernetesText ?? "")
                .update(JSON.stringify(s))
                .digest("hex");
            const file = path.join(CACHE_DIR, `${digest.slice(0, 32)}.js`);
            v = loadCached(file);
            if (!v) {
                v = this.ajv.compile(s as object);
                saveCached(file, standaloneCode(this.ajv, v));
            }
            this.compiled.set(key, v);
        }
        return v;
    }
}

/**
 * A values.yaml key tree as a schema: a mapping with keys allows only those keys (`global` always, as Helm
 * passes it to every chart); an empty mapping, a list or a scalar leaves its value free.
 */
export function keysSchema(tree: unknown): object {
    if (tree === null || typeof tree !== "object") return {};
    const properties: Record<string, object> = { global: {} };
    for (const [k, v] of Object.entries(tree)) properties[k] = keysSchema(v);
    return { properties, additionalProperties: false };
}

const CACHE_DIR = path.join(os.tmpdir(), "platform-check-schemas");
const OWN_SOURCE = fs.readFileSync(__filename, "utf8");

function loadCached(file: string): ValidateFunction | undefined {
    if (!fs.existsSync(file)) return undefined;
    const mod = { exports: {} as { default?: ValidateFunction } };
    // ajv standalone code is a CommonJS module that requires ajv's runtime helpers: run it with our require.
    new Function("require", "module", "exports", fs.readFileSync(file, "utf8"))(require, mod, mod.exports);
    return mod.exports.default ?? (mod.exports as unknown as ValidateFunction);
}

function saveCached(file: string, code: string): void {
    try {
        fs.mkdirSync(CACHE_DIR, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, code);
        fs.renameSync(tmp, file); // atomic: parallel test workers never read half a file
    } catch {
        // a read-only temp directory only costs the next run the compile
    }
}

const bundles = new Map<string, Bundle>();

function bundleAt(dir: string): Bundle {
    let b = bundles.get(dir);
    if (!b) {
        b = new Bundle(dir);
        bundles.set(dir, b);
    }
    return b;
}

/** `/spec/template/0/x` → `spec.template[0].x`. */
function jsonPath(instancePath: string, extra?: string): string {
    const parts = instancePath
        .split("/")
        .slice(1)
        .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    if (extra !== undefined) parts.push(extra);
    return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

function valueAt(root: unknown, instancePath: string): unknown {
    let v = root;
    for (const p of instancePath.split("/").slice(1)) {
        v = (v as Record<string, unknown> | undefined)?.[p.replace(/~1/g, "/").replace(/~0/g, "~")];
    }
    return v;
}

function list(values: unknown[], max = 12): string {
    const shown = values.slice(0, max).map((v) => JSON.stringify(v));
    return values.length > max ? `${shown.join(", ")}, … (${values.length} in all)` : shown.join(", ");
}

/** ajv's errors as findings: one per place, the branches of an int-or-string folded into their anyOf. */
export function findingsOf(
    errors: ErrorObject[],
    data: unknown,
    urn: string,
    schema: string,
    prefix = "",
): SchemaFinding[] {
    const seen = new Set<string>();
    const out: SchemaFinding[] = [];
    for (const e of errors) {
        if (
            /\/anyOf\/\d+\//.test(`${e.schemaPath}/`) &&
            errors.some((o) => o.keyword === "anyOf" && o.instancePath === e.instancePath)
        )
            continue;
        const extra = e.keyword === "additionalProperties" ? String(e.params.additionalProperty) : undefined;
        const at = jsonPath(e.instancePath, extra);
        const p = prefix ? (at ? `${prefix}.${at}` : prefix) : at;
        const key = `${p}|${e.keyword}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({
            urn,
            path: p || "(the object)",
            received: extra ?? valueAt(data, e.instancePath),
            allowed: allowedText(e),
            schema,
        });
    }
    return out;
}

function allowedText(e: ErrorObject): string {
    const parent = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
    switch (e.keyword) {
        case "additionalProperties": {
            const known = Object.keys(parent?.properties ?? {});
            return known.length ? `no such field; the fields there are ${list(known, 40)}` : "no fields there";
        }
        case "enum":
            return `one of ${list((e.params as { allowedValues: unknown[] }).allowedValues, 40)}`;
        case "type":
            return `a value of type ${String(e.params.type)}`;
        case "anyOf":
            return "an integer or a string (int-or-string), or a number or string (quantity)";
        default:
            return e.message ?? e.keyword;
    }
}

/** The cluster's Kubernetes minor version for this run's config. */
export function clusterVersion(config: Record<string, string>, project: string): string {
    try {
        const cluster = JSON.parse(config[`${project}:cluster`] ?? "{}") as { kubernetesVersion?: unknown };
        if (typeof cluster.kubernetesVersion === "string") return cluster.kubernetesVersion;
    } catch {
        // a bad value is the config validation's to report
    }
    return DEFAULT_KUBERNETES_VERSION;
}

const isRelease = (type: string) => type === "kubernetes:helm.sh/v3:Release" || type === "kubernetes:helm.sh/v4:Chart";

/** The chart name of a release (`oci://public.ecr.aws/karpenter/karpenter` → `karpenter`). */
export function chartName(chart: unknown): string {
    return String(chart ?? "")
        .replace(/\/+$/, "")
        .split("/")
        .pop()!;
}

/** Validates every Kubernetes object and Helm release of the run (see the module comment). */
export function validateSchemas(
    run: ProgramRun,
    options: { config?: Record<string, string>; bundle?: string | null } = {},
): SchemaReport {
    const version = clusterVersion(options.config ?? {}, run.project);
    const dir = options.bundle === null ? undefined : (options.bundle ?? findBundle());
    const k8s = run.resources.filter(
        (r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:yaml/"),
    );
    const notValidated = new Set<string>();
    const yamlGroups = run.resources.filter((r) => r.type.startsWith("kubernetes:yaml/"));
    for (const r of yamlGroups)
        notValidated.add(`not validated: no schema for the objects of ${r.type} ${r.name} (rendered by the provider)`);
    if (!dir) {
        const kinds = [...new Set(k8s.map((r) => r.type.slice("kubernetes:".length)))].sort();
        for (const kind of kinds)
            notValidated.add(
                `not validated: no schema for ${kind} (no schema bundle: ${bundleCandidates().join(", ")})`,
            );
        return { kubernetesVersion: version, validated: 0, findings: [], notValidated: [...notValidated] };
    }
    const bundle = bundleAt(dir);
    const releases = new Map(
        k8s.filter((r) => isRelease(r.type)).map((r) => [chartName(r.inputs.chart), String(r.inputs.version ?? "")]),
    );
    const findings: SchemaFinding[] = [];
    let validated = 0;
    for (const r of k8s) {
        const result = isRelease(r.type) ? checkRelease(bundle, r) : checkObject(bundle, r, version, releases);
        if (typeof result === "string") notValidated.add(result);
        else {
            validated++;
            findings.push(...result);
        }
    }
    return { bundle: dir, kubernetesVersion: version, validated, findings, notValidated: [...notValidated].sort() };
}

function checkObject(
    bundle: Bundle,
    r: ResourceRecord,
    version: string,
    releases: Map<string, string>,
): SchemaFinding[] | string {
    const kind = r.type.slice("kubernetes:".length);
    const [apiVersion, kindName] = kind.split(":");
    const data = plain(r.inputs);
    const crd = bundle.manifest.crds.find((c) => c.apiVersion === apiVersion && c.kind === kindName);
    if (crd) {
        const installed = releases.get(crd.chart);
        if (installed !== undefined && installed !== crd.chartVersion) {
            return `not validated: no schema for ${kind} from ${crd.chart} ${installed} (the bundle has ${crd.chartVersion}; run npm run schemas:vendor)`;
        }
        const v = bundle.crd(crd);
        return v(data) ? [] : findingsOf(v.errors ?? [], data, r.urn, `${crd.chart} ${crd.chartVersion} CRD`);
    }
    if (bundle.manifest.kubernetes.version !== version) {
        return `not validated: no schema for ${kind} on Kubernetes ${version} (the bundle has ${bundle.manifest.kubernetes.version})`;
    }
    const v = bundle.builtin(kind);
    if (!v) return `not validated: no schema for ${kind} (not in the bundle's Kubernetes ${version} kinds)`;
    return v(data) ? [] : findingsOf(v.errors ?? [], data, r.urn, `Kubernetes ${version}`);
}

function checkRelease(bundle: Bundle, r: ResourceRecord): SchemaFinding[] | string {
    const chart = chartName(r.inputs.chart);
    const version = String(r.inputs.version ?? "");
    const entry = bundle.manifest.charts.find((c) => c.chart === chart && c.version === version);
    if (!entry) return `not validated: no values schema for chart ${chart} ${version}`;
    const values = plain(r.inputs.values) ?? {};
    const v = bundle.values(entry);
    return v(values) ? [] : findingsOf(v.errors ?? [], values, r.urn, `${chart} ${version} ${entry.kind}`, "values");
}

/** One finding as a line of the check's report. */
export function renderFinding(f: SchemaFinding): string {
    return `${f.urn}: ${f.path}: got ${JSON.stringify(f.received)}; ${f.schema} allows ${f.allowed}.`;
}

/**
 * Whether the API server or Helm refuses what a finding describes: the Kubernetes and CRD schemas and a
 * chart's values.schema.json (Helm fails the install: "values don't meet the specifications of the
 * schema(s)", helm/helm pkg/chartutil/jsonschema.go). A key missing from a values.yaml is not refused:
 * Helm passes it on and the chart ignores it, so it is a warning.
 */
export function isRefused(f: SchemaFinding): boolean {
    return !f.schema.endsWith("values.yaml keys");
}

/**
 * The refused findings as engine refusals, naming the config key when the value received is a config value
 * (exit 2 then, else 3).
 */
export function schemaRefusals(report: SchemaReport, config: Record<string, string> = {}): Refusal[] {
    const leaves = configLeaves(config);
    return report.findings.filter(isRefused).map((f) => {
        const cause =
            typeof f.received === "string" && f.received.length >= 2
                ? leaves.find((l) => l.value === f.received)
                : undefined;
        const message = `${renderFinding(f)}${cause ? `\ncaused by ${cause.key}, got "${cause.value}": set it to what the schema allows (in the stack file, or -c).` : ""}`;
        return {
            kind: "schema-violation" as const,
            urns: [f.urn],
            message,
            ...(cause ? { configKey: cause.key } : {}),
        };
    });
}

/** The lines the check prints on stderr: values keys no chart reads, and what was not validated. */
export function schemaNotes(report: SchemaReport, options: { json?: boolean } = {}): string[] {
    const warnings = report.findings
        .filter((f) => !isRefused(f))
        .map((f) => `warning: ${renderFinding(f)} Helm would pass it on and the chart would ignore it.`);
    // With --json the list is in the document (schemas.notValidated); stderr keeps one line per problem.
    if (options.json || report.notValidated.length === 0) return warnings;
    if (report.notValidated.length === 1) return [...warnings, report.notValidated[0]];
    return [
        ...warnings,
        `not validated (${report.notValidated.length}; --json lists them under schemas.notValidated): ` +
            report.notValidated.map((n) => n.replace(/^not validated: /, "")).join("; "),
    ];
}
