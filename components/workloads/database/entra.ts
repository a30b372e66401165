import * as pulumi from "@pulumi/pulumi";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import { ServiceAccount } from "@pulumi/kubernetes/core/v1";
import type { PlatformContext } from "../../shared/context";
import { azurePlacement } from "../../shared/context";
import { createFederatedIdentity } from "../identity/azure";

/*
 * Microsoft Entra logins on Azure (issue 16 item 4): the role bootstrap Job runs as a Microsoft Entra
 * administrator of the flexible server, because mapping a role to a managed identity
 * (`pgaadauth_create_principal_with_oid`, the `pgaadauth` security label) must run in an Entra administrator's
 * session (MicrosoftDocs/azure-databases-docs@112cdf3 articles/postgresql/security/security-manage-entra-users.md,
 * "After you create the first Microsoft Entra administrator ... you can use the administrator role to manage
 * Microsoft Entra roles"). The Job's identity is a user-assigned managed identity federated with its
 * ServiceAccount (Workload ID, as the services'); no password reaches the cluster.
 */

/** The bootstrap Job's ServiceAccount, which the managed identity is federated with. */
export const BOOTSTRAP_SERVICE_ACCOUNT = "database-bootstrap";

/**
 * Microsoft Entra's resource for Azure Database for PostgreSQL tokens
 * (https://learn.microsoft.com/azure/postgresql/security/security-entra-configure, "retrieve the access token":
 * `--resource-type oss-rdbms`, i.e. https://ossrdbms-aad.database.windows.net).
 */
export const POSTGRES_TOKEN_SCOPE = "https://ossrdbms-aad.database.windows.net/.default";

/**
 * Gets a token as the pod's federated identity with no Azure CLI: the client-credentials grant with the
 * projected service-account token as client assertion
 * (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow#third-case-access-token-request-with-a-federated-credential),
 * from the variables the workload identity webhook injects (AZURE_CLIENT_ID, AZURE_TENANT_ID,
 * AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST: https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html),
 * with the image's busybox wget; then runs psql with the token as the password (PGPASSWORD, read by libpq).
 */
export const ENTRA_BOOTSTRAP_SCRIPT = `set -eu
assertion=$(cat "$AZURE_FEDERATED_TOKEN_FILE")
body="grant_type=client_credentials&client_id=$AZURE_CLIENT_ID&scope=${encodeURIComponent(POSTGRES_TOKEN_SCOPE)}&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=$assertion"
token=$(wget -q -O - --post-data="$body" "\${AZURE_AUTHORITY_HOST%/}/$AZURE_TENANT_ID/oauth2/v2.0/token" | sed -n 's/.*"access_token":"\\([^"]*\\)".*/\\1/p')
if [ -z "$token" ]; then echo "no Microsoft Entra token for $AZURE_CLIENT_ID" >&2; exit 1; fi
PGPASSWORD=$token exec psql -X -v ON_ERROR_STOP=1 -1 -f /sql/bootstrap.sql
`;

/** The bootstrap's Entra administrator: its identity, ServiceAccount and the server's administrator entry. */
export interface BootstrapEntraAdmin {
    readonly serviceAccount: ServiceAccount;
    /** The administrator's PostgreSQL role name: the managed identity's name. */
    readonly principalName: pulumi.Output<string>;
    /** What the Job waits for: the federation and the administrator entry. */
    readonly ready: pulumi.Resource[];
}

/**
 * A managed identity federated with the bootstrap's ServiceAccount and made a Microsoft Entra administrator of
 * the server (`AdministratorsMicrosoftEntra`, API 2025-08-01 in @pulumi/azure-native 3.28.0
 * dbforpostgresql/administratorsMicrosoftEntra.d.ts: objectId, principalName, principalType, tenantId). The
 * server already has `authConfig.activeDirectoryAuth: Enabled` (components/database/azure.ts).
 */
export function createBootstrapEntraAdmin(
    name: string,
    args: {
        readonly context: PlatformContext;
        readonly namespace: pulumi.Output<string>;
        readonly serverName: pulumi.Input<string>;
        readonly oidcIssuerUrl: pulumi.Input<string>;
    },
    opts: pulumi.CustomResourceOptions,
): BootstrapEntraAdmin {
    const { resourceGroupName, tenantId } = azurePlacement(args.context);
    const { identity, federation } = createFederatedIdentity(
        `${name}-entra`,
        {
            context: args.context,
            oidcIssuerUrl: args.oidcIssuerUrl,
            subject: pulumi.interpolate`system:serviceaccount:${args.namespace}:${BOOTSTRAP_SERVICE_ACCOUNT}`,
        },
        opts,
    );
    const serviceAccount = new ServiceAccount(
        `${name}-service-account`,
        {
            metadata: {
                name: BOOTSTRAP_SERVICE_ACCOUNT,
                namespace: args.namespace,
                annotations: { "azure.workload.identity/client-id": identity.clientId },
            },
            automountServiceAccountToken: false,
        },
        opts,
    );
    const admin = new dbforpostgresql.AdministratorsMicrosoftEntra(
        `${name}-entra-admin`,
        {
            resourceGroupName,
            serverName: args.serverName,
            objectId: identity.principalId,
            principalName: identity.name,
            principalType: dbforpostgresql.PrincipalType.ServicePrincipal,
            tenantId,
        },
        opts,
    );
    return { serviceAccount, principalName: identity.name, ready: [federation, admin] };
}
