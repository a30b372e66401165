/**
 * Restore as configuration (issue 15 item 3): `restore` in platform:database creates the database from a
 * snapshot (RDS) or a point in time (both clouds), and a restore that cannot work stops the program before
 * anything is registered.
 *
 * Inputs, as the providers define them:
 * - AWS: @pulumi/aws 7.48.0 rds/instance.d.ts `snapshotIdentifier` and `restoreToPointInTime`
 *   (types/input.d.ts `InstanceRestoreToPointInTime`: `sourceDbInstanceIdentifier` or
 *   `sourceDbInstanceAutomatedBackupsArn`, and `restoreTime` "in Universal Coordinated Time (UTC) format").
 * - Azure: @pulumi/azure-native 3.28.0 dbforpostgresql/server.d.ts `createMode` ("PointInTimeRestore"),
 *   `sourceServerResourceId` and `pointInTimeUTC`, "required when 'createMode' is 'PointInTimeRestore'".
 */
import * as assert from "assert";
import { expectConfigError, inputs, one, runStack } from "../harness";

const DAY_MS = 86_400_000;
/** The program judges times against the evaluation day (today, UTC); dev keeps 7 days of backups. */
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");
const daysFromToday = (d: number) => `${new Date(Date.now() + d * DAY_MS).toISOString().slice(0, 10)}T12:00:00Z`;
const restore = (r: unknown) => `platform:database=${JSON.stringify({ restore: r })}`;
const SERVER_ID =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/platform-prod/providers/Microsoft.DBforPostgreSQL/flexibleServers/platform-prod-db-server";
const RDS = "aws:rds/instance:Instance";
const FLEXIBLE = "azure-native:dbforpostgresql:Server";

describe("database restore as configuration", () => {
    const time = hoursAgo(6);

    it("creates the RDS instance from the named snapshot (snapshotIdentifier) so that a stack can start from a backup on AWS", async () => {
        const run = await runStack("dev", "aws", [restore({ fromSnapshot: "rds:platform-prod-db-2026-11-30-02-05" })]);
        const db = inputs(one(run, RDS));
        assert.strictEqual(db.snapshotIdentifier, "rds:platform-prod-db-2026-11-30-02-05");
        assert.strictEqual(db.restoreToPointInTime, undefined);
    });

    it("restores the RDS instance to a point in time of the source instance (restoreToPointInTime) on AWS", async () => {
        const run = await runStack("dev", "aws", [restore({ pointInTime: { source: "platform-prod-db", time } })]);
        const db = inputs(one(run, RDS));
        assert.deepStrictEqual(db.restoreToPointInTime, {
            sourceDbInstanceIdentifier: "platform-prod-db",
            restoreTime: time,
        });
        assert.strictEqual(db.snapshotIdentifier, undefined);
    });

    it("restores from replicated or retained automated backups by their ARN (sourceDbInstanceAutomatedBackupsArn) on AWS", async () => {
        const arn = "arn:aws:rds:eu-west-1:123456789012:auto-backup:ab-abcdefghijklmnopqrstuvwxyz";
        const run = await runStack("dev", "aws", [restore({ pointInTime: { source: arn, time } })]);
        assert.deepStrictEqual(inputs(one(run, RDS)).restoreToPointInTime, {
            sourceDbInstanceAutomatedBackupsArn: arn,
            restoreTime: time,
        });
    });

    // RestoreDBInstanceFromDBSnapshot and RestoreDBInstanceToPointInTime take no KmsKeyId and ModifyDBInstance
    // cannot change it (hashicorp/terraform-provider-aws#15390): a restored instance keeps its source's key, and
    // naming this stack's key would make the next up replace (deleteBeforeReplace: delete first) the restore.
    it("names no KMS key on a restored RDS instance (it keeps the source's), so the next up does not replace it", async () => {
        for (const r of [
            { fromSnapshot: "rds:platform-prod-db-2026-11-30-02-05" },
            { pointInTime: { source: "platform-prod-db", time } },
        ]) {
            const db = inputs(one(await runStack("dev", "aws", [restore(r)]), RDS));
            assert.strictEqual(db.kmsKeyId, undefined, JSON.stringify(r));
            assert.strictEqual(db.storageEncrypted, true);
        }
        assert.ok(inputs(one(await runStack("dev", "aws"), RDS)).kmsKeyId, "an empty server keeps the stack's key");
    });

    it("creates the flexible server with createMode PointInTimeRestore from the source server on Azure", async () => {
        const run = await runStack("dev", "azure", [restore({ pointInTime: { source: SERVER_ID, time } })]);
        const server = inputs(one(run, FLEXIBLE));
        assert.strictEqual(server.createMode, "PointInTimeRestore");
        assert.strictEqual(server.sourceServerResourceId, SERVER_ID);
        assert.strictEqual(server.pointInTimeUTC, time);
    });

    it("creates an empty server when no restore is configured, on both clouds", async () => {
        const aws = inputs(one(await runStack("dev", "aws"), RDS));
        assert.strictEqual(aws.snapshotIdentifier, undefined);
        assert.strictEqual(aws.restoreToPointInTime, undefined);
        assert.strictEqual(inputs(one(await runStack("dev", "azure"), FLEXIBLE)).createMode, undefined);
    });
});

