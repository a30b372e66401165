/**
 * Cases of the backup-plan rules (issue 15 item 6) on AWS and Azure: each on a resource set as the program
 * sets it (test/graph/baseline/prod.*.json), weakened once, with the deciding property left undefined.
 */
import * as aws from "../../policies/aws/backup-plans";
import * as azure from "../../policies/azure/backup-vaults";
import { TYPES } from "../../policies/lib/shapes";
import { FixtureResource, PolicyCases, named, setPath } from "./fixtures";

const required = { required: true };
const set = (name: string, path: string, value: unknown) => (graph: FixtureResource[]) =>
    setPath(named(graph, name).props, path, value);
const drop = (name: string) => (graph: FixtureResource[]) => {
    graph.splice(graph.indexOf(named(graph, name)), 1);
};

/** An RDS instance, a bucket and the selection naming both. */
const selected = (): FixtureResource[] => [
    { type: TYPES.rdsInstance, name: "db", props: { engine: "postgres" } },
    { type: "aws:s3/bucket:Bucket", name: "bucket", props: {} },
    {
        type: aws.BACKUP_TYPES.selection,
        name: "selection",
        props: { iamRoleArn: "arn:aws:iam::1:role/backup", planId: "plan-1", resources: ["arn:db", "arn:bucket"] },
        propertyDependencies: { resources: ["db", "bucket"] },
    },
];

const RULE = (ruleName: string) => ({
    ruleName,
    targetVaultName: "vault",
    lifecycle: { deleteAfter: 7 },
    copyActions: [
        { destinationVaultArn: "arn:aws:backup:eu-central-1:1:backup-vault:copy", lifecycle: { deleteAfter: 7 } },
    ],
});

/** A vault and its lock. */
const lockedVault = (): FixtureResource[] => [
    { type: aws.BACKUP_TYPES.vault, name: "vault", props: { name: "platform-prod-backup-vault" } },
    {
        type: aws.BACKUP_TYPES.vaultLock,
        name: "vault-lock",
        props: { backupVaultName: "platform-prod-backup-vault", minRetentionDays: 7, maxRetentionDays: 458 },
        propertyDependencies: { backupVaultName: ["vault"] },
    },
];

/** A bucket replicated to a replica bucket (the replica needs no replication of its own). */
const replicated = (): FixtureResource[] => [
    { type: "aws:s3/bucket:Bucket", name: "bucket", props: { bucket: "b-1" } },
    { type: "aws:s3/bucket:Bucket", name: "replica", props: { bucket: "r-1" } },
    {
        type: aws.BACKUP_TYPES.replication,
        name: "replication",
        props: { bucket: "b-1", rules: [{ status: "Enabled", destination: { bucket: "arn:aws:s3:::r-1" } }] },
        propertyDependencies: { bucket: ["bucket"], rules: ["replica"] },
    },
];

export const AWS_BACKUP_PLAN_CASES: PolicyCases[] = [
    {
        policy: aws.backupPlanCoversDatabase,
        config: required,
        compliant: selected,
        nonCompliant: {
            what: "the selection names the bucket only",
            change: (g) => {
                named(g, "selection").propertyDependencies!.resources = ["bucket"];
                setPath(named(g, "selection").props, "resources", ["arn:bucket"]);
            },
        },
        undefinedProperty: {
            what: "the selection",
            remove: drop("selection"),
            verdict: "fail",
            because: "without a selection no plan backs the instance up",
        },
        unknownProperty: {
            verdict: "pass",
            because: "the selection's resources come from the instance's ARN, a property dependency known in preview",
        },
    },
    {
        policy: aws.backupPlanCopiesToSecondRegion,
        config: required,
        compliant: () => [
            {
                type: aws.BACKUP_TYPES.plan,
                name: "plan",
                props: { rules: [RULE("daily"), RULE("weekly"), RULE("monthly")] },
            },
        ],
        nonCompliant: { what: "the monthly rule has no copy action", change: set("plan", "rules.2.copyActions", []) },
        undefinedProperty: {
            what: "copyActions",
            remove: set("plan", "rules.0.copyActions", undefined),
            verdict: "fail",
            because: "AWS Backup then keeps the backup in the plan's region only",
        },
    },
    {
        policy: aws.backupVaultLocked,
        config: required,
        compliant: lockedVault,
        nonCompliant: { what: "the vault has no lock", change: drop("vault-lock") },
        undefinedProperty: {
            what: "the lock's backupVaultName dependency",
            remove: (g) => {
                named(g, "vault-lock").propertyDependencies!.backupVaultName = [];
                setPath(named(g, "vault-lock").props, "backupVaultName", "another-vault");
            },
            verdict: "fail",
            because: "a lock on another vault does not lock this one",
        },
    },
    {
        policy: aws.s3ReplicatedToSecondRegion,
        config: required,
        compliant: replicated,
        nonCompliant: { what: "the bucket has no replication", change: drop("replication") },
        undefinedProperty: {
            what: "the replication's bucket",
            remove: (g) => {
                named(g, "replication").propertyDependencies!.bucket = [];
                setPath(named(g, "replication").props, "bucket", undefined);
            },
            verdict: "fail",
            because: "a replication of no known bucket replicates neither",
        },
    },
];

const VAULT = {
    properties: {
        storageSettings: [{ datastoreType: "VaultStore", type: "GeoRedundant" }],
        featureSettings: { crossRegionRestoreSettings: { state: "Enabled" } },
        securitySettings: { immutabilitySettings: { state: "Unlocked" }, softDeleteSettings: { state: "On" } },
    },
};
const vault = (): FixtureResource[] => [
    { type: azure.AZURE_BACKUP_TYPES.vault, name: "vault", props: structuredClone(VAULT) },
];

export const AZURE_BACKUP_VAULT_CASES: PolicyCases[] = [
    {
        policy: azure.backupCoversPostgres,
        config: required,
        compliant: () => [
            { type: TYPES.postgresServer, name: "pg", props: {} },
            {
                type: azure.AZURE_BACKUP_TYPES.instance,
                name: "pg-instance",
                props: { properties: { dataSourceInfo: { resourceID: "/subscriptions/s/pg" } } },
                propertyDependencies: { properties: ["pg"] },
            },
        ],
        nonCompliant: { what: "no instance protects the server", change: drop("pg-instance") },
        undefinedProperty: {
            what: "the instance's data source",
            remove: (g) => {
                named(g, "pg-instance").propertyDependencies!.properties = [];
                setPath(named(g, "pg-instance").props, "properties.dataSourceInfo", undefined);
            },
            verdict: "fail",
            because: "an instance of no known source protects nothing",
        },
    },
    {
        policy: azure.backupVaultGeoRedundant,
        config: required,
        compliant: vault,
        nonCompliant: {
            what: "the vault is locally redundant",
            change: set("vault", "properties.storageSettings", [
                { datastoreType: "VaultStore", type: "LocallyRedundant" },
            ]),
        },
        undefinedProperty: {
            what: "featureSettings",
            remove: set("vault", "properties.featureSettings", undefined),
            verdict: "fail",
            because: "cross-region restore is off unless enabled",
        },
    },
    {
        policy: azure.backupVaultImmutable,
        config: required,
        compliant: vault,
        nonCompliant: {
            what: "immutability is Disabled",
            change: set("vault", "properties.securitySettings.immutabilitySettings.state", "Disabled"),
        },
        undefinedProperty: {
            what: "immutabilitySettings",
            remove: set("vault", "properties.securitySettings.immutabilitySettings", undefined),
            verdict: "fail",
            because: "a vault is not immutable unless set",
        },
    },
];
