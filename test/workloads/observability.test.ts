/**
 * The in-cluster monitoring as it would really run on EKS and AKS: no alert that fires forever on a managed
 * control plane, data that survives a reschedule, a Watchdog heartbeat someone outside the cluster watches,
 * certificate expiry alerts, alerts that reach the platform's destination on both clouds, and chart pins
 * whose CRDs are upgraded with them.
 */
import * as assert from "assert";
import { Environment } from "../../components/shared/context";
import { CHART_PINS } from "../../components/workloads/charts";
import { CERTIFICATE_EXPIRY_DAYS, serviceAlertRules } from "../../components/workloads/observability/rules";
import {
    MONITORING_STORAGE,
    UNSCRAPABLE_TARGETS,
    WATCHDOG_INTERVAL_MINUTES,
    mergeValues,
} from "../../components/workloads/observability/values";
import { azureAlertRules } from "../../components/workloads/observability/azure";
import { ProgramRun, ResourceRecord } from "../../check/runtime";
import { CLOUDS, inputs, ofType, outputs, runStack } from "../harness";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function release(run: ProgramRun, chart: string): { record: ResourceRecord; inputs: any } {
    const found = ofType(run, RELEASE).filter((r) => inputs(r).chart === chart);
    assert.strictEqual(found.length, 1, `expected one ${chart} release, found ${found.length}`);
    return { record: found[0], inputs: inputs(found[0]) };
}

