import { Infer, checked, key, list, obj, oneOf } from "../../shared/schema";
import { CapabilityConfig } from "../../shared/settings";
import { cidrProblem } from "../../shared/values";
import { ACME_SERVERS, AcmeDirectory } from "./certificates";

/**
 * `platform:edge`: the settings of the Gateway's exposure that are not a service's own.
 *
 * - `grafanaAllowedCidrs`: the client ranges that may reach Grafana's route. Its own setting, never the
 *   Kubernetes API's `platform:apiAllowedCidrs` (issue 13: one setting must not open both). Empty (the
 *   default) keeps Grafana off the Gateway (kubectl port-forward).
 * - `letsEncrypt`: the ACME directory, "production" or "staging". Default: production in prod, staging in
 *   dev and staging (certificates.ts `acmeDirectoryFor`).
 *
 * Composed with every other capability's by components/shared/config.ts.
 */

const cidr = () => checked('an IPv4 CIDR such as "203.0.113.0/24"', (value) => cidrProblem(value, "203.0.113.0/24"));
const DIRECTORIES = Object.keys(ACME_SERVERS) as AcmeDirectory[];

const edgeField = obj({
    grafanaAllowedCidrs: list(cidr(), { maxItems: 40 }),
    letsEncrypt: oneOf(DIRECTORIES),
});

/** The validated `platform:edge` object. */
export type EdgeConfig = Infer<typeof edgeField>;

export const EDGE_CONFIG: CapabilityConfig<typeof edgeField> = {
    key: key(
        edgeField,
        {},
        'JSON: {grafanaAllowedCidrs: CIDRs that may reach Grafana (default none: not published), letsEncrypt: "production" | "staging" (default staging outside prod)}.',
    ),
    checks: [],
};
