/**
 * Azure region pairs, for the resources that must live in the region a service replicates to: PostgreSQL
 * flexible server stores geo-redundant backups in the paired region, and "the geo-redundant backup
 * encryption key needs to be created in a Key Vault instance that must exist in the region where the
 * geo-redundant backup is stored" (MicrosoftDocs/azure-databases-docs@articles/postgresql/security/
 * security-data-encryption.md, "Use data encryption with customer managed keys and geo-redundant business
 * continuity features").
 *
 * Source: https://learn.microsoft.com/azure/reliability/regions-paired (the pairs table). Checked on the date
 * below; regions without a pair (e.g. italynorth, polandcentral, spaincentral) are absent on purpose, so a
 * stack there cannot ask for a paired-region key and is told so.
 */
export const AZURE_REGION_PAIRS_CHECKED = "2026-12-01";

/** Each location and the region its geo-replicated data goes to (pairs are symmetric except where noted). */
const PAIRED_REGION: Readonly<Record<string, string>> = {
    westeurope: "northeurope",
    northeurope: "westeurope",
    uksouth: "ukwest",
    ukwest: "uksouth",
    francecentral: "francesouth",
    francesouth: "francecentral",
    germanywestcentral: "germanynorth",
    germanynorth: "germanywestcentral",
    swedencentral: "swedensouth",
    swedensouth: "swedencentral",
    switzerlandnorth: "switzerlandwest",
    switzerlandwest: "switzerlandnorth",
    norwayeast: "norwaywest",
    norwaywest: "norwayeast",
    eastus: "westus",
    westus: "eastus",
    eastus2: "centralus",
    centralus: "eastus2",
    westus2: "westcentralus",
    westcentralus: "westus2",
    // West US 3 pairs with East US, whose own pair is West US (one-directional).
    westus3: "eastus",
    northcentralus: "southcentralus",
    southcentralus: "northcentralus",
    canadacentral: "canadaeast",
    canadaeast: "canadacentral",
    australiaeast: "australiasoutheast",
    australiasoutheast: "australiaeast",
    japaneast: "japanwest",
    japanwest: "japaneast",
    koreacentral: "koreasouth",
    koreasouth: "koreacentral",
    southeastasia: "eastasia",
    eastasia: "southeastasia",
    centralindia: "southindia",
    southindia: "centralindia",
    uaenorth: "uaecentral",
    southafricanorth: "southafricawest",
};

/** The region Azure pairs `location` with, or undefined when it has none (or is not in this sheet). */
export function pairedRegion(location: string): string | undefined {
    return PAIRED_REGION[location];
}
