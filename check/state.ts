/**
 * Realistic resource state for the mock runtime: what the provider would report after creating a
 * resource (ids, ARNs, endpoints), derived deterministically from the type and name so every run of the
 * same configuration produces the same graph.
 */
import { Placement, SUBSCRIPTION_ID } from "./invokes";
import { awsArn, awsState } from "./state/aws";
import { azureResourceId, azureState } from "./state/azure";
import { NewResource, StateFn, hash } from "./state/common";
import { kubernetesState } from "./state/kubernetes";

/** Provider-computed outputs per resource type, one table per provider. */
const computedState: Record<string, StateFn> = { ...awsState, ...azureState, ...kubernetesState };

/** The id a provider would assign: AWS-style prefixed ids, Azure resource ids, or a name with a suffix. */
function mockId(r: NewResource): string {
    const [pkg, module] = r.type.split(":");
    if (pkg === "aws" && module.startsWith("ec2/")) {
        const prefix: Record<string, string> = {
            "ec2/vpc": "vpc",
            "ec2/subnet": "subnet",
            "ec2/securityGroup": "sg",
            "ec2/defaultSecurityGroup": "sg",
            "ec2/internetGateway": "igw",
            "ec2/natGateway": "nat",
            "ec2/eip": "eipalloc",
            "ec2/routeTable": "rtb",
            "ec2/vpcEndpoint": "vpce",
            "ec2/flowLog": "fl",
        };
        return `${prefix[module] ?? "res"}-${hash(r.type + r.name, 17)}`;
    }
    // The provider's id of a bucket is its name (@pulumi/aws s3/bucket.d.ts: "`bucket` ... the name of the
    // bucket"; the import id is the bucket name), so `bucket.id` and the ARN name the same bucket.
    if (r.type === "aws:s3/bucket:Bucket" || r.type === "aws:s3/bucketV2:BucketV2") {
        return String(r.inputs.bucket ?? `${r.name}-${hash(r.name)}`);
    }
    if (pkg === "azure-native") {
        return (
            azureResourceId(r) ?? `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/mock/providers/${module}/${r.name}`
        );
    }
    return `${r.name}-${hash(r.type + r.name)}`;
}

/** State for a new resource: its inputs, plus what the provider computes. */
export function mockResourceState(r: NewResource, at: Placement): { id: string; state: Record<string, unknown> } {
    if (r.type === "pulumi:pulumi:Stack" || !r.type.includes(":")) {
        return { id: "", state: r.inputs };
    }
    const id = mockId(r);
    const computed = computedState[r.type]?.(r, at, id) ?? {};
    const state: Record<string, unknown> = { ...r.inputs, ...computed };
    if (r.type.startsWith("aws:") && state.arn === undefined) {
        state.arn = awsArn(r.type.split(":")[1].split("/")[0], id, at);
    }
    // Auto-naming: the provider gives a resource without an explicit name its logical name plus a suffix.
    if ((r.type.startsWith("aws:") || r.type.startsWith("azure-native:")) && state.name === undefined) {
        state.name = `${r.name}-${hash(r.name)}`;
    }
    if (r.type === "random:index/randomString:RandomString") {
        state.result = hash(r.name, Number(r.inputs.length ?? 16)).toLowerCase();
    }
    if (r.type === "random:index/randomPassword:RandomPassword") {
        state.result = `mock-${hash(r.name, 24)}`.padEnd(Number(r.inputs.length ?? 32), "x");
    }
    return { id, state };
}
