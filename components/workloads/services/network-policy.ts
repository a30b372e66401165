import * as pulumi from "@pulumi/pulumi";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import type * as k8s from "@pulumi/kubernetes/types/input";
import type { ResolvedService } from "..";
import { GATEWAY_NAMESPACE, GATEWAY_POD_SELECTOR } from "../edge";
import type { EgressDestination } from "../identity";
import { CLOUD_API_EGRESS, DATABASE_TOKEN_EGRESS } from "../identity/egress";
import { MONITORING_NAMESPACE, PROMETHEUS_POD_SELECTOR } from "../observability";
import type { ServiceWorkloadArgs } from ".";
import { CACHE_TOKEN_EGRESS } from "./cache-tokens";
import { allowListRules } from "./egress";
import { nameSelector } from "./labels";
import type { ServiceRuntime } from "./runtime";

/** Who may call the service's port: Prometheus, the Gateway's Envoy pods when exposed, and its callers. */
export function ingressRules(s: ResolvedService): k8s.networking.v1.NetworkPolicyIngressRule[] {
    // Only a web service listens: a worker's, singleton's or cronjob's pods admit nothing (service-kinds.ts).
    if (s.kind !== "web") return [];
    const podPort = [{ protocol: "TCP", port: s.port }];
    const rules: k8s.networking.v1.NetworkPolicyIngressRule[] = [
        {
            from: [{ namespaceSelector: MONITORING_NAMESPACE.selector, podSelector: PROMETHEUS_POD_SELECTOR }],
            ports: podPort,
        },
    ];
    if (s.expose) {
        rules.push({
            from: [{ namespaceSelector: GATEWAY_NAMESPACE.selector, podSelector: GATEWAY_POD_SELECTOR }],
            ports: podPort,
        });
    }
    if (s.calledBy.length > 0) {
        rules.push({
            from: [
                {
                    podSelector: {
                        matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: s.calledBy }],
                    },
                },
            ],
            ports: podPort,
        });
    }
    return rules;
}

/**
 * Where the service may connect: the services it calls on their ports, the bound database and cache in the
 * network's range on theirs, and the cloud's storage and identity endpoints when it uses storage.
 */
export function egressRules(
    s: ResolvedService,
    args: Pick<ServiceWorkloadArgs, "context" | "network" | "database" | "cache">,
): pulumi.Output<k8s.networking.v1.NetworkPolicyEgressRule[]> {
    return pulumi
        .all([args.network.cidrBlock, args.database.port, args.database.clientEndpoint, args.cache.port])
        .apply(([cidr, databasePort, client, cachePort]) => {
            const rules: k8s.networking.v1.NetworkPolicyEgressRule[] = s.calls.map((callee) => ({
                to: [{ podSelector: { matchLabels: nameSelector(callee.name) } }],
                ports: [{ protocol: "TCP", port: callee.port }],
            }));
            if (s.bind.includes("database")) {
                // The server (read replicas) and the client endpoint, which is the pooler's port when pooling is on.
                const ports = [...new Set([databasePort, client.port])].map((port) => ({ protocol: "TCP", port }));
                rules.push({ to: [{ ipBlock: { cidr } }], ports });
            }
            let cacheToken: { cidr: string; port: number } | undefined;
            if (s.bind.includes("cache")) {
                rules.push({ to: [{ ipBlock: { cidr } }], ports: [{ protocol: "TCP", port: cachePort }] });
                // Passwordless: the token's credentials (services/cache-tokens.ts); storage's egress already has them.
                const token = CACHE_TOKEN_EGRESS[args.context.cloud];
                if ((args.cache.mode?.auth ?? "password") !== "password" && !s.bind.includes("storage")) {
                    cacheToken = token;
                    rules.push({
                        to: [{ ipBlock: { cidr: token.cidr } }],
                        ports: [{ protocol: "TCP", port: token.port }],
                    });
                }
            }
            const storage = s.bind.includes("storage") ? CLOUD_API_EGRESS[args.context.cloud](cidr) : [];
            // Passwordless database logins fetch a token of the service's identity (docs/passwordless.md).
            // The cache's token rule may already allow the same endpoint: each destination is allowed once.
            const allowed = (d: EgressDestination) =>
                storage.some((o) => o.cidr === d.cidr) ||
                (cacheToken?.cidr === d.cidr && d.ports.every((port) => port === cacheToken?.port));
            const token =
                s.bind.includes("database") && args.database.clientAuthentication !== "password"
                    ? DATABASE_TOKEN_EGRESS[args.context.cloud].filter((d) => !allowed(d))
                    : [];
            for (const destination of [...storage, ...token]) {
                rules.push({
                    to: [{ ipBlock: { cidr: destination.cidr, except: destination.except } }],
                    ports: destination.ports.map((port) => ({ protocol: "TCP", port })),
                });
            }
            return [...rules, ...allowListRules(s)];
        });
}

/** Exactly the traffic this service needs, on top of the namespace's default deny (namespace.ts). */
export function createNetworkPolicy(resourceName: string, runtime: ServiceRuntime): NetworkPolicy {
    const { service: s, args, labels } = runtime;
    return new NetworkPolicy(
        resourceName,
        {
            metadata: { name: s.name, namespace: args.namespace, labels },
            spec: {
                podSelector: { matchLabels: nameSelector(s.name) },
                policyTypes: ["Ingress", "Egress"],
                ingress: ingressRules(s),
                egress: egressRules(s, args),
            },
        },
        { parent: runtime.parent },
    );
}
