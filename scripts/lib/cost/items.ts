/**
 * The vocabulary the pricing rules share: what a rule says about one resource (an Item), the context it reads
 * the rest of the graph from, and the small constructors the rules build items with. Kept apart from the rules
 * so rules can live in files by domain (estimate.ts, rules-edge.ts, rules-backup.ts).
 */
import type { ResourceRecord } from "../../../check/runtime";
import type { Price } from "./prices";

/** What a pricing rule says about one resource. */
export interface Item {
    readonly item: string;
    readonly quantity: number;
    /** The unit of the quantity, which is the unit of the price looked up. */
    readonly unit: Price["unit"];
    readonly priceKey: string;
    readonly assumption?: string;
    /** Price in a region other than the stack's (a resource placed elsewhere, e.g. replicated backups). */
    readonly region?: string;
    /** Named resource instead of the record's name (things the cluster creates from a chart). */
    readonly resource?: string;
}

export interface RuleContext {
    readonly cloud: "aws" | "azure";
    readonly all: readonly ResourceRecord[];
    /** The day the estimate is for (YYYY-MM-DD): decides whether a Kubernetes version is in extended support. */
    readonly today: string;
    /** The stack's own region (where a resource is priced unless its item names another). */
    readonly region: string;
}

export type Rule = (r: ResourceRecord, inputs: Record<string, unknown>, ctx: RuleContext) => Item[];

export const num = (v: unknown, fallback = 0): number => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const sku = (v: unknown): string | undefined => str((v as { name?: unknown } | undefined)?.name);

export const hourly = (item: string, quantity: number, priceKey: string, extra: Partial<Item> = {}): Item => ({
    item,
    quantity,
    unit: "hour",
    priceKey,
    ...extra,
});
export const monthly = (item: string, quantity: number, priceKey: string, extra: Partial<Item> = {}): Item => ({
    item,
    quantity,
    unit: "month",
    priceKey,
    ...extra,
});
export const gibMonths = (item: string, quantity: number, priceKey: string, extra: Partial<Item> = {}): Item => ({
    item,
    quantity,
    unit: "GiB-month",
    priceKey,
    ...extra,
});

/** The region in an AWS ARN (`arn:aws:<service>:<region>:...`), if it has one. */
export const arnRegion = (arn: unknown): string | undefined =>
    /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]+):/.exec(str(arn) ?? "")?.[1];
