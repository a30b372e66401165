import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";

/**
 * Physical names that stay within each cloud's limit for any stack name up to 20 characters (the limits,
 * with their sources, are tabled in test/components/names.test.ts).
 *
 * A physical name that changes forces the resource to be replaced, so these helpers return the name the
 * program used before whenever it fits, and shorten only names that would not fit: those stacks could not
 * have been deployed with the old name, so no existing resource changes.
 */

/**
 * What Pulumi's auto-naming appends to a logical name: "-" and 7 random characters on AWS
 * (pulumi-terraform-bridge AutoName, "name '...' plus 7 random chars is longer than maximum length"),
 * 8 hex digits on azure-native (pulumi/pulumi-azure-native#3406).
 */
export const AUTONAME_SUFFIX_LENGTH = 8;

/** Whether the auto-generated name for logical name `logical` fits in `max` characters. */
export function autonameFits(logical: string, max: number): boolean {
    return logical.length + AUTONAME_SUFFIX_LENGTH <= max;
}

/**
 * `name` itself when it has at most `max` characters; otherwise its start and its end (which says what the
 * resource is) around an 8-hex digest of the whole name, e.g. `platform-abcde-0562b4a5-watch-agent-role`,
 * so that the result is stable across runs and distinct long names stay distinct.
 */
export function fitName(name: string, max: number): string {
    if (name.length <= max) return name;
    if (max < 12) throw new Error(`fitName needs room for a digest: max ${max} is below 12`);
    const digest = createHash("sha256").update(name).digest("hex").slice(0, 8);
    const room = max - digest.length - 2;
    const head = name.slice(0, Math.ceil(room / 2)).replace(/-+$/, "");
    const tail = name.slice(name.length - Math.floor(room / 2)).replace(/^-+/, "");
    return `${head}-${digest}-${tail}`;
}

/**
 * Naming inputs for an AWS resource whose provider auto-names it from the logical name (`logical`) and also
 * takes a `namePrefix`: nothing (auto-naming, as before) when the generated name fits the service's `max`
 * characters, otherwise a `namePrefix` short enough for the 26-character unique suffix the provider appends
 * (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role#name_prefix).
 * Both are generated names, so a replacement creates the new resource before deleting the old.
 */
export function prefixedName(logical: string, max: number): { namePrefix?: string } {
    return autonameFits(logical, max) ? {} : { namePrefix: `${fitName(logical, max - 27)}-` };
}

/** IAM role names: 64 characters, so a `namePrefix` of at most 38 (IAM quotas, role name). */
export function iamRoleName(logical: string): { namePrefix?: string } {
    return prefixedName(logical, 64);
}

/**
 * The AKS node resource group when the one AKS derives, `MC_<group>_<cluster>_<location>`, would exceed its
 * 80-character limit ("The length of the node resource group name is too long. The maximum length is 80",
 * https://aka.ms/aks-naming-rules); `undefined` (AKS's default, unchanged for existing clusters) otherwise.
 */
export function aksNodeResourceGroup(
    resourceGroupName: pulumi.Input<string>,
    clusterName: string,
    location: string,
): pulumi.Output<string | undefined> {
    return pulumi.output(resourceGroupName).apply((group) => {
        const derived = `MC_${group}_${clusterName}_${location}`;
        return derived.length <= 80
            ? undefined
            : `MC_${fitName(`${group}_${clusterName}`, 80 - 4 - location.length)}_${location}`;
    });
}
