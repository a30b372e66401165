import * as pulumi from "@pulumi/pulumi";
import * as elasticache from "@pulumi/aws/elasticache";
import * as random from "@pulumi/random";
import { elasticacheId } from "../aws-auth";
import type { CacheClientArgs, CacheClientUser, ScalerCredential, ScalerCredentialArgs } from ".";

/**
 * What a service's own user may do: every key and channel, every command except the `@dangerous` category
 * (FLUSHALL, FLUSHDB, KEYS, CONFIG, DEBUG, MONITOR, CLIENT KILL, …; https://valkey.io/topics/acl/#command-categories)
 * but INFO, which queue libraries read at start (BullMQ checks the server version with it). Keys are not split by
 * service: the seeds' services share queues across services (an API enqueues what a worker of another name
 * consumes), so a `~<service>:*` prefix would break them; the users still isolate who may connect, and removing a
 * service removes its user. A key prefix per service is the next step (a per-service setting), see
 * docs/passwordless.md.
 */
export const SERVICE_ACCESS_STRING = "on ~* &* +@all -@dangerous +info";

/**
 * The service's IAM-authenticated ElastiCache user, its id equal to its name ("For IAM-enabled ElastiCache users,
 * the username and user id properties must be identical", auth-iam.html#auth-iam-limits), lowercase (ids are
 * `[a-zA-Z][a-zA-Z0-9-]*` and stored lowercase), joined to the cache's user group. The role's policy then allows
 * `elasticache:Connect` on the replication group and on this user only (auth-iam.html#auth-iam-setup: "grant the
 * elasticache:Connect action to the ElastiCache cache and ElastiCache user").
 */
export function awsServiceCacheUser(
    name: string,
    args: CacheClientArgs,
    opts: pulumi.CustomResourceOptions,
): CacheClientUser {
    const id = elasticacheId(`${args.context.namePrefix}-svc-${args.serviceName}`);
    const user = new elasticache.User(
        `${name}-cache-user`,
        {
            userId: id,
            userName: id,
            engine: args.access.apply((a) => (a.cloud === "aws" ? a.engine : "valkey")),
            accessString: SERVICE_ACCESS_STRING,
            authenticationMode: { type: "iam" },
            tags: args.context.tags,
        },
        opts,
    );
    const membership = joinGroup(`${name}-cache-user`, args, user, opts);
    return {
        userName: user.userName,
        connectArns: pulumi
            .all([args.access, user.arn])
            .apply(([a, userArn]) => [a.cloud === "aws" ? a.replicationGroupArn : "", userArn]),
        ready: [membership],
    };
}

/** The user's membership of the cache's user group (one association per user, the group ignores `userIds`). */
function joinGroup(
    name: string,
    args: CacheClientArgs,
    user: elasticache.User,
    opts: pulumi.CustomResourceOptions,
): elasticache.UserGroupAssociation {
    return new elasticache.UserGroupAssociation(
        `${name}-membership`,
        { userGroupId: args.access.apply((a) => (a.cloud === "aws" ? a.userGroupId : "")), userId: user.userId },
        opts,
    );
}

/**
 * KEDA's own password user for one service's Redis triggers: KEDA's Redis scalers authenticate with a
 * username and password only (kedacore/keda@v2.20.2 pkg/scalers/redis_scaler.go `username`, `password`; no AWS
 * pod identity for Redis, kedacore/keda#7888 asks the same for Entra). It may read the trigger keys and nothing
 * else, with exactly the commands the scalers send: HELLO, PING and CLIENT SETINFO on connect (go-redis v9,
 * getRedisClient), the list scaler's EVAL
 * script calling TYPE then ZCARD / SCARD / HLEN / LLEN (redis_scaler.go; commands a script calls are checked
 * against the user's ACL, https://valkey.io/topics/acl/), the stream scaler's XPENDING, XLEN and XINFO GROUPS
 * (redis_streams_scaler.go), and the cluster client's CLUSTER SLOTS / SHARDS discovery in cluster mode.
 */
export function awsScalerCacheUser(
    name: string,
    args: ScalerCredentialArgs,
    opts: pulumi.CustomResourceOptions,
): ScalerCredential {
    const id = elasticacheId(`${args.context.namePrefix}-keda-${args.serviceName}`);
    const password = new random.RandomPassword(`${name}-password`, { length: 64, special: false }, opts);
    const user = new elasticache.User(
        name,
        {
            userId: id,
            userName: id,
            engine: args.access.apply((a) => (a.cloud === "aws" ? a.engine : "valkey")),
            accessString: scalerAccessString(args.keys, args.mode.cluster),
            authenticationMode: { type: "password", passwords: [pulumi.secret(password.result)] },
            tags: args.context.tags,
        },
        opts,
    );
    const membership = joinGroup(name, args, user, opts);
    return { username: user.userName, password: pulumi.secret(password.result), ready: [membership] };
}

/** The scaler's access string: on, its keys only, no channels, the read commands it sends. */
export function scalerAccessString(keys: readonly string[], cluster: boolean): string {
    const connect = ["+hello", "+ping", "+client|setinfo"];
    const reads = ["+eval", "+type", "+llen", "+zcard", "+scard", "+hlen", "+xpending", "+xlen", "+xinfo|groups"];
    const discovery = cluster ? ["+cluster|slots", "+cluster|shards"] : [];
    return ["on", ...keys.map((k) => `~${k}`), "-@all", ...connect, ...reads, ...discovery].join(" ");
}
