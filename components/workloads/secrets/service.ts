import * as pulumi from "@pulumi/pulumi";
import type { SecretAccess, WorkloadIdentityOutputs } from "../identity";
import type { ServiceWorkloadArgs } from "../services";
import { AppSecrets, createSecretProviderClass } from "./delivery";
import { createSecretStore } from "./store";

export type { AppSecrets } from "./delivery";

/** A service's secrets before its identity exists: what the identity must be granted, then the delivery. */
export interface PendingAppSecrets {
    readonly access: SecretAccess;
    /** The SecretProviderClass, read as `identity`. */
    deliver(identity: Pick<WorkloadIdentityOutputs, "principalId">): AppSecrets;
}

/**
 * The service's secrets in the cloud (`${name}-secrets-*`) and, once its identity is made with their access,
 * its SecretProviderClass (`${name}-secret-provider`). Undefined when the service has no secrets.
 */
export function createAppSecrets(
    name: string,
    args: ServiceWorkloadArgs,
    labels: Record<string, string>,
    parent: pulumi.Resource,
): PendingAppSecrets | undefined {
    const store = createSecretStore(
        `${name}-secrets`,
        { context: args.context, service: args.service, values: args.secretValues ?? {}, network: args.network },
        parent,
    );
    if (!store) return undefined;
    return {
        access: store.access,
        deliver: (identity) =>
            createSecretProviderClass(
                `${name}-secret-provider`,
                { service: args.service, namespace: args.namespace, labels, store, principalId: identity.principalId },
                { parent, dependsOn: args.addonsDependsOn },
            ),
    };
}
