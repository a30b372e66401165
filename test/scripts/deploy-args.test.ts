import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEPLOY_USAGE, parseDeployArgs } from "../../scripts/lib/args";
import { readStackFile } from "../../scripts/lib/environment";
import { EXIT, ExitError } from "../../scripts/lib/exit-codes";

const STACKS = ["dev", "prod", "staging"];

/** Runs the parser and returns the usage error it throws. */
function usageError(argv: string[]): ExitError {
    try {
        parseDeployArgs(argv, STACKS);
    } catch (err) {
        assert.ok(err instanceof ExitError, `expected an ExitError, got ${String(err)}`);
        return err;
    }
    assert.fail(`expected ${JSON.stringify(argv)} to be rejected`);
}

describe("deploy arguments", () => {
    it("parses a command, a stack, --yes and --parallel", () => {
        assert.deepStrictEqual(parseDeployArgs(["up", "--stack", "prod", "--yes", "--parallel", "8"], STACKS), {
            command: "up",
            stack: "prod",
            yes: true,
            parallel: 8,
        });
    });

    it("accepts short flags, --flag=value and flags before the command", () => {
        assert.deepStrictEqual(parseDeployArgs(["-s", "dev", "-p", "2", "preview"], STACKS), {
            command: "preview",
            stack: "dev",
            yes: false,
            parallel: 2,
        });
        assert.strictEqual(parseDeployArgs(["outputs", "--stack=staging"], STACKS).stack, "staging");
    });

    it("defaults to no confirmation and the engine's parallelism", () => {
        const args = parseDeployArgs(["refresh", "--stack", "dev"], STACKS);
        assert.strictEqual(args.yes, false);
        assert.strictEqual(args.parallel, undefined);
    });

    for (const command of ["preview", "up", "destroy", "refresh", "outputs"]) {
        it(`accepts the ${command} command`, () => {
            assert.strictEqual(parseDeployArgs([command, "--stack", "dev"], STACKS).command, command);
        });
    }

    it("fails with exit code 2 and the usage when the command is unknown", () => {
        const err = usageError(["deploy", "--stack", "dev"]);
        assert.strictEqual(err.code, EXIT.usage);
        assert.match(err.message, /Unknown command "deploy": use one of preview, up, destroy, refresh, outputs/);
        assert.match(err.message, /usage: npm run deploy --/);
    });

    it("fails with exit code 2 when the command is missing", () => {
        const err = usageError(["--stack", "dev"]);
        assert.strictEqual(err.code, EXIT.usage);
        assert.match(err.message, /A command is required/);
    });

    it("fails with exit code 2 and the known stacks when the stack is unknown", () => {
        const err = usageError(["preview", "--stack", "qa"]);
        assert.strictEqual(err.code, EXIT.usage);
        assert.match(
            err.message,
            /Unknown stack "qa": there is no Pulumi\.qa\.yaml\. Known stacks: dev, prod, staging/,
        );
    });

    it("fails with exit code 2 when --stack is missing or has no value", () => {
        assert.match(usageError(["preview"]).message, /--stack is required: one of dev, prod, staging/);
        assert.match(usageError(["preview", "--stack"]).message, /--stack needs a value/);
        assert.match(usageError(["preview", "--stack", "--yes"]).message, /--stack needs a value/);
    });

    it("fails when --parallel is not a whole number of 1 or more", () => {
        for (const bad of ["0", "-1", "two", "1.5"]) {
            const err = usageError(["up", "--stack", "dev", `--parallel=${bad}`]);
            assert.strictEqual(err.code, EXIT.usage);
            assert.match(err.message, /--parallel must be a whole number of 1 or more/);
        }
    });

    it("fails on an unknown option and on two commands", () => {
        assert.match(usageError(["up", "--stack", "dev", "--force"]).message, /Unknown option "--force"/);
        assert.match(usageError(["up", "destroy", "--stack", "dev"]).message, /Only one command at a time/);
    });

    it("fails when --parallel is given to outputs", () => {
        assert.match(usageError(["outputs", "--stack", "dev", "-p", "3"]).message, /--parallel does not apply/);
    });

    it("answers --help with exit code 0 and the usage (main prints it on stdout)", () => {
        const err = usageError(["--help"]);
        assert.strictEqual(err.code, EXIT.ok);
        assert.strictEqual(err.message, DEPLOY_USAGE);
    });
});

describe("deploy: the stack file", () => {
    const root = (text: string) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-deploy-stack-"));
        fs.writeFileSync(path.join(dir, "Pulumi.broken.yaml"), text);
        return dir;
    };
    const refusal = (text: string): ExitError => {
        try {
            readStackFile("broken", root(text));
        } catch (err) {
            assert.ok(err instanceof ExitError, String(err));
            return err;
        }
        assert.fail("expected the stack file to be refused");
    };

    it("fails when the stack file's YAML is broken, with exit 2, the file and the line", () => {
        const err = refusal("config:\n  platform:cloud: aws\n   platform:size: [small\n");
        assert.strictEqual(err.code, EXIT.usage);
        assert.match(err.message, /^Pulumi\.broken\.yaml:\d+:\d+ is not valid YAML/);
    });

    it("fails when config: is misspelled, which the Pulumi CLI would ignore, deploying with every default", () => {
        const err = refusal("confg:\n  platform:environment: prod\n");
        assert.strictEqual(err.code, EXIT.usage);
        assert.match(err.message, /unknown top-level key "confg".*rename "confg" to "config"/);
    });
});
