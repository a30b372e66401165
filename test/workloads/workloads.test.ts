/**
 * The application services on the cluster, for every stack file on both clouds: each service's objects
 * exist with the settings a reviewer cares about, secrets stay in Secrets, charts are pinned, and the
 * per-cloud registry and identities are scoped as documented.
 */
import * as assert from "assert";
import * as crypto from "crypto";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { PlatformConfig, parseConfig } from "../../components/shared/config";
import { serviceRoles } from "../../components/database/roles";
import { BINDING_VARIABLES, resolveServices } from "../../components/workloads";
import { CHART_PINS } from "../../components/workloads/charts";
import { KEDA_CHART_PIN } from "../../components/workloads/scaling/chart";
import { EXTERNAL_DNS_CHART } from "../../components/workloads/dns/chart";
import { grafanaHostFor } from "../../components/workloads/edge/routes";
import { alertThresholds } from "../../components/workloads/observability/rules";
import { ProgramRun, ResourceRecord, redact } from "../../check/runtime";
import { loadStackConfig } from "../../check/stack";
import { MATRIX, inputs, ofType, one, outputs, runStack } from "../harness";

const K8S = {
    namespace: "kubernetes:core/v1:Namespace",
    deployment: "kubernetes:apps/v1:Deployment",
    service: "kubernetes:core/v1:Service",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    secret: "kubernetes:core/v1:Secret",
    configMap: "kubernetes:core/v1:ConfigMap",
    httpRoute: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    serviceMonitor: "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
    release: "kubernetes:helm.sh/v3:Release",
} as const;

function stackConfig(stack: string, cloud: string): PlatformConfig {
    const { project, config } = loadStackConfig(stack, [`platform:cloud=${cloud}`]);
    return parseConfig(config, project, stack);
}

/** The Kubernetes object of a type with a given name in a namespace. */
function k8sObject(run: ProgramRun, type: string, name: string, namespace?: string): ResourceRecord {
    const found = ofType(run, type).filter((r) => {
        const meta = inputs(r).metadata ?? {};
        return meta.name === name && (namespace === undefined || meta.namespace === namespace);
    });
    assert.strictEqual(found.length, 1, `expected one ${type} named ${name} in ${namespace}, found ${found.length}`);
    return found[0];
}

function byUrn(run: ProgramRun, urn: string): ResourceRecord | undefined {
    return run.resources.find((r) => r.urn === urn);
}

/** Every string inside a value. */
function strings(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(strings);
    if (value && typeof value === "object") return Object.values(value).flatMap(strings);
    return [];
}

