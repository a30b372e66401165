import { CLOUDWATCH_RETENTION_DAYS } from "./catalog";
import { CLOUDS, Cloud, ENVIRONMENTS, Environment, SIZES, SizeProfile } from "./context";
import { AZURE_LOCATIONS } from "./facts/regions";
import {
    ConfigProblem,
    Field,
    Infer,
    KeyDefinition,
    Location,
    bool,
    checked,
    int,
    key,
    list,
    oneOf,
    problem,
    str,
} from "./schema";
import { awsRegionProblem, azureLocationProblem, cidrProblem, emailProblem } from "./values";

/**
 * The platform-wide keys (`platform:cloud`, `environment`, `size`, `highAvailability`, retention, protection,
 * `alertEmail`, `apiAllowedCidrs`, `tags`, region and location), the checks that concern them alone (tags,
 * placement, the alert address), and the vocabulary every capability's `config.ts` uses to declare its
 * own key and checks. Capabilities read these settings; none of them owns them, so they live here rather
 * than in one capability (or in components/platform, which composes every capability and would make each
 * capability's config depend on the layer above it). `config.ts` beside this file composes it all.
 */

export const NAMESPACE = "platform";

/** An AWS region code, checked against the region facts (components/shared/facts/regions.ts). */
export const awsRegionCode = () => checked('an AWS region code such as "eu-west-1"', awsRegionProblem);
/** An internet range for an allow-list: a valid CIDR whose host bits are zero (EKS and AKS take networks). */
const cidr = () => checked('an IPv4 CIDR such as "203.0.113.0/24"', (value) => cidrProblem(value, "203.0.113.0/24"));

/** The platform-wide keys, in the order `CONFIG_KEYS` lists them. */
export const STACK_KEYS = {
    cloud: key(oneOf(CLOUDS), "aws", "Cloud that hosts this stack: aws or azure."),
    environment: key(
        oneOf(ENVIRONMENTS),
        "dev",
        "Environment this stack is: dev, staging or prod. Selects defaults and policy thresholds.",
    ),
    size: key(oneOf(SIZES), "small", "Size profile of the data stores and the cluster: small, medium or large."),
    highAvailability: key(
        bool(),
        false,
        "Zone-redundant database standby, cache replicas with failover, nodes and NAT in every zone.",
    ),
    backupRetentionDays: key(
        int(0, 35, "days (AWS 0-35; Azure 7-35)"),
        7,
        "Days of automated database backups and cache snapshots (AWS 0-35, Azure 7-35).",
    ),
    deletionProtection: key(
        bool(),
        false,
        "Cloud deletion protection, final snapshots, and Pulumi protect/retainOnDelete on stateful resources.",
    ),
    alertEmail: key(
        checked("an e-mail address", emailProblem),
        "",
        "E-mail address that receives every alert. Required.",
    ),
    apiAllowedCidrs: key(
        list(cidr(), { maxItems: 40 }),
        [],
        "CIDR ranges allowed to reach the Kubernetes API from the internet; empty keeps the API private.",
    ),
    tags: key(
        list(
            str({
                pattern: /^[^=]{1,128}=[^=]{0,256}$/,
                allowed: '"key=value" (key up to 128, value up to 256 characters)',
            }),
            {
                maxItems: 40,
            },
        ),
        [],
        'Tags for every resource, as "key=value" strings.',
    ),
    awsRegion: key(awsRegionCode(), "us-east-1", "AWS region, used when cloud is aws."),
    azureLocation: key(
        checked('an Azure location programmatic name such as "westeurope"', azureLocationProblem),
        "eastus2",
        "Azure location, used when cloud is azure.",
    ),
};

/** The validated platform-wide settings every capability's checks may read. */
export interface StackSettings {
    readonly project: string;
    readonly stack: string;
    readonly cloud: Cloud;
    readonly environment: Environment;
    readonly size: SizeProfile;
    readonly highAvailability: boolean;
    readonly backupRetentionDays: number;
    readonly deletionProtection: boolean;
    readonly alertEmail: string;
    readonly apiAllowedCidrs: string[];
    readonly tags: Record<string, string>;
    readonly awsRegion: string;
    readonly azureLocation: string;
}

/** What a check is given besides the section it checks. */
export interface CheckContext {
    /** The stack's platform-wide settings. */
    readonly settings: StackSettings;
    /** The day dated facts (Kubernetes support windows) are judged on, YYYY-MM-DD. */
    readonly today: string;
    /** Where a key such as `"database.storageGiB"` sits (the `platform:` prefix is added). */
    at(key: string): Location;
    /** Records one problem on a key such as `"database.storageGiB"`. */
    report(key: string, received: unknown, allowed: string, fix: string): void;
    /** Every problem found so far; a check may push one it built itself. */
    readonly problems: ConfigProblem[];
}

/** A rule beyond each field's own shape: several fields, the selected cloud's limits, or the day. */
export type ConfigCheck<T> = (own: T, ctx: CheckContext) => void;

