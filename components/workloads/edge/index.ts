import * as pulumi from "@pulumi/pulumi";
import { PlatformContext } from "../../shared/context";

/*
 * The edge: how requests reach the services. ingress-nginx behind the cloud's load balancer
 * (controller.ts, with the per-cloud annotations in load-balancer.ts), certificates from Let's Encrypt
 * through cert-manager and its ClusterIssuer (certificates.ts), and the routes: each exposed service's
 * Ingress (plus its canary) and Grafana's (routes.ts). A gateway, DNS records or a CDN belong here.
 */

/** The ingress controller's namespace, and how network policy selects it. */
export const INGRESS_NAMESPACE = {
    name: "ingress-nginx",
    selector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } },
} as const;
/** The controller pods inside it. */
export const INGRESS_POD_SELECTOR = {
    matchLabels: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" },
};

/** The ingress class and ClusterIssuer an exposed service's routes use. */
export interface EdgeRouting {
    readonly className: string;
    readonly clusterIssuer: string;
}

/** Arguments of the ingress controller and certificate issuer. */
export interface IngressControllerArgs {
    readonly context: PlatformContext;
    readonly alertEmail: string;
    readonly highAvailability: boolean;
    /** Annotations of the controller's LoadBalancer Service (per cloud). */
    readonly loadBalancerAnnotations: Record<string, string>;
    /** The Prometheus operator's CRDs, which cert-manager's ServiceMonitor needs before it installs. */
    readonly monitoringCrds: pulumi.Resource[];
}

/** What exposed services need from the ingress layer. */
export interface IngressControllerOutputs extends EdgeRouting {
    /** Namespace of the controller (network policy admits traffic from it). */
    readonly namespace: string;
    /** The resources an Ingress must wait for (controller webhook, ClusterIssuer). */
    readonly ready: pulumi.Resource[];
}

/** ingress-nginx and cert-manager from their pinned Helm charts, and a Let's Encrypt ClusterIssuer. */
export class IngressController extends pulumi.ComponentResource implements IngressControllerOutputs {
    public readonly className: string;
    public readonly clusterIssuer: string;
    public readonly namespace: string;
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: IngressControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:workloads:IngressController", name, {}, opts);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { createIngressController } = require("./controller") as typeof import("./controller");
        const outputs = createIngressController(name, args, this);
        this.className = outputs.className;
        this.clusterIssuer = outputs.clusterIssuer;
        this.namespace = outputs.namespace;
        this.ready = outputs.ready;
        this.registerOutputs({
            className: outputs.className,
            clusterIssuer: outputs.clusterIssuer,
            namespace: outputs.namespace,
        });
    }
}
