/**
 * The database-depth rules (issue 15 item 6): each on a compliant graph, with one property made weak, with a
 * property left undefined, and their level per environment (replicas required in prod only).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DATA_CASES } from "./data.cases";
import { describePolicies } from "./fixtures";

describePolicies("database depth policies", DATA_CASES);

describe("database depth policies per environment", () => {
    const config = (stack: string) =>
        JSON.parse(fs.readFileSync(path.join(__dirname, "../../policies/config", `${stack}.json`), "utf8"));

    it("requires a read replica per database in prod only, on both clouds", () => {
        for (const rule of ["aws-rds-read-replicas", "azure-postgres-read-replicas"]) {
            assert.deepStrictEqual(config("prod")[rule], { minimumReplicas: 1 }, rule);
            assert.deepStrictEqual(config("staging")[rule], { minimumReplicas: 0 }, rule);
            assert.deepStrictEqual(config("dev")[rule], { minimumReplicas: 0 }, rule);
        }
    });

    it("keeps RDS automated backups on delete in prod (deleteAutomatedBackups: false, aws-rds-keep-automated-backups)", () => {
        assert.deepStrictEqual(config("prod")["aws-rds-keep-automated-backups"], { required: true });
        assert.strictEqual(config("prod").all, "mandatory");
    });
});
