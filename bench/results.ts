/** The shape of bench/results.json (also what bench/report.ts prints). */
import type { EdgeSaving, PathStep } from "./critical-path";
import type { Growth } from "./scaling";
import type { Summary } from "./measure";

export interface Machine {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGiB: number;
    readonly node: string;
    readonly platform: string;
    /** 1-minute load average when the run started and when it ended (other work on the machine). */
    readonly loadStart: number;
    readonly loadEnd: number;
}

export interface Measured extends Summary {
    readonly ok: boolean;
    /** Why the command failed (first line of its error output). */
    readonly error?: string;
}

export interface EvaluationRow extends Measured {
    readonly stack: string;
    readonly cloud: string;
    readonly resources?: number;
    /** Policy violations by enforcement level; absent when the check reports none (pack not landed). */
    readonly violations?: Record<string, number>;
    /** Median wall time of this check ÷ median wall time of the floor, measured in the same rounds. */
    readonly ratio?: number;
    /** The same ratio over CPU time (less sensitive to other load on the machine). */
    readonly cpuRatio?: number;
}

export interface CriticalPathRow {
    readonly stack: string;
    readonly cloud: string;
    readonly ok: boolean;
    readonly error?: string;
    readonly resources?: number;
    readonly customResources?: number;
    /** Critical path, serial sum and slowest single resource in minutes, per weight set. */
    readonly minutes?: { readonly low: number; readonly typical: number; readonly high: number };
    readonly serialMinutes?: { readonly low: number; readonly typical: number; readonly high: number };
    /** The slowest single resource; `done`: when it is done in the schedule (its own prerequisites included). */
    readonly slowest?: { readonly type: string; readonly urn: string; readonly minutes: number; readonly done: number };
    /** Critical path ÷ slowest single resource (typical weights). */
    readonly ratio?: number;
    /** The typical-weight critical path, in time order. */
    readonly path?: PathStep[];
    /** Dependencies on the critical path and the minutes removing each would save. */
    readonly savings?: EdgeSaving[];
    /** Dependencies that look needless by construction (data store on cluster, dependsOn a whole component). */
    readonly suspects?: EdgeSaving[];
    /** Custom resource types with no row in bench/weights.ts. */
    readonly unweightedTypes?: string[];
}

export interface ScalingRow extends Measured {
    /** Services defined (mode "services") or stacks' worth of platform (mode "stacks"). */
    readonly size: number;
    readonly resources?: number;
}

export interface Results {
    readonly generatedBy: string;
    readonly date: string;
    readonly commit: string;
    /** Files changed relative to the commit when the run started (work in progress measured too). */
    readonly uncommittedFiles: number;
    readonly machine: Machine;
    readonly options: { readonly runs: number; readonly quick: boolean; readonly sections: string[] };
    readonly checkCommand: string;
    readonly evaluation?: {
        readonly floor: Measured;
        readonly rows: EvaluationRow[];
    };
    readonly typecheck?: { readonly cold: Measured; readonly warm?: Measured; readonly errors: number };
    readonly tests?: Measured & { readonly passing: number; readonly failing: number; readonly pending: number };
    readonly criticalPath?: CriticalPathRow[];
    readonly scaling?: {
        readonly mode: "services" | "stacks";
        readonly note: string;
        readonly rows: ScalingRow[];
        readonly growth: Growth[];
    };
    readonly modes?: { readonly name: string; readonly command: string; readonly result: Measured }[];
    readonly imports?: { readonly name: string; readonly modules: string[]; readonly result: Measured }[];
    readonly notes: string[];
    readonly totalSeconds: number;
}
