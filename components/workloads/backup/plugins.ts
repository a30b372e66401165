import { Cloud } from "../../shared/context";

/** One object-store / volume-snapshotter plugin image, pinned, with the evidence for it. */
export interface VeleroPlugin {
    /** The init container's name (the chart copies the plugin binary into the server's plugin directory). */
    readonly name: string;
    readonly image: string;
    /** The Velero minor the plugin line is built for (the plugin README's compatibility matrix). */
    readonly veleroMinor: string;
    readonly checked: string;
    readonly source: string;
}

/**
 * The cloud plugins, pinned by version (no digest: the registry cannot be reached from here to read one, and a
 * digest copied from a third party could be wrong; pin one when the image is mirrored into the stack's registry).
 *
 * - AWS: v1.14.2 (2026-06-16) is the newest tag in github:velero-io/velero-plugin-for-aws (the project moved from
 *   vmware-tanzu/); its README's compatibility table pairs v1.14.x with Velero v1.18.x.
 * - Azure: the same release train (every tag of the two plugins since v1.13.0 shares its date, e.g. v1.13.2 both
 *   2025-12-31, v1.14.0-rc.1 both 2026-02-13); github:vmware-tanzu/velero-plugin-for-microsoft-azure@v1.14.0-rc.1
 *   README pairs v1.14.x with Velero v1.18.x.
 */
export const VELERO_PLUGINS: Record<Cloud, VeleroPlugin> = {
    aws: {
        name: "velero-plugin-for-aws",
        image: "docker.io/velero/velero-plugin-for-aws:v1.14.2",
        veleroMinor: "1.18",
        checked: "2026-12-01",
        source: "github:velero-io/velero-plugin-for-aws@v1.14.2:README.md (Compatibility)",
    },
    azure: {
        name: "velero-plugin-for-microsoft-azure",
        image: "docker.io/velero/velero-plugin-for-microsoft-azure:v1.14.2",
        veleroMinor: "1.18",
        checked: "2026-12-01",
        source: "github:vmware-tanzu/velero-plugin-for-microsoft-azure@v1.14.0-rc.1:README.md (Compatibility); tag v1.14.2 follows the AWS plugin's",
    },
};
