import { StateFn } from "./common";

/** Provider-computed outputs of Azure resources, on top of their inputs (filled in by the Azure work). */
export const azureState: Record<string, StateFn> = {};