describe("database restore validation stops the program before any resource", () => {
    const time = hoursAgo(6);

    it("rejects a snapshot restore on Azure, which has none, and points at pointInTime", () =>
        expectConfigError(
            "dev",
            "azure",
            [restore({ fromSnapshot: "app-before-upgrade" })],
            "platform:database.restore.fromSnapshot",
            /no snapshot restore on Azure.*"pointInTime"/,
        ));

    it("rejects a restore that names both a snapshot and a point in time", () =>
        expectConfigError(
            "dev",
            "aws",
            [restore({ fromSnapshot: "app-snap", pointInTime: { source: "app", time } })],
            "platform:database.restore",
            /exactly one of "fromSnapshot"/,
        ));

    it("rejects an empty restore object", () =>
        expectConfigError("dev", "aws", [restore({})], "platform:database.restore", /exactly one of/));

    it("rejects a snapshot ARN from another region (RDS restores snapshots only in their region)", () =>
        expectConfigError(
            "dev",
            "aws",
            [restore({ fromSnapshot: "arn:aws:rds:us-east-1:123456789012:snapshot:app-snap" })],
            "platform:database.restore.fromSnapshot",
            /platform:awsRegion \(eu-west-1\); this ARN is in us-east-1.*copy-db-snapshot/,
        ));

    it("rejects a malformed snapshot identifier", () =>
        expectConfigError(
            "dev",
            "aws",
            [restore({ fromSnapshot: "app snapshot!" })],
            "platform:database.restore.fromSnapshot",
            /got "app snapshot!"; allowed: an RDS DB snapshot identifier/,
        ));

    it("rejects an RDS source that is not an instance identifier or automated-backups ARN", () =>
        expectConfigError(
            "dev",
            "aws",
            [restore({ pointInTime: { source: "my--db", time } })],
            "platform:database.restore.pointInTime.source",
            /got "my--db"; allowed: an RDS DB instance identifier/,
        ));

    it("rejects an automated-backups ARN from another region than the stack's", () =>
        expectConfigError(
            "dev",
            "aws",
            [restore({ pointInTime: { source: "arn:aws:rds:us-east-1:123456789012:auto-backup:ab-abc", time } })],
            "platform:database.restore.pointInTime.source",
            /automated-backups ARN in platform:awsRegion \(eu-west-1\)/,
        ));

    it("rejects an RDS identifier as the source on Azure, which needs a flexible server resource id", () =>
        expectConfigError(
            "dev",
            "azure",
            [restore({ pointInTime: { source: "platform-prod-db", time } })],
            "platform:database.restore.pointInTime.source",
            /resource id of a PostgreSQL flexible server/,
        ));

    it("rejects a point in time without a source", () =>
        expectConfigError(
            "dev",
            "azure",
            [restore({ pointInTime: { time } })],
            "platform:database.restore.pointInTime.source",
            /got nothing/,
        ));

    it("rejects a time that is not RFC 3339 UTC (a local offset)", () =>
        expectConfigError(
            "dev",
            "aws",
            [restore({ pointInTime: { source: "app", time: "2026-11-30T23:15:00+01:00" } })],
            "platform:database.restore.pointInTime.time",
            /RFC 3339 time in UTC/,
        ));

    it("rejects a day that does not exist", () =>
        expectConfigError(
            "dev",
            "aws",
            [restore({ pointInTime: { source: "app", time: "2026-02-30T10:00:00Z" } })],
            "platform:database.restore.pointInTime.time",
            /that exists/,
        ));

    it("rejects a time in the future", () =>
        expectConfigError(
            "dev",
            "azure",
            [restore({ pointInTime: { source: SERVER_ID, time: daysFromToday(2) } })],
            "platform:database.restore.pointInTime.time",
            /not in the future/,
        ));

    it("rejects a time older than the backup window (dev keeps 7 days)", () =>
        expectConfigError(
            "dev",
            "aws",
            [restore({ pointInTime: { source: "app", time: daysFromToday(-8) } })],
            "platform:database.restore.pointInTime.time",
            /inside the 7-day backup window \(platform:backupRetentionDays\)/,
        ));

    it("rejects any point in time when the stack keeps no backups", () =>
        expectConfigError(
            "dev",
            "aws",
            ["platform:backupRetentionDays=0", restore({ pointInTime: { source: "app", time } })],
            "platform:database.restore.pointInTime.time",
            /0-day backup window/,
        ));
});
