import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CONFIG_KEYS, pulumiTypeOf } from "../../components/shared/config";
import { ROOT } from "../../check/stack";

interface Declaration {
    type: string;
    description: string;
    default: unknown;
    items?: { type: string };
}

describe("Pulumi.yaml declares the config module's keys, so the CLI checks them too", () => {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
        name: string;
        config: Record<string, Declaration>;
    };

    it("names the project platform", () => {
        assert.strictEqual(project.name, "platform");
    });

    it("declares exactly the keys the config module reads", () => {
        assert.deepStrictEqual(Object.keys(project.config).sort(), Object.keys(CONFIG_KEYS).sort());
    });

    for (const [name, def] of Object.entries(CONFIG_KEYS)) {
        it(`declares ${name} with the module's type, description and default`, () => {
            const declared = project.config[name];
            const type = pulumiTypeOf(def.field.kind);
            assert.strictEqual(declared.type, type);
            assert.strictEqual(declared.description, def.description);
            // Structured keys are JSON strings: their default is the JSON text of the module's default.
            const expected = def.field.kind === "json" ? JSON.stringify(def.default) : def.default;
            assert.deepStrictEqual(declared.default, expected);
            if (type === "array") {
                assert.deepStrictEqual(declared.items, { type: "string" });
            }
        });
    }
});

// The key reference moved from the README to docs/configuration.md (issue 18); the README links it.
describe("docs/configuration.md documents every config key", () => {
    const readme = fs.readFileSync(path.join(ROOT, "docs", "configuration.md"), "utf8");
    for (const name of Object.keys(CONFIG_KEYS)) {
        it(`documents platform:${name}`, () => {
            assert.match(readme, new RegExp(`\\| \`platform:${name}\`\\s+\\|`));
        });
    }
});
