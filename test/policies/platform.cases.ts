/**
 * Fixtures and the three cases (compliant, non-compliant, property left undefined) of every Platform
 * policy. The cases are run by platform.test.ts; pack.test.ts checks that every policy has them.
 */
import { TYPES } from "../../policies/lib/shapes";
import * as platform from "../../policies/platform";
import { FixtureResource, PolicyCases, named, setPath } from "./fixtures";

export const components = (): FixtureResource[] => [
    {
        type: TYPES.database,
        name: "platform-prod-db",
        protect: true,
        props: { backupRetentionDays: 30, highAvailability: true, securityOptOuts: [] },
    },
    {
        type: TYPES.cache,
        name: "platform-prod-cache",
        protect: true,
        props: { highAvailability: true, securityOptOuts: [] },
    },
    { type: TYPES.storage, name: "platform-prod-storage", protect: true, props: { securityOptOuts: [] } },
    { type: "platform:network:Network", name: "platform-prod-network", props: { networkId: "vpc-1" } },
];

const set = (name: string, path: string, value: unknown) => (graph: FixtureResource[]) =>
    setPath(named(graph, name).props, path, value);

export const PLATFORM_CASES: PolicyCases[] = [
    {
        policy: platform.databaseBackups,
        config: { minimumRetentionDays: 7, requireHighAvailability: true },
        compliant: components,
        nonCompliant: {
            what: "the database keeps 1 day of backups",
            change: set("platform-prod-db", "backupRetentionDays", 1),
        },
        undefinedProperty: {
            what: "the backupRetentionDays output",
            remove: set("platform-prod-db", "backupRetentionDays", undefined),
            verdict: "fail",
            because: "a database that does not publish its retention cannot prove it",
        },
    },
    {
        policy: platform.statefulComponentsProtected,
        config: { protectedEnvironment: true },
        compliant: components,
        nonCompliant: {
            what: "the cache is not protected",
            change: (graph) => graph.splice(1, 1, { ...named(graph, "platform-prod-cache"), protect: false }),
        },
        undefinedProperty: {
            what: "the storage's protect option",
            remove: (graph) => {
                const { protect, ...rest } = named(graph, "platform-prod-storage");
                void protect;
                graph.splice(2, 1, rest);
            },
            verdict: "fail",
            because: "components are not protected by default",
        },
    },
    {
        policy: platform.noSecurityOptOuts,
        compliant: components,
        nonCompliant: {
            what: "the database opts out of storage encryption",
            change: set("platform-prod-db", "securityOptOuts", ["aws.storageEncrypted"]),
        },
        undefinedProperty: {
            what: "the securityOptOuts output",
            remove: set("platform-prod-db", "securityOptOuts", undefined),
            verdict: "pass",
            because: "a component without opt-outs publishes none",
        },
    },
];
