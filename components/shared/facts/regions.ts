/**
 * Where the platform can run: the AWS regions and Azure locations that exist, and how many availability zones
 * each offers. Regions open every few months, so this is dated data: re-check each source and the date below
 * when a stack needs a region that is not listed (the config rejects unknown names with the nearest match).
 */

/** When the lists in this file were last checked against their sources. */
export const REGION_FACTS_CHECKED = "2026-12-01";

/**
 * AWS commercial regions (partition "aws") with the number of availability zones an account can use.
 * Only this partition: the program builds `arn:aws:` ARNs, so GovCloud (`arn:aws-us-gov:`), China
 * (`arn:aws-cn:`), the ISO partitions and the European Sovereign Cloud are not offered.
 * - Region codes: the `Region` enum of @pulumi/aws 7.48.0 (types/enums/index.d.ts), which follows the
 *   provider's region list; https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
 * - Zones: https://aws.amazon.com/about-aws/global-infrastructure/regions_az/ (counts per region). us-west-1
 *   has three zone ids but gives an account two ("new customers can access two Availability Zones in US
 *   West (N. California)", https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html).
 */
export const AWS_REGIONS: Readonly<Record<string, { readonly zones: number }>> = {
    "af-south-1": { zones: 3 },
    "ap-east-1": { zones: 3 },
    "ap-east-2": { zones: 3 },
    "ap-northeast-1": { zones: 4 },
    "ap-northeast-2": { zones: 4 },
    "ap-northeast-3": { zones: 3 },
    "ap-south-1": { zones: 3 },
    "ap-south-2": { zones: 3 },
    "ap-southeast-1": { zones: 3 },
    "ap-southeast-2": { zones: 3 },
    "ap-southeast-3": { zones: 3 },
    "ap-southeast-4": { zones: 3 },
    "ap-southeast-5": { zones: 3 },
    "ap-southeast-6": { zones: 3 },
    "ap-southeast-7": { zones: 3 },
    "ca-central-1": { zones: 3 },
    "ca-west-1": { zones: 3 },
    "eu-central-1": { zones: 3 },
    "eu-central-2": { zones: 3 },
    "eu-north-1": { zones: 3 },
    "eu-south-1": { zones: 3 },
    "eu-south-2": { zones: 3 },
    "eu-west-1": { zones: 3 },
    "eu-west-2": { zones: 3 },
    "eu-west-3": { zones: 3 },
    "il-central-1": { zones: 3 },
    "me-central-1": { zones: 3 },
    "me-south-1": { zones: 3 },
    "mx-central-1": { zones: 3 },
    "sa-east-1": { zones: 3 },
    "us-east-1": { zones: 6 },
    "us-east-2": { zones: 3 },
    "us-west-1": { zones: 2 },
    "us-west-2": { zones: 4 },
};

/**
 * Azure public-cloud locations (programmatic names) and whether each has availability zones (then three,
 * numbered 1-3). Source: "Azure regions list", https://learn.microsoft.com/azure/reliability/regions-list
 * (MicrosoftDocs/reliability-docs articles/reliability/regions-list.md, ms.date 2025-09-23). Regions listed
 * there as "coming soon" are left out; "restricted" ones (access by request) are kept, marked.
 */
export const AZURE_LOCATIONS: Readonly<Record<string, { readonly zones: boolean; readonly restricted?: true }>> = {
    australiacentral: { zones: false },
    australiacentral2: { zones: false, restricted: true },
    australiaeast: { zones: true },
    australiasoutheast: { zones: false },
    austriaeast: { zones: true },
    belgiumcentral: { zones: true },
    brazilsouth: { zones: true },
    brazilsoutheast: { zones: false, restricted: true },
    canadacentral: { zones: true },
    canadaeast: { zones: false },
    centralindia: { zones: true },
    centralus: { zones: true },
    chilecentral: { zones: true },
    eastasia: { zones: true },
    eastus: { zones: true },
    eastus2: { zones: true },
    francecentral: { zones: true },
    francesouth: { zones: false, restricted: true },
    germanynorth: { zones: false, restricted: true },
    germanywestcentral: { zones: true },
    indonesiacentral: { zones: true },
    israelcentral: { zones: true },
    italynorth: { zones: true },
    japaneast: { zones: true },
    japanwest: { zones: true },
    koreacentral: { zones: true },
    koreasouth: { zones: false },
    malaysiawest: { zones: true },
    mexicocentral: { zones: true },
    newzealandnorth: { zones: true },
    northcentralus: { zones: false },
    northeurope: { zones: true },
    norwayeast: { zones: true },
    norwaywest: { zones: false, restricted: true },
    polandcentral: { zones: true },
    qatarcentral: { zones: true },
    southafricanorth: { zones: true },
    southafricawest: { zones: false, restricted: true },
    southcentralus: { zones: true },
    southeastasia: { zones: true },
    southindia: { zones: false },
    spaincentral: { zones: true },
    swedencentral: { zones: true },
    switzerlandnorth: { zones: true },
    switzerlandwest: { zones: false, restricted: true },
    uaecentral: { zones: false, restricted: true },
    uaenorth: { zones: true },
    uksouth: { zones: true },
    ukwest: { zones: false },
    westcentralus: { zones: false },
    westeurope: { zones: true },
    westindia: { zones: false },
    westus: { zones: false },
    westus2: { zones: true },
    westus3: { zones: true },
};

/** The availability zone names AWS reports for a known region (`eu-west-1a`, ...), or undefined. */
export function awsZoneNames(region: string): string[] | undefined {
    const known = AWS_REGIONS[region];
    return known && Array.from({ length: known.zones }, (_, i) => `${region}${String.fromCharCode(97 + i)}`);
}
