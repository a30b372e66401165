import { Infer, int, key, obj } from "../shared/schema";
import { CapabilityConfig, CheckContext, checkCloudWatchRetention } from "../shared/settings";

/**
 * `platform:monitoring`: the platform-wide log retention and the check that it is a value the selected
 * cloud's log store accepts. (`platform:alertEmail`, read by monitoring and workloads alike, is a
 * platform-wide key: components/shared/settings.ts.) Composed with every other capability's by
 * components/shared/config.ts.
 */

const monitoringField = obj({ logRetentionDays: int(1, 3653, "days") });

/** The validated `platform:monitoring` object. */
export type MonitoringConfig = Infer<typeof monitoringField>;

/** CloudWatch Logs takes a fixed list of retention values; a Log Analytics workspace keeps 30 to 730 days. */
function checkLogRetention(monitoring: MonitoringConfig, ctx: CheckContext): void {
    const days = monitoring.logRetentionDays;
    if (ctx.settings.cloud === "aws") {
        checkCloudWatchRetention("monitoring.logRetentionDays", days, ctx);
    } else if (days !== undefined && (days < 30 || days > 730)) {
        ctx.report(
            "monitoring.logRetentionDays",
            days,
            "a whole number from 30 to 730 days on Azure (Log Analytics workspace retention)",
            `Set "logRetentionDays" in platform:monitoring between 30 and 730.`,
        );
    }
}

export const MONITORING_CONFIG: CapabilityConfig<typeof monitoringField> = {
    key: key(monitoringField, {}, "JSON: monitoring overrides {logRetentionDays}."),
    checks: [checkLogRetention],
};
