import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import { execFile } from "child_process";
import { createHash } from "crypto";
import * as https from "https";

/**
 * Waits, during a real `pulumi up`, until the deployer's Azure RBAC grant on an AKS cluster is effective, so
 * the Kubernetes provider is not used before it: with local accounts disabled every Kubernetes call is
 * authorized by Azure RBAC, and "New role assignments can take up to five minutes to propagate and be
 * updated by the authorization server" (https://learn.microsoft.com/azure/aks/manage-azure-rbac,
 * MicrosoftDocs/azure-aks-docs@articles/aks/manage-azure-rbac.md, "Before you begin"). Until then the API
 * server answers 403 and the first namespace the program creates fails. A `dependsOn` on the role
 * assignment only waits for ARM to accept it, not for AKS to honour it.
 *
 * The probe is a Pulumi dynamic resource. Its `create` runs only in a real `pulumi up` (never in a preview
 * nor under the offline check's mocks): it signs in exactly as the Kubernetes provider will (the kubeconfig's
 * exec command, kubelogin), then polls the API server until the deployer may list namespaces and a
 * SelfSubjectAccessReview says it may create them, several times in a row, within a bounded time. The
 * token lives only in the provider process's memory: it is no input, output, state or log line.
 */

/** How long and how often the probe polls. */
export interface ProbeTiming {
    /** Give up after this long, in seconds. */
    readonly timeoutSeconds: number;
    /** Pause between attempts, in seconds. */
    readonly intervalSeconds: number;
    /** Authorized answers needed in a row (the API server runs several replicas, each with its own cache). */
    readonly requiredSuccesses: number;
}

/** Twice the documented propagation time, polled every 10 s, three authorized answers in a row. */
export const DEFAULT_PROBE_TIMING: ProbeTiming = { timeoutSeconds: 600, intervalSeconds: 10, requiredSuccesses: 3 };

/** One HTTP answer from the API server; status 0 when the request did not get an answer at all. */
export interface ProbeAnswer {
    readonly status: number;
    readonly body: string;
}

/** What the polling loop needs from the outside world; tests pass fakes. */
export interface ProbeIo {
    /** A fresh bearer token of the deployer for the cluster. */
    token(): Promise<string>;
    /** Sends a request to the API server (path relative to the server) with the token. */
    request(method: "GET" | "POST", path: string, token: string, body?: string): Promise<ProbeAnswer>;
    sleep(ms: number): Promise<void>;
    now(): number;
}

const SELF_REVIEW = JSON.stringify({
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    spec: { resourceAttributes: { verb: "create", resource: "namespaces" } },
});

/** Whether one round of requests shows the deployer authorized; the reason when it does not. */
async function authorizedOnce(io: ProbeIo): Promise<{ ok: boolean; reason: string }> {
    const token = await io.token();
    const list = await io.request("GET", "/api/v1/namespaces?limit=1", token);
    if (list.status !== 200) {
        return { ok: false, reason: describeAnswer("GET /api/v1/namespaces", list) };
    }
    const review = await io.request(
        "POST",
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        token,
        SELF_REVIEW,
    );
    let allowed = false;
    try {
        allowed = review.status === 201 && JSON.parse(review.body)?.status?.allowed === true;
    } catch {
        allowed = false;
    }
    return allowed
        ? { ok: true, reason: "" }
        : { ok: false, reason: describeAnswer("SelfSubjectAccessReview (create namespaces)", review) };
}

/** A short, token-free description of an answer for the error message. */
function describeAnswer(what: string, answer: ProbeAnswer): string {
    const status = answer.status === 0 ? "no answer" : `HTTP ${answer.status}`;
    return `${what}: ${status}${answer.body ? ` ${answer.body.replace(/\s+/g, " ").slice(0, 200)}` : ""}`;
}

/**
 * Polls until `timing.requiredSuccesses` rounds in a row are authorized; throws, naming the last answer, when
 * `timing.timeoutSeconds` pass first. Any failure (403 while the grant propagates, 401, a network error while
 * the API server starts, a failing token command) resets the run of successes and is retried.
 */
