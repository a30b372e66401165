/**
 * Recovery targets the restore drill measures against, per environment and tier: dated data with their source
 * (the platform's seed requirements), not constants in the drill's code.
 */
import type { Environment } from "../../../components/shared/context";

export interface RecoveryTarget {
    /** Recovery point objective: the most data, in minutes of writes, a restore may lose. */
    readonly rpoMinutes: number;
    /** Recovery time objective: the longest a restore may take until the database answers queries, in minutes. */
    readonly rtoMinutes: number;
}

export type Tier = "standard" | "critical";
export const TIERS: readonly Tier[] = ["standard", "critical"];

export const RECOVERY_TARGETS = {
    reviewed: "2026-12-01",
    source:
        "seed requirements (issue 15: RPO < 1 h / 15 min; RTO < 4 h / 15 min for critical services); " +
        "docs/disaster-recovery.md states what the configuration delivers per environment",
    byEnvironment: {
        dev: { standard: { rpoMinutes: 60, rtoMinutes: 240 }, critical: { rpoMinutes: 15, rtoMinutes: 15 } },
        staging: { standard: { rpoMinutes: 60, rtoMinutes: 240 }, critical: { rpoMinutes: 15, rtoMinutes: 15 } },
        prod: { standard: { rpoMinutes: 60, rtoMinutes: 240 }, critical: { rpoMinutes: 15, rtoMinutes: 15 } },
    } satisfies Record<Environment, Record<Tier, RecoveryTarget>>,
} as const;

export function recoveryTarget(environment: Environment, tier: Tier): RecoveryTarget {
    return RECOVERY_TARGETS.byEnvironment[environment][tier];
}
