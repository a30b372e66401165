/**
 * `npm run schemas:vendor -- --sources <dir> --out <dir>`
 *
 * Writes the schema bundle `check/schemas.ts` validates against, from local git clones of the upstream
 * repositories (`<sources>/<owner>+<name>/repo` or `<sources>/<owner>/<name>`, read with `git show <tag>:<path>`,
 * nothing downloaded), at the versions the program pins:
 *
 *  - the Kubernetes API (swagger v2 definitions of release-<minor>, as kubernetes-client/python records it at
 *    the client release for that minor: `kubernetes/swagger.json.unprocessed`, fetched by its
 *    scripts/update-client.sh from kubernetes/kubernetes release-<minor> api/openapi-spec/swagger.json),
 *    pruned to the kinds the committed graphs deploy (test/graph/baseline) and the definitions they
 *    reference, descriptions dropped;
 *  - the openAPIV3Schema of every CRD kind the graphs use, from the pinned chart's repository at its tag;
 *  - each pinned chart's values.schema.json, or the key tree of its values.yaml where it ships no schema
 *    (with the values of the subcharts the program sets).
 *
 * Every file's source (repository@tag:path) and version go into manifest.json beside it; the check refuses
 * to use a file whose recorded version differs from the pin (it prints "not validated" instead).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse, parseDocument } from "yaml";
import { KARPENTER, DEFAULT_KUBERNETES_VERSION } from "../components/shared/facts/kubernetes";
import { CHART_PINS as CHARTS } from "../components/workloads/charts";
import { ROOT } from "./stack";
import type { ChartEntry, CrdEntry, SchemaManifest } from "./schemas";

/** kubernetes-client/python release tag per Kubernetes minor (client v36 = Kubernetes 1.36). */
const PYTHON_CLIENT_TAG: Record<string, string> = { "1.36": "v36.0.3" };

interface Source {
    readonly repo: string;
    readonly tag: string;
    readonly path: string;
}

/** The CRDs the graphs use: the chart that installs each and where its definition lives at the chart's tag. */
function crdSources(): (Source & { group: string; kind: string; chart: string; chartVersion: string })[] {
    const cm = CHARTS.certManager;
    const crds = CHARTS.prometheusOperatorCrds;
    const cmSrc = { repo: "cert-manager/cert-manager", tag: cm.version, chart: cm.chart, chartVersion: cm.version };
    const promSrc = {
        repo: "prometheus-community/helm-charts",
        tag: `${crds.chart}-${crds.version}`,
        chart: crds.chart,
        chartVersion: crds.version,
    };
    const kSrc = {
        repo: "aws/karpenter-provider-aws",
        tag: `v${KARPENTER.version}`,
        chart: "karpenter-crd",
        chartVersion: KARPENTER.version,
    };
    const promPath = (plural: string) => `charts/prometheus-operator-crds/charts/crds/templates/crd-${plural}.yaml`;
    return [
        {
            ...cmSrc,
            group: "cert-manager.io",
            kind: "ClusterIssuer",
            path: "deploy/crds/cert-manager.io_clusterissuers.yaml",
        },
        { ...cmSrc, group: "cert-manager.io", kind: "Issuer", path: "deploy/crds/cert-manager.io_issuers.yaml" },
        {
            ...cmSrc,
            group: "cert-manager.io",
            kind: "Certificate",
            path: "deploy/crds/cert-manager.io_certificates.yaml",
        },
        { ...promSrc, group: "monitoring.coreos.com", kind: "ServiceMonitor", path: promPath("servicemonitors") },
        { ...promSrc, group: "monitoring.coreos.com", kind: "PrometheusRule", path: promPath("prometheusrules") },
        { ...promSrc, group: "monitoring.coreos.com", kind: "PodMonitor", path: promPath("podmonitors") },
        { ...kSrc, group: "karpenter.sh", kind: "NodePool", path: "pkg/apis/crds/karpenter.sh_nodepools.yaml" },
        {
            ...kSrc,
            group: "karpenter.k8s.aws",
            kind: "EC2NodeClass",
            path: "pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml",
        },
        ...edgeCrdSources(),
    ];
}

