import { Provider } from "@pulumi/aws/provider";
import { PlatformConfig } from "../shared/config";
import { Foundation } from ".";

/** The AWS foundation: one explicit provider for the stack's region that tags every resource. */
export function createAwsFoundation(config: PlatformConfig, tags: Record<string, string>): Foundation {
    const provider = new Provider("aws", { region: config.awsRegion, defaultTags: { tags } });
    return {
        providers: [provider],
        context: {
            cloud: "aws",
            environment: config.environment,
            namePrefix: `${config.project}-${config.stack}`,
            tags,
            protect: config.deletionProtection,
            aws: { region: config.awsRegion },
        },
    };
}
