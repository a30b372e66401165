import * as pulumi from "@pulumi/pulumi";
import type { ClusterOutputs } from "../../cluster";
import type { DnsOutputs } from "../../dns";
import { PlatformContext } from "../../shared/context";
import type { Dns01Solver } from "./certificates";

/** cert-manager's namespace and the ServiceAccount of its controller (the one that solves challenges). */
export const CERT_MANAGER_IDENTITY = { namespace: "cert-manager", serviceAccount: "cert-manager" } as const;

/** The stack's DNS zone, as components/dns publishes it. */
export type Dns01Zone = Pick<DnsOutputs, "zoneId" | "zoneResourceId" | "resourceGroupName"> & {
    /** The zone's name, e.g. "example.com". */
    readonly zoneName: string;
};

/** What DNS-01 through the zone brings: the solver, cert-manager's extra chart values, what the issuer waits for. */
export interface CertManagerDns01 {
    readonly solver: Dns01Solver;
    /** Chart values cert-manager's controller needs to act as its identity (Azure workload identity labels). */
    readonly values: Record<string, unknown>;
    /** The identity's bindings (Pod Identity association / federated credential and role assignment). */
    readonly ready: pulumi.Resource[];
}

export interface Dns01Args {
    readonly context: PlatformContext;
    readonly cluster: Pick<ClusterOutputs, "clusterName" | "oidcIssuerUrl">;
    readonly zone: Dns01Zone;
}

/**
 * DNS-01 through the stack's zone, with cert-manager's own workload identity limited to that zone (AWS: an EKS
 * Pod Identity role, dns01-aws.ts; Azure: a managed identity federated with its ServiceAccount holding DNS Zone
 * Contributor on the zone, dns01-azure.ts). With a CDN in front, HTTP-01 cannot bootstrap the Gateway's
 * certificate: the CDN reaches the origin over HTTPS only, and the origin's lock admits nobody else.
 */
export function certManagerDns01(name: string, args: Dns01Args, parent: pulumi.Resource): CertManagerDns01 {
    /* eslint-disable @typescript-eslint/no-require-imports */
    return args.context.cloud === "aws"
        ? (require("./dns01-aws") as typeof import("./dns01-aws")).awsDns01(name, args, parent)
        : (require("./dns01-azure") as typeof import("./dns01-azure")).azureDns01(name, args, parent);
    /* eslint-enable @typescript-eslint/no-require-imports */
}
