/**
 * Facts about the data-store engines that change over time: supported versions and service features.
 * Checked on 2026-12-01; re-check each source when it moves (every entry names its own).
 */

/** When the facts in this file were last checked against their sources. */
export const ENGINE_FACTS_CHECKED = "2026-12-01";

/**
 * PostgreSQL major versions offered on both clouds, in standard support on both today (2026-12-01).
 * - RDS: https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html;
 *   18 is GA on RDS (its extension list has 18.1: .../PostgreSQLReleaseNotes/postgresql-extensions.html; AWS
 *   Database Blog "PostgreSQL 18 on Amazon Aurora and Amazon RDS: Performance enhancements", 2026-06-20).
 * - Azure flexible server: https://learn.microsoft.com/azure/postgresql/configure-maintain/concepts-version-policy
 *   lists 18 in standard support from 2025-09-25 to 2030-11-14 (17: to 2029-11-08; 16: to 2028-11-09), and
 *   .../concepts-major-version-upgrade "supports PostgreSQL versions 18, 17, 16, ..."; @pulumi/azure-native
 *   3.28.0 has `PostgresMajorVersion_18: "18"`.
 * - Community EOL: 16 in Nov 2028, 17 in Nov 2029, 18 in Nov 2030 (https://www.postgresql.org/support/versioning/).
 */
export const POSTGRES_VERSIONS = ["16", "17", "18"] as const;

/** The newest major version in standard support on both clouds: the default of new databases. */
export const DEFAULT_POSTGRES_VERSION = "18" satisfies (typeof POSTGRES_VERSIONS)[number];

/**
 * ElastiCache engine versions the cache runs, with the parameter group family of each (its default group is
 * `default.<family>`).
 * - Valkey 8.2, family `valkey8` ("Valkey 8.2 parameter changes — Parameter group family: valkey8",
 *   https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Engine.html). ElastiCache also
 *   offers Valkey 9.0 and 9.1 (family valkey9; https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html);
 *   8.2 is the newest of the 8 line, a minor in-place upgrade from the 8.0 this program ran before.
 * - Redis OSS 7.1, family `redis7`: the newest Redis OSS on node-based ElastiCache; standard support for
 *   Redis OSS 4 and 5 ended 2026-01-31, 6 and 7 are in standard support (same engine-versions page).
 */
export const CACHE_ENGINES = {
    valkey: { version: "8.2", parameterGroupFamily: "valkey8" },
    redis: { version: "7.1", parameterGroupFamily: "redis7" },
} as const;

/**
 * RDS monitoring. Performance Insights reached end of life on 2026-07-31: its console moved into CloudWatch
 * Database Insights, the API and its retention settings stay ("AWS has announced the end-of-life date for
 * Performance Insights: July 31, 2026", https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PerfInsights.Enabling.html).
 * - Standard mode keeps 7 days at no cost, as the free Performance Insights tier did.
 * - Advanced mode (fleet view, lock analysis, execution plans) requires Performance Insights on with a
 *   retention of at least 465 days (15 months), at no extra cost beyond Database Insights itself
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DatabaseInsights.Considerations.html);
 *   priced per vCPU-hour (https://aws.amazon.com/cloudwatch/pricing/).
 * The @pulumi/aws rds.Instance field is `databaseInsightsMode` ("standard" | "advanced").
 */
export const DATABASE_INSIGHTS = {
    performanceInsightsEndOfLife: "2026-07-31",
    standard: { mode: "standard", retentionDays: 7 },
    advanced: { mode: "advanced", retentionDays: 465 },
} as const;
