/**
 * The drill's readiness check: a Kubernetes Job in the throwaway cluster that waits until the restored
 * database accepts TLS connections (`pg_isready`) and then queries it (`psql`). A direct connection from the
 * drill's runner is not possible: the database has no public endpoint and admits only the cluster's node
 * subnets (components/database). The Job runs `postgres:<major>-alpine` (the client of the server's major
 * version), non-root with a read-only root file system, and verifies the server's certificate against the CA
 * bundle the database publishes (`database.tlsCaBundleUrl`, `sslmode=verify-full` in the connection string).
 */
import type { Exec } from "./restore-point";

export const CHECK_NAMESPACE = "platform-drill";
export const CHECK_JOB = "restore-check";

/** Prints `ready=<UTC time>` once the server accepts connections, then `tables=<n>` from a real query. */
const SCRIPT = [
    'wget -qO /tmp/ca.pem "$CA_BUNDLE_URL"',
    "export PGSSLROOTCERT=/tmp/ca.pem",
    'until pg_isready -q -d "$DATABASE_URL"; do sleep 5; done',
    "date -u +ready=%Y-%m-%dT%H:%M:%SZ",
    'psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -Atc "select \'tables=\' || count(*) from information_schema.tables ' +
        "where table_schema not in ('pg_catalog', 'information_schema')\"",
].join("\n");

export interface CheckTarget {
    readonly connectionString: string;
    readonly tlsCaBundleUrl: string;
    /** PostgreSQL major version of the restored server. */
    readonly engineVersion: string;
}

/** The namespace, the Secret with the connection string (sent on stdin, never in arguments) and the Job. */
export function checkManifests(target: CheckTarget, deadlineSeconds: number): object {
    const metadata = { name: CHECK_JOB, namespace: CHECK_NAMESPACE };
    const env = [
        { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: CHECK_JOB, key: "url" } } },
        { name: "CA_BUNDLE_URL", value: target.tlsCaBundleUrl },
    ];
    const container = {
        name: "check",
        image: `postgres:${target.engineVersion}-alpine`,
        command: ["sh", "-ec", SCRIPT],
        env,
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
        securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
        },
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
    };
    const pod = {
        restartPolicy: "Never",
        // The image's postgres user (uid 70 in the Alpine images).
        securityContext: { runAsNonRoot: true, runAsUser: 70, seccompProfile: { type: "RuntimeDefault" } },
        containers: [container],
        volumes: [{ name: "tmp", emptyDir: {} }],
    };
    const items = [
        { apiVersion: "v1", kind: "Namespace", metadata: { name: CHECK_NAMESPACE } },
        { apiVersion: "v1", kind: "Secret", metadata, type: "Opaque", stringData: { url: target.connectionString } },
        {
            apiVersion: "batch/v1",
            kind: "Job",
            metadata,
            spec: { backoffLimit: 0, activeDeadlineSeconds: deadlineSeconds, template: { spec: pod } },
        },
    ];
    return { apiVersion: "v1", kind: "List", items };
}

export interface CheckResult {
    /** When the server first accepted a connection (the Job's `ready=` line; else when the Job finished). */
    readonly readyAt: Date;
    /** The query's answer, e.g. `tables=42`. */
    readonly answer: string;
}

interface JobStatus {
    readonly status?: { succeeded?: number; failed?: number; completionTime?: string };
}

/** Applies the Job, polls it until it succeeds or fails (or the deadline passes), and reads its log. */
export async function runCheckJob(
    kubectl: Exec,
    env: Readonly<Record<string, string>>,
    target: CheckTarget,
    options: {
        readonly deadlineSeconds: number;
        readonly pollMs: number;
        readonly sleep: (ms: number) => Promise<void>;
    },
): Promise<CheckResult> {
    const ns = ["--namespace", CHECK_NAMESPACE];
    const input = JSON.stringify(checkManifests(target, options.deadlineSeconds));
    await kubectl("kubectl", ["apply", "-f", "-"], { input, env });
    for (let waited = 0; ; waited += options.pollMs) {
        const job = JSON.parse(
            await kubectl("kubectl", ["get", "job", CHECK_JOB, ...ns, "-o", "json"], { env }),
        ) as JobStatus;
        const logs = () => kubectl("kubectl", ["logs", `job/${CHECK_JOB}`, ...ns], { env });
        if ((job.status?.succeeded ?? 0) > 0) return parseCheckLog(await logs(), job.status?.completionTime);
        if ((job.status?.failed ?? 0) > 0) throw new Error(`The check Job failed:\n${(await logs()).trim()}`);
        if (waited > options.deadlineSeconds * 1000) {
            throw new Error(`The check Job did not finish within ${options.deadlineSeconds} s.`);
        }
        await options.sleep(options.pollMs);
    }
}

export function parseCheckLog(log: string, completionTime?: string): CheckResult {
    const ready = /^ready=(\S+)$/m.exec(log)?.[1];
    const answer = /^tables=\d+$/m.exec(log)?.[0];
    if (!answer) throw new Error(`The check Job finished without the query's answer:\n${log.trim()}`);
    const readyAt = new Date(ready ?? completionTime ?? Date.now());
    return { readyAt, answer };
}
