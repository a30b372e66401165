import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import { POD_IDENTITY_ACTIONS, assumeRolePolicyFor } from "../shared/aws";
import { iamRoleName } from "../shared/names";

/** Attaches AWS managed policies (`AmazonEKSWorkerNodePolicy`, `service-role/...`) to a role, one child each. */
export function managedPolicies(name: string, role: iam.Role, policies: string[], parent: pulumi.Resource) {
    return policies.map(
        (policy) =>
            new iam.RolePolicyAttachment(
                `${name}-${policy.split("/").pop()}`,
                { role: role.name, policyArn: `arn:aws:iam::aws:policy/${policy}` },
                { parent },
            ),
    );
}

/** A role that EKS Pod Identity hands to pods (the association is made by the add-on or the caller). */
export function podIdentityServiceRole(
    name: string,
    description: string | undefined,
    parent: pulumi.Resource,
): iam.Role {
    return new iam.Role(
        name,
        {
            // Auto-named unless the generated name would pass IAM's 64 characters (components/shared/names.ts).
            ...iamRoleName(name),
            description,
            assumeRolePolicy: assumeRolePolicyFor("pods.eks.amazonaws.com", POD_IDENTITY_ACTIONS),
        },
        { parent },
    );
}
