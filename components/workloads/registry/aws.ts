import * as pulumi from "@pulumi/pulumi";
import * as ecr from "@pulumi/aws/ecr";
import type * as kms from "@pulumi/aws/kms";
import { customerManagedKey } from "../../shared/aws";
import { awsPlacement, statefulOptions } from "../../shared/context";
import { RegistryArgs, RegistryOutputs } from ".";

/** Untagged images expire after 14 days; at most the 100 most recent images are kept. */
const LIFECYCLE_POLICY = JSON.stringify({
    rules: [
        {
            rulePriority: 1,
            description: "Expire untagged images after 14 days",
            selection: {
                tagStatus: "untagged",
                countType: "sinceImagePushed",
                countUnit: "days",
                countNumber: 14,
            },
            action: { type: "expire" },
        },
        {
            rulePriority: 2,
            description: "Keep the 100 most recent images",
            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 100 },
            action: { type: "expire" },
        },
    ],
});

/**
 * ECR: one repository per service, named `<stack prefix>/<service>`, with immutable tags, scan on push,
 * encryption under the registry's own customer-managed KMS key and a lifecycle policy. ECR fixes a
 * repository's encryption when it is created ("You can't change the encryption settings of a repository
 * after it's created", https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html), so
 * moving an existing repository to the key replaces it: its images are deleted with it in unprotected stacks
 * (CI pushes them again), and the replacement stops in protected stacks, where `forceDelete` is off and a
 * repository with images cannot be deleted; move those images first. Nodes pull through the node role's
 * `AmazonEC2ContainerRegistryPullOnly` policy (attached by the Cluster component).
 */
export function createAwsRegistry(name: string, args: RegistryArgs, parent: pulumi.Resource): RegistryOutputs {
    const { region } = awsPlacement(args.context);
    const opts = { parent };
    // ECR creates a grant on the key with the deployer's IAM permissions; the default key policy allows that.
    const key = customerManagedKey(name, `Encrypts the images in the ${name} repositories`, {
        ...opts,
        ...statefulOptions(args.context),
    });
    const urls = args.repositories.map((repository) =>
        createRepository(name, repository, args, key, parent).repositoryUrl.apply((url) => [repository, url] as const),
    );
    const repositoryUrls = pulumi.all(urls).apply((entries) => Object.fromEntries(entries));
    return {
        server: repositoryUrls.apply((all) => {
            const first = Object.values(all)[0];
            return first ? first.split("/")[0] : `ecr.${region}.amazonaws.com`;
        }),
        repositoryUrls,
    };
}

/** One service's repository and its lifecycle policy. */
function createRepository(
    name: string,
    repository: string,
    args: RegistryArgs,
    key: kms.Key,
    parent: pulumi.Resource,
): ecr.Repository {
    const repo = new ecr.Repository(
        `${name}-${repository}`,
        {
            name: `${args.context.namePrefix}/${repository}`,
            imageTagMutability: "IMMUTABLE",
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: key.arn }],
            forceDelete: !args.context.protect,
        },
        // A fixed name: the old repository must go before its replacement can take the name.
        { parent, deleteBeforeReplace: true },
    );
    new ecr.LifecyclePolicy(
        `${name}-${repository}-lifecycle`,
        { repository: repo.name, policy: LIFECYCLE_POLICY },
        { parent },
    );
    return repo;
}
