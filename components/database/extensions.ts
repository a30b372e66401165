/**
 * The PostgreSQL extensions a stack may ask for (`platform:database.extensions`): the ones both clouds offer
 * on every version in POSTGRES_VERSIONS, as trusted or admin-created extensions the role bootstrap Job
 * creates (components/workloads/database). Checked 2026-12-01 against:
 * - RDS: https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-extensions.html
 *   (vector = pgvector, pg_stat_statements, pg_trgm, pgcrypto, uuid-ossp, citext, hstore, btree_gin,
 *   btree_gist, unaccent, fuzzystrmatch, postgis on 16, 17 and 18). RDS has no allow-list: the master user
 *   (rds_superuser) creates any of them. pg_stat_statements needs `shared_preload_libraries`, where RDS's
 *   default for the postgres family already loads it ("pg_stat_statements is loaded by default",
 *   https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PostgreSQL.pg_stat_statements.html), and
 *   this stack's parameter group leaves that parameter at the family default.
 * - Azure flexible server: an extension must be in the `azure.extensions` server parameter before
 *   CREATE EXTENSION ("Before creating extensions ... you must allowlist them",
 *   https://learn.microsoft.com/azure/postgresql/extensions/how-to-allow-extensions; value: a comma-separated
 *   list of names, set as a `Configuration` with source user-override); pg_stat_statements is in the default
 *   `shared_preload_libraries` (https://learn.microsoft.com/azure/postgresql/extensions/concepts-extensions-considerations).
 * pgvector first: the seeds store embeddings (MDC's "pgvector embeddings").
 */
export const POSTGRES_EXTENSIONS = [
    "vector",
    "pg_stat_statements",
    "pg_trgm",
    "pgcrypto",
    "uuid-ossp",
    "citext",
    "hstore",
    "btree_gin",
    "btree_gist",
    "unaccent",
    "fuzzystrmatch",
    "postgis",
] as const;

export type PostgresExtension = (typeof POSTGRES_EXTENSIONS)[number];

/** The value of Azure's `azure.extensions` for an allow-list (sorted, so reordering the config changes nothing). */
export function azureExtensionsValue(extensions: readonly PostgresExtension[]): string {
    return [...new Set(extensions)].sort().join(",");
}