/** The Gateway API (standard channel) and Envoy Gateway CRDs of the edge, at the CRD chart's release. */
function edgeCrdSources(): (Source & { group: string; kind: string; chart: string; chartVersion: string })[] {
    const pin = CHARTS.envoyGatewayCrds;
    const chart = { chart: pin.chart, chartVersion: pin.version };
    // Envoy Gateway 1.9 bundles Gateway API v1.6.1 (site/content/en/news/releases/matrix.md).
    const gwapi = { ...chart, repo: "kubernetes-sigs/gateway-api", tag: "v1.6.1", group: "gateway.networking.k8s.io" };
    const gwPath = (plural: string) => `config/crd/standard/gateway.networking.k8s.io_${plural}.yaml`;
    const eg = { ...chart, repo: "envoyproxy/gateway", tag: pin.version, group: "gateway.envoyproxy.io" };
    const egPath = (plural: string) =>
        `charts/gateway-crds-helm/templates/generated/gateway.envoyproxy.io_${plural}.yaml`;
    return [
        { ...gwapi, kind: "GatewayClass", path: gwPath("gatewayclasses") },
        { ...gwapi, kind: "Gateway", path: gwPath("gateways") },
        { ...gwapi, kind: "HTTPRoute", path: gwPath("httproutes") },
        { ...eg, kind: "EnvoyProxy", path: egPath("envoyproxies") },
        { ...eg, kind: "ClientTrafficPolicy", path: egPath("clienttrafficpolicies") },
        { ...eg, kind: "BackendTrafficPolicy", path: egPath("backendtrafficpolicies") },
        { ...eg, kind: "SecurityPolicy", path: egPath("securitypolicies") },
    ];
}

/** The charts' values files (subcharts listed under the parent key they are configured at). */
function chartSources(): {
    chart: string;
    version: string;
    schema?: Source;
    values: Source;
    subcharts?: Record<string, Source & { version: string }>;
}[] {
    const {
        certManager,
        kubePrometheusStack: kps,
        prometheusOperatorCrds: crds,
        envoyGateway,
        awsLoadBalancerController: lbc,
    } = CHARTS;
    const promTag = (chart: string, version: string) => ({
        repo: "prometheus-community/helm-charts",
        tag: `${chart}-${version}`,
    });
    const karpenter = { repo: "aws/karpenter-provider-aws", tag: `v${KARPENTER.version}` };
    return [
        {
            chart: certManager.chart,
            version: certManager.version,
            schema: {
                repo: "cert-manager/cert-manager",
                tag: certManager.version,
                path: "deploy/charts/cert-manager/values.schema.json",
            },
            values: {
                repo: "cert-manager/cert-manager",
                tag: certManager.version,
                path: "deploy/charts/cert-manager/values.yaml",
            },
        },
        {
            chart: kps.chart,
            version: kps.version,
            values: { ...promTag(kps.chart, kps.version), path: "charts/kube-prometheus-stack/values.yaml" },
            subcharts: {
                // Chart.yaml dependencies at kube-prometheus-stack-88.5.3: crds 0.0.0 (in tree), grafana 12.11.1.
                crds: {
                    ...promTag(kps.chart, kps.version),
                    path: "charts/kube-prometheus-stack/charts/crds/values.yaml",
                    version: "0.0.0",
                },
                grafana: {
                    repo: "grafana-community/helm-charts",
                    tag: "grafana-12.11.1",
                    path: "charts/grafana/values.yaml",
                    version: "12.11.1",
                },
            },
        },
        {
            chart: crds.chart,
            version: crds.version,
            values: { ...promTag(crds.chart, crds.version), path: "charts/prometheus-operator-crds/values.yaml" },
        },
        {
            chart: envoyGateway.chart,
            version: envoyGateway.version,
            // The chart's values.yaml is generated from this template at release (image tags filled in).
            values: {
                repo: "envoyproxy/gateway",
                tag: envoyGateway.version,
                path: "charts/gateway-helm/values.tmpl.yaml",
            },
        },
        {
            chart: lbc.chart,
            version: lbc.version,
            // eks-charts has no per-chart tags: the commit that published 3.5.0 (charts.ts).
            values: {
                repo: "aws/eks-charts",
                tag: "5239609242f3430be50fb0b714a24d3ef2b47983",
                path: "stable/aws-load-balancer-controller/values.yaml",
            },
        },
        {
            chart: "karpenter",
            version: KARPENTER.version,
            values: { ...karpenter, path: "charts/karpenter/values.yaml" },
        },
        {
            chart: "karpenter-crd",
            version: KARPENTER.version,
            values: { ...karpenter, path: "charts/karpenter-crd/values.yaml" },
        },
    ];
}

