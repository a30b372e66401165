/**
 * The backup lifecycle (issue 15 item 2): AWS Backup and Azure Backup plans with daily, weekly and monthly
 * retention per environment, the copy to a second region and the vault lock in prod only, the selection of
 * the database and the bucket, and the roles each cloud's backup service needs. Sources are cited next to the
 * code (components/backup/aws.ts, azure.ts): @pulumi/aws 7.48.0 backup/*.d.ts, @pulumi/azure-native 3.28.0
 * dataprotection/*.d.ts, https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html, the
 * Az.DataProtection manifest AzureDatabaseForPGFlexServer.json.
 */
import * as assert from "assert";
import { expectConfigError, inputs, ofType, one, runStack } from "../harness";
import type { ResourceRecord } from "../../check/runtime";
import type { ProgramRun } from "../../check/runtime";

/** The stack's data storage account (the network's VNet flow-log account is the other one on Azure). */
function dataAccount(run: ProgramRun): ResourceRecord {
    return ofType(run, "azure-native:storage:StorageAccount").find((r) => !r.name.endsWith("-flow-logs"))!;
}

const PLAN = "aws:backup/plan:Plan";
const VAULT = "aws:backup/vault:Vault";
const LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration";
const SELECTION = "aws:backup/selection:Selection";
const KEY = "aws:kms/key:Key";
const AZ_VAULT = "azure-native:dataprotection:BackupVault";
const AZ_POLICY = "azure-native:dataprotection:BackupPolicy";
const AZ_INSTANCE = "azure-native:dataprotection:BackupInstance";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";

const named = (run: ProgramRun, type: string, suffix: string): ResourceRecord => {
    const found = ofType(run, type).filter((r) => r.name.endsWith(suffix));
    assert.strictEqual(found.length, 1, `expected one ${type} named *${suffix}, found ${found.map((r) => r.name)}`);
    return found[0];
};
const rulesOf = (run: ProgramRun) =>
    inputs(one(run, PLAN)).rules as { ruleName: string; lifecycle: { deleteAfter: number }; copyActions?: unknown[] }[];

