/**
 * The newest point the stack's database can be restored to, read from the cloud with its CLI (no cloud SDK is
 * installed in this repository; `aws` and `az` are what the workflows log in with).
 *  - AWS: `aws rds describe-db-instances` gives `DBInstance.LatestRestorableTime`, "the latest time to which a
 *    database in this DB instance can be restored with point-in-time restore"
 *    (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBInstance.html; usually within 5 minutes).
 *  - Azure: the flexible server reports no such time; it archives its write-ahead log continuously "so that you
 *    will be able to restore to the last committed transaction"
 *    (https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-backup-restore). The drill restores
 *    to its own start time and records the RPO as not measured (the cloud does not say how old the newest
 *    archived log is).
 */
import { EXIT, ExitError } from "../exit-codes";

/** Runs a command and resolves to its stdout; rejects with the error (ENOENT when it is not installed). */
export type Exec = (
    command: string,
    args: readonly string[],
    options?: { readonly input?: string; readonly env?: Readonly<Record<string, string>> },
) => Promise<string>;

export interface RestorePoint {
    /** The database restored from: RDS identifier or flexible server resource id. */
    readonly source: string;
    /** RFC 3339 UTC, seconds: the time the throwaway database is restored to. */
    readonly time: string;
    /** Whether the cloud reported the time (AWS) or the drill chose it (Azure: its start). */
    readonly reported: boolean;
    /** How the time was found, for the report. */
    readonly how: string;
}

export const rfc3339 = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

async function run(exec: Exec, cli: string, args: string[]): Promise<string> {
    try {
        return await exec(cli, args);
    } catch (err) {
        const e = err as NodeJS.ErrnoException & { stderr?: string };
        if (e.code === "ENOENT") {
            throw new ExitError(
                EXIT.usage,
                `The drill reads the database's latest restorable time with the ${cli} CLI, which is not on PATH. ` +
                    `Install it and log in (the drill workflow does both), then run the drill again.`,
            );
        }
        throw new Error(`\`${cli} ${args.join(" ")}\` failed: ${(e.stderr ?? e.message).trim()}`);
    }
}

async function awsRestorePoint(exec: Exec, source: string, region: string): Promise<RestorePoint> {
    const args = ["rds", "describe-db-instances", "--db-instance-identifier", source, "--region", region];
    const out = JSON.parse(await run(exec, "aws", [...args, "--output", "json"])) as {
        DBInstances?: { LatestRestorableTime?: string; DBInstanceStatus?: string }[];
    };
    const latest = out.DBInstances?.[0]?.LatestRestorableTime;
    if (!latest) {
        throw new Error(
            `RDS reports no LatestRestorableTime for ${source} in ${region}: are automated backups on ` +
                `(platform:backupRetentionDays > 0)?`,
        );
    }
    return { source, time: rfc3339(new Date(latest)), reported: true, how: "RDS LatestRestorableTime" };
}

async function azureRestorePoint(exec: Exec, source: string, now: Date): Promise<RestorePoint> {
    const out = JSON.parse(
        await run(exec, "az", ["postgres", "flexible-server", "show", "--ids", source, "--output", "json"]),
    ) as { state?: string };
    if (out.state !== "Ready")
        throw new Error(`The flexible server ${source} is ${out.state ?? "in no state"}, not Ready.`);
    const how = "the drill's start (the flexible server restores up to the last archived transaction)";
    return { source, time: rfc3339(now), reported: false, how };
}

/** The point the drill restores to, for the stack's cloud. */
export function latestRestorePoint(
    cloud: string,
    source: string,
    region: string,
    exec: Exec,
    now: Date,
): Promise<RestorePoint> {
    return cloud === "azure" ? azureRestorePoint(exec, source, now) : awsRestorePoint(exec, source, region);
}
