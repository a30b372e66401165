import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { compactGlobalName, roleDefinitionId } from "../../shared/azure";
import { azurePlacement } from "../../shared/context";
import { RegistryArgs, RegistryOutputs } from ".";

/**
 * Azure Container Registry: admin user and anonymous pull disabled (every pull and push is an Entra
 * identity), Premium with zone redundancy when highly available; the cluster's kubelet identity holds
 * AcrPull and the deployer AcrPush. One registry per stack, one repository per service.
 */
export function createAzureRegistry(name: string, args: RegistryArgs, parent: pulumi.Resource): RegistryOutputs {
    const { context } = args;
    const { resourceGroupName, location, deployerObjectId, deployerPrincipalType } = azurePlacement(context);
    const opts = { parent };
    const premium = context.environment === "prod";
    const registry = new containerregistry.Registry(
        `${name}-acr`,
        {
            resourceGroupName,
            location,
            registryName: compactGlobalName(context, "acr", 50),
            sku: { name: premium ? "Premium" : "Standard" },
            adminUserEnabled: false,
            anonymousPullEnabled: false,
            zoneRedundancy: premium ? "Enabled" : "Disabled",
            tags: context.tags,
        },
        opts,
    );
    new authorization.RoleAssignment(
        `${name}-acr-pull`,
        {
            scope: registry.id,
            principalId: args.nodeIdentityId,
            principalType: "ServicePrincipal",
            roleDefinitionId: roleDefinitionId(context, "acrPull"),
            description: "The cluster's kubelet identity pulls the stack's images",
        },
        opts,
    );
    new authorization.RoleAssignment(
        `${name}-acr-push`,
        {
            scope: registry.id,
            principalId: deployerObjectId,
            // azure-native would send "User" (the CI deployer is a service principal): ARM rejects a mismatch.
            principalType: deployerPrincipalType,
            roleDefinitionId: roleDefinitionId(context, "acrPush"),
            description: "The deployer pushes the images it builds",
        },
        opts,
    );
    return {
        server: registry.loginServer,
        repositoryUrls: registry.loginServer.apply((server) =>
            Object.fromEntries(args.repositories.map((repository) => [repository, `${server}/${repository}`])),
        ),
    };
}
