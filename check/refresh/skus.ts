/**
 * The size profiles' SKUs (components/shared/catalog.ts) against what each cloud offers in the stack's region:
 *  - EC2 node types: `aws ec2 describe-instance-type-offerings --location-type region --filters
 *    Name=instance-type,Values=...` (InstanceTypeOfferings[].InstanceType;
 *    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypeOfferings.html);
 *  - RDS classes: `aws rds describe-orderable-db-instance-options --engine postgres --db-instance-class <c>`
 *    (OrderableDBInstanceOptions[], empty when the class is not offered there;
 *    https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeOrderableDBInstanceOptions.html);
 *  - AKS node sizes: `az vm list-skus --location <l> --resource-type virtualMachines` (name, restrictions[]
 *    with type Location and reasonCode NotAvailableForSubscription; https://learn.microsoft.com/cli/azure/vm#az-vm-list-skus);
 *  - flexible server SKUs: `az postgres flexible-server list-skus --location <l>` (supportedServerSkus[].name).
 * Not compared, said in the report: ElastiCache node types and Azure Managed Redis SKUs (neither cloud has a
 * per-region listing API for them; see their pricing pages), and quotas (a SKU can be offered and still be
 * refused for lack of quota at apply time).
 */
import { catalog } from "../../components/shared/catalog";
import { collect } from "./engines";
import { Cli, SheetReport, askJson, listOf, report } from "./types";

/** The SKUs the size profiles name, per cloud and service. */
export interface SkuSheet {
    readonly awsNodes: string[];
    readonly awsDatabases: string[];
    readonly azureNodes: string[];
    readonly azureDatabases: string[];
}

const profiles = Object.values;
export const SKU_SHEET: SkuSheet = {
    awsNodes: [...new Set(profiles(catalog.cluster).flatMap((p) => [...p.aws]))],
    awsDatabases: [...new Set(profiles(catalog.database).map((p) => p.aws))],
    azureNodes: [...new Set(profiles(catalog.cluster).map((p) => p.azure))],
    azureDatabases: [...new Set(profiles(catalog.database).map((p) => p.azure))],
};

const NOT_COMPARED =
    "not compared: ElastiCache node types and Azure Managed Redis SKUs (no per-region listing API), and quotas";

/** EC2 node types and RDS classes in an AWS region. */
export function refreshAwsSkus(cli: Cli, sheet: SkuSheet, region: string): SheetReport {
    const out = report();
    out.notes.push(`aws ${NOT_COMPARED}`);
    const nodes = askJson(cli, out, "aws", [
        "ec2",
        "describe-instance-type-offerings",
        "--location-type",
        "region",
        "--filters",
        `Name=instance-type,Values=${sheet.awsNodes.join(",")}`,
        "--region",
        region,
    ]);
    if (nodes !== undefined) {
        const offered = new Set(listOf(nodes, "InstanceTypeOfferings").map((o) => String(o.InstanceType)));
        for (const type of sheet.awsNodes.filter((t) => !offered.has(t))) {
            out.differences.push(`aws node type ${type}: not offered in ${region}`);
        }
    }
    for (const dbClass of sheet.awsDatabases) {
        const args = ["rds", "describe-orderable-db-instance-options", "--engine", "postgres"];
        const answer = askJson(cli, out, "aws", [
            ...args,
            "--db-instance-class",
            dbClass,
            "--max-items",
            "1",
            "--region",
            region,
        ]);
        if (answer !== undefined && listOf(answer, "OrderableDBInstanceOptions").length === 0) {
            out.differences.push(`aws database class ${dbClass}: not offered for postgres in ${region}`);
        }
    }
    return out;
}

/** AKS node sizes and flexible server SKUs in an Azure location. */
export function refreshAzureSkus(cli: Cli, sheet: SkuSheet, location: string): SheetReport {
    const out = report();
    out.notes.push(`azure ${NOT_COMPARED}`);
    const vms = askJson(cli, out, "az", [
        "vm",
        "list-skus",
        "--location",
        location,
        "--resource-type",
        "virtualMachines",
    ]);
    if (vms !== undefined) {
        const byName = new Map(listOf(vms).map((s) => [String(s.name), s]));
        for (const size of sheet.azureNodes) {
            const sku = byName.get(size);
            const blocked = listOf(sku, "restrictions").find((r) => r.type === "Location");
            if (!sku) out.differences.push(`azure node size ${size}: not offered in ${location}`);
            else if (blocked) {
                out.differences.push(
                    `azure node size ${size}: restricted in ${location} (${String(blocked.reasonCode)})`,
                );
            }
        }
    }
    const pg = askJson(cli, out, "az", ["postgres", "flexible-server", "list-skus", "--location", location]);
    if (pg !== undefined) {
        // supportedServerSkus[].name today; supportedVcores[].name in the API versions before 2024.
        const offered = collect(pg, "supportedVcores", collect(pg, "supportedServerSkus"));
        if (offered.size === 0)
            out.failures.push("az postgres flexible-server list-skus: no supportedServerSkus in the answer");
        for (const sku of sheet.azureDatabases.filter((s) => offered.size > 0 && !offered.has(s))) {
            out.differences.push(`azure database SKU ${sku}: not offered in ${location}`);
        }
    }
    return out;
}
