/** The stand-ins of the Gateway API edge's outputs (test/edge/program.ts). */
/** What the Gateway's LoadBalancer Service reports: an NLB host name on AWS, a public IP on Azure. */
export const GATEWAY_ADDRESS = {
    aws: "k8s-gateway-0123456789-abcdef0123456789.elb.eu-west-1.amazonaws.com",
    azure: "20.61.10.20",
} as const;
export const GATEWAY_NAMESPACE = "gateway-system";
