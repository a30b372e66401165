import { StateFn } from "./common";

/** Provider-computed outputs of Kubernetes resources, on top of their inputs. */
export const kubernetesState: Record<string, StateFn> = {};