for (const { stack, cloud } of MATRIX) {
    describe(`workloads: ${stack} on ${cloud}`, () => {
        const config = stackConfig(stack, cloud);
        const services = resolveServices(config.services);
        const namespace = `platform-${stack}`;
        let run: ProgramRun;

        before(async function () {
            this.timeout(120_000);
            run = await runStack(stack, cloud);
        });

        it("ships api, frontend and worker", () => {
            assert.deepStrictEqual(services.map((s) => s.name).sort(), ["api", "frontend", "worker"]);
        });

        it("runs the services in a namespace of their own that enforces the restricted Pod Security Standard", () => {
            const ns = inputs(k8sObject(run, K8S.namespace, namespace));
            assert.strictEqual(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        });

        it("denies all traffic in the namespace by default and allows DNS", () => {
            const deny = inputs(k8sObject(run, K8S.networkPolicy, "default-deny-all", namespace));
            assert.deepStrictEqual(deny.spec.podSelector, {});
            assert.deepStrictEqual(deny.spec.policyTypes, ["Ingress", "Egress"]);
            assert.strictEqual(deny.spec.ingress, undefined);
            assert.strictEqual(deny.spec.egress, undefined);
            const dns = inputs(k8sObject(run, K8S.networkPolicy, "allow-dns-egress", namespace));
            assert.deepStrictEqual(
                dns.spec.egress[0].ports.map((p: { port: number }) => p.port),
                [53, 53],
            );
        });

        for (const s of services) {
            describe(`service ${s.name}`, () => {
                it("has a Deployment with zero-downtime rolling updates and the configured image", () => {
                    const spec = inputs(k8sObject(run, K8S.deployment, s.name, namespace)).spec;
                    assert.deepStrictEqual(spec.strategy, {
                        type: "RollingUpdate",
                        rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
                    });
                    assert.strictEqual(spec.replicas, s.minReplicas);
                    assert.strictEqual(spec.template.spec.containers[0].image, s.image);
                });

                it("probes liveness, readiness and startup on the configured paths", () => {
                    const [container] = inputs(k8sObject(run, K8S.deployment, s.name, namespace)).spec.template.spec
                        .containers;
                    assert.strictEqual(container.livenessProbe.httpGet.path, s.probes.liveness);
                    assert.strictEqual(container.readinessProbe.httpGet.path, s.probes.readiness);
                    assert.strictEqual(container.startupProbe.httpGet.path, s.probes.startup);
                    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
                        assert.strictEqual(probe.httpGet.port, "http");
                    }
                    assert.ok(container.startupProbe.failureThreshold * container.startupProbe.periodSeconds >= 300);
                });

                // Endpoint removal runs concurrently with termination; the pause keeps the pod serving until
                // the Gateway's Envoy pods and kube-proxy have stopped sending to it (AWS Prescriptive Guidance,
                // https://docs.aws.amazon.com/prescriptive-guidance/latest/ha-resiliency-amazon-eks-apps/lifecycle-hooks.html).
                it("keeps serving for a while after termination starts, so that rolling updates drop no requests", () => {
                    const pod = inputs(k8sObject(run, K8S.deployment, s.name, namespace)).spec.template.spec;
                    const sleep = pod.containers[0].lifecycle?.preStop?.sleep?.seconds;
                    assert.ok(sleep >= 5, `preStop sleeps ${sleep} s`);
                    assert.ok(pod.terminationGracePeriodSeconds - sleep >= 30, "the app keeps 30 s to shut down");
                });

                it("sets requests and limits", () => {
                    const [container] = inputs(k8sObject(run, K8S.deployment, s.name, namespace)).spec.template.spec
                        .containers;
                    assert.deepStrictEqual(container.resources, { requests: s.requests, limits: s.limits });
                });

                it("runs restricted: non-root, read-only root filesystem, no escalation, no capabilities, seccomp", () => {
                    const pod = inputs(k8sObject(run, K8S.deployment, s.name, namespace)).spec.template.spec;
                    const container = pod.containers[0];
                    assert.strictEqual(pod.securityContext.runAsNonRoot, true);
                    assert.strictEqual(pod.securityContext.seccompProfile.type, "RuntimeDefault");
                    assert.strictEqual(container.securityContext.runAsNonRoot, true);
                    assert.strictEqual(container.securityContext.readOnlyRootFilesystem, true);
                    assert.strictEqual(container.securityContext.allowPrivilegeEscalation, false);
                    assert.deepStrictEqual(container.securityContext.capabilities.drop, ["ALL"]);
                    assert.strictEqual(container.securityContext.seccompProfile.type, "RuntimeDefault");
                    assert.strictEqual(pod.automountServiceAccountToken, false);
                    assert.strictEqual(pod.serviceAccountName, s.name);
                });

                it(`${config.highAvailability ? "spreads" : "does not spread"} pods across zones`, () => {
                    const pod = inputs(k8sObject(run, K8S.deployment, s.name, namespace)).spec.template.spec;
                    const zoneSpread = (pod.topologySpreadConstraints ?? []).find(
                        (c: { topologyKey: string }) => c.topologyKey === "topology.kubernetes.io/zone",
                    );
                    if (config.highAvailability) {
                        assert.ok(zoneSpread, "a zone spread constraint");
                        assert.strictEqual(zoneSpread.whenUnsatisfiable, "DoNotSchedule");
                        assert.strictEqual(zoneSpread.maxSkew, 1);
                    } else {
                        assert.strictEqual(zoneSpread, undefined);
                    }
                });

                it("has a ClusterIP Service selecting the stable pods", () => {
                    const svc = inputs(k8sObject(run, K8S.service, s.name, namespace)).spec;
                    const deployment = inputs(k8sObject(run, K8S.deployment, s.name, namespace)).spec;
                    assert.strictEqual(svc.type, "ClusterIP");
                    assert.deepStrictEqual(svc.selector, deployment.selector.matchLabels);
                    assert.strictEqual(deployment.template.spec.containers[0].ports[0].containerPort, s.port);
                });

                // The VPC CNI enforces network policy before the Service address is translated, and admits a
                // call through a Service only when "the service port [is] the same as the container port"
                // (https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html#cni-network-policy-considerations,
                // aws/aws-network-policy-agent#166, aws/amazon-network-policy-controller-k8s@pkg/resolvers/endpoints.go).
                it("listens on its container port, so that network policy admits calls through its Service on EKS", () => {
                    const names = [s.name, ...(s.expose?.canary ? [`${s.name}-canary`] : [])];
                    for (const name of names) {
                        const svc = inputs(k8sObject(run, K8S.service, name, namespace)).spec;
                        const container = inputs(k8sObject(run, K8S.deployment, name, namespace)).spec.template.spec
                            .containers[0];
                        assert.deepStrictEqual(svc.ports, [
                            { name: "http", port: s.port, targetPort: s.port, protocol: "TCP" },
                        ]);
                        assert.deepStrictEqual(container.ports, [
                            { name: "http", containerPort: s.port, protocol: "TCP" },
                        ]);
                    }
                });

                it("is handed the callee's Service port in every in-cluster URL, so that its calls arrive", () => {
                    for (const [variable, value] of Object.entries(s.env)) {
                        const callee = services.find((o) => o.name !== s.name && value.startsWith(`http://${o.name}`));
                        if (!callee) continue;
                        assert.match(value, new RegExp(`^http://${callee.name}:${callee.port}(/|$)`), variable);
                        assert.ok(
                            s.calls.some((c) => c.name === callee.name),
                            `${variable}: ${callee.name} is in calls`,
                        );
                    }
                });

                it("autoscales between min and max replicas on CPU 70% and memory 80%", () => {
                    const hpa = inputs(k8sObject(run, K8S.hpa, s.name, namespace)).spec;
                    assert.deepStrictEqual(hpa.scaleTargetRef, {
                        apiVersion: "apps/v1",
                        kind: "Deployment",
                        name: s.name,
                    });
                    assert.deepStrictEqual([hpa.minReplicas, hpa.maxReplicas], [s.minReplicas, s.maxReplicas]);
                    const targets = Object.fromEntries(
                        hpa.metrics.map((m: { resource: { name: string; target: { averageUtilization: number } } }) => [
                            m.resource.name,
                            m.resource.target.averageUtilization,
                        ]),
                    );
                    assert.deepStrictEqual(targets, { cpu: 70, memory: 80 });
                });

                it("has a PodDisruptionBudget that lets one pod go at a time", () => {
                    const pdb = inputs(k8sObject(run, K8S.pdb, s.name, namespace)).spec;
                    const deployment = inputs(k8sObject(run, K8S.deployment, s.name, namespace)).spec;
                    assert.strictEqual(pdb.maxUnavailable, 1);
                    assert.deepStrictEqual(pdb.selector, deployment.selector);
                });

                it("has a NetworkPolicy admitting only the traffic it needs", () => {
                    const policy = inputs(k8sObject(run, K8S.networkPolicy, s.name, namespace)).spec;
                    assert.deepStrictEqual(policy.policyTypes, ["Ingress", "Egress"]);
                    const sources = policy.ingress.map((rule: { from: object[] }) => JSON.stringify(rule.from));
                    assert.strictEqual(
                        sources.some((f: string) => f.includes('"envoy-gateway-system"') && f.includes('"proxy"')),
                        s.expose !== undefined,
                        "ingress from the Gateway's Envoy pods exactly when exposed",
                    );
                    assert.ok(
                        sources.some((f: string) => f.includes('"prometheus"')),
                        "Prometheus may scrape",
                    );
                    for (const rule of policy.ingress) {
                        assert.deepStrictEqual(rule.ports, [{ protocol: "TCP", port: s.port }]);
                    }
                    const egressPorts = policy.egress.flatMap((rule: { ports: { port: number }[] }) =>
                        rule.ports.map((p) => p.port),
                    );
                    const out = outputs(run);
                    assert.strictEqual(egressPorts.includes(out.database.port), s.bind.includes("database"));
                    assert.strictEqual(egressPorts.includes(out.cache.port), s.bind.includes("cache"));
                    // HTTPS for storage, and on AKS for the Entra token of a passwordless cache (cache-tokens.ts).
                    const https = s.bind.includes("storage") || (cloud === "azure" && s.bind.includes("cache"));
                    assert.strictEqual(egressPorts.includes(443), https);
                    for (const callee of s.calls) {
                        assert.ok(egressPorts.includes(callee.port), `may call ${callee.name}`);
                    }
                    for (const rule of policy.egress) {
                        for (const to of rule.to) {
                            if (to.ipBlock?.cidr === "0.0.0.0/0") {
                                assert.deepStrictEqual(rule.ports, [{ protocol: "TCP", port: 443 }], "HTTPS only");
                            }
                        }
                    }
                });

                it("has its own ServiceAccount, bound to a cloud identity exactly when it uses storage or the passwordless cache", () => {
                    const sa = inputs(k8sObject(run, K8S.serviceAccount, s.name, namespace));
                    assert.strictEqual(sa.automountServiceAccountToken, false);
                    const usesStorage = s.bind.includes("storage") || s.bind.includes("cache");
                    if (cloud === "aws") {
                        const associations = ofType(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation")
                            .map(inputs)
                            .filter((a) => a.namespace === namespace && a.serviceAccount === s.name);
                        assert.strictEqual(associations.length, usesStorage ? 1 : 0);
                    } else {
                        const clientId = sa.metadata.annotations?.["azure.workload.identity/client-id"];
                        assert.strictEqual(clientId !== undefined, usesStorage);
                        const federated = ofType(run, "azure-native:managedidentity:FederatedIdentityCredential")
                            .map(inputs)
                            .filter((f) => f.subject === `system:serviceaccount:${namespace}:${s.name}`);
                        assert.strictEqual(federated.length, usesStorage ? 1 : 0);
                        if (usesStorage) {
                            assert.strictEqual(federated[0].issuer, outputs(run).cluster.oidcIssuerUrl);
                            const labels = inputs(k8sObject(run, K8S.deployment, s.name, namespace)).spec.template
                                .metadata.labels;
                            assert.strictEqual(labels["azure.workload.identity/use"], "true");
                        }
                    }
                });

                // Credentials reach a pod only when it is created: the EKS Pod Identity webhook injects them at
                // admission (aws/amazon-eks-pod-identity-webhook#210, aws/containers-roadmap#2507), and an Entra
                // token exchange fails until the federated credential has propagated
                // (https://learn.microsoft.com/en-us/azure/aks/workload-identity-deploy-cluster#create-the-federated-identity-credential).
                it("creates its pods only after its cloud identity exists, so that they start with credentials", () => {
                    const deployments = [s.name, ...(s.expose?.canary ? [`${s.name}-canary`] : [])].map((name) =>
                        k8sObject(run, K8S.deployment, name, namespace),
                    );
                    const identityType =
                        cloud === "aws"
                            ? "aws:eks/podIdentityAssociation:PodIdentityAssociation"
                            : "azure-native:managedidentity:FederatedIdentityCredential";
                    const identities = ofType(run, identityType).filter((r) =>
                        cloud === "aws"
                            ? inputs(r).namespace === namespace && inputs(r).serviceAccount === s.name
                            : inputs(r).subject === `system:serviceaccount:${namespace}:${s.name}`,
                    );
                    assert.strictEqual(
                        identities.length,
                        s.bind.includes("storage") || s.bind.includes("cache") ? 1 : 0,
                    );
                    const grants = ofType(
                        run,
                        cloud === "aws" ? "aws:iam/rolePolicy:RolePolicy" : "azure-native:authorization:RoleAssignment",
                    ).filter((r) => identities.length > 0 && r.parent === identities[0].parent);
                    for (const deployment of deployments) {
                        for (const needed of [...identities, ...grants]) {
                            assert.ok(
                                deployment.dependencies.includes(needed.urn),
                                `${inputs(deployment).metadata.name} waits for ${needed.name}`,
                            );
                        }
                        // The principal is in the pod template, so that gaining an identity re-creates the pods.
                        const annotations = inputs(deployment).spec.template.metadata.annotations;
                        assert.strictEqual(
                            annotations["platform/workload-identity"] !== undefined,
                            s.bind.includes("storage") || s.bind.includes("cache"),
                        );
                    }
                    // `ready` is wiring, not state: the component does not register it as an output.
                    for (const component of ofType(run, "platform:workloads:WorkloadIdentity")) {
                        assert.strictEqual((component.outputs as Record<string, unknown>).ready, undefined);
                    }
                });

                // envFrom is read when a container starts; a changed Secret reaches no running pod
                // (https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables:
                // "If a container already consumes a Secret in an environment variable, a Secret update will not
                // be seen by the container unless it is restarted").
                it("rolls its pods when its connection details change, so that they never run on stale ones", () => {
                    const annotations = inputs(k8sObject(run, K8S.deployment, s.name, namespace)).spec.template.metadata
                        .annotations;
                    if (s.bind.length === 0) {
                        assert.strictEqual(annotations["platform/connections-sha256"], undefined);
                        return;
                    }
                    const data = inputs(k8sObject(run, K8S.secret, `${s.name}-connections`, namespace)).stringData;
                    const sorted = Object.keys(data)
                        .sort()
                        .map((key) => [key, data[key]]);
                    const expected = crypto.createHash("sha256").update(JSON.stringify(sorted)).digest("hex");
                    assert.strictEqual(annotations["platform/connections-sha256"], expected);
                });

                it("receives its connection details from a Secret, never from plain values", () => {
                    const container = inputs(k8sObject(run, K8S.deployment, s.name, namespace)).spec.template.spec
                        .containers[0];
                    const plainNames = container.env.map((e: { name: string }) => e.name);
                    for (const name of Object.values(BINDING_VARIABLES).flat()) {
                        assert.ok(!plainNames.includes(name), `${name} is not a plain variable`);
                    }
                    if (s.bind.length === 0) {
                        assert.strictEqual(container.envFrom, undefined);
                        return;
                    }
                    const secret = k8sObject(run, K8S.secret, `${s.name}-connections`, namespace);
                    assert.deepStrictEqual(container.envFrom, [{ secretRef: { name: `${s.name}-connections` } }]);
                    assert.ok(rpc.isRpcSecret(secret.inputs.stringData), "the Secret's data is a Pulumi secret");
                    // Every key is a binding variable; the cache's set depends on REDIS_AUTH (passwordless here).
                    const keys = Object.keys(inputs(secret).stringData);
                    // Likewise the database's DATABASE_PASSWORD depends on DATABASE_AUTH (passwordless here too).
                    const modeSpecific = [
                        "REDIS_PASSWORD",
                        "REDIS_CACHE_NAME",
                        "REDIS_REGION",
                        "REDIS_TOKEN_SCOPE",
                        "DATABASE_PASSWORD",
                    ];
                    assert.deepStrictEqual(
                        keys.filter((k) => !modeSpecific.includes(k)).sort(),
                        s.bind
                            .flatMap((b) => BINDING_VARIABLES[b])
                            .filter((k) => !modeSpecific.includes(k))
                            .sort(),
                    );
                    const data = inputs(secret).stringData;
                    if (s.bind.includes("database")) {
                        // The service's own login, never the administrator's (issue 14 item 4; the roles and
                        // their bootstrap are tested in test/workloads/database-roles.test.ts).
                        assert.notStrictEqual(data.DATABASE_URL, outputs(run).database.connectionString);
                        // Passwordless: its identity's token is the password, so none is in the Secret or the URL.
                        assert.strictEqual(data.DATABASE_AUTH, cloud === "aws" ? "aws-iam" : "entra");
                        assert.strictEqual(data.DATABASE_PASSWORD, undefined);
                        assert.ok(data.DATABASE_URL.startsWith(`postgresql://${serviceRoles(s.name).login}@`));
                    }
                    if (s.bind.includes("cache")) {
                        // Its own user, no password (test/components/cache-passwordless.test.ts).
                        assert.strictEqual(data.REDIS_PASSWORD, undefined);
                        assert.ok(data.REDIS_URL.startsWith(`rediss://${encodeURIComponent(data.REDIS_USER)}@`));
                    }
                });

                it("is scraped by Prometheus through a ServiceMonitor", () => {
                    const monitor = inputs(k8sObject(run, K8S.serviceMonitor, s.name, namespace)).spec;
                    assert.deepStrictEqual(monitor.selector.matchLabels, { "app.kubernetes.io/name": s.name });
                    assert.strictEqual(monitor.endpoints[0].path, s.metricsPath);
                });

                if (s.expose) {
                    const expose = s.expose;
                    it("is exposed through an HTTPRoute on the Gateway's HTTPS listener, for its host and path, rate limited per client", () => {
                        const route = inputs(k8sObject(run, K8S.httpRoute, s.name, namespace));
                        assert.deepStrictEqual(route.spec.parentRefs, [
                            {
                                group: "gateway.networking.k8s.io",
                                kind: "Gateway",
                                name: "platform",
                                namespace: "envoy-gateway-system",
                                sectionName: "https",
                            },
                        ]);
                        assert.deepStrictEqual(route.spec.hostnames, [expose.host]);
                        assert.deepStrictEqual(route.spec.rules[0].matches, [
                            { path: { type: "PathPrefix", value: expose.path } },
                        ]);
                        const limit = inputs(
                            k8sObject(
                                run,
                                "kubernetes:gateway.envoyproxy.io/v1alpha1:BackendTrafficPolicy",
                                s.name,
                                namespace,
                            ),
                        ).spec;
                        assert.strictEqual(limit.rateLimit.global.rules[0].limit.requests, expose.rateLimitRps);
                        assert.strictEqual(
                            outputs(run).workloads.serviceUrls[s.name],
                            `https://${expose.host}${expose.path}`,
                        );
                    });
                } else {
                    it("is not exposed", () => {
                        assert.ok(!ofType(run, K8S.httpRoute).some((r) => inputs(r).metadata.name === s.name));
                        assert.strictEqual(outputs(run).workloads.serviceUrls[s.name], undefined);
                    });
                }
                if (s.expose?.canary) {
                    const canary = s.expose.canary;
                    it(`sends ${canary.weight}% of requests to a canary through the route's backend weights`, () => {
                        const route = inputs(k8sObject(run, K8S.httpRoute, s.name, namespace));
                        assert.deepStrictEqual(route.spec.rules[0].backendRefs, [
                            { name: s.name, port: s.port, weight: 100 - canary.weight },
                            { name: `${s.name}-canary`, port: s.port, weight: canary.weight },
                        ]);
                        const deployment = inputs(k8sObject(run, K8S.deployment, `${s.name}-canary`, namespace));
                        assert.strictEqual(deployment.spec.template.spec.containers[0].image, canary.image);
                        assert.strictEqual(deployment.spec.template.metadata.labels.track, "canary");
                    });
                }
            });
        }

        it("installs Envoy Gateway, cert-manager, the Prometheus operator CRDs and kube-prometheus-stack (and on EKS the AWS Load Balancer Controller and KEDA, outside dev Velero) from pinned chart versions", () => {
            // The workloads' own releases (the Cluster component installs Karpenter's charts itself).
            const releases = ofType(run, K8S.release)
                .filter((r) => !r.urn.includes("::platform:cluster:Cluster$"))
                .map(inputs);
            assert.deepStrictEqual(
                releases.map((r) => r.chart).sort(),
                [
                    ...(cloud === "aws" ? ["aws-load-balancer-controller"] : []),
                    // KEDA's chart on EKS; AKS runs the managed add-on (components/workloads/scaling/chart.ts).
                    ...(cloud === "aws" ? ["keda"] : []),
                    // external-dns where platform:dns names a zone (prod: components/workloads/dns).
                    ...(stack === "prod" ? ["external-dns"] : []),
                    "cert-manager",
                    "kube-prometheus-stack",
                    "oci://docker.io/envoyproxy/gateway-helm",
                    "prometheus-operator-crds",
                    // Velero's cluster backups, on by default in staging and prod (platform:backup.velero).
                    ...(stack === "dev" ? [] : ["velero"]),
                ].sort(),
            );
            for (const release of releases) {
                assert.match(release.version, /^v?\d+\.\d+\.\d+$/, `${release.chart} is pinned to an exact version`);
                const pinned = [...Object.values(CHART_PINS), KEDA_CHART_PIN, EXTERNAL_DNS_CHART].find(
                    (c) => c.chart === release.chart || `${c.repo}/${c.chart}` === release.chart,
                )!;
                assert.strictEqual(release.version, pinned.version);
                if (!release.chart.startsWith("oci://")) assert.strictEqual(release.repositoryOpts.repo, pinned.repo);
            }
        });

        it(`issues certificates from Let's Encrypt's ${stack === "prod" ? "production" : "staging"} directory, with the alert e-mail as the ACME account`, () => {
            const issuer = inputs(one(run, "kubernetes:cert-manager.io/v1:ClusterIssuer"));
            assert.strictEqual(
                issuer.spec.acme.server,
                stack === "prod"
                    ? "https://acme-v02.api.letsencrypt.org/directory"
                    : "https://acme-staging-v02.api.letsencrypt.org/directory",
            );
            assert.strictEqual(issuer.spec.acme.email, config.alertEmail);
        });

        it("provisions a Grafana dashboard with request rate, p95 latency and error rate per service", () => {
            const dashboard = inputs(k8sObject(run, K8S.configMap, "platform-services-dashboard", "monitoring"));
            assert.strictEqual(dashboard.metadata.labels.grafana_dashboard, "1");
            const json = JSON.parse(dashboard.data["platform-services.json"]);
            const panels = json.panels.map((p: { title: string; targets: { expr: string }[] }) => [
                p.title,
                p.targets[0].expr,
            ]);
            const expr = (title: RegExp) => panels.find(([t]: string[]) => title.test(t))?.[1] as string;
            assert.match(expr(/^Request rate/), /sum by \(service\) \(rate\(http_requests_total/);
            assert.match(expr(/p95/), /histogram_quantile\(0\.95, sum by \(le, service\)/);
            assert.match(expr(/^Error rate/), /status=~"5\.\."/);
            assert.deepStrictEqual(json.templating.list[0].query.split(",").sort(), ["api", "frontend", "worker"]);
        });

        it("alerts on error rate, latency and pod restarts, through Alertmanager to the platform's destination", () => {
            const rules = inputs(
                k8sObject(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "platform-services", "monitoring"),
            ).spec.groups[0].rules;
            const byName = Object.fromEntries(rules.map((r: { alert: string; expr: string }) => [r.alert, r.expr]));
            assert.match(byName.ServiceHighErrorRate, new RegExp(`> ${alertThresholds.errorRatio}$`));
            assert.match(byName.ServiceHighLatency, new RegExp(`> ${alertThresholds.p95LatencySeconds}$`));
            assert.match(byName.PodRestarting, /kube_pod_container_status_restarts_total/);

            const stackRelease = ofType(run, K8S.release).find((r) => inputs(r).chart === "kube-prometheus-stack")!;
            const alertmanager = inputs(stackRelease).values.alertmanager.config;
            assert.strictEqual(alertmanager.route.receiver, "platform");
            const receiver = alertmanager.receivers.find((r: { name: string }) => r.name === "platform");
            if (cloud === "aws") {
                assert.strictEqual(receiver.sns_configs[0].topic_arn, outputs(run).monitoring.alertDestinationId);
            } else {
                // On Azure the alerts leave through Azure Monitor to the action group (observability.test.ts),
                // never through an SMTP relay.
                assert.deepStrictEqual(receiver, { name: "platform" });
            }
            const values = inputs(stackRelease).values;
            assert.strictEqual(values.prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues, false);
            assert.strictEqual(values.grafana.admin.existingSecret, "grafana-admin");
        });

        it("solves DNS-01 challenges in the stack's zone when it has one, otherwise HTTP-01 through the Gateway's HTTP listener", () => {
            const issuer = inputs(one(run, "kubernetes:cert-manager.io/v1:ClusterIssuer"));
            const solvers = issuer.spec.acme.solvers;
            // prod has a zone (Pulumi.prod.yaml platform:dns): DNS-01 first, for that zone only, as cert-manager's
            // own identity (the solver's details are tested in test/edge/dns01.test.ts); the others have none.
            if (stack === "prod") {
                assert.strictEqual(solvers.length, 2);
                assert.deepStrictEqual(solvers[0].selector, { dnsZones: ["example.com"] });
                assert.deepStrictEqual(Object.keys(solvers[0].dns01), [cloud === "aws" ? "route53" : "azureDNS"]);
            } else {
                assert.strictEqual(solvers.length, 1);
            }
            assert.deepStrictEqual(solvers.slice(-1), [
                {
                    http01: {
                        gatewayHTTPRoute: {
                            parentRefs: [
                                {
                                    group: "gateway.networking.k8s.io",
                                    kind: "Gateway",
                                    name: "platform",
                                    namespace: "envoy-gateway-system",
                                    sectionName: "http",
                                },
                            ],
                        },
                    },
                },
            ]);
        });

        it("publishes Grafana through its own HTTPRoute without making the monitoring chart wait for the Gateway", () => {
            const stackRelease = ofType(run, K8S.release).find((r) => inputs(r).chart === "kube-prometheus-stack")!;
            const gateway = one(run, "kubernetes:gateway.networking.k8s.io/v1:Gateway");
            assert.ok(!stackRelease.dependencies.includes(gateway.urn), "the chart does not wait for the Gateway");
            const grafana = k8sObject(run, K8S.httpRoute, "grafana", "monitoring");
            assert.ok(grafana.dependencies.includes(gateway.urn), "Grafana's route waits for the Gateway");
            assert.strictEqual(inputs(grafana).spec.parentRefs[0].sectionName, "https");
        });

        it("exports the public URLs of exposed services and the Grafana URL", () => {
            const out = outputs(run).workloads;
            assert.deepStrictEqual(
                Object.keys(out.serviceUrls).sort(),
                services
                    .filter((s) => s.expose)
                    .map((s) => s.name)
                    .sort(),
            );
            for (const url of Object.values(out.serviceUrls)) {
                assert.match(url as string, /^https:\/\//);
            }
            assert.match(out.grafanaUrl, /^https:\/\/grafana\./);
        });

        it("never puts a password, token or connection string in a ConfigMap or a plain input", () => {
            const out = outputs(run);
            const sensitive = ["DATABASE_URL", "DATABASE_PASSWORD", "REDIS_URL", "REDIS_PASSWORD", "admin-password"];
            const secrets = [
                out.database.password,
                out.database.connectionString,
                out.cache.authToken,
                out.cache.connectionString,
                ...ofType(run, K8S.secret).flatMap((r) =>
                    Object.entries(inputs(r).stringData ?? {})
                        .filter(([key]) => sensitive.includes(key))
                        .map(([, value]) => value),
                ),
            ].filter((v): v is string => typeof v === "string" && v.length > 0);
            assert.ok(secrets.length >= 4);
            for (const r of run.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
                const visible = strings(redact(r.inputs));
                for (const value of visible) {
                    for (const secret of secrets) {
                        assert.ok(!value.includes(secret), `${r.type} ${r.name} shows a secret in plain inputs`);
                    }
                    assert.doesNotMatch(
                        value,
                        /^(postgres(ql)?|rediss?):\/\//,
                        `${r.name}: connection string in clear`,
                    );
                }
            }
            for (const configMap of ofType(run, K8S.configMap)) {
                assert.doesNotMatch(JSON.stringify(inputs(configMap)), /password|postgresql:\/\/|rediss?:\/\//i);
            }
        });

        it(`keeps the registry private and scoped (${cloud === "aws" ? "ECR" : "ACR"})`, () => {
            if (cloud === "aws") {
                const repositories = ofType(run, "aws:ecr/repository:Repository").map(inputs);
                assert.deepStrictEqual(
                    repositories.map((r) => r.name).sort(),
                    services.map((s) => `platform-${stack}/${s.name}`).sort(),
                );
                for (const repository of repositories) {
                    assert.strictEqual(repository.imageTagMutability, "IMMUTABLE");
                    assert.strictEqual(repository.imageScanningConfiguration.scanOnPush, true);
                }
            } else {
                const registry = inputs(one(run, "azure-native:containerregistry:Registry"));
                assert.strictEqual(registry.adminUserEnabled, false);
                assert.strictEqual(registry.anonymousPullEnabled, false);
                const nodeIdentity = one(run, "platform:cluster:Cluster").outputs.nodeIdentityId;
                const pull = ofType(run, "azure-native:authorization:RoleAssignment")
                    .map(inputs)
                    .find((a) => String(a.roleDefinitionId).endsWith("7f951dda-4ed3-4680-a7ca-43fe172d538d"));
                assert.ok(pull, "AcrPull is granted");
                assert.strictEqual(pull.principalId, nodeIdentity);
            }
        });

        it("scopes each service identity to the platform's storage, its own database login and its own cache user only", () => {
            const storage = one(run, "platform:storage:Storage").outputs as { resourceId: string; bucketName: string };
            if (cloud === "aws") {
                const policies = ofType(run, "aws:iam/rolePolicy:RolePolicy").filter((r) =>
                    byUrn(run, r.parent!)?.type.startsWith("platform:workloads:WorkloadIdentity"),
                );
                assert.strictEqual(
                    policies.length,
                    services.filter((s) => s.bind.some((b) => ["storage", "cache", "database"].includes(b))).length,
                );
                const logins = services
                    .filter((s) => s.bind.includes("database"))
                    .map((s) => serviceRoles(s.name).login);
                for (const policy of policies) {
                    const document = JSON.parse(inputs(policy).policy);
                    // Passwordless database: rds-db:connect as its own login only, on the client endpoint (the
                    // proxy or the instance) and its replica (components/database/aws-iam.ts).
                    const database = document.Statement.filter((st: { Sid: string }) => st.Sid === "ConnectAsOwnLogin");
                    assert.ok(database.length <= 1, "one database statement at most");
                    for (const statement of database) {
                        assert.deepStrictEqual(statement.Action, ["rds-db:connect"]);
                        const users = [statement.Resource].flat().map((r: string) => {
                            const m =
                                /^arn:aws:rds-db:[a-z0-9-]+:\d{12}:dbuser:(?:db|prx)-[A-Za-z0-9]+\/([a-z0-9_]+)$/.exec(
                                    r,
                                );
                            assert.ok(m, `${r} is a database user`);
                            return m[1];
                        });
                        assert.strictEqual(new Set(users).size, 1, "one login only");
                        assert.ok(logins.includes(users[0]), `${users[0]} is a service's own login`);
                    }
                    // The cache statement is tested exactly in test/components/cache-passwordless.test.ts.
                    for (const statement of document.Statement.filter(
                        (st: { Sid: string }) => st.Sid !== "ConnectToCacheAsOwnUser" && st.Sid !== "ConnectAsOwnLogin",
                    )) {
                        const resources = [statement.Resource].flat();
                        for (const resource of resources) {
                            assert.ok(
                                resource === "*"
                                    ? JSON.stringify(statement.Condition).includes(storage.resourceId)
                                    : resource.startsWith(storage.resourceId),
                                `${statement.Sid} reaches only the bucket`,
                            );
                        }
                        assert.ok(
                            statement.Action.every((a: string) => /^(s3|kms):/.test(a)),
                            `${statement.Sid}: storage actions only`,
                        );
                    }
                }
            } else {
                // The service identities' assignments (the network's flow log identity writes to its own account).
                const scopes = ofType(run, "azure-native:authorization:RoleAssignment")
                    .filter((r) => byUrn(run, r.parent!)?.type.startsWith("platform:workloads:WorkloadIdentity"))
                    .map(inputs)
                    .filter((a) => String(a.roleDefinitionId).endsWith("ba92f5b4-2d11-453d-a403-e96b0029c9fe"))
                    .map((a) => a.scope);
                assert.strictEqual(scopes.length, services.filter((s) => s.bind.includes("storage")).length);
                for (const scope of scopes) {
                    assert.strictEqual(
                        scope,
                        `${storage.resourceId}/blobServices/default/containers/${storage.bucketName}`,
                    );
                }
            }
        });

        it("leaves the data stores independent of the cluster", () => {
            const cluster = one(run, "platform:cluster:Cluster");
            const inCluster = new Set(
                run.resources.filter((r) => r.urn === cluster.urn || r.parent === cluster.urn).map((r) => r.urn),
            );
            for (const type of ["platform:database:Database", "platform:cache:Cache", "platform:storage:Storage"]) {
                const component = one(run, type);
                for (const r of run.resources.filter((x) => x.parent === component.urn)) {
                    assert.ok(!r.dependencies.some((d) => inCluster.has(d)), `${r.name} does not wait for the cluster`);
                }
            }
        });
    });
}

describe("Grafana exposure", () => {
    it("keeps Grafana in-cluster when it has no allow-list of its own, even with a public cluster API", async () => {
        const run = await runStack("dev", "aws", ["platform:edge={}"]);
        const grafana = ofType(run, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute").filter(
            (i) => inputs(i).metadata.name === "grafana",
        );
        assert.deepStrictEqual(grafana, []);
        assert.match(outputs(run).workloads.grafanaUrl, /^http:\/\/grafana\.[a-z-]+\.svc\.cluster\.local/);
    });
    it("puts Grafana on the parent domain of the first exposed host, apex hosts included", () => {
        assert.strictEqual(grafanaHostFor("api.example.com"), "grafana.example.com");
        assert.strictEqual(grafanaHostFor("example.com"), "grafana.example.com");
    });
});
