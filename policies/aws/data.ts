/**
 * Database depth on AWS: read replicas where the environment asks for them, and an RDS Proxy that only
 * speaks TLS. (Keeping automated backups on delete, `deleteAutomatedBackups: false`, is
 * aws-rds-keep-automated-backups in backups.ts.)
 */
import type { PolicyResource } from "@pulumi/policy";
import { isSet, label, ofTypes, peek, resourcePolicy, setting, stackPolicy } from "../lib/policy";
import { RdsInstance, RdsProxy, TYPES } from "../lib/shapes";

/** The replicas of a source instance: instances whose replicateSourceDb comes from it (graph) or names it. */
function replicasOf(resources: readonly PolicyResource[], source: PolicyResource): PolicyResource[] {
    const props = source.props as { arn?: string; identifier?: string };
    const names = [peek(props, "arn"), peek(props, "identifier")].filter((v) => typeof v === "string");
    return ofTypes(resources, [TYPES.rdsInstance]).filter((db) => {
        if (!isSet(db.props as RdsInstance, "replicateSourceDb")) return false;
        const fromGraph = (db.propertyDependencies.replicateSourceDb ?? []).some((d) => d.urn === source.urn);
        return fromGraph || names.includes(peek(db.props as RdsInstance, "replicateSourceDb") as string);
    });
}

export const rdsReadReplicas = stackPolicy({
    name: "aws-rds-read-replicas",
    description: "Every RDS instance (not a replica) has at least the configured number of read replicas.",
    severity: "medium",
    settings: { minimumReplicas: setting.days(0, "Fewest read replicas per instance (a count, 0-5).", 5) },
    validate: ({ resources, config, args, report }) => {
        if (config.minimumReplicas === 0) args.notApplicable("no read replica is required in this environment");
        for (const db of ofTypes(resources, [TYPES.rdsInstance])) {
            if (isSet(db.props as RdsInstance, "replicateSourceDb")) continue;
            const count = replicasOf(resources, db).length;
            if (count < config.minimumReplicas) {
                report(
                    db,
                    `${label(db)} has ${count} read replica(s); this environment requires ${config.minimumReplicas}. Fix: ` +
                        "add aws.rds.Instance replicas with replicateSourceDb: instance.arn (on this platform: " +
                        `"readReplicas": ${config.minimumReplicas} in platform:database).`,
                );
            }
        }
    },
});

export const rdsProxyTls = resourcePolicy({
    name: "aws-rds-proxy-require-tls",
    description: "RDS Proxy requires TLS from its clients (requireTls: true).",
    severity: "high",
    types: [TYPES.rdsProxy],
    validate: (proxy: RdsProxy, { report }) => {
        // requireTls defaults to false: the proxy then accepts plaintext connections (@pulumi/aws rds/proxy.d.ts).
        if (proxy.requireTls !== true) {
            report(
                `requireTls is ${proxy.requireTls ?? "not set (false)"}, so clients may connect to the proxy in plaintext. ` +
                    "Fix: set requireTls: true.",
            );
        }
    },
});

export const awsDataPolicies = [rdsReadReplicas, rdsProxyTls];
