import * as pulumi from "@pulumi/pulumi";
import * as elasticache from "@pulumi/aws/elasticache";
import * as random from "@pulumi/random";
import { fitName } from "../shared/names";

/*
 * Passwordless access to ElastiCache (issue 16 item 4): role-based access control with a user group on the
 * replication group instead of the one auth token every client shared. Each service joins the group as an
 * IAM-authenticated user of its own (components/cache/clients/aws.ts); this file builds the group and the
 * `default` user it must hold.
 * - "A user named default must be included" in a user group's UserIds (AWS::ElastiCache::UserGroup,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticache-usergroup.html),
 *   and a client that connects without AUTH is that user. It is replaced by one that is switched off and may
 *   run nothing (`off -@all`; "If neither is specified in the access string, the user is assigned off",
 *   https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html).
 * - A user group of the valkey engine "can only contain users that use an authentication mechanism (password or
 *   IAM)" (same page), so the disabled default user still has a password: random, never published.
 * - Users join through UserGroupAssociation, one per service, so the group ignores changes to its `userIds`
 *   (the provider's documented pattern, @pulumi/aws 7.48.0 elasticache/userGroupAssociation.d.ts).
 * - IAM authentication needs Valkey 7.2+ / Redis OSS 7.0+ and TLS; the user id and user name of an IAM user
 *   must be identical (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html#auth-iam-limits).
 */

/** ElastiCache user and user-group ids: a letter, then letters, digits and hyphens (CreateUser / CreateUserGroup). */
export function elasticacheId(base: string, maxLength = 40): string {
    return fitName(base, maxLength)
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "-");
}

/** The disabled default user's access string: off, no keys, no commands. */
export const DISABLED_DEFAULT_ACCESS = "off -@all";

/** The user group attached to the replication group, holding only the disabled `default` user at first. */
export function cacheUserGroup(
    name: string,
    engine: string,
    opts: pulumi.CustomResourceOptions,
): elasticache.UserGroup {
    const password = new random.RandomPassword(`${name}-default-user-password`, { length: 64, special: false }, opts);
    const defaultUser = new elasticache.User(
        `${name}-default-user`,
        {
            userId: elasticacheId(`${name}-default`),
            userName: "default",
            engine,
            accessString: DISABLED_DEFAULT_ACCESS,
            authenticationMode: { type: "password", passwords: [pulumi.secret(password.result)] },
        },
        opts,
    );
    return new elasticache.UserGroup(
        `${name}-users`,
        { userGroupId: elasticacheId(`${name}-users`), engine, userIds: [defaultUser.userId] },
        { ...opts, ignoreChanges: ["userIds"] },
    );
}
