/**
 * Database depth on Azure: read replicas where the environment asks for them, and replicas and the built-in
 * PgBouncer only on tiers that support them (General Purpose, Memory Optimized; not Burstable:
 * https://learn.microsoft.com/azure/postgresql/connectivity/concepts-pgbouncer,
 * https://learn.microsoft.com/azure/postgresql/read-replica/concepts-read-replicas).
 */
import type { PolicyResource } from "@pulumi/policy";
import { label, ofTypes, peek, setting, stackPolicy } from "../lib/policy";
import { PostgresConfiguration, PostgresServer, TYPES } from "../lib/shapes";

const isReplica = (server: PolicyResource) => (server.props as PostgresServer).createMode === "Replica";

/** The server a replica or a server parameter belongs to: through the graph, or by its name/id. */
function belongsTo(
    resources: readonly PolicyResource[],
    r: PolicyResource,
    property: string,
): PolicyResource | undefined {
    const urns = (r.propertyDependencies[property] ?? []).map((d) => d.urn);
    return ofTypes(resources, [TYPES.postgresServer]).find((s) => urns.includes(s.urn));
}

export const postgresReadReplicas = stackPolicy({
    name: "azure-postgres-read-replicas",
    description:
        "Every PostgreSQL flexible server (not a replica) has at least the configured number of read replicas.",
    severity: "medium",
    settings: { minimumReplicas: setting.days(0, "Fewest read replicas per server (a count, 0-5).", 5) },
    validate: ({ resources, config, args, report }) => {
        if (config.minimumReplicas === 0) args.notApplicable("no read replica is required in this environment");
        const servers = ofTypes(resources, [TYPES.postgresServer]);
        for (const server of servers.filter((s) => !isReplica(s))) {
            const count = servers.filter(
                (r) => isReplica(r) && belongsTo(resources, r, "sourceServerResourceId")?.urn === server.urn,
            ).length;
            if (count < config.minimumReplicas) {
                report(
                    server,
                    `${label(server)} has ${count} read replica(s); this environment requires ${config.minimumReplicas}. ` +
                        'Fix: add servers with createMode "Replica" and sourceServerResourceId: server.id (on this platform: ' +
                        `"readReplicas": ${config.minimumReplicas} in platform:database).`,
                );
            }
        }
    },
});

/** Whether a server runs on the Burstable tier (its sku.tier, or a Standard_B* name). */
function burstable(server: PolicyResource): boolean {
    const sku = peek(server.props as PostgresServer, "sku");
    if (typeof sku !== "object" || sku === null) return false;
    return sku.tier === "Burstable" || /^Standard_B/.test(sku.name ?? "");
}

export const postgresDepthTier = stackPolicy({
    name: "azure-postgres-pooler-replica-tier",
    description: "Read replicas and the built-in PgBouncer run only on General Purpose or Memory Optimized servers.",
    severity: "high",
    validate: ({ resources, report }) => {
        for (const server of ofTypes(resources, [TYPES.postgresServer])) {
            const source = isReplica(server) ? belongsTo(resources, server, "sourceServerResourceId") : undefined;
            if (isReplica(server) && (burstable(server) || (source && burstable(source)))) {
                report(
                    server,
                    `${label(server)} is a read replica on the Burstable tier, which Azure does not offer replicas on. ` +
                        "Fix: use a General Purpose or Memory Optimized SKU for the primary and its replicas.",
                );
            }
        }
        for (const parameter of ofTypes(resources, [TYPES.postgresConfiguration])) {
            const props = parameter.props as PostgresConfiguration;
            if (props.configurationName !== "pgbouncer.enabled" || String(props.value).toLowerCase() !== "true")
                continue;
            const server = belongsTo(resources, parameter, "serverName");
            if (server && burstable(server)) {
                report(
                    parameter,
                    `PgBouncer is enabled on ${label(server)}, a Burstable server, where the built-in PgBouncer is not ` +
                        "supported. Fix: move the server to General Purpose or Memory Optimized, or set pgbouncer.enabled false.",
                );
            }
        }
    },
});

export const azureDataPolicies = [postgresReadReplicas, postgresDepthTier];
