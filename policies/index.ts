/**
 * The policy pack's entry point: constructs the PolicyPack, which serves the analyzer over gRPC and
 * prints its port. Only the engine (or `npm run check`) runs this; the policies live in their modules.
 * Mandatory unless the policy config says otherwise (policies/config/dev.json makes it advisory).
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_DESCRIPTION, PACK_NAME, allPolicies } from "./all";

new PolicyPack(PACK_NAME, { description: PACK_DESCRIPTION, enforcementLevel: "mandatory", policies: allPolicies });
