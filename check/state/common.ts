import { createHash } from "crypto";
import { Placement } from "../invokes";

export interface NewResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
}

/** Computes what the provider reports for a new resource, beyond its inputs. */
export type StateFn = (r: NewResource, at: Placement, id: string) => Record<string, unknown>;

/** A short, stable hex digest, so mock ids and names are the same on every run. */
export function hash(text: string, length = 8): string {
    return createHash("sha256").update(text).digest("hex").slice(0, length);
}
