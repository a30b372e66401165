import * as pulumi from "@pulumi/pulumi";
import type { NetworkOutputs } from "../../network";
import { PlatformContext, implementationFor } from "../../shared/context";
import type { ResolvedService } from "..";
import type { SecretAccess } from "../identity";
import type { ResolvedSecret, SecretValues } from ".";

/** What a service's secret store is made from. */
export interface SecretStoreArgs {
    readonly context: PlatformContext;
    readonly service: ResolvedService;
    /** Values given in stack config (`secrets:<service>.<NAME>`); the others are set out of band. */
    readonly values: SecretValues;
    /** Azure: the endpoint subnet the service's vault gets its private endpoint in. */
    readonly network: Pick<NetworkOutputs, "endpointSubnetIds">;
}

/** A service's secrets in the cloud, and how its SecretProviderClass finds them. */
export interface SecretStore {
    /** What the service's identity may read: exactly these secrets. */
    readonly access: SecretAccess;
    /** The Secrets Store CSI provider ("aws" / "azure"). */
    readonly provider: string;
    /** The provider's SecretProviderClass parameters, given the identity's principal (Azure: client id). */
    parameters(principalId: pulumi.Input<string>): pulumi.Output<Record<string, string>>;
    /** How to set a value out of band, per secret (README and the check's notes). */
    readonly setCommands: pulumi.Output<Record<string, string>>;
}

export type SecretStoreImplementation = (name: string, args: SecretStoreArgs, parent: pulumi.Resource) => SecretStore;

/** The cloud's store of a service's secrets, or undefined when it has none. */
export function createSecretStore(
    name: string,
    args: SecretStoreArgs,
    parent: pulumi.Resource,
): SecretStore | undefined {
    if (args.service.secrets.length === 0) return undefined;
    return implementationFor<SecretStoreImplementation>(args.context.cloud, {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        aws: () => (require("./aws") as typeof import("./aws")).createAwsSecretStore,
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        azure: () => (require("./azure") as typeof import("./azure")).createAzureSecretStore,
    })(name, args, parent);
}

/** The provider's `objects` parameter lines for one secret, YAML as both providers read it. */
export function objectLines(secret: ResolvedSecret, objectName: string, objectType: string): string[] {
    return [`- objectName: "${objectName}"`, `  objectType: "${objectType}"`, `  objectAlias: "${secret.name}"`];
}
