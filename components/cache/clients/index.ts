import * as pulumi from "@pulumi/pulumi";
import type { CacheClientAccess, CacheClientMode } from "..";
import type { PlatformContext } from "../../shared/context";

/*
 * The cache's per-service clients when access is passwordless (issue 16 item 4): each service authenticates as
 * its own cloud identity, and in-cluster components that cannot (KEDA's Redis scalers) get a least-privilege
 * credential of their own. Built by the workloads, per service, because the services' identities live there;
 * the cache only publishes what they attach to (`clientAccess`).
 * - AWS (aws.ts): an IAM-authenticated ElastiCache user per service joined to the cache's user group, and
 *   `elasticache:Connect` on the replication group and that user for the service's Pod Identity role.
 * - Azure (azure.ts): an access policy assignment of the database's `default` policy per managed identity.
 */

/** One service's connection to a passwordless cache. */
export interface CacheClientArgs {
    readonly context: PlatformContext;
    /** The service's name (its user / assignment derive from it). */
    readonly serviceName: string;
    readonly access: pulumi.Output<CacheClientAccess>;
    readonly mode: CacheClientMode;
}

/** What a service's identity and bindings need from its cache user. */
export interface CacheClientUser {
    /** The user name the service presents (AWS: its IAM user; Azure: its managed identity's object id). */
    readonly userName: pulumi.Output<string>;
    /** AWS: the ARNs its role may `elasticache:Connect` to (the replication group and its user), exactly. */
    readonly connectArns?: pulumi.Output<string[]>;
    /** What its pods wait for (the user in the group / the assignment). */
    readonly ready: pulumi.Resource[];
}

/** AWS, before the identity: the service's IAM user, whose ARN the identity's policy names. */
export function createCacheUser(
    name: string,
    args: CacheClientArgs,
    opts: pulumi.CustomResourceOptions,
): CacheClientUser | undefined {
    if (args.mode.auth !== "aws-iam") return undefined;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("./aws") as typeof import("./aws")).awsServiceCacheUser(name, args, opts);
}

/** Azure, after the identity: the access policy assignment of the service's managed identity. */
export function grantCacheAccess(
    name: string,
    args: CacheClientArgs & { readonly objectId: pulumi.Output<string> },
    opts: pulumi.CustomResourceOptions,
): CacheClientUser | undefined {
    if (args.mode.auth !== "entra") return undefined;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("./azure") as typeof import("./azure")).azureAccessAssignment(name, args, opts);
}

/** The keys one service's Redis triggers read, for KEDA's own credential. */
export interface ScalerCredentialArgs extends CacheClientArgs {
    /** The lists and streams the triggers read (the only keys the credential may touch on AWS). */
    readonly keys: readonly string[];
    /** The cache's shared key (Azure with `keyClients`). */
    readonly authToken: pulumi.Output<string>;
}

/** KEDA's credential for one service's Redis triggers: a username (AWS) and a password / key (secret). */
export interface ScalerCredential {
    readonly username?: pulumi.Output<string>;
    readonly password: pulumi.Output<string>;
    readonly ready: pulumi.Resource[];
}

/**
 * KEDA's credential when the cache is passwordless: KEDA's Redis scalers can present a username and password
 * only (no AWS IAM or Entra token: kedacore/keda#7888, kedacore/keda#6537; the Entra PR kedacore/keda#8075 is
 * not merged). AWS: a password user of its own restricted to the triggers' keys and read commands
 * (aws.ts awsScalerCacheUser). Azure: the database's access key, which stays on for this alone (`keyClients`)
 * and reaches only KEDA's Secret, never the service's; Managed Redis has no narrower key.
 */
export function createScalerCredential(
    name: string,
    args: ScalerCredentialArgs,
    opts: pulumi.CustomResourceOptions,
): ScalerCredential {
    if (args.mode.auth === "aws-iam") {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return (require("./aws") as typeof import("./aws")).awsScalerCacheUser(name, args, opts);
    }
    return { password: pulumi.secret(args.authToken), ready: [] };
}
