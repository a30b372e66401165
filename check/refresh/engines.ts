/**
 * The engines sheet (components/shared/facts/engines.ts) against the clouds:
 *  - RDS: `aws rds describe-db-major-engine-versions --engine postgres` (DBMajorEngineVersions[]:
 *    MajorEngineVersion, SupportedEngineLifecycles[] with LifecycleSupportName
 *    `open-source-rds-standard-support` and its LifecycleSupportEndDate;
 *    https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBMajorEngineVersions.html,
 *    .../API_SupportedEngineLifecycle.html);
 *  - ElastiCache: `aws elasticache describe-cache-engine-versions --engine valkey|redis`
 *    (CacheEngineVersions[]: EngineVersion, CacheParameterGroupFamily;
 *    https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeCacheEngineVersions.html);
 *  - Azure flexible server: `az postgres flexible-server list-skus --location <l>` (the location's
 *    capabilities: supportedServerVersions[].name, and in older API versions the same list nested under
 *    supportedServerEditions[]; https://learn.microsoft.com/rest/api/postgresql/location-based-capabilities/execute).
 * The sheet lists only versions in standard support on both clouds, so a version one cloud still offers past
 * the other's end is reported, not added.
 */
import { CACHE_ENGINES, POSTGRES_VERSIONS } from "../../components/shared/facts/engines";
import { Cli, SheetReport, askJson, day, listOf, report } from "./types";

export interface EngineSheets {
    readonly postgres: readonly string[];
    readonly cache: Readonly<Record<string, { readonly version: string; readonly parameterGroupFamily: string }>>;
}

export const ENGINE_SHEETS: EngineSheets = { postgres: POSTGRES_VERSIONS, cache: CACHE_ENGINES };

const STANDARD = "open-source-rds-standard-support";

/** RDS for PostgreSQL majors and their standard-support end. */
export function refreshRdsPostgres(cli: Cli, sheet: readonly string[], region: string, today: string): SheetReport {
    const out = report();
    const args = ["rds", "describe-db-major-engine-versions", "--engine", "postgres", "--region", region];
    const answer = askJson(cli, out, "aws", args);
    if (answer === undefined) return out;
    const ends = new Map<string, string | undefined>();
    for (const v of listOf(answer, "DBMajorEngineVersions")) {
        const standard = listOf(v, "SupportedEngineLifecycles").find((l) => l.LifecycleSupportName === STANDARD);
        ends.set(String(v.MajorEngineVersion), day(standard?.LifecycleSupportEndDate));
    }
    for (const major of sheet) {
        const end = ends.get(major);
        if (!ends.has(major)) out.differences.push(`aws postgres ${major}: in the sheet, not offered by RDS`);
        else if (end !== undefined && end <= today) {
            out.differences.push(`aws postgres ${major}: RDS standard support ended ${end}`);
        }
    }
    for (const [major, end] of [...ends].sort(([a], [b]) => Number(a) - Number(b))) {
        if (
            !sheet.includes(major) &&
            end !== undefined &&
            end > today &&
            Number(major) > Number(sheet[sheet.length - 1])
        ) {
            out.differences.push(
                `aws postgres ${major}: offered by RDS (standard support until ${end}), not in the sheet`,
            );
        }
    }
    return out;
}

/** ElastiCache engine versions the cache pins, and their parameter group families. */
export function refreshCacheEngines(cli: Cli, sheet: EngineSheets["cache"], region: string): SheetReport {
    const out = report();
    for (const [engine, pin] of Object.entries(sheet)) {
        const args = ["elasticache", "describe-cache-engine-versions", "--engine", engine, "--region", region];
        const answer = askJson(cli, out, "aws", args);
        if (answer === undefined) continue;
        const versions = listOf(answer, "CacheEngineVersions");
        const match = versions.find((v) => String(v.EngineVersion) === pin.version);
        if (!match) {
            out.differences.push(`aws ${engine} ${pin.version}: in the sheet, not offered by ElastiCache`);
        } else if (match.CacheParameterGroupFamily !== pin.parameterGroupFamily) {
            out.differences.push(
                `aws ${engine} ${pin.version}: parameter group family ${pin.parameterGroupFamily} → ${String(match.CacheParameterGroupFamily)}`,
            );
        }
        const newer = versions.map((v) => String(v.EngineVersion)).filter((v) => newerThan(v, pin.version));
        if (newer.length > 0)
            out.notes.push(`aws ${engine}: newer than the pinned ${pin.version}: ${newer.join(", ")}`);
    }
    return out;
}

function newerThan(a: string, b: string): boolean {
    const [x, y] = [a, b].map((v) => v.split(".").map(Number));
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
        if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
    }
    return false;
}

/** Every value of `key` found anywhere below `node` (the capabilities answer nests differently per API version). */
export function collect(node: unknown, key: string, into: Set<string> = new Set()): Set<string> {
    if (Array.isArray(node)) node.forEach((n) => collect(n, key, into));
    else if (node && typeof node === "object") {
        for (const [k, v] of Object.entries(node)) {
            if (k === key) listOf(v).forEach((item) => item.name !== undefined && into.add(String(item.name)));
            collect(v, key, into);
        }
    }
    return into;
}

/** The PostgreSQL majors Azure flexible server offers in a location. */
export function refreshAzurePostgres(cli: Cli, sheet: readonly string[], location: string): SheetReport {
    const out = report();
    const answer = askJson(cli, out, "az", ["postgres", "flexible-server", "list-skus", "--location", location]);
    if (answer === undefined) return out;
    const offered = collect(answer, "supportedServerVersions");
    if (offered.size === 0) {
        out.failures.push("az postgres flexible-server list-skus: no supportedServerVersions in the answer");
        return out;
    }
    for (const major of sheet) {
        if (!offered.has(major))
            out.differences.push(`azure postgres ${major}: in the sheet, not offered in ${location}`);
    }
    for (const major of [...offered].sort((a, b) => Number(a) - Number(b))) {
        if (!sheet.includes(major) && Number(major) > Number(sheet[sheet.length - 1])) {
            out.differences.push(`azure postgres ${major}: offered in ${location}, not in the sheet`);
        }
    }
    return out;
}
