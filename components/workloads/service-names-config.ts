import type { ServiceEntry } from "./config";
import { grafanaHostFor } from "./edge/routes";
import { canaryName, reservedNameOwner } from "./services/reserved";

/*
 * Names and routes a service may not take (issue 14 item 6): the platform's own objects' names
 * (services/reserved.ts), another service's canary, and Grafana's host. Duplicate names (across every kind)
 * and duplicate host + path are config.ts's checkName and checkExposure.
 */

const KEY = "platform:services";

/** No service named like a platform namespace, release, component or namespace-wide object. */
export function checkReservedName({ service: s, label, add }: ServiceEntry): void {
    const owner = s.name ? reservedNameOwner(s.name) : undefined;
    if (owner) {
        add(
            ".name",
            s.name,
            `a name the platform does not use ("${s.name}" is ${owner})`,
            `Rename ${label} in ${KEY}, e.g. to "app-${s.name}".`,
        );
    }
}

/**
 * No service named like another's canary: an exposed service with a canary creates a Deployment and a
 * Service named `<name>-canary` (services/canary.ts), which the other service's would overwrite.
 */
export function checkCanaryName({ service: s, label, services, add }: ServiceEntry): void {
    const owner = services.find((o) => o !== s && o.name && o.expose?.canary && canaryName(o.name) === s.name);
    if (owner) {
        add(
            ".name",
            s.name,
            `a name no other object uses ("${s.name}" is the canary Deployment and Service of service "${owner.name}")`,
            `Rename ${label} in ${KEY}, or remove the canary of service "${owner.name}".`,
        );
    }
}

/**
 * No service exposed on Grafana's host: Grafana is published on `grafana.` + the first exposed host's
 * parent domain (workloads.ts publishedGrafanaHost, edge/routes.ts grafanaHostFor), and two Ingresses on
 * one host and path would split its traffic.
 */
export function checkGrafanaHost({ service: s, label, services, add }: ServiceEntry): void {
    const first = services.find((o) => o.expose?.host)?.expose?.host;
    if (!first || !s.expose?.host) return;
    const grafana = grafanaHostFor(first);
    if (s.expose.host === grafana) {
        add(
            ".expose.host",
            s.expose.host,
            `a host other than Grafana's (${grafana}, derived from the first exposed host ${first})`,
            `Change the "host" of ${label} to another name.`,
        );
    }
}
