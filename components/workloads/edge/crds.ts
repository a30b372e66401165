import * as pulumi from "@pulumi/pulumi";
import { Chart } from "@pulumi/kubernetes/helm/v4";
import { CHART_PINS } from "../charts";

/** The chart reference of an OCI-hosted pin (`oci://<registry>/<chart>`). */
export function ociChart(pin: { readonly repo: string; readonly chart: string }): string {
    return `${pin.repo}/${pin.chart}`;
}

/**
 * The Gateway API CRDs (standard channel only: GatewayClass, Gateway, HTTPRoute, GRPCRoute, ReferenceGrant,
 * BackendTLSPolicy, ListenerSet, TLSRoute and the safe-upgrade admission policy that refuses the
 * experimental channel's CRDs over them) and Envoy Gateway's CRDs (ClientTrafficPolicy, BackendTrafficPolicy,
 * SecurityPolicy, EnvoyProxy, ...), as their own resource installed before the controller, the Gateway and
 * every route. The chart renders the v1.6.1 standard-install.yaml when `crds.gatewayAPI.channel` is
 * "standard" (envoyproxy/gateway@v1.9.0:charts/gateway-crds-helm/templates/standard-gatewayapi-crds.yaml and
 * tools/make/kube.mk); the controller's own chart would install the experimental channel instead
 * (charts/gateway-helm/charts/crds/crds/gatewayapi-crds.yaml, channel: experimental), so it runs with
 * `crds.enabled: false` (gateway.ts).
 *
 * Why the implementation's CRD chart rather than the Gateway API release's standard-install.yaml: the one
 * pin keeps the Gateway API bundle equal to the one Envoy Gateway is compiled against (the compatibility
 * matrix), and the Envoy CRDs need installing anyway.
 */
export function gatewayCrdsValues(): Record<string, unknown> {
    return { crds: { gatewayAPI: { enabled: true, channel: "standard" }, envoyGateway: { enabled: true } } };
}

/** The CRD chart (client-side rendered, see charts.ts), in the gateway's namespace. */
export function createGatewayCrds(name: string, namespace: pulumi.Input<string>, parent: pulumi.Resource): Chart {
    const pin = CHART_PINS.envoyGatewayCrds;
    return new Chart(
        `${name}-gateway-crds`,
        { chart: ociChart(pin), version: pin.version, namespace, values: gatewayCrdsValues() },
        { parent },
    );
}
