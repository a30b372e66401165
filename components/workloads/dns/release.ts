import * as pulumi from "@pulumi/pulumi";
import { Namespace } from "@pulumi/kubernetes/core/v1";
import { Release } from "@pulumi/kubernetes/helm/v3";
import { EXTERNAL_DNS_NAMESPACE, ExternalDnsArgs, ExternalDnsIdentityImplementation, ExternalDnsOutputs } from ".";
import { implementationFor } from "../../shared/context";
import { EXTERNAL_DNS_CHART } from "./chart";
import { externalDnsValues } from "./values";

/**
 * external-dns: its namespace (restricted Pod Security: the chart runs non-root with a read-only root
 * filesystem), the cloud identity limited to the zone, and the pinned release, which waits for the identity
 * (a pod created before its credentials exist runs without them until it is re-created).
 */
export function createExternalDns(name: string, args: ExternalDnsArgs, parent: pulumi.Resource): ExternalDnsOutputs {
    const identityOf = implementationFor<ExternalDnsIdentityImplementation>(args.context.cloud, {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        aws: () => (require("./aws") as typeof import("./aws")).createExternalDnsAwsIdentity,
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        azure: () => (require("./azure") as typeof import("./azure")).createExternalDnsAzureIdentity,
    });
    const namespace = new Namespace(
        `${name}-namespace`,
        {
            metadata: {
                name: EXTERNAL_DNS_NAMESPACE,
                labels: { "pod-security.kubernetes.io/enforce": "restricted" },
            },
        },
        { parent },
    );
    const identity = identityOf(name, args, parent, namespace.metadata.name);
    const ownerId = args.context.namePrefix;
    new Release(
        `${name}-release`,
        {
            name: "external-dns",
            chart: EXTERNAL_DNS_CHART.chart,
            version: EXTERNAL_DNS_CHART.version,
            repositoryOpts: { repo: EXTERNAL_DNS_CHART.repo },
            namespace: namespace.metadata.name,
            atomic: true,
            cleanupOnFail: true,
            values: pulumi
                .all([identity.values, pulumi.output(args.gatewayNamespace)])
                .apply(([cloud, gatewayNamespace]) =>
                    externalDnsValues({
                        ownerId,
                        zoneName: args.zone.zoneName,
                        excludeHosts: args.excludeHosts ?? [],
                        gatewayNamespace,
                        cloud,
                    }),
                ),
        },
        { parent, dependsOn: identity.ready },
    );
    return { ownerId: pulumi.output(ownerId), principalId: identity.principalId };
}
