import * as pulumi from "@pulumi/pulumi";
import type { ClusterOutputs } from "../../cluster";
import type { NetworkOutputs } from "../../network";
import { PlatformContext } from "../../shared/context";
import type { ResolvedService, WorkloadsCache, WorkloadsDatabase, WorkloadsStorage } from "..";
import type { EdgeRouting } from "../edge";
import type { SecretValues } from "../secrets";

/*
 * The application services: one ServiceWorkload per entry of `platform:services`, built from one builder per
 * Kubernetes object kind (a file each: service-account.ts, secret.ts, pod.ts for the pod template,
 * deployment.ts, cluster-service.ts, autoscaler.ts, disruption-budget.ts, network-policy.ts,
 * service-monitor.ts), and the application namespace they share (namespace.ts). runtime.ts builds what
 * every kind of workload needs first (image, cloud identity, ServiceAccount, connection Secret, and what
 * pods wait for); a workload kind composes the builders it needs on top: web.ts (with canary.ts) is the
 * long-running HTTP service, the only kind today.
 *
 * Adding a workload kind (a worker, a Job, a CronJob) is adding a file here: `worker.ts` exporting a
 * `WorkloadKindBuilder` that composes runtime.ts with deployment.ts and network-policy.ts, or `job.ts` with
 * a new `batch/v1` builder file using pod.ts's template, registered in `WORKLOAD_KINDS` (service.ts).
 */

/** Arguments of one service on the cluster (built by the Workloads component). */
export interface ServiceWorkloadArgs {
    readonly context: PlatformContext;
    readonly service: ResolvedService;
    /** Namespace the service runs in. */
    readonly namespace: pulumi.Input<string>;
    /** Repository the built image is pushed to. */
    readonly repositoryUrl: pulumi.Input<string>;
    readonly cluster: Pick<ClusterOutputs, "clusterName" | "oidcIssuerUrl">;
    readonly network: Pick<NetworkOutputs, "cidrBlock" | "endpointSubnetIds">;
    readonly database: WorkloadsDatabase;
    readonly cache: WorkloadsCache;
    readonly storage: WorkloadsStorage;
    /** Spread pods across zones. */
    readonly highAvailability: boolean;
    /** The Gateway exposed services' HTTPRoutes attach to. */
    readonly ingress: EdgeRouting;
    /** Resources the HTTPRoutes wait for (the Gateway, the policies' CRDs, the ClusterIssuer). */
    readonly ingressDependsOn: pulumi.Input<pulumi.Resource>[];
    readonly monitoringDependsOn: pulumi.Input<pulumi.Resource>[];
    /**
     * Values of the service's secrets given in stack config, by name.
     * @default {} (set out of band)
     */
    readonly secretValues?: SecretValues;
    /**
     * What the service's SecretProviderClass and ScaledObject wait for: the CSI driver and KEDA (EKS charts).
     * @default [] (the AKS add-ons come with the cluster)
     */
    readonly addonsDependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** One service's outputs. */
export interface ServiceWorkloadOutputs {
    /** The image reference the Deployment runs. */
    readonly image: pulumi.Output<string>;
    /** Public URL, or undefined when not exposed. */
    readonly url: pulumi.Output<string | undefined>;
    /** Azure: the object id of the service's managed identity, when it has one (its database login maps to it). */
    readonly identityObjectId?: pulumi.Output<string>;
}

/**
 * One application service: ServiceAccount (bound to a cloud identity when it uses storage), connection
 * Secret, Deployment, Service, HPA, PDB, NetworkPolicy, ServiceMonitor, and HTTPRoute (plus canary) when
 * exposed.
 */
export class ServiceWorkload extends pulumi.ComponentResource implements ServiceWorkloadOutputs {
    public readonly image: pulumi.Output<string>;
    public readonly url: pulumi.Output<string | undefined>;
    public readonly identityObjectId?: pulumi.Output<string>;

    constructor(name: string, args: ServiceWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:workloads:ServiceWorkload", name, {}, opts);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { createServiceWorkload } = require("./service") as typeof import("./service");
        const outputs = createServiceWorkload(name, args, this);
        this.image = outputs.image;
        this.url = outputs.url;
        this.identityObjectId = outputs.identityObjectId;
        this.registerOutputs({ ...outputs });
    }
}