describe("backup on AWS (AWS Backup)", () => {
    it("keeps 7 daily, 4 weekly and 3 monthly backups in prod, as the seeds ask", async () => {
        const rules = rulesOf(await runStack("prod", "aws"));
        assert.deepStrictEqual(
            rules.map((r) => [r.ruleName, r.lifecycle.deleteAfter]),
            [
                ["daily", 7],
                ["weekly", 28],
                ["monthly", 93],
            ],
        );
    });

    it("keeps only 3 days of daily backups in dev, with no copy, so dev costs little and is deletable", async () => {
        const run = await runStack("dev", "aws");
        const rules = rulesOf(run);
        assert.deepStrictEqual(
            rules.map((r) => [r.ruleName, r.lifecycle.deleteAfter]),
            [["daily", 3]],
        );
        assert.ok(rules.every((r) => r.copyActions === undefined));
        assert.strictEqual(ofType(run, VAULT).length, 1);
        // Unlocked dev vaults empty on delete, so `pulumi destroy` of dev is not stuck on recovery points.
        assert.strictEqual(inputs(one(run, VAULT)).forceDestroy, true);
    });

    it("copies every rule's backup to a vault in the backup region (eu-west-1 → eu-central-1) in prod", async () => {
        const run = await runStack("prod", "aws");
        const copy = named(run, VAULT, "backup-copy-vault");
        // The copy vault is created through the explicit provider of the backup region.
        const provider = run.resources.find((r) => copy.provider?.startsWith(r.urn));
        assert.ok(provider, "the copy vault has an explicit provider");
        assert.strictEqual(inputs(provider!).region, "eu-central-1");
        const plan = one(run, PLAN);
        assert.ok(plan.propertyDependencies.rules.includes(copy.urn), "copy actions name the copy vault's ARN");
        for (const rule of rulesOf(run)) {
            assert.deepStrictEqual((rule.copyActions as { lifecycle: unknown }[]).length, 1, rule.ruleName);
            assert.deepStrictEqual((rule.copyActions as { lifecycle: unknown }[])[0].lifecycle, {
                deleteAfter: rule.lifecycle.deleteAfter,
            });
        }
        // Its own key in that region, not the primary vault's.
        const copyKey = named(run, KEY, "backup-copy-vault-kms");
        assert.strictEqual(copyKey.provider, copy.provider);
        assert.deepStrictEqual(copy.propertyDependencies.kmsKeyArn, [copyKey.urn]);
    });

    it("copies to platform:backup.aws.backupRegion when set", async () => {
        const run = await runStack("prod", "aws", ['platform:backup={"aws":{"backupRegion":"eu-north-1"}}']);
        const copy = named(run, VAULT, "backup-copy-vault");
        const provider = run.resources.find((r) => copy.provider?.startsWith(r.urn));
        assert.strictEqual(inputs(provider!).region, "eu-north-1");
    });

    it("locks both prod vaults in governance mode (no changeableForDays), bounded by the rules' retention", async () => {
        const run = await runStack("prod", "aws");
        const locks = ofType(run, LOCK);
        assert.strictEqual(locks.length, 2);
        for (const lock of locks) {
            assert.strictEqual(inputs(lock).changeableForDays, undefined, "governance mode has no lock date");
            assert.strictEqual(inputs(lock).minRetentionDays, 7);
            assert.strictEqual(inputs(lock).maxRetentionDays, 93 + 365);
        }
        assert.strictEqual(ofType(await runStack("staging", "aws"), LOCK).length, 0);
        assert.strictEqual(ofType(await runStack("dev", "aws"), LOCK).length, 0);
    });

    it("sets a 3-day grace period for a compliance lock (AWS's 72-hour minimum), after which it is immutable", async () => {
        const run = await runStack("prod", "aws", ['platform:backup={"vaultLock":"compliance"}']);
        for (const lock of ofType(run, LOCK)) assert.strictEqual(inputs(lock).changeableForDays, 3);
    });

    it("selects the database instance and the bucket, with a role holding the backup, restore and S3 managed policies", async () => {
        const run = await runStack("staging", "aws");
        const selection = one(run, SELECTION);
        const db = one(run, "aws:rds/instance:Instance");
        const bucket = named(run, "aws:s3/bucket:Bucket", "storage-bucket");
        assert.deepStrictEqual(selection.propertyDependencies.resources.sort(), [db.urn, bucket.urn].sort());
        const attached = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .filter((a) => a.name.startsWith("platform-staging-backup-"))
            .map((a) => inputs(a).policyArn)
            .sort();
        assert.deepStrictEqual(attached, [
            "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
            "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
            "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
            "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
        ]);
        for (const a of ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((x) =>
            x.name.startsWith("platform-staging-backup-"),
        )) {
            assert.ok(selection.dependencies.includes(a.urn), "the selection waits for the role's policies");
        }
    });

    it("keeps the backup off the data stores' creation path: nothing in the database or the bucket depends on it", async () => {
        const run = await runStack("prod", "aws");
        const backupUrns = new Set(
            run.resources.filter((r) => r.urn.includes("platform:backup:Backup")).map((r) => r.urn),
        );
        for (const r of run.resources.filter((x) => /platform:(database|storage):/.test(x.urn))) {
            assert.ok(!r.dependencies.some((d) => backupUrns.has(d)), `${r.name} waits for a backup resource`);
        }
    });

    it("lets the backup role use the vault key only through AWS Backup in the vault's region", async () => {
        const run = await runStack("prod", "aws");
        const policy = JSON.parse(inputs(named(run, KEY, "backup-copy-vault-kms")).policy);
        const use = policy.Statement.find((s: { Sid: string }) => s.Sid === "BackupRoleThroughAwsBackup");
        assert.deepStrictEqual(use.Condition, {
            StringEquals: { "kms:ViaService": "backup.eu-central-1.amazonaws.com" },
        });
        const primary = JSON.parse(inputs(named(run, KEY, "prod-backup-vault-kms")).policy);
        assert.strictEqual(
            primary.Statement.find((s: { Sid: string }) => s.Sid === "BackupRoleThroughAwsBackup").Condition
                .StringEquals["kms:ViaService"],
            "backup.eu-west-1.amazonaws.com",
        );
    });

    it("rejects a backup region equal to the stack's region before any resource registers", async () => {
        await expectConfigError(
            "prod",
            "aws",
            ['platform:backup={"aws":{"backupRegion":"eu-west-1"}}'],
            "platform:backup.aws.backupRegion",
            /other than the stack's own \(eu-west-1\)/,
        );
    });

    it("rejects a compliance lock in dev, where stacks are torn down", async () => {
        await expectConfigError(
            "dev",
            "aws",
            ['platform:backup={"vaultLock":"compliance"}'],
            "platform:backup.vaultLock",
            /cannot be removed/,
        );
    });
});

