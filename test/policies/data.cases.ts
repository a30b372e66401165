/**
 * The three cases of the database-depth rules (policies/aws/data.ts, policies/azure/data.ts): read replicas
 * where configured, RDS Proxy TLS, replicas and PgBouncer only off the Burstable tier.
 */
import * as awsData from "../../policies/aws/data";
import * as azureData from "../../policies/azure/data";
import { TYPES } from "../../policies/lib/shapes";
import { FixtureResource, PolicyCases, named, setPath } from "./fixtures";

const SOURCE_ARN = "arn:aws:rds:eu-west-1:123456789012:db:app";
const set = (name: string, path: string, value: unknown) => (graph: FixtureResource[]) =>
    setPath(named(graph, name).props, path, value);

/** An RDS instance and its read replica (its replicateSourceDb from the instance's arn). */
export const rdsWithReplica = (): FixtureResource[] => [
    { type: TYPES.rdsInstance, name: "db-instance", props: { identifier: "app", arn: SOURCE_ARN } },
    {
        type: TYPES.rdsInstance,
        name: "db-replica-1",
        props: { identifier: "app-replica-1", replicateSourceDb: SOURCE_ARN },
        propertyDependencies: { replicateSourceDb: ["db-instance"] },
    },
];

export const rdsProxy = (): FixtureResource[] => [
    { type: TYPES.rdsProxy, name: "db-proxy", props: { engineFamily: "POSTGRESQL", requireTls: true } },
];

const GENERAL_PURPOSE = { name: "Standard_D4ds_v5", tier: "GeneralPurpose" };

/** A General Purpose flexible server with a replica and PgBouncer on. */
export const flexibleWithReplica = (): FixtureResource[] => [
    { type: TYPES.postgresServer, name: "db-server", props: { sku: { ...GENERAL_PURPOSE } } },
    {
        type: TYPES.postgresServer,
        name: "db-replica-1",
        props: { createMode: "Replica", sku: { ...GENERAL_PURPOSE } },
        propertyDependencies: { sourceServerResourceId: ["db-server"] },
    },
    {
        type: TYPES.postgresConfiguration,
        name: "db-pgbouncer-enabled",
        props: { configurationName: "pgbouncer.enabled", value: "true" },
        propertyDependencies: { serverName: ["db-server"] },
    },
];

export const DATA_CASES: PolicyCases[] = [
    {
        policy: awsData.rdsReadReplicas,
        config: { minimumReplicas: 1 },
        compliant: rdsWithReplica,
        nonCompliant: {
            what: "the replica's replicateSourceDb names another instance",
            change: (graph) => {
                named(graph, "db-replica-1").props.replicateSourceDb = "arn:aws:rds:eu-west-1:123456789012:db:other";
                (named(graph, "db-replica-1") as { propertyDependencies?: object }).propertyDependencies = {};
            },
        },
        unknownProperty: {
            verdict: "pass",
            because: "the graph names the replica's source even while its ARN is unknown",
        },
        undefinedProperty: {
            what: "replicateSourceDb",
            remove: set("db-replica-1", "replicateSourceDb", undefined),
            verdict: "fail",
            because: "without it the instance is no replica, and the source has none",
        },
    },
    {
        policy: awsData.rdsProxyTls,
        compliant: rdsProxy,
        nonCompliant: { what: "requireTls is false", change: set("db-proxy", "requireTls", false) },
        undefinedProperty: {
            what: "requireTls",
            remove: set("db-proxy", "requireTls", undefined),
            verdict: "fail",
            because: "RDS Proxy accepts plaintext unless requireTls is true",
        },
    },
    {
        policy: azureData.postgresReadReplicas,
        config: { minimumReplicas: 1 },
        compliant: flexibleWithReplica,
        nonCompliant: {
            what: 'the replica\'s createMode is "Default"',
            change: set("db-replica-1", "createMode", "Default"),
        },
        undefinedProperty: {
            what: "createMode",
            remove: set("db-replica-1", "createMode", undefined),
            verdict: "fail",
            because: "a server created without createMode Replica is a second primary, and the first has no replica",
        },
    },
    {
        policy: azureData.postgresDepthTier,
        compliant: flexibleWithReplica,
        nonCompliant: {
            what: "the primary runs on the Burstable tier",
            change: set("db-server", "sku", { name: "Standard_B2s", tier: "Burstable" }),
        },
        unknownProperty: {
            verdict: "pass",
            because: "the SKU comes from the program's catalog and is known in a preview; an unknown SKU is not judged",
        },
        undefinedProperty: {
            what: "the primary's sku",
            remove: set("db-server", "sku", undefined),
            verdict: "pass",
            because: "Azure requires a SKU to create a server, so nothing here says Burstable",
        },
    },
];
