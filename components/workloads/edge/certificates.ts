import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { Namespace } from "@pulumi/kubernetes/core/v1";
import { Release } from "@pulumi/kubernetes/helm/v3";
import { Environment } from "../../shared/context";
import { CHART_PINS } from "../charts";
import { GATEWAY } from ".";

/** The ClusterIssuer the Gateway's certificate comes from. */
export const CLUSTER_ISSUER = "letsencrypt";
/** The Secret of the Gateway's certificate, in the Gateway's namespace (its HTTPS listener refers to it). */
export const GATEWAY_CERTIFICATE_SECRET = "gateway-tls";
/**
 * Let's Encrypt's ACME directories. The staging one issues untrusted certificates under far higher rate limits
 * (https://letsencrypt.org/docs/staging-environment/), so a dev or staging stack re-created every day does
 * not exhaust the production limits of the domain.
 */
export const ACME_SERVERS = {
    production: "https://acme-v02.api.letsencrypt.org/directory",
    staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;
export type AcmeDirectory = keyof typeof ACME_SERVERS;

/** Production certificates in prod, the staging directory elsewhere, unless the stack chose one. */
export function acmeDirectoryFor(environment: Environment, chosen?: AcmeDirectory): AcmeDirectory {
    return chosen ?? (environment === "prod" ? "production" : "staging");
}

/**
 * DNS-01 through the stack's DNS zone (components/dns, `platform:dns`): cert-manager writes the challenge
 * TXT record itself, so no challenge crosses the load balancer and wildcard names are possible. Fields:
 * cert-manager@v1.21.1:pkg/apis/acme/v1/types_issuer.go (ACMEIssuerDNS01ProviderRoute53, ...AzureDNS). The
 * identity cert-manager uses (a Pod Identity role allowed route53:ChangeResourceRecordSets on the zone, or a
 * managed identity with "DNS Zone Contributor" federated with cert-manager's ServiceAccount) comes with the zone.
 */
export type Dns01Solver =
    | {
          readonly cloud: "aws";
          /** The zone's name, e.g. "example.com"; only names in it are solved by DNS-01. */
          readonly zoneName: string;
          readonly hostedZoneId: pulumi.Input<string>;
          readonly region: string;
      }
    | {
          readonly cloud: "azure";
          readonly zoneName: string;
          readonly subscriptionId: pulumi.Input<string>;
          readonly resourceGroupName: pulumi.Input<string>;
          /** Client ID of the managed identity federated with cert-manager's ServiceAccount. */
          readonly managedIdentityClientId: pulumi.Input<string>;
      };

/** The ACME solvers: DNS-01 for names in the stack's zone when it has one, HTTP-01 through the Gateway otherwise. */
export function acmeSolvers(gatewayNamespace: string, dns01?: Dns01Solver): Record<string, unknown>[] {
    // cert-manager creates a temporary HTTPRoute for /.well-known/acme-challenge/<token> attached to these
    // parents (ACMEChallengeSolverHTTP01GatewayHTTPRoute.parentRefs, types_issuer.go); the HTTP listener
    // admits routes of its own namespace, where the Certificate and so the solver live.
    const http01 = {
        http01: {
            gatewayHTTPRoute: {
                parentRefs: [
                    {
                        group: "gateway.networking.k8s.io",
                        kind: "Gateway",
                        name: GATEWAY.name,
                        namespace: gatewayNamespace,
                        sectionName: GATEWAY.httpListener,
                    },
                ],
            },
        },
    };
    if (!dns01) return [http01];
    const provider =
        dns01.cloud === "aws"
            ? { route53: { region: dns01.region, hostedZoneID: dns01.hostedZoneId } }
            : {
                  azureDNS: {
                      subscriptionID: dns01.subscriptionId,
                      resourceGroupName: dns01.resourceGroupName,
                      hostedZoneName: dns01.zoneName,
                      environment: "AzurePublicCloud",
                      managedIdentity: { clientID: dns01.managedIdentityClientId },
                  },
              };
    // The selector sends names in the zone to DNS-01; any other name falls through to HTTP-01.
    return [{ selector: { dnsZones: [dns01.zoneName] }, dns01: provider }, http01];
}

/**
 * cert-manager's chart values: CRDs installed and kept by the chart (`crds.enabled`, the current name of
 * `installCRDs`), Gateway API support on (`config.gatewayAPI.enabled`, which replaces the deprecated
 * `enableGatewayAPI`: cert-manager@v1.21.1:pkg/apis/config/controller/v1alpha1/types.go, GatewayAPIConfig; the
 * ExperimentalGatewayAPISupport gate defaults on since 1.15, deploy/charts/cert-manager/values.yaml), and its
 * metrics scraped through the chart's own ServiceMonitor so certificate expiry and readiness alert
 * (observability/rules.ts, `certificateAlertRules`). Source: cert-manager@v1.21.1:deploy/charts/cert-manager/values.yaml.
 */
export function certManagerValues(highAvailability: boolean): Record<string, unknown> {
    return {
        crds: { enabled: true, keep: true },
        config: {
            apiVersion: "controller.config.cert-manager.io/v1alpha1",
            kind: "ControllerConfiguration",
            gatewayAPI: { enabled: true },
        },
        replicaCount: highAvailability ? 2 : 1,
        podDisruptionBudget: { enabled: highAvailability },
        prometheus: { enabled: true, servicemonitor: { enabled: true, interval: "60s" } },
    };
}

/**
 * cert-manager (namespace and pinned release, `opts` applying to the release), the Let's Encrypt
 * ClusterIssuer, and the Gateway's one Certificate covering every host it serves; returns the issuer and the
 * certificate, which the Gateway waits for.
 */
export function createCertManager(
    name: string,
    args: {
        readonly alertEmail: string;
        readonly highAvailability: boolean;
        readonly directory: AcmeDirectory;
        readonly gatewayNamespace: pulumi.Input<string>;
        readonly hosts: string[];
        readonly dns01?: Dns01Solver;
        /** cert-manager's DNS-01 identity (dns01.ts): extra chart values and the bindings the issuer waits for. */
        readonly identity?: { readonly values: Record<string, unknown>; readonly ready: pulumi.Resource[] };
    },
    opts: pulumi.CustomResourceOptions & { parent: pulumi.Resource },
): CustomResource[] {
    const certManagerNamespace = new Namespace(
        `${name}-cert-manager-namespace`,
        { metadata: { name: "cert-manager", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
        { parent: opts.parent },
    );
    const certManager = new Release(
        `${name}-cert-manager`,
        {
            name: "cert-manager",
            chart: CHART_PINS.certManager.chart,
            version: CHART_PINS.certManager.version,
            repositoryOpts: { repo: CHART_PINS.certManager.repo },
            namespace: certManagerNamespace.metadata.name,
            atomic: true,
            cleanupOnFail: true,
            values: { ...certManagerValues(args.highAvailability), ...args.identity?.values },
        },
        opts,
    );
    const issuer = new CustomResource(
        `${name}-cluster-issuer`,
        {
            apiVersion: "cert-manager.io/v1",
            kind: "ClusterIssuer",
            metadata: { name: CLUSTER_ISSUER },
            spec: {
                acme: {
                    server: ACME_SERVERS[args.directory],
                    email: args.alertEmail,
                    privateKeySecretRef: { name: `${CLUSTER_ISSUER}-${args.directory}-account-key` },
                    solvers: pulumi.output(args.gatewayNamespace).apply((ns) => acmeSolvers(ns, args.dns01)),
                },
            },
        },
        // A DNS-01 challenge needs the identity bound before cert-manager first writes the zone.
        { parent: opts.parent, dependsOn: [certManager, ...(args.identity?.ready ?? [])] },
    );
    return args.hosts.length === 0 ? [issuer] : [issuer, gatewayCertificate(name, args, issuer, opts.parent)];
}

/** One certificate for every host of the Gateway, in its namespace (the HTTPS listener's certificateRefs). */
function gatewayCertificate(
    name: string,
    args: { readonly gatewayNamespace: pulumi.Input<string>; readonly hosts: string[] },
    issuer: CustomResource,
    parent: pulumi.Resource,
): CustomResource {
    return new CustomResource(
        `${name}-certificate`,
        {
            apiVersion: "cert-manager.io/v1",
            kind: "Certificate",
            metadata: { name: GATEWAY_CERTIFICATE_SECRET, namespace: args.gatewayNamespace },
            spec: {
                secretName: GATEWAY_CERTIFICATE_SECRET,
                dnsNames: [...new Set(args.hosts)].sort(),
                issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: CLUSTER_ISSUER },
                privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
            },
        },
        { parent, dependsOn: [issuer] },
    );
}