describe("backup on Azure (Backup vault)", () => {
    it("makes the prod vault geo-redundant with cross-region restore, immutable (governance: Unlocked) and soft-deleting", async () => {
        const props = inputs(one(await runStack("prod", "azure"), AZ_VAULT)).properties;
        assert.deepStrictEqual(props.storageSettings, [{ datastoreType: "VaultStore", type: "GeoRedundant" }]);
        assert.deepStrictEqual(props.featureSettings, { crossRegionRestoreSettings: { state: "Enabled" } });
        assert.strictEqual(props.securitySettings.immutabilitySettings.state, "Unlocked");
        assert.deepStrictEqual(props.securitySettings.softDeleteSettings, { state: "On", retentionDurationInDays: 14 });
    });

    it("keeps the dev vault locally redundant and without immutability", async () => {
        const vault = inputs(one(await runStack("dev", "azure"), AZ_VAULT));
        assert.deepStrictEqual(vault.identity, { type: "SystemAssigned" });
        assert.strictEqual(vault.properties.storageSettings[0].type, "LocallyRedundant");
        assert.strictEqual(vault.properties.featureSettings, undefined);
        assert.strictEqual(vault.properties.securitySettings.immutabilitySettings.state, "Disabled");
    });

    it("locks the vault irreversibly (Locked, soft delete AlwaysOn) for a compliance lock", async () => {
        const props = inputs(
            one(await runStack("prod", "azure", ['platform:backup={"vaultLock":"compliance"}']), AZ_VAULT),
        ).properties;
        assert.strictEqual(props.securitySettings.immutabilitySettings.state, "Locked");
        assert.strictEqual(props.securitySettings.softDeleteSettings.state, "AlwaysOn");
    });

    it("retains PostgreSQL and blob backups 7 days, weekly 4 weeks and monthly 3 months in prod", async () => {
        const run = await runStack("prod", "azure");
        for (const suffix of ["postgres-policy", "blob-policy"]) {
            const rules = inputs(named(run, AZ_POLICY, suffix)).properties.policyRules;
            const retention = rules
                .filter((r: { objectType: string }) => r.objectType === "AzureRetentionRule")
                .map((r: { name: string; lifecycles: { deleteAfter: { duration: string } }[] }) => [
                    r.name,
                    r.lifecycles[0].deleteAfter.duration,
                ]);
            assert.deepStrictEqual(retention, [
                ["Default", "P7D"],
                ["Weekly", "P4W"],
                ["Monthly", "P3M"],
            ]);
            const tags = rules[0].trigger.taggingCriteria.map(
                (t: { tagInfo: { tagName: string } }) => t.tagInfo.tagName,
            );
            assert.deepStrictEqual(tags, ["Default", "Weekly", "Monthly"]);
        }
        assert.deepStrictEqual(inputs(named(run, AZ_POLICY, "postgres-policy")).properties.datasourceTypes, [
            "Microsoft.DBforPostgreSQL/flexibleServers",
        ]);
    });

    it("keeps only 3 days of daily backups in dev", async () => {
        const rules = inputs(named(await runStack("dev", "azure"), AZ_POLICY, "postgres-policy")).properties
            .policyRules;
        assert.deepStrictEqual(
            rules
                .filter((r: { objectType: string }) => r.objectType === "AzureRetentionRule")
                .map((r: { name: string }) => r.name),
            ["Default"],
        );
        assert.strictEqual(rules[1].lifecycles[0].deleteAfter.duration, "P3D");
    });

    it("grants the vault identity LTR backup on the server, Reader on its group and backup on the account, before the instances", async () => {
        const run = await runStack("staging", "azure");
        const vault = one(run, AZ_VAULT);
        const grants = ofType(run, ROLE_ASSIGNMENT).filter((r) => r.name.startsWith("platform-staging-backup-"));
        const byRole = Object.fromEntries(grants.map((g) => [inputs(g).roleDefinitionId.split("/").pop(), g]));
        const server = ofType(run, "azure-native:dbforpostgresql:Server").find(
            (r) => inputs(r).createMode !== "Replica",
        )!;
        const account = dataAccount(run);
        // PostgreSQL Flexible Server Long Term Retention Backup Role, Reader, Storage Account Backup Contributor.
        assert.deepStrictEqual(byRole["c088a766-074b-43ba-90d4-1fb21feae531"].propertyDependencies.scope, [server.urn]);
        assert.match(inputs(byRole["acdd72a7-3385-48ef-bd42-f606fba81ae7"]).scope, /\/resourceGroups\/[^/]+$/);
        assert.deepStrictEqual(byRole["e5e2a7ff-d759-4cd2-bb51-3152d37e2eb1"].propertyDependencies.scope, [
            account.urn,
        ]);
        for (const g of grants) assert.deepStrictEqual(g.propertyDependencies.principalId, [vault.urn]);
        for (const instance of ofType(run, AZ_INSTANCE)) {
            for (const g of grants)
                assert.ok(instance.dependencies.includes(g.urn), `${instance.name} waits for ${g.name}`);
        }
    });

    // Az.DataProtection manifests (github:Azure/azure-powershell src/DataProtection/DataProtection.Autorest/custom/manifests):
    // AzureDatabaseForPGFlexServer.json supportedBackupFrequency ["Weekly", "Monthly"], backupType "full";
    // AzureBlob.json ["Daily", "Weekly"], backupType "Discrete". Several weekly intervals are Microsoft's shape for
    // "multiple days per week" (learn.microsoft.com/azure/backup/backup-azure-database-postgresql-flex-use-powershell).
    it("schedules PostgreSQL vaulted backups as weekly intervals on all seven days, since flexible servers offer no Daily frequency", async () => {
        const run = await runStack("prod", "azure");
        const rule = inputs(named(run, AZ_POLICY, "postgres-policy")).properties.policyRules[0];
        assert.strictEqual(rule.backupParameters.backupType, "Full");
        const intervals: string[] = rule.trigger.schedule.repeatingTimeIntervals;
        assert.strictEqual(intervals.length, 7);
        assert.ok(
            intervals.every((i) => /^R\/2026-1[12]-\d\dT05:00:00\+00:00\/P1W$/.test(i)),
            intervals.join(", "),
        );
        const weekdays = intervals.map((i) => new Date(i.slice(2, i.lastIndexOf("/"))).getUTCDay());
        assert.deepStrictEqual([...weekdays].sort(), [0, 1, 2, 3, 4, 5, 6], "one interval per day of the week");
    });

    it("takes Discrete (not Full) vaulted blob backups once a day, the blob data source's backup type", async () => {
        const run = await runStack("prod", "azure");
        const rule = inputs(named(run, AZ_POLICY, "blob-policy")).properties.policyRules[0];
        assert.strictEqual(rule.backupParameters.backupType, "Discrete");
        assert.deepStrictEqual(rule.trigger.schedule.repeatingTimeIntervals, ["R/2026-11-29T05:00:00+00:00/P1D"]);
    });

    // "Currently, updating or modifying an existing policy isn't supported" (learn.microsoft.com/azure/backup/
    // backup-azure-database-postgresql-flex-use-rest-api-create-update-policy): a changed policy must be a new one.
    it("replaces a backup policy whose rules change instead of updating it, which the service refuses", async () => {
        const run = await runStack("prod", "azure");
        for (const policy of ofType(run, AZ_POLICY)) {
            assert.deepStrictEqual(policy.replaceOnChanges, ["properties"], policy.name);
            assert.strictEqual(
                policy.deleteBeforeReplace,
                false,
                `${policy.name}: the new policy exists before the old goes`,
            );
            assert.strictEqual(
                inputs(policy).backupPolicyName,
                undefined,
                `${policy.name} is auto-named, so both can exist`,
            );
        }
    });

    // A vault holding soft-deleted backup data cannot be deleted (learn.microsoft.com/azure/backup/backup-azure-delete-vault).
    it("turns soft delete off in a stack without deletion protection, so that pulumi destroy can delete the vault", async () => {
        const dev = inputs(one(await runStack("dev", "azure"), AZ_VAULT)).properties.securitySettings;
        assert.deepStrictEqual(dev.softDeleteSettings, { state: "Off" });
        const staging = inputs(one(await runStack("staging", "azure", ["platform:deletionProtection=true"]), AZ_VAULT))
            .properties.securitySettings;
        assert.deepStrictEqual(staging.softDeleteSettings, { state: "On", retentionDurationInDays: 14 });
    });

    it("protects the server and the blob container 'data' as backup instances", async () => {
        const run = await runStack("prod", "azure");
        const pg = inputs(named(run, AZ_INSTANCE, "backup-postgres-instance")).properties;
        assert.strictEqual(pg.dataSourceInfo.datasourceType, "Microsoft.DBforPostgreSQL/flexibleServers");
        const blobs = inputs(named(run, AZ_INSTANCE, "backup-blobs-instance")).properties;
        assert.strictEqual(blobs.dataSourceInfo.datasourceType, "Microsoft.Storage/storageAccounts/blobServices");
        assert.deepStrictEqual(blobs.policyInfo.policyParameters.backupDatasourceParametersList, [
            { objectType: "BlobBackupDatasourceParameters", containersList: ["data"] },
        ]);
    });
});
