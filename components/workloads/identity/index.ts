import * as pulumi from "@pulumi/pulumi";
import type { ClusterOutputs } from "../../cluster";
import { CapabilityComponent, PlatformContext } from "../../shared/context";
import type { StorageOutputs } from "../../storage";

/*
 * Workload identity: a service's cloud identity, federated with its Kubernetes ServiceAccount, so its pods
 * reach the platform's storage with short-lived credentials and no keys. EKS Pod Identity on AWS (aws.ts),
 * Microsoft Entra Workload ID on Azure (azure.ts, whose federated identity the in-cluster observability's
 * Prometheus also uses), and the cloud endpoints such a pod must reach (egress.ts).
 */

/** Arguments of one service's cloud identity. */
export interface WorkloadIdentityArgs {
    readonly context: PlatformContext;
    /** The cluster whose service account federates with the identity. */
    readonly cluster: Pick<ClusterOutputs, "clusterName" | "oidcIssuerUrl">;
    /** Namespace and name of the Kubernetes ServiceAccount. */
    readonly namespace: pulumi.Input<string>;
    readonly serviceAccountName: string;
    /**
     * The storage the identity may read and write.
     * @default no storage access (a service that does not bind storage)
     */
    readonly storage?: Pick<StorageOutputs, "bucketName" | "resourceId">;
    /**
     * The service's own application secrets the identity may read (components/workloads/secrets/).
     * @default no secret access
     */
    readonly secrets?: SecretAccess;
    /**
     * AWS: the RDS IAM database users (`arn:aws:rds-db:…:dbuser:<resource id>/<login>`) the identity may connect
     * as (`rds-db:connect`), when the database logins are passwordless (components/database/aws-iam.ts).
     * @default no database access through IAM
     */
    readonly databaseUsers?: pulumi.Input<string[]>;
    /**
     * AWS: the cache ARNs the role may `elasticache:Connect` to (the replication group and the service's own IAM
     * user, components/cache/clients/aws.ts). Azure grants cache access by an access policy assignment instead.
     * @default no cache access
     */
    readonly cache?: { readonly connectArns: pulumi.Input<string[]> };
}

/** The application secrets one identity may read, and nothing else. */
export interface SecretAccess {
    /** AWS: the Secrets Manager secret ARNs. Azure: the service's Key Vault (RBAC on the vault holds only its secrets). */
    readonly scopes: pulumi.Input<string>[];
    /** AWS: the KMS key the secrets are encrypted with (decrypt through Secrets Manager only). */
    readonly keyArn?: pulumi.Input<string>;
}

/** What a service account needs to become a cloud identity. */
export interface WorkloadIdentityOutputs {
    /** Annotations on the ServiceAccount (Azure: the client id). */
    readonly serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
    /** Labels on the pod template (Azure: `azure.workload.identity/use`). */
    readonly podLabels: pulumi.Output<Record<string, string>>;
    /** The cloud principal: IAM role ARN / managed identity client id. */
    readonly principalId: pulumi.Output<string>;
    /**
     * Azure: the managed identity's object id (its service principal's), which Microsoft Entra tokens carry as
     * `oid` and database roles are mapped to (workloads/database/sql.ts).
     * @default undefined on AWS
     */
    readonly objectId?: pulumi.Output<string>;
    /**
     * What a pod using this identity must wait for: the Pod Identity association and the role's policy
     * (AWS), the federated identity credential and the role assignment (Azure). Both clouds hand a pod its
     * credentials when the pod is created, so a pod created before these exist runs without them until it is
     * re-created. Put them in the `dependsOn` of every workload whose pods run as the service account.
     */
    readonly ready: pulumi.Resource[];
}

/** A NetworkPolicy egress destination outside the cluster. */
export interface EgressDestination {
    readonly cidr: string;
    readonly except?: string[];
    readonly ports: number[];
    /** Why the destination is needed (documentation). */
    readonly reason: string;
}

/**
 * A service's cloud identity, federated with its ServiceAccount, allowed into the platform's storage (when it
 * binds storage) and its own application secrets (when it has any): nothing else.
 */
export class WorkloadIdentity
    extends CapabilityComponent<WorkloadIdentityArgs, WorkloadIdentityOutputs>
    implements WorkloadIdentityOutputs
{
    declare public readonly serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
    declare public readonly podLabels: pulumi.Output<Record<string, string>>;
    declare public readonly principalId: pulumi.Output<string>;
    declare public readonly objectId?: pulumi.Output<string>;
    declare public readonly ready: pulumi.Resource[];

    constructor(name: string, args: WorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "platform:workloads:WorkloadIdentity",
            name,
            args,
            // Loaded lazily: a stack only loads the provider SDK of its own cloud.
            {
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                aws: () => (require("./aws") as typeof import("./aws")).createAwsIdentity,
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                azure: () => (require("./azure") as typeof import("./azure")).createAzureIdentity,
            },
            opts,
        );
    }
}
