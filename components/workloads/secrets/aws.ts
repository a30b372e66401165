import * as pulumi from "@pulumi/pulumi";
import { Secret, SecretVersion } from "@pulumi/aws/secretsmanager";
import { customerManagedKey } from "../../shared/aws";
import { awsPlacement } from "../../shared/context";
import type { SecretStore, SecretStoreArgs } from "./store";
import { objectLines } from "./store";

/** Days a deleted secret can still be restored (Secrets Manager allows 7-30). */
export const SECRET_RECOVERY_WINDOW_DAYS = 30;

/**
 * The recovery window of a stack's secrets: 30 days where stateful resources are protected; none (deleted at
 * once) in a stack meant to be torn down (`platform:deletionProtection: false`). A secret scheduled for deletion
 * keeps its name, and creating a secret of that name fails until the window ends ("You can't create this
 * secret because a secret with this name is already scheduled for deletion", CreateSecret InvalidRequestException,
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html), so a dev stack destroyed
 * and brought up again within 30 days would fail on every secret. 0 is ForceDeleteWithoutRecovery
 * (@pulumi/aws 7.48.0 secretsmanager/secret.d.ts `recoveryWindowInDays`: "0 to force deletion without recovery
 * or range from 7 to 30 days").
 */
export const recoveryWindowDays = (protect: boolean): number => (protect ? SECRET_RECOVERY_WINDOW_DAYS : 0);

/**
 * One Secrets Manager secret per name, `<prefix>/<service>/<NAME>`, encrypted with a customer-managed KMS key of
 * the service's own (rotated yearly; its default key policy lets IAM grant its use, and only the service's
 * role is granted, through Secrets Manager). A value given in stack config becomes the secret's current
 * version: a secret input, so the state holds it encrypted. Without one the secret has no version and pods
 * that mount it wait (ContainerCreating, "secret value not found") until it is set out of band.
 */
export function createAwsSecretStore(name: string, args: SecretStoreArgs, parent: pulumi.Resource): SecretStore {
    const { context, service } = args;
    const { region } = awsPlacement(context);
    const opts = { parent };
    const key = customerManagedKey(name, `Application secrets of ${service.name} (${context.namePrefix})`, opts);
    const secrets = service.secrets.map((secret) => {
        const entry = new Secret(
            `${name}-${secret.name}`,
            {
                name: `${context.namePrefix}/${service.name}/${secret.name}`,
                description: `${secret.name} of service ${service.name}`,
                kmsKeyId: key.arn,
                recoveryWindowInDays: recoveryWindowDays(context.protect),
                tags: context.tags,
            },
            opts,
        );
        const value = args.values[secret.name];
        if (value) {
            new SecretVersion(`${name}-${secret.name}-value`, { secretId: entry.id, secretString: value }, opts);
        }
        return { secret, arn: entry.arn, id: entry.name };
    });
    const arns = secrets.map((s) => s.arn);
    return {
        access: { scopes: arns, keyArn: key.arn },
        provider: "aws",
        parameters: () =>
            pulumi.all(arns).apply(
                (resolved): Record<string, string> => ({
                    region,
                    // The pod's own role through EKS Pod Identity, not IRSA (aws/secrets-store-csi-driver-provider-aws@3.1.1 README "SecretProviderClass options").
                    usePodIdentity: "true",
                    objects: secrets.flatMap((s, i) => objectLines(s.secret, resolved[i], "secretsmanager")).join("\n"),
                }),
            ),
        setCommands: pulumi
            .all(secrets.map((s) => s.id))
            .apply((ids) =>
                Object.fromEntries(
                    secrets.map((s, i) => [
                        s.secret.name,
                        `aws secretsmanager put-secret-value --region ${region} --secret-id ${ids[i]} --secret-string file://value.txt`,
                    ]),
                ),
            ),
    };
}
