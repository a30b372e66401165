import * as pulumi from "@pulumi/pulumi";
import { Release } from "@pulumi/kubernetes/helm/v3";
import { podIdentityRole } from "../../../shared/aws";
import { PlatformContext, awsPlacement } from "../../../shared/context";
import { CHART_PINS } from "../../charts";
// The controller's published policy at the pinned release, vendored unchanged:
// github:kubernetes-sigs/aws-load-balancer-controller@v3.5.0:docs/install/iam_policy.json (5,196 characters
// without whitespace, under the 10,240 of a role's inline policies). Bump it with CHART_PINS.awsLoadBalancerController.
import iamPolicy from "./iam_policy.v3.5.0.json";

/** The controller's namespace and ServiceAccount (its Pod Identity association names them). */
export const LBC_NAMESPACE = "kube-system";
export const LBC_SERVICE_ACCOUNT = "aws-load-balancer-controller";

/**
 * The chart's values: the cluster, region and VPC given (the pods cannot read them from the instance metadata
 * with IMDSv2's hop limit of 1), no IngressClass (the edge uses the Gateway API, not Ingresses), and the
 * Service mutator webhook off so the controller handles only Services that ask for it by
 * `loadBalancerClass: service.k8s.aws/nlb` (load-balancer.ts). Keys: github:aws/eks-charts@5239609:
 * stable/aws-load-balancer-controller/values.yaml.
 */
export function lbcValues(args: {
    readonly clusterName: string;
    readonly region: string;
    readonly vpcId: string;
    readonly highAvailability: boolean;
}): Record<string, unknown> {
    return {
        clusterName: args.clusterName,
        region: args.region,
        vpcId: args.vpcId,
        replicaCount: args.highAvailability ? 2 : 1,
        serviceAccount: { create: true, name: LBC_SERVICE_ACCOUNT },
        createIngressClassResource: false,
        ingressClassParams: { create: false },
        enableServiceMutatorWebhook: false,
        podDisruptionBudget: args.highAvailability ? { maxUnavailable: 1 } : {},
        resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    };
}

/**
 * The AWS Load Balancer Controller (EKS only): an IAM role through EKS Pod Identity with the controller's
 * published policy (components/shared/aws.ts `podIdentityRole`, as the services' identities), then the pinned
 * chart; returns the release, which the Gateway (and so its NLB Service) waits for.
 */
export function createAwsLoadBalancerController(
    name: string,
    args: {
        readonly context: PlatformContext;
        readonly clusterName: pulumi.Input<string>;
        readonly vpcId: pulumi.Input<string>;
        readonly highAvailability: boolean;
    },
    parent: pulumi.Resource,
): Release {
    const { ready } = podIdentityRole(
        `${name}-lbc`,
        {
            description: "Pod Identity role of the AWS Load Balancer Controller (its published policy)",
            clusterName: args.clusterName,
            namespace: LBC_NAMESPACE,
            serviceAccount: LBC_SERVICE_ACCOUNT,
            policyName: "load-balancer-controller",
            policy: JSON.stringify(iamPolicy),
        },
        { parent },
    );
    const pin = CHART_PINS.awsLoadBalancerController;
    const { region } = awsPlacement(args.context);
    return new Release(
        `${name}-aws-load-balancer-controller`,
        {
            name: "aws-load-balancer-controller",
            chart: pin.chart,
            version: pin.version,
            repositoryOpts: { repo: pin.repo },
            namespace: LBC_NAMESPACE,
            atomic: true,
            cleanupOnFail: true,
            values: pulumi
                .all([args.clusterName, args.vpcId])
                .apply(([clusterName, vpcId]) =>
                    lbcValues({ clusterName, region, vpcId, highAvailability: args.highAvailability }),
                ),
        },
        // Pod Identity injects credentials at pod creation only: the association exists before the pods.
        { parent, dependsOn: ready },
    );
}
