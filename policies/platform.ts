/**
 * Platform rules: stack policies on the platform's own components (`platform:<capability>:<Class>`), read
 * from the outputs they register. They hold on every cloud, whatever resources a component creates.
 */
import { label, ofTypes, setting, stackPolicy } from "./lib/policy";
import { DatabaseComponent, OptOutComponent, TYPES } from "./lib/shapes";

export const databaseBackups = stackPolicy({
    name: "platform-database-backups",
    description: "Every platform database keeps backups for at least N days and, where required, runs a standby.",
    severity: "high",
    settings: {
        minimumRetentionDays: setting.days(7, "Fewest days of database backups."),
        requireHighAvailability: setting.flag(false, "Require the database's highAvailability output to be true."),
    },
    validate: ({ resources, config, report }) => {
        for (const db of ofTypes(resources, [TYPES.database])) {
            const outputs = db.props as DatabaseComponent;
            const days = outputs.backupRetentionDays;
            if (typeof days !== "number" || days < config.minimumRetentionDays) {
                report(
                    db,
                    `Database ${label(db)} keeps ${typeof days === "number" ? `${days} day(s) of` : "no published"} ` +
                        `backups; this environment requires at least ${config.minimumRetentionDays}. Fix: set ` +
                        `platform:backupRetentionDays to ${config.minimumRetentionDays} or more.`,
                );
            }
            if (config.requireHighAvailability && outputs.highAvailability !== true) {
                report(
                    db,
                    `Database ${label(db)} runs without a standby, which this environment requires. Fix: set ` +
                        "platform:highAvailability: true (with a non-burstable size).",
                );
            }
        }
    },
});

export const statefulComponentsProtected = stackPolicy({
    name: "platform-stateful-components-protected",
    description: "In a protected environment every stateful component is created with protect.",
    severity: "high",
    settings: {
        protectedEnvironment: setting.flag(false, "Whether this environment is protected (prod)."),
        componentTypes: setting.strings(
            [TYPES.database, TYPES.cache, TYPES.storage],
            "Type tokens of the components that hold state.",
        ),
    },
    validate: ({ resources, config, args, report }) => {
        if (!config.protectedEnvironment) args.notApplicable("this environment is not protected");
        for (const component of ofTypes(resources, config.componentTypes)) {
            if (!component.opts.protect) {
                report(
                    component,
                    `${label(component)} (${component.type}) holds state but is not protected. Fix: create it with ` +
                        "{ protect: true } (on this platform: platform:deletionProtection: true).",
                );
            }
        }
    },
});

export const noSecurityOptOuts = stackPolicy({
    name: "platform-no-security-opt-outs",
    description: "No platform component turns off a security control through its override bag.",
    severity: "high",
    settings: {
        allowedOptOuts: setting.strings([], 'Opt-outs accepted anyway, as "<cloud>.<setting>" (e.g. "aws.forceSsl").'),
    },
    validate: ({ resources, config, report }) => {
        for (const component of resources.filter((r) => r.type.startsWith("platform:"))) {
            const optOuts = (component.props as OptOutComponent).securityOptOuts;
            const used = (Array.isArray(optOuts) ? optOuts : []).filter((o) => !config.allowedOptOuts.includes(o));
            if (used.length > 0) {
                // Components are configured through the key named after their capability: platform:<capability>.
                const key = `${component.type.split(":").slice(0, 2).join(":")}`;
                report(
                    component,
                    `${label(component)} turns off ${used.join(", ")} through its override bag. Fix: remove ` +
                        `${used.map((o) => `"${o.split(".").slice(1).join(".")}": false`).join(", ")} from the ` +
                        `"${used[0].split(".")[0]}" bag of ${key} (or list the opt-out in allowedOptOuts).`,
                );
            }
        }
    },
});

export const platformPolicies = [databaseBackups, statefulComponentsProtected, noSecurityOptOuts];