function gitDir(sources: string, repo: string): string {
    const [owner, name] = repo.split("/");
    const candidates = [path.join(sources, `${owner}+${name}`, "repo"), path.join(sources, owner, name)];
    const found = candidates.find((c) => fs.existsSync(c));
    if (!found) throw new Error(`no clone of ${repo} under ${sources} (looked for ${candidates.join(", ")})`);
    return found;
}

function show(sources: string, s: Source): string {
    return execFileSync("git", ["--git-dir", gitDir(sources, s.repo), "show", `${s.tag}:${s.path}`], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
}

const sourceText = (s: Source) => `github:${s.repo}@${s.tag}:${s.path}`;

/** The built-in `group/version:Kind`s of the committed graphs (the CRD kinds are listed in crdSources). */
function deployedBuiltinKinds(crdGroups: Set<string>): Set<string> {
    const dir = path.join(ROOT, "test", "graph", "baseline");
    const kinds = new Set<string>();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json"))) {
        const graph = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as { resources: { type: string }[] };
        for (const { type } of graph.resources) {
            const [pkg, gv, kind] = type.split(":");
            if (pkg !== "kubernetes" || gv.startsWith("helm.sh/") || gv.startsWith("yaml/")) continue;
            if (!crdGroups.has(gv.split("/")[0])) kinds.add(`${gv}:${kind}`);
        }
    }
    return kinds;
}

/** Drops descriptions and keeps only the definitions reachable from the roots. */
function prune(definitions: Record<string, unknown>, roots: string[]): Record<string, unknown> {
    const keep: Record<string, unknown> = {};
    const visit = (name: string) => {
        if (keep[name] !== undefined || definitions[name] === undefined) return;
        keep[name] = strip(definitions[name]);
        JSON.stringify(definitions[name]).replace(/"\$ref":"#\/definitions\/([^"]+)"/g, (_, ref: string) => {
            visit(ref);
            return "";
        });
    };
    roots.forEach(visit);
    return Object.fromEntries(
        Object.keys(keep)
            .sort()
            .map((k) => [k, keep[k]]),
    );
}

function strip(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
        Object.entries(value)
            .filter(([k, v]) => k !== "description" || typeof v !== "string")
            .map(([k, v]) => [k, strip(v)]),
    );
}

function vendorKubernetes(sources: string, out: string, kinds: Set<string>, minor: string) {
    const src: Source = {
        repo: "kubernetes-client/python",
        tag: PYTHON_CLIENT_TAG[minor],
        path: "kubernetes/swagger.json.unprocessed",
    };
    const swagger = JSON.parse(show(sources, src)) as { definitions: Record<string, Record<string, unknown>> };
    const byKind: Record<string, string> = {};
    for (const [name, def] of Object.entries(swagger.definitions)) {
        for (const gvk of (def["x-kubernetes-group-version-kind"] ?? []) as {
            group: string;
            version: string;
            kind: string;
        }[]) {
            const key = `${gvk.group === "" ? "core" : gvk.group}/${gvk.version}:${gvk.kind}`;
            if (kinds.has(key)) byKind[key] = name;
        }
    }
    const missing = [...kinds].filter((k) => !byKind[k]);
    if (missing.length) throw new Error(`Kubernetes ${minor} has no definition for ${missing.join(", ")}`);
    const definitions = prune(swagger.definitions, [
        ...Object.values(byKind),
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
    ]);
    const file = `kubernetes-${minor}.json`;
    fs.writeFileSync(path.join(out, file), `${JSON.stringify({ kinds: byKind, definitions })}\n`);
    return {
        version: minor,
        file,
        source: `${sourceText(src)} (kubernetes/kubernetes release-${minor} api/openapi-spec/swagger.json)`,
        kinds: Object.keys(byKind).sort(),
    };
}

/** A CRD document's schema for one kind: the storage version's openAPIV3Schema. */
function crdSchema(text: string, kind: string) {
    // The prometheus-operator-crds templates wrap the CRD in `{{- if ... }}` / `{{- with .Values.annotations }}`.
    const yamlText = text
        .split("\n")
        .filter((l) => !/^\s*\{\{.*\}\}\s*$/.test(l))
        .join("\n");
    const doc = parse(yamlText) as {
        spec: {
            names: { kind: string };
            scope: string;
            versions: { name: string; storage: boolean; schema: { openAPIV3Schema: unknown } }[];
        };
    };
    if (doc.spec.names.kind !== kind) throw new Error(`expected a CRD for ${kind}, got ${doc.spec.names.kind}`);
    return doc.spec.versions.map((v) => ({
        version: v.name,
        scope: doc.spec.scope,
        schema: strip(v.schema.openAPIV3Schema),
    }));
}