/** What a capability contributes to the stack configuration: its `platform:<key>` and the checks on it. */
export interface CapabilityConfig<F extends Field<unknown>> {
    readonly key: KeyDefinition<F>;
    /** Run in order after every key has parsed; each reports into the one list of problems. */
    readonly checks: readonly ConfigCheck<Infer<F>>[];
}

/**
 * Log retention CloudWatch Logs accepts (AWS only; Azure's limits are the capability's own): shared by
 * every capability with a `logRetentionDays`.
 */
export function checkCloudWatchRetention(name: string, days: number | undefined, ctx: CheckContext): void {
    if (ctx.settings.cloud !== "aws" || days === undefined) return;
    if ((CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(days)) return;
    ctx.report(
        name,
        days,
        `one of CloudWatch Logs' retention values: ${CLOUDWATCH_RETENTION_DAYS.join(", ")} days`,
        `Pick the nearest allowed value for "${name.split(".")[1]}".`,
    );
}

/**
 * Tag keys the program sets on every resource itself (components/platform/index.ts `platformTags`, which
 * spreads the user's tags first): a user tag of the same key would be overwritten without a word.
 */
export const PROGRAM_TAG_KEYS = ["project", "stack", "environment", "managed-by"] as const;

/** `platform:tags` as a record, or the problem when a key repeats (a record would keep only the last). */
export function tagRecord(
    tags: string[],
    at: Location,
): { readonly tags: Record<string, string> } | { readonly problem: ConfigProblem } {
    const tagKeys = tags.map((t) => t.split("=", 2)[0]);
    const duplicate = tagKeys.find((k, i) => tagKeys.indexOf(k) !== i);
    if (duplicate !== undefined) {
        return {
            problem: problem(at, tags, "each tag key once", `Remove the second "${duplicate}=..." from platform:tags.`),
        };
    }
    return { tags: Object.fromEntries(tags.map((t) => t.split("=", 2) as [string, string])) };
}

/**
 * Tag keys the clouds reserve or reject, and the keys the program sets itself.
 * - AWS: the "aws:" prefix, in any case, is reserved for AWS's own tags
 *   (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html, tag naming limits and requirements).
 * - Azure: tag names cannot contain < > % & \ ? / and cannot start with "azure", "microsoft" or "windows"
 *   (https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations).
 * Checked on both clouds: a stack moves between clouds with one setting (platform:cloud).
 */
function checkTags(c: StackSettings, ctx: CheckContext): void {
    for (const tagKey of Object.keys(c.tags)) {
        const rule = (PROGRAM_TAG_KEYS as readonly string[]).includes(tagKey)
            ? `a key the program does not set itself (it sets ${PROGRAM_TAG_KEYS.join(", ")} on every resource and would overwrite this one)`
            : /^aws:/i.test(tagKey)
              ? 'a key without the "aws:" prefix, which AWS reserves for its own tags'
              : /^(azure|microsoft|windows)/i.test(tagKey)
                ? 'a key that does not start with "azure", "microsoft" or "windows", which Azure reserves'
                : /[<>%&\\?/]/.test(tagKey)
                  ? "a key without < > % & \\ ? /, which Azure rejects in tag names"
                  : undefined;
        if (rule) {
            ctx.problems.push(problem(ctx.at("tags"), tagKey, rule, `Rename the tag "${tagKey}" in platform:tags`));
        }
    }
}

/**
 * Placement the cloud would refuse: zone-redundant high availability (AKS node pools across zones 1-3,
 * PostgreSQL ZoneRedundant HA, zone-redundant Redis) in an Azure location without availability zones
 * (components/shared/facts/regions.ts).
 */
function checkPlacement(c: StackSettings, ctx: CheckContext): void {
    if (c.cloud === "azure" && c.highAvailability && AZURE_LOCATIONS[c.azureLocation]?.zones === false) {
        const zoned = Object.entries(AZURE_LOCATIONS)
            .filter(([, l]) => l.zones && !l.restricted)
            .map(([name]) => name);
        ctx.report(
            "azureLocation",
            c.azureLocation,
            `a location with availability zones when platform:highAvailability is true (${c.azureLocation} has none; ` +
                `e.g. ${zoned.slice(0, 6).join(", ")})`,
            "Choose a location with availability zones, or set platform:highAvailability to false",
        );
    }
}

/** Alerts must reach someone: `platform:alertEmail` has an empty default so that every stack sets it. */
function checkAlertEmail(c: StackSettings, ctx: CheckContext): void {
    if (!c.alertEmail) {
        ctx.report(
            "alertEmail",
            c.alertEmail,
            "an e-mail address (required: alerts must reach someone)",
            `Set it: pulumi config set platform:alertEmail oncall@example.com -s ${c.stack}`,
        );
    }
}

/** The checks on the platform-wide settings alone, run before every capability's. */
export const STACK_CHECKS: readonly ConfigCheck<StackSettings>[] = [checkPlacement, checkTags, checkAlertEmail];
