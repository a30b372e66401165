/**
 * The regions sheet (components/shared/facts/regions.ts, azure-regions.ts) against the clouds:
 *  - AWS: `aws ec2 describe-regions --all-regions` (Regions[].RegionName, OptInStatus;
 *    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html) and, per region the
 *    account can use, `aws ec2 describe-availability-zones --filters Name=zone-type,Values=availability-zone`
 *    (AvailabilityZones[].ZoneName, State; .../API_DescribeAvailabilityZones.html), which counts the zones
 *    this account sees: the number the sheet records.
 *  - Azure: `az account list-locations` (the Subscriptions - List Locations answer: name,
 *    metadata.regionType, metadata.pairedRegion[].name, availabilityZoneMappings[];
 *    https://learn.microsoft.com/rest/api/resources/subscriptions/list-locations).
 */
import { AWS_REGIONS, AZURE_LOCATIONS } from "../../components/shared/facts/regions";
import { pairedRegion } from "../../components/shared/facts/azure-regions";
import { Cli, SheetReport, askJson, listOf, report } from "./types";

export interface RegionSheets {
    readonly aws: Readonly<Record<string, { readonly zones: number }>>;
    readonly azure: Readonly<Record<string, { readonly zones: boolean; readonly restricted?: true }>>;
    readonly azurePair: (location: string) => string | undefined;
}

export const REGION_SHEETS: RegionSheets = { aws: AWS_REGIONS, azure: AZURE_LOCATIONS, azurePair: pairedRegion };

/** Opt-in statuses under which an account can use a region (describe-regions OptInStatus). */
const USABLE = new Set(["opt-in-not-required", "opted-in"]);

/** AWS regions and their zone counts as this account sees them. */
export function refreshAwsRegions(cli: Cli, sheet: RegionSheets["aws"], region: string): SheetReport {
    const out = report();
    const answer = askJson(cli, out, "aws", ["ec2", "describe-regions", "--all-regions", "--region", region]);
    if (answer === undefined) return out;
    const regions = listOf(answer, "Regions");
    const reported = new Map(regions.map((r) => [String(r.RegionName), String(r.OptInStatus)]));
    for (const [name, status] of [...reported].sort()) {
        if (!(name in sheet)) out.differences.push(`aws region ${name}: not in the sheet (${status})`);
    }
    for (const name of Object.keys(sheet).sort()) {
        const status = reported.get(name);
        if (status === undefined) {
            out.differences.push(`aws region ${name}: in the sheet, not reported by describe-regions`);
        } else if (!USABLE.has(status)) {
            out.notes.push(`aws region ${name}: zones not compared (the account has not opted in: ${status})`);
        } else {
            compareZones(cli, out, name, sheet[name].zones);
        }
    }
    return out;
}

function compareZones(cli: Cli, out: ReturnType<typeof report>, region: string, expected: number): void {
    const answer = askJson(cli, out, "aws", [
        "ec2",
        "describe-availability-zones",
        "--filters",
        "Name=zone-type,Values=availability-zone",
        "--region",
        region,
    ]);
    if (answer === undefined) return;
    const zones = listOf(answer, "AvailabilityZones").filter((z) => z.State === undefined || z.State === "available");
    if (zones.length !== expected) {
        out.differences.push(`aws region ${region}: zones ${expected} → ${zones.length}`);
    }
}

/** Azure physical locations, whether each has zones, and its pair. */
export function refreshAzureLocations(cli: Cli, sheets: RegionSheets): SheetReport {
    const out = report();
    const answer = askJson(cli, out, "az", ["account", "list-locations"]);
    if (answer === undefined) return out;
    const physical = listOf(answer).filter((l) => (l.metadata as Record<string, unknown>)?.regionType === "Physical");
    const names = new Set(physical.map((l) => String(l.name)));
    for (const location of physical) {
        const name = String(location.name);
        const row = sheets.azure[name];
        const zones = listOf(location, "availabilityZoneMappings").length > 0;
        const pairs = listOf((location.metadata as Record<string, unknown>) ?? {}, "pairedRegion").map((p) =>
            String(p.name),
        );
        if (!row) {
            out.differences.push(`azure location ${name}: not in the sheet (zones: ${zones ? "yes" : "no"})`);
            continue;
        }
        if (row.zones !== zones) out.differences.push(`azure location ${name}: zones ${row.zones} → ${zones}`);
        const pair = sheets.azurePair(name);
        if (pair !== undefined && pairs.length > 0 && !pairs.includes(pair)) {
            out.differences.push(`azure location ${name}: paired region ${pair} → ${pairs.join(", ")}`);
        }
    }
    for (const name of Object.keys(sheets.azure).sort()) {
        if (names.has(name)) continue;
        if (sheets.azure[name].restricted) {
            out.notes.push(`azure location ${name}: restricted (access by request), not listed for this subscription`);
        } else {
            out.differences.push(`azure location ${name}: in the sheet, not listed for this subscription`);
        }
    }
    return out;
}
