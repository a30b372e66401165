import * as pulumi from "@pulumi/pulumi";
import type { ConfigMap, ServiceAccount } from "@pulumi/kubernetes/core/v1";
import type { ResolvedService } from "..";
import { CacheClientUser, createCacheUser, grantCacheAccess } from "../../cache/clients";
import { WorkloadIdentity } from "../identity";
import { serviceImage } from "../registry/build";
import { AppSecrets, createAppSecrets } from "../secrets/service";
import type { ServiceWorkloadArgs } from ".";
import { createDatabaseCa } from "./database-ca";
import { serviceLabels } from "./labels";
import { workloadDependsOn } from "./pod";
import { ConnectionSecret, createConnectionSecret, databaseConnectArns } from "./secret";
import { createServiceAccount } from "./service-account";

/** What every kind of workload of a service runs with, built once before its controllers. */
export interface ServiceRuntime {
    /** The ServiceWorkload's name, which its children's names start with. */
    readonly name: string;
    readonly args: ServiceWorkloadArgs;
    readonly service: ResolvedService;
    /** Labels every object of the service carries (serviceLabels). */
    readonly labels: Record<string, string>;
    /** The image reference the pods run. */
    readonly image: pulumi.Output<string>;
    /** The cloud identity, when the service uses storage. */
    readonly identity?: WorkloadIdentity;
    readonly serviceAccount: ServiceAccount;
    /** The connection Secret, when the service binds a resource. */
    readonly secret?: ConnectionSecret;
    /** The database CA bundle's ConfigMap, when the service binds the database and the cloud's is shipped. */
    readonly databaseCa?: ConfigMap;
    /** The service's own cache user / access assignment, when it binds a passwordless cache. */
    readonly cacheUser?: CacheClientUser;
    /** The application secrets' SecretProviderClass, when the service has secrets (components/workloads/secrets). */
    readonly appSecrets?: AppSecrets;
    /** What every controller whose pods run as the service account waits for (pod.ts workloadDependsOn). */
    readonly dependsOn: pulumi.Input<pulumi.Resource>[];
    readonly parent: pulumi.Resource;
}

/**
 * The service's image, its cloud identity (only a service that uses storage gets one, scoped to that
 * storage), its ServiceAccount, its connection Secret and its database CA bundle.
 */
export function createServiceRuntime(name: string, args: ServiceWorkloadArgs, parent: pulumi.Resource): ServiceRuntime {
    const { service, namespace, context } = args;
    const opts = { parent };
    const labels = serviceLabels(service.name, context.environment);
    const image = serviceImage(name, service, args.repositoryUrl, parent);
    const secrets = createAppSecrets(name, args, labels, parent);
    const storage = service.bind.includes("storage") ? args.storage : undefined;
    // Passwordless database logins need the service's own identity (RDS IAM / Microsoft Entra).
    const databaseIdentity = service.bind.includes("database") && args.database.clientAuthentication !== "password";
    const cacheClient = passwordlessCacheClient(args);
    const awsCacheUser = cacheClient && createCacheUser(name, cacheClient, opts);
    const identity =
        storage || secrets || databaseIdentity || cacheClient
            ? new WorkloadIdentity(
                  `${name}-identity`,
                  {
                      context,
                      cluster: args.cluster,
                      namespace,
                      serviceAccountName: service.name,
                      storage,
                      secrets: secrets?.access,
                      databaseUsers: databaseConnectArns(service, args.database),
                      cache: awsCacheUser?.connectArns ? { connectArns: awsCacheUser.connectArns } : undefined,
                  },
                  opts,
              )
            : undefined;
    const cacheUser =
        awsCacheUser ??
        (cacheClient && identity?.objectId
            ? grantCacheAccess(name, { ...cacheClient, objectId: identity.objectId }, opts)
            : undefined);
    const appSecrets = secrets?.deliver(identity!);
    const serviceAccount = createServiceAccount(
        `${name}-service-account`,
        { name: service.name, namespace, labels, identity },
        opts,
    );
    const secret = createConnectionSecret(`${name}-connections`, { ...args, cacheUser }, labels, opts);
    const databaseCa = createDatabaseCa(`${name}-database-ca`, args, labels, opts);
    const dependsOn = [
        ...workloadDependsOn(serviceAccount, secret?.resource, identity),
        ...(databaseCa ? [databaseCa] : []),
        ...(appSecrets ? [appSecrets.resource] : []),
        // Its cache user is in the group / its assignment exists before its pods connect.
        ...(cacheUser?.ready ?? []),
        // Its database roles exist before its pods connect (workloads/database, the role bootstrap Job).
        ...(service.bind.includes("database") ? (args.database.ready ?? []) : []),
    ];
    return {
        name,
        args,
        service,
        labels,
        image,
        identity,
        serviceAccount,
        secret,
        databaseCa,
        cacheUser,
        appSecrets,
        dependsOn,
        parent,
    };
}

/** The service's cache client arguments when it binds a passwordless cache, otherwise undefined. */
function passwordlessCacheClient(args: ServiceWorkloadArgs) {
    const { service, cache, context } = args;
    if (!service.bind.includes("cache") || !cache.mode || cache.mode.auth === "password" || !cache.clientAccess) {
        return undefined;
    }
    return { context, serviceName: service.name, access: cache.clientAccess, mode: cache.mode };
}