export async function waitForKubernetesAccess(io: ProbeIo, timing: ProbeTiming, cluster: string): Promise<number> {
    const deadline = io.now() + timing.timeoutSeconds * 1000;
    let successes = 0;
    let attempts = 0;
    let last = "no attempt";
    for (;;) {
        attempts++;
        const round = await authorizedOnce(io).catch((err: Error) => ({ ok: false, reason: err.message }));
        successes = round.ok ? successes + 1 : 0;
        last = round.ok ? last : round.reason;
        if (successes >= timing.requiredSuccesses) {
            return attempts;
        }
        if (io.now() + timing.intervalSeconds * 1000 > deadline) {
            throw new Error(
                `The deployer is still not authorized on the Kubernetes API of ${cluster} after ` +
                    `${timing.timeoutSeconds} s (${attempts} attempts); last answer: ${last}. Azure RBAC grants ` +
                    `take up to five minutes to reach AKS. Check that the deployer's "Azure Kubernetes Service RBAC ` +
                    `Cluster Admin" assignment exists on the cluster, that platform:cluster's azure.deployerPrincipalType ` +
                    `matches the identity running the deployment, and that this machine reaches the API server; then ` +
                    `run pulumi up again.`,
            );
        }
        await io.sleep(timing.intervalSeconds * 1000);
    }
}

/** The inputs of the probe resource. */
export interface AccessProbeInputs {
    /** The API server URL (`https://...`). */
    readonly server: string;
    /** The API server's CA bundle, base64 PEM as in a kubeconfig. */
    readonly caData: string;
    /** The kubeconfig's exec credential plugin: command and arguments (no secrets in them). */
    readonly command: string;
    readonly args: string[];
    /** Resource id of the role assignment waited for; a new grant (or a new deployer) probes again. */
    readonly grantId: string;
    readonly timing: ProbeTiming;
}

/** The real world: kubelogin for the token, HTTPS to the API server with its own CA, timers. */
export function liveIo(inputs: AccessProbeInputs): ProbeIo {
    return {
        token: () =>
            new Promise((resolve, reject) => {
                execFile(inputs.command, inputs.args, { timeout: 120_000 }, (err, stdout, stderr) => {
                    if (err) {
                        const why =
                            (err as NodeJS.ErrnoException).code === "ENOENT" ? "not found on PATH" : stderr.trim();
                        return reject(
                            new Error(`${inputs.command} (the kubeconfig's credential plugin) failed: ${why}`),
                        );
                    }
                    try {
                        const token = JSON.parse(stdout)?.status?.token;
                        return typeof token === "string" && token ? resolve(token) : reject(new Error("no token"));
                    } catch {
                        return reject(new Error(`${inputs.command} printed no ExecCredential`));
                    }
                });
            }),
        request: (method, path, token, body) =>
            new Promise((resolve) => {
                const headers: Record<string, string> = {
                    Authorization: `Bearer ${token}`,
                    Accept: "application/json",
                };
                if (body) headers["Content-Type"] = "application/json";
                const req = https.request(
                    new URL(path, inputs.server),
                    { method, headers, ca: Buffer.from(inputs.caData, "base64"), timeout: 15_000 },
                    (res) => {
                        let text = "";
                        res.setEncoding("utf8");
                        res.on("data", (chunk: string) => (text += chunk));
                        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
                    },
                );
                req.on("timeout", () => req.destroy(new Error("timed out")));
                req.on("error", (err) => resolve({ status: 0, body: err.message }));
                req.end(body);
            }),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        now: () => Date.now(),
    };
}

/** The inputs whose change means "probe again". */
const PROBED_INPUTS = ["server", "caData", "command", "args", "grantId"] as const;

/** The dynamic provider: create probes; a changed cluster or grant replaces (probes again); delete does nothing. */
export const accessProbeProvider: dynamic.ResourceProvider = {
    async create(inputs: AccessProbeInputs) {
        await waitForKubernetesAccess(liveIo(inputs), inputs.timing, inputs.server);
        const id = createHash("sha256").update(`${inputs.server}\n${inputs.grantId}`).digest("hex").slice(0, 32);
        return { id, outs: inputs };
    },
    async diff(_id: string, olds: AccessProbeInputs, news: AccessProbeInputs) {
        const replaces = PROBED_INPUTS.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
        return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
    },
};

/** The arguments of {@link KubernetesAccessProbe}. */
export interface KubernetesAccessProbeArgs {
    readonly server: pulumi.Input<string>;
    readonly caData: pulumi.Input<string>;
    readonly command: pulumi.Input<string>;
    readonly args: pulumi.Input<pulumi.Input<string>[]>;
    readonly grantId: pulumi.Input<string>;
    /** @default DEFAULT_PROBE_TIMING (10 minutes, every 10 s, 3 authorized answers in a row) */
    readonly timing?: ProbeTiming;
}

/** A resource that exists once the deployer's Azure RBAC grant on the cluster is honoured by its API server. */
export class KubernetesAccessProbe extends dynamic.Resource {
    constructor(name: string, args: KubernetesAccessProbeArgs, opts?: pulumi.CustomResourceOptions) {
        super(accessProbeProvider, name, { ...args, timing: args.timing ?? DEFAULT_PROBE_TIMING }, opts);
    }
}
