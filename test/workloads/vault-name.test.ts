/**
 * A service's Key Vault gets a new name whenever it is created anew: a deleted vault stays soft-deleted with
 * its name taken for the retention period (90 days), purge protection forbids purging it earlier
 * (https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview), so a name derived from the stack
 * alone would make a removed and re-added service fail for 90 days. Vault names are 3-24 letters, digits and
 * hyphens starting with a letter (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules,
 * Microsoft.KeyVault/vaults).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ProgramRun, ResourceRecord, plain } from "../../check/runtime";
import { ROOT } from "../../check/stack";
import type { ServiceConfig } from "../../components/workloads";
import { VAULT_NAME_SUFFIX_LENGTH } from "../../components/shared/azure";
import { inputs, ofType, runStack } from "../harness";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const stateOf = (r: ResourceRecord): any => plain(r.state ?? r.inputs);

/** prod's services, every one with a secret, so each gets a vault. */
function everyServiceWithSecrets(): string[] {
    const file = parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")) as {
        config: Record<string, string>;
    };
    const services = JSON.parse(file.config["platform:services"]) as ServiceConfig[];
    for (const s of services) s.secrets = ["SIGNING_KEY"];
    return [`platform:services=${JSON.stringify(services)}`];
}

describe("Azure per-service Key Vault names survive a service being removed and added again", () => {
    let run: ProgramRun;
    let vaults: ResourceRecord[];
    before(async () => {
        run = await runStack("prod", "azure", everyServiceWithSecrets());
        vaults = ofType(run, "azure-native:keyvault:Vault").filter((v) => /-secrets-vault$|-vault$/.test(v.name));
        vaults = vaults.filter((v) => run.resources.some((r) => r.name === `${v.name}-name-suffix`));
    });

    it("ends each service vault's name with a random suffix kept in state, keyed by the service", () => {
        assert.ok(vaults.length >= 2, "every service with secrets has its own vault");
        for (const vault of vaults) {
            const suffix = run.resources.find((r) => r.name === `${vault.name}-name-suffix`)!;
            assert.strictEqual(suffix.type, "random:index/randomString:RandomString");
            assert.strictEqual(suffix.parent, vault.parent, "the suffix belongs to the service's secret store");
            const s = inputs(suffix);
            assert.deepStrictEqual([s.length, s.upper, s.special], [VAULT_NAME_SUFFIX_LENGTH, false, false]);
            assert.match(s.keepers.role, /^s-/);
            const name: string = inputs(vault).vaultName;
            assert.ok(name.endsWith(stateOf(suffix).result), `${name} is not renewed when the vault is recreated`);
            assert.ok(vault.propertyDependencies.vaultName.includes(suffix.urn));
        }
    });

    it("keeps every vault name within Key Vault's rules (3-24, letters, digits, hyphens, starting with a letter)", () => {
        const names = vaults.map((v) => inputs(v).vaultName as string);
        for (const name of names) assert.match(name, /^[a-z][a-z0-9-]{2,23}$/);
        assert.strictEqual(new Set(names).size, names.length);
    });
});
