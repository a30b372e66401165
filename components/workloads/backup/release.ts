import * as pulumi from "@pulumi/pulumi";
import { Namespace } from "@pulumi/kubernetes/core/v1";
import { Release } from "@pulumi/kubernetes/helm/v3";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { implementationFor } from "../../shared/context";
import { CHART_PINS } from "../charts";
import { MONITORING_NAMESPACE } from "../observability";
import { DNS_SELECTOR } from "../services/namespace";
import { VELERO_NAMESPACE, VeleroArgs, VeleroCloudImplementation, VeleroOutputs } from ".";
import { veleroSchedules } from "./schedules";
import { veleroValues } from "./values";

/** The EKS Pod Identity agent's link-local credentials endpoint (components/workloads/identity/egress.ts). */
const POD_IDENTITY_AGENT = "169.254.170.23/32";

/**
 * Velero: its namespace (restricted Pod Security: without the node agent no Velero pod needs host paths or root),
 * a default-deny NetworkPolicy with the flows it needs, the cloud's bucket and identity, and the pinned release,
 * which waits for the identity and the bucket's settings (a pod created before its credentials exist runs
 * without them until it is re-created; a backup written before the key or policy applies is not protected).
 */
export function createVelero(name: string, args: VeleroArgs, parent: pulumi.Resource): VeleroOutputs {
    const cloudOf = implementationFor<VeleroCloudImplementation>(args.context.cloud, {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        aws: () => (require("./aws") as typeof import("./aws")).createVeleroAws,
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        azure: () => (require("./azure") as typeof import("./azure")).createVeleroAzure,
    });
    const namespace = new Namespace(
        `${name}-namespace`,
        {
            metadata: {
                name: VELERO_NAMESPACE,
                labels: {
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/warn": "restricted",
                    "pod-security.kubernetes.io/audit": "restricted",
                },
            },
        },
        { parent },
    );
    const policies = veleroNetworkPolicies(name, args, namespace.metadata.name, { parent });
    const cloud = cloudOf(name, args, parent);
    const pin = CHART_PINS.velero;
    new Release(
        `${name}-release`,
        {
            name: "velero",
            chart: pin.chart,
            version: pin.version,
            repositoryOpts: { repo: pin.repo },
            namespace: namespace.metadata.name,
            atomic: true,
            cleanupOnFail: true,
            values: cloud.values.apply((values) => veleroValues(args, values)),
        },
        { parent, dependsOn: [...cloud.ready, ...policies] },
    );
    const schedules = veleroSchedules(args.settings, args.context.cloud);
    return {
        bucketName: cloud.bucketName,
        principalId: cloud.principalId,
        schedules: pulumi.output(
            Object.fromEntries(Object.entries(schedules).map(([k, s]) => [k, parseInt(s.template.ttl, 10)])),
        ),
    };
}

/**
 * Deny everything in the namespace, then allow: DNS; HTTPS anywhere (the Kubernetes API, the object store and
 * the cloud's snapshot and token APIs, whose addresses are the cloud's; on Azure the account's private
 * endpoint inside the VNet); on EKS the Pod Identity agent; and Prometheus's scrape of the metrics port (8085,
 * the chart's `http-monitoring`) from the monitoring namespace.
 */
function veleroNetworkPolicies(
    name: string,
    args: VeleroArgs,
    namespace: pulumi.Output<string>,
    opts: pulumi.CustomResourceOptions,
): NetworkPolicy[] {
    const deny = new NetworkPolicy(
        `${name}-default-deny`,
        {
            metadata: { name: "default-deny-all", namespace },
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        },
        opts,
    );
    const podIdentity =
        args.context.cloud === "aws"
            ? [{ to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT } }], ports: [{ protocol: "TCP", port: 80 }] }]
            : [];
    const allow = new NetworkPolicy(
        `${name}-allow`,
        {
            metadata: { name: "velero", namespace },
            spec: {
                podSelector: {},
                policyTypes: ["Ingress", "Egress"],
                ingress: [
                    {
                        from: [{ namespaceSelector: MONITORING_NAMESPACE.selector }],
                        ports: [{ protocol: "TCP", port: 8085 }],
                    },
                ],
                egress: [
                    {
                        to: [DNS_SELECTOR],
                        ports: [
                            { protocol: "UDP", port: 53 },
                            { protocol: "TCP", port: 53 },
                        ],
                    },
                    { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] },
                    ...podIdentity,
                ],
            },
        },
        opts,
    );
    return [deny, allow];
}