/** The single resource of a type whose logical name ends with a suffix. */
function named(run: ProgramRun, type: string, suffix: string): ResourceRecord {
    const found = ofType(run, type).filter((r) => r.name.endsWith(suffix));
    assert.strictEqual(found.length, 1, `expected one ${type} named *${suffix}, found ${found.length}`);
    return found[0];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function stackValues(run: ProgramRun): any {
    return release(run, "kube-prometheus-stack").inputs.values;
}

const STACKS: { stack: Environment; protect: boolean; highAvailability: boolean }[] = [
    { stack: "dev", protect: false, highAvailability: false },
    { stack: "prod", protect: true, highAvailability: true },
];

for (const cloud of CLOUDS) {
    for (const { stack, protect, highAvailability } of STACKS) {
        describe(`observability: ${stack} on ${cloud}`, () => {
            let run: ProgramRun;
            before(async function () {
                this.timeout(120_000);
                run = await runStack(stack, cloud);
            });

            // EKS Pod Identity injects credentials only when a pod is created
            // (aws/amazon-eks-pod-identity-webhook#210), and an association is eventually consistent
            // (EKS API CreatePodIdentityAssociation); an Azure federated credential takes seconds to propagate
            // (learn.microsoft.com/azure/aks/workload-identity-deploy-cluster). An Alertmanager (AWS) or
            // Prometheus (Azure) pod created first publishes nothing until it is restarted.
            it("creates the monitoring pods only after the alert route's cloud identity exists, so that alerts are delivered", () => {
                const stackRelease = release(run, "kube-prometheus-stack").record;
                const needed =
                    cloud === "aws"
                        ? [
                              named(
                                  run,
                                  "aws:eks/podIdentityAssociation:PodIdentityAssociation",
                                  "alert-route-pod-identity",
                              ),
                              ...ofType(run, "aws:iam/rolePolicy:RolePolicy").filter((r) =>
                                  r.name.includes("alert-route"),
                              ),
                          ]
                        : [
                              named(
                                  run,
                                  "azure-native:managedidentity:FederatedIdentityCredential",
                                  "prometheus-federation",
                              ),
                              named(run, "azure-native:authorization:RoleAssignment", "prometheus-publisher"),
                          ];
                assert.ok(needed.length >= 2, "the route's identity and its grant exist");
                for (const resource of needed) {
                    assert.ok(
                        stackRelease.dependencies.includes(resource.urn),
                        `kube-prometheus-stack waits for ${resource.name}`,
                    );
                }
            });

            // kube-prometheus-stack ships ServiceMonitors and rules for kube-controller-manager, kube-scheduler,
            // etcd and kube-proxy; on EKS/AKS the control plane is not reachable and kube-proxy serves metrics on
            // 127.0.0.1 (EKS) or does not exist (AKS with Cilium), so KubeSchedulerDown, KubeControllerManagerDown,
            // KubeProxyDown and TargetDown would fire forever. The chart gates each rule group on the target's
            // `enabled` and on `defaultRules.rules.<group>` (kube-prometheus-stack-88.5.3 templates/prometheus/
            // rules-1.14/kubernetes-system-scheduler.yaml etc.).
            it(`turns off the control-plane targets ${cloud === "aws" ? "EKS" : "AKS"} does not expose, and their rules, so that on-call is not paged forever`, () => {
                const values = stackValues(run);
                for (const target of ["kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"]) {
                    assert.ok(UNSCRAPABLE_TARGETS[cloud][target], `${target} has a documented reason`);
                    assert.strictEqual(values[target]?.enabled, false, `${target} is not scraped`);
                }
                for (const group of [
                    "kubeControllerManager",
                    "kubeSchedulerAlerting",
                    "kubeSchedulerRecording",
                    "etcd",
                    "kubeProxy",
                ]) {
                    assert.strictEqual(values.defaultRules?.rules?.[group], false, `rule group ${group} is off`);
                }
                // The API server and kubelets are reachable on both clouds and stay monitored.
                assert.notStrictEqual(values.kubeApiServer?.enabled, false);
                assert.notStrictEqual(values.kubelet?.enabled, false);
            });

            // The chart's defaults are emptyDir: every reschedule or node replacement loses the samples, silences
            // and Grafana's database. Value paths: kube-prometheus-stack-88.5.3 values.yaml
            // (prometheus.prometheusSpec.storageSpec, retentionSize, alertmanager.alertmanagerSpec.storage) and
            // grafana-community/helm-charts@grafana-12.11.1 values.yaml (persistence).
            it(`keeps Prometheus, Alertmanager and Grafana on persistent volumes sized for ${stack}, so that a reschedule loses no data`, () => {
                const values = stackValues(run);
                const size = MONITORING_STORAGE[stack];
                const storageClass = inputs(named(run, "kubernetes:storage.k8s.io/v1:StorageClass", "-storage-class"));
                const claim = (storage: { volumeClaimTemplate: { spec: Record<string, unknown> } }) =>
                    storage?.volumeClaimTemplate?.spec;

                const prometheus = claim(values.prometheus.prometheusSpec.storageSpec);
                assert.deepStrictEqual(prometheus, {
                    storageClassName: storageClass.metadata.name,
                    accessModes: ["ReadWriteOnce"],
                    resources: { requests: { storage: `${size.prometheusGiB}Gi` } },
                });
                const alertmanager = claim(values.alertmanager.alertmanagerSpec.storage);
                assert.strictEqual(alertmanager?.storageClassName, storageClass.metadata.name);
                assert.deepStrictEqual(alertmanager?.resources, {
                    requests: { storage: `${size.alertmanagerGiB}Gi` },
                });
                assert.deepStrictEqual(values.grafana.persistence, {
                    enabled: true,
                    type: "sts",
                    storageClassName: storageClass.metadata.name,
                    accessModes: ["ReadWriteOnce"],
                    size: `${size.grafanaGiB}Gi`,
                });

                // Size-based retention stops below the volume, leaving room for the WAL.
                const spec = values.prometheus.prometheusSpec;
                assert.strictEqual(spec.retention, `${size.retentionDays}d`);
                assert.strictEqual(spec.retentionSize, `${size.retentionGiB}GiB`);
                assert.ok(size.retentionGiB < size.prometheusGiB * 0.9, "retentionSize leaves headroom");
                if (stack === "prod") {
                    assert.ok(size.prometheusGiB > MONITORING_STORAGE.dev.prometheusGiB, "prod keeps more");
                }

                const release = named(run, RELEASE, "-kube-prometheus-stack");
                const classRecord = named(run, "kubernetes:storage.k8s.io/v1:StorageClass", "-storage-class");
                assert.ok(release.dependencies.includes(classRecord.urn), "the claims wait for their StorageClass");
            });

            // EBS CSI parameters: github:kubernetes-sigs/aws-ebs-csi-driver docs/parameters.md. Azure Disk CSI
            // parameters: github:kubernetes-sigs/azuredisk-csi-driver docs/driver-parameters.md (Premium_ZRS is
            // zone-redundant, so a volume follows its pod across zones). AKS's built-in managed-csi-premium has
            // reclaimPolicy Delete, hence a class of our own.
            it(`provisions ${cloud === "aws" ? "encrypted gp3 EBS" : "Premium SSD"} volumes in the pod's zone, ${protect ? "retained" : "deleted"} with their claim`, () => {
                const sc = inputs(named(run, "kubernetes:storage.k8s.io/v1:StorageClass", "-storage-class"));
                if (cloud === "aws") {
                    assert.strictEqual(sc.metadata.name, "gp3");
                    assert.strictEqual(sc.provisioner, "ebs.csi.aws.com");
                    assert.deepStrictEqual(sc.parameters, { type: "gp3", encrypted: "true" });
                } else {
                    assert.strictEqual(sc.provisioner, "disk.csi.azure.com");
                    assert.strictEqual(sc.parameters.skuName, highAvailability ? "Premium_ZRS" : "Premium_LRS");
                }
                assert.strictEqual(sc.volumeBindingMode, "WaitForFirstConsumer");
                assert.strictEqual(sc.allowVolumeExpansion, true);
                assert.strictEqual(sc.reclaimPolicy, protect ? "Retain" : "Delete");
            });

            // Watchdog always fires: it is the "alerting is alive" signal and must reach something that notices
            // its absence. InfoInhibitor exists only to inhibit info alerts (the chart's inhibit_rules,
            // kube-prometheus-stack-88.5.3 values.yaml alertmanager.config) and must never notify.
            it("routes the Watchdog heartbeat to its own receiver and InfoInhibitor to the null receiver", () => {
                const config = stackValues(run).alertmanager.config;
                const routeOf = (alertname: string) =>
                    config.route.routes.find((r: { matchers: string[] }) =>
                        r.matchers.includes(`alertname = "${alertname}"`),
                    );
                assert.strictEqual(routeOf("Watchdog")?.receiver, "watchdog");
                assert.strictEqual(routeOf("Watchdog")?.repeat_interval, `${WATCHDOG_INTERVAL_MINUTES}m`);
                assert.strictEqual(routeOf("InfoInhibitor")?.receiver, "null");
                const receivers = config.receivers.map((r: { name: string }) => r.name).sort();
                assert.deepStrictEqual(receivers, ["null", "platform", "watchdog"]);
                assert.ok(
                    config.inhibit_rules.some(
                        (r: { source_matchers?: string[] }) => r.source_matchers?.[0] === "alertname = InfoInhibitor",
                    ),
                    "InfoInhibitor still inhibits info alerts",
                );
            });

            // Let's Encrypt stopped expiry e-mails on 2025-06-04
            // (https://letsencrypt.org/2025/01/22/ending-expiration-emails/). cert-manager's chart creates its
            // ServiceMonitor with `prometheus.servicemonitor.enabled` (cert-manager@v1.21.1 values.yaml); our
            // Prometheus selects every ServiceMonitor (serviceMonitorSelectorNilUsesHelmValues: false).
            it("scrapes cert-manager and alerts weeks before a certificate expires or when one is not ready", () => {
                const certManager = release(run, "cert-manager");
                assert.strictEqual(certManager.inputs.values.prometheus.servicemonitor.enabled, true);
                assert.strictEqual(certManager.inputs.values.crds.enabled, true);
                assert.strictEqual(certManager.inputs.values.installCRDs, undefined, "the retired value name");
                assert.strictEqual(
                    stackValues(run).prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues,
                    false,
                );
                const crds = release(run, "prometheus-operator-crds").record;
                assert.ok(certManager.record.dependencies.includes(crds.urn), "the ServiceMonitor CRD exists first");

                const rule = ofType(run, PROMETHEUS_RULE).find(
                    (r) => inputs(r).metadata.name === "platform-certificates",
                );
                assert.ok(rule, "a PrometheusRule watches the certificates");
                const rules = inputs(rule).spec.groups[0].rules as { alert: string; expr: string }[];
                const expr = (alert: string) => rules.find((r) => r.alert === alert)?.expr ?? "";
                assert.strictEqual(CERTIFICATE_EXPIRY_DAYS.warning, 21);
                assert.strictEqual(
                    expr("CertificateExpiresSoon"),
                    `certmanager_certificate_expiration_timestamp_seconds - time() < ${21 * 86400}`,
                );
                assert.match(expr("CertificateNotReady"), /certmanager_certificate_ready_status\{condition="False"\}/);
            });

            // Helm installs a chart's crds/ directory once and never upgrades it
            // (https://helm.sh/docs/chart_best_practices/custom_resource_definitions/); kube-prometheus-stack's
            // UPGRADE.md asks for the CRDs of the new operator version before every major upgrade.
            it("upgrades the Prometheus operator CRDs as their own release, at the operator version of the stack, before it", () => {
                const stackRelease = release(run, "kube-prometheus-stack");
                const crds = release(run, "prometheus-operator-crds");
                assert.strictEqual(stackRelease.inputs.values.crds.enabled, false, "the stack's own copy is off");
                assert.strictEqual(crds.inputs.version, CHART_PINS.prometheusOperatorCrds.version);
                assert.strictEqual(
                    CHART_PINS.prometheusOperatorCrds.appVersion,
                    CHART_PINS.kubePrometheusStack.appVersion,
                    "CRDs and operator come from the same prometheus-operator release",
                );
                assert.strictEqual(
                    crds.inputs.values.crds.annotations["helm.sh/resource-policy"],
                    "keep",
                    "uninstalling never deletes every ServiceMonitor",
                );
                assert.ok(stackRelease.record.dependencies.includes(crds.record.urn));
            });

            if (cloud === "aws") {
                // SNS reports every publish as AWS/SNS NumberOfMessagesPublished per TopicName
                // (https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html); with missing
                // data treated as breaching, silence alarms.
                it("pages the alert e-mail when the Watchdog heartbeat stops (CloudWatch alarm, missing data breaching)", () => {
                    const topic = named(run, "aws:sns/topic:Topic", "-alert-route-heartbeat");
                    const alarm = inputs(named(run, "aws:cloudwatch/metricAlarm:MetricAlarm", "-heartbeat-missing"));
                    const alertTopic = outputs(run).monitoring.alertDestinationId;
                    assert.strictEqual(alarm.namespace, "AWS/SNS");
                    assert.strictEqual(alarm.metricName, "NumberOfMessagesPublished");
                    assert.ok(
                        alarm.dimensions.TopicName.startsWith(topic.name),
                        "the alarm watches the heartbeat topic",
                    );
                    assert.strictEqual(alarm.treatMissingData, "breaching");
                    assert.strictEqual(alarm.comparisonOperator, "LessThanThreshold");
                    assert.strictEqual(alarm.period, WATCHDOG_INTERVAL_MINUTES * 60);
                    assert.ok(alarm.evaluationPeriods >= 2, "one late heartbeat does not page");
                    assert.deepStrictEqual(alarm.alarmActions, [alertTopic]);

                    const watchdog = stackValues(run).alertmanager.config.receivers.find(
                        (r: { name: string }) => r.name === "watchdog",
                    );
                    const heartbeatArn = watchdog.sns_configs[0].topic_arn;
                    assert.match(heartbeatArn, /^arn:aws:sns:/);
                    assert.notStrictEqual(heartbeatArn, alertTopic, "the heartbeat never reaches the inbox");
                    const policy = JSON.parse(
                        inputs(named(run, "aws:iam/rolePolicy:RolePolicy", "-alert-route-publish")).policy,
                    );
                    assert.deepStrictEqual(policy.Statement[0].Resource, [alertTopic, heartbeatArn]);
                });
            } else {
                // Azure Monitor action groups take no Alertmanager webhook; the old route e-mailed through a guessed,
                // unauthenticated smtp.<domain>:587. Now Prometheus remote-writes its ALERTS series with Workload ID
                // (https://learn.microsoft.com/azure/azure-monitor/containers/prometheus-remote-write-azure-workload-identity)
                // and Azure Monitor Prometheus rule groups notify the action group.
                it("delivers in-cluster alerts to the action group through Azure Monitor, authenticated with Workload ID, never by SMTP", () => {
                    const config = stackValues(run).alertmanager.config;
                    assert.ok(
                        !JSON.stringify(config).includes("smarthost"),
                        "Alertmanager sends no e-mail through a relay",
                    );
                    const workspace = named(
                        run,
                        "azure-native:monitor:AzureMonitorWorkspace",
                        "-alert-route-workspace",
                    );
                    const actionGroup = outputs(run).monitoring.alertDestinationId;
                    const groups = ofType(run, "azure-native:alertsmanagement:PrometheusRuleGroup").map(inputs);
                    assert.ok(groups.length >= 2);
                    const byAlert = new Map<string, { expression: string; actions: { actionGroupId: string }[] }>();
                    for (const group of groups) {
                        assert.strictEqual(group.scopes.length, 1);
                        assert.match(group.scopes[0], /Microsoft\.Monitor\/accounts\//);
                        for (const rule of group.rules) {
                            assert.deepStrictEqual(rule.actions, [{ actionGroupId: actionGroup }]);
                            byAlert.set(rule.alert, rule);
                        }
                    }
                    assert.ok(groups.every((g) => g.scopes[0].endsWith(inputs(workspace).azureMonitorWorkspaceName)));
                    for (const rule of serviceAlertRules(`platform-${stack}`)) {
                        assert.ok(byAlert.has(rule.alert), `${rule.alert} reaches the action group`);
                    }
                    assert.ok(byAlert.has("CertificateExpiresSoon"));
                    assert.match(
                        byAlert.get("ClusterAlertingDown")!.expression,
                        /absent_over_time\(ALERTS\{alertname="Watchdog"\}/,
                    );

                    const remoteWrite = stackValues(run).prometheus.prometheusSpec.remoteWrite;
                    assert.strictEqual(remoteWrite.length, 1);
                    const dce = inputs(named(run, "azure-native:monitor:DataCollectionEndpoint", "-alert-route-dce"));
                    assert.strictEqual(dce.networkAcls.publicNetworkAccess, "Enabled", "reachable from the nodes");
                    const dcrRecord = named(run, "azure-native:monitor:DataCollectionRule", "-alert-route-dcr");
                    assert.match(
                        remoteWrite[0].url,
                        /^https:\/\/.+\.metrics\.ingest\.monitor\.azure\.com\/dataCollectionRules\/dcr-[0-9a-f]+\/streams\/Microsoft-PrometheusMetrics\/api\/v1\/write\?api-version=2023-04-24$/,
                    );
                    assert.deepStrictEqual(remoteWrite[0].writeRelabelConfigs, [
                        { sourceLabels: ["__name__"], regex: "ALERTS", action: "keep" },
                    ]);
                    const clientId = remoteWrite[0].azureAd.workloadIdentity.clientId;
                    assert.match(clientId, /^[0-9a-f-]{36}$/);
                    assert.strictEqual(
                        stackValues(run).prometheus.serviceAccount.annotations["azure.workload.identity/client-id"],
                        clientId,
                    );
                    assert.strictEqual(
                        stackValues(run).prometheus.prometheusSpec.podMetadata.labels["azure.workload.identity/use"],
                        "true",
                    );
                    const federation = inputs(
                        named(
                            run,
                            "azure-native:managedidentity:FederatedIdentityCredential",
                            "-alert-route-prometheus-federation",
                        ),
                    );
                    assert.strictEqual(federation.subject, "system:serviceaccount:monitoring:prometheus");
                    assert.strictEqual(stackValues(run).prometheus.serviceAccount.name, "prometheus");
                    const publisher = inputs(
                        named(run, "azure-native:authorization:RoleAssignment", "-alert-route-prometheus-publisher"),
                    );
                    assert.match(
                        publisher.roleDefinitionId,
                        /3913510d-42f4-4e42-8a64-420c390055eb$/,
                        "Monitoring Metrics Publisher",
                    );
                    assert.ok(
                        dcrRecord.urn && publisher.scope.includes("dataCollectionRules"),
                        "scoped to the rule only",
                    );
                });
            }
        });
    }
}

describe("observability building blocks", () => {
    it("pins cert-manager 1.21+ and a current kube-prometheus-stack, each with its source and check date", () => {
        const [, minor] = CHART_PINS.certManager.version.replace(/^v/, "").split(".").map(Number);
        assert.ok(minor >= 21, `cert-manager ${CHART_PINS.certManager.version} is a supported release`);
        assert.ok(Number(CHART_PINS.kubePrometheusStack.version.split(".")[0]) >= 88);
        for (const pin of Object.values(CHART_PINS)) {
            assert.match(pin.checked, /^\d{4}-\d{2}-\d{2}$/);
            assert.ok(
                pin.source.length > 0 && pin.support.length > 0,
                `${pin.chart} says where its version comes from`,
            );
        }
    });

    it("counts an in-cluster alert once on Azure although every HA Prometheus replica writes it", () => {
        const groups = azureAlertRules([{ name: "g", rules: serviceAlertRules("ns") }], 5);
        for (const rule of groups.flatMap((g) => g.rules)) {
            if (rule.alert !== "ClusterAlertingDown") {
                assert.match(
                    String(rule.expression),
                    /^max without \(prometheus_replica\) \(ALERTS\{alertstate="firing"/,
                );
            }
        }
        const catchAll = groups.find((g) => g.name === "platform-cluster")!.rules[0];
        assert.match(String(catchAll.expression), /alertname!~"Watchdog\|InfoInhibitor\|ServiceHighErrorRate/);
        assert.match(
            String(groups.find((g) => g.name === "platform-cluster")!.rules[2].expression),
            /\[15m\]\)$/,
            "three heartbeat intervals of silence",
        );
    });

    it("merges chart value fragments key by key", () => {
        assert.deepStrictEqual(mergeValues({ a: { b: 1, c: [1] } }, { a: { d: 2, c: [2] } }), {
            a: { b: 1, c: [2], d: 2 },
        });
    });
});
