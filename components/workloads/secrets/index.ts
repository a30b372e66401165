import * as pulumi from "@pulumi/pulumi";

/*
 * Application secrets: the values a service needs that the platform does not make (JWT keys, payment and mail
 * credentials, OAuth client secrets). A service lists their names in `secrets`; the values live in the cloud's
 * secret store (one AWS Secrets Manager secret per name, encrypted with a customer-managed KMS key; one Azure
 * Key Vault per service holding one secret per name), and reach the pods through the Secrets Store CSI driver,
 * authenticated as the service's own workload identity, which may read exactly its own secrets:
 *
 * - store.ts       the cloud entries (aws.ts / azure.ts) and the identity's read access
 * - delivery.ts    the SecretProviderClass and the pod's volume, mounts, env and reload annotation
 * - chart.ts       the CSI driver with the AWS provider (EKS) and Reloader (both clouds), pinned
 * - config.ts      the `secrets` field of a service and its checks; the values from `pulumi config set --secret`
 *
 * Why the CSI driver and not External Secrets Operator: ESO's AWS provider cannot act as a service's EKS Pod
 * Identity. Pod Identity hands credentials to the pod that asks, and "ESO can not impersonate other service
 * accounts", so every SecretStore would run with the controller's one role, which could read every service's
 * secrets (external-secrets/external-secrets#2951, and the documented workaround in #4432 is a `role` the
 * controller assumes). The CSI driver fetches as the pod's own identity on both clouds: ASCP with
 * `usePodIdentity: "true"` (https://docs.aws.amazon.com/secretsmanager/latest/userguide/ascp-pod-identity-integration.html)
 * and the AKS add-on with workload identity (`clientID` of the service's managed identity,
 * https://learn.microsoft.com/azure/aks/csi-secrets-store-identity-access#access-with-a-microsoft-entra-workload-id).
 * So an IAM policy / role assignment per service is the whole access model, and no controller holds all of them.
 *
 * Rotation: the driver re-reads every mounted secret every `SECRET_ROTATION_POLL` and rewrites the files in
 * place, and the Kubernetes Secret it syncs for `as: env` entries. Environment variables are read when the
 * process starts and never change in a running container, so a pod reading a secret at start (every `as: env`
 * entry, and files read once) must be restarted: Reloader, with its CSI integration, watches the driver's
 * SecretProviderClassPodStatus and rolls the Deployment annotated with the service's SecretProviderClass
 * (stakater/Reloader@chart-v2.2.16 README "Secrets Store CSI Driver", internal/pkg/handler/upgrade.go reads the
 * pod template's annotations too). A rotated value therefore reaches running pods without a `pulumi up`.
 */

/** How a secret reaches the container. */
export const SECRET_DELIVERY = ["file", "env"] as const;
export type SecretDelivery = (typeof SECRET_DELIVERY)[number];

/** One entry of a service's `secrets`: a name, or a name and how it is delivered. */
export type ServiceSecretConfig =
    | string
    | {
          /** The secret's name: the file name under `SECRETS_MOUNT_PATH`, or the environment variable. */
          name?: string;
          /**
           * `file`: a read-only file `/run/secrets/app/<name>`; `env`: an environment variable of that name (read
           * once at start: rotation restarts the pods).
           * @default "file"
           */
          as?: SecretDelivery;
      };

/** A secret with its defaults applied. */
export interface ResolvedSecret {
    readonly name: string;
    readonly as: SecretDelivery;
}

/** Where `as: file` secrets are mounted, one file per name (read-only, tmpfs on the node). */
export const SECRETS_MOUNT_PATH = "/run/secrets/app";
/** The pod volume of the CSI mount. */
export const SECRETS_VOLUME = "app-secrets";
/** How often the CSI driver re-reads mounted secrets (a rotated value reaches pods within this). */
export const SECRET_ROTATION_POLL = "2m";
/** The Reloader annotation naming the SecretProviderClass whose changes roll the pods. */
export const RELOAD_ANNOTATION = "secretproviderclass.reloader.stakater.com/reload";

/** The SecretProviderClass of a service, and the Kubernetes Secret it syncs for `as: env` entries. */
export const secretProviderClassName = (service: string) => `${service}-app-secrets`;
export const syncedSecretName = (service: string) => `${service}-app-secrets`;

/** `secrets` with the default delivery. */
export function resolveSecrets(secrets: ServiceSecretConfig[] | undefined): ResolvedSecret[] {
    return (secrets ?? []).map((s) =>
        typeof s === "string" ? { name: s, as: "file" as const } : { name: s.name ?? "", as: s.as ?? "file" },
    );
}

/** Values of a service's secrets given in stack config, by name, each a secret Output. */
export type SecretValues = Readonly<Record<string, pulumi.Output<string>>>;