function vendorCrds(sources: string, out: string): CrdEntry[] {
    fs.mkdirSync(path.join(out, "crds"), { recursive: true });
    return crdSources().flatMap((s) =>
        crdSchema(show(sources, s), s.kind).map((v) => {
            const file = `crds/${s.group}_${v.version}_${s.kind}.json`;
            fs.writeFileSync(path.join(out, file), `${JSON.stringify({ scope: v.scope, schema: v.schema })}\n`);
            return {
                apiVersion: `${s.group}/${v.version}`,
                kind: s.kind,
                chart: s.chart,
                chartVersion: s.chartVersion,
                file,
                source: sourceText(s),
            };
        }),
    );
}

/** The key tree of a values.yaml: mappings with keys become `{key: tree}`, everything else `null` (free). */
export function keyTree(value: unknown): unknown {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
    const entries = Object.entries(value);
    if (entries.length === 0) return null;
    return Object.fromEntries(entries.map(([k, v]) => [k, keyTree(v)]));
}

/** A commented-out YAML line (`  # limits:`, `  ## - name: x`), and where its text starts. */
const COMMENTED_KEY = /^(\s*)#+ ?(\s*(?:- +)?[\w"'/-]+(?:\.[\w"'/-]+)*:(?: .*)?)$/;

/**
 * The keys a values.yaml documents, set or commented out: charts document optional keys as comments
 * (`resources:` with `# limits:` below it), and a chart reads them all the same. Each block of commented
 * key lines is uncommented when the file still parses with it (if needed, replacing the `{}` or `[]` of the
 * key above it); prose stays a comment.
 */
export function documentedKeys(text: string): unknown {
    let lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
        if (!COMMENTED_KEY.test(lines[i])) continue;
        let end = i;
        while (end + 1 < lines.length && /^\s*#/.test(lines[end + 1]) && !/^\s*#+\s*--/.test(lines[end + 1])) end++;
        const block = lines.slice(i, end + 1).map((l) => l.replace(/^(\s*)#+ ?/, "$1"));
        const attempts = [[...lines.slice(0, i), ...block, ...lines.slice(end + 1)]];
        const above = i - 1;
        if (above >= 0 && /:\s*(\{\}|\[\])\s*$/.test(lines[above])) {
            const opened = lines[above].replace(/:\s*(\{\}|\[\])\s*$/, ":");
            attempts.push([...lines.slice(0, above), opened, ...block, ...lines.slice(end + 1)]);
        }
        const fits = attempts.find((a) => parsesAsMapping(a.join("\n")));
        if (fits) lines = fits;
        i = end;
    }
    return parse(lines.join("\n"));
}

function parsesAsMapping(text: string): boolean {
    try {
        const doc = parseDocument(text);
        return doc.errors.length === 0 && doc.contents !== null && typeof doc.toJS() === "object";
    } catch {
        return false;
    }
}

/** Every file under a directory of the clone at a tag. */
function showAll(sources: string, s: Source): string[] {
    const dir = gitDir(sources, s.repo);
    const names = execFileSync("git", ["--git-dir", dir, "ls-tree", "-r", "--name-only", s.tag, "--", s.path], {
        encoding: "utf8",
        maxBuffer: 16 * 1024 * 1024,
    })
        .split("\n")
        .filter((n) => n.endsWith(".yaml") || n.endsWith(".tpl") || n.endsWith(".txt") || n.endsWith(".json"));
    return names.map((n) => show(sources, { ...s, path: n }));
}

// A value assigned to a template variable (`$user := .Values.config.envoyGateway`, then merged and passed to
// toYaml: envoyproxy/gateway@v1.9.0:charts/gateway-helm/templates/envoy-gateway-config.yaml) is passed on whole too.
const VALUE_REF =
    /(toYaml|range[^}]*?|tpl|with|:=)?\s*(?:\(\s*)?(?:\.Values((?:\.[A-Za-z_]\w*)+)|index \.Values "([^"]+)")/g;

/**
 * The values a chart's templates read (`.Values.controller.minAvailable`, `index .Values "grafana.ini"`) are
 * part of its interface even where values.yaml does not list them; a value passed on whole (`toYaml`,
 * `range`, `tpl`, `with`) is free below it.
 */
export function addTemplateReads(tree: Record<string, unknown>, templates: string[]): void {
    for (const text of templates) {
        for (const m of text.matchAll(VALUE_REF)) {
            const keys = m[2] ? m[2].slice(1).split(".") : [m[3]];
            const whole = m[1] !== undefined;
            let node: Record<string, unknown> = tree;
            keys.forEach((k, i) => {
                const last = i === keys.length - 1;
                if (last) {
                    if (whole || !(k in node)) node[k] = whole ? null : (node[k] ?? null);
                    return;
                }
                if (node[k] === null && k in node) {
                    node = {}; // free below: nothing to add
                    return;
                }
                if (typeof node[k] !== "object" || node[k] === null) node[k] = {};
                node = node[k] as Record<string, unknown>;
            });
        }
    }
}

function vendorCharts(sources: string, out: string): ChartEntry[] {
    fs.mkdirSync(path.join(out, "charts"), { recursive: true });
    return chartSources().map((c) => {
        const base = `charts/${c.chart}-${c.version}`;
        if (c.schema) {
            const file = `${base}.values.schema.json`;
            fs.writeFileSync(path.join(out, file), show(sources, c.schema));
            return {
                chart: c.chart,
                version: c.version,
                kind: "values.schema.json",
                file,
                source: sourceText(c.schema),
            };
        }
        const tree = (keyTree(documentedKeys(show(sources, c.values))) ?? {}) as Record<string, unknown>;
        addTemplateReads(
            tree,
            showAll(sources, { ...c.values, path: path.posix.join(path.posix.dirname(c.values.path), "templates") }),
        );
        const subcharts: ChartEntry["subcharts"] = {};
        for (const [key, s] of Object.entries(c.subcharts ?? {})) {
            subcharts[key] = { version: s.version, source: sourceText(s) };
            const sub = (keyTree(documentedKeys(show(sources, s))) ?? {}) as Record<string, unknown>;
            addTemplateReads(
                sub,
                showAll(sources, { ...s, path: path.posix.join(path.posix.dirname(s.path), "templates") }),
            );
            tree[key] = { ...((tree[key] as object | null) ?? {}), ...sub };
        }
        const file = `${base}.values-keys.json`;
        fs.writeFileSync(path.join(out, file), `${JSON.stringify(tree)}\n`);
        return {
            chart: c.chart,
            version: c.version,
            kind: "values.yaml keys",
            file,
            source: sourceText(c.values),
            subcharts,
        };
    });
}

export function vendor(sources: string, out: string, minor: string = DEFAULT_KUBERNETES_VERSION): SchemaManifest {
    fs.mkdirSync(out, { recursive: true });
    const crds = vendorCrds(sources, out);
    const kinds = deployedBuiltinKinds(new Set(crds.map((c) => c.apiVersion.split("/")[0])));
    const manifest: SchemaManifest = {
        note:
            "Generated by npm run schemas:vendor (check/schemas-vendor.ts) from the upstream repositories at the " +
            "pinned tags; Kubernetes definitions pruned to the kinds the program deploys and what they reference, " +
            "descriptions dropped. Do not edit by hand.",
        kubernetes: vendorKubernetes(sources, out, kinds, minor),
        crds,
        charts: vendorCharts(sources, out),
    };
    fs.writeFileSync(path.join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
}

if (require.main === module) {
    const args = process.argv.slice(2);
    const opt = (name: string) => {
        const i = args.indexOf(name);
        return i >= 0 ? args[i + 1] : undefined;
    };
    const sources = opt("--sources");
    const out = opt("--out");
    if (!sources || !out || args.includes("--help")) {
        process.stdout.write("usage: npm run schemas:vendor -- --sources <dir of upstream git clones> --out <dir>\n");
        process.exit(sources && out ? 0 : 2);
    }
    const manifest = vendor(sources, out);
    process.stdout.write(
        `wrote ${manifest.kubernetes.kinds.length} Kubernetes kinds, ${manifest.crds.length} CRD versions, ${manifest.charts.length} charts to ${out}\n`,
    );
}
