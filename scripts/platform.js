#!/usr/bin/env node
/**
 * `platform <command> [options]`: the repository's commands without npm in between, so stdout carries only
 * what the command prints (`npm run` writes its "> platform@0.1.0 check" banner to stdout first unless it
 * runs with --silent). package.json's `bin` points here; run it as `./scripts/platform.js check --stack prod
 * --json`, or as `platform ...` after `npm link`.
 *
 * It registers ts-node in transpile-only mode, exactly as the npm scripts do with
 * `node -r ts-node/register/transpile-only`, then runs the command's file as the main module (the way
 * ts-node's own bin does, with Module.runMain), so the command behaves as under `npm run`.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS run by node before ts-node is registered */
"use strict";
const path = require("path");
const Module = require("module");

const ROOT = path.join(__dirname, "..");
/** Command name -> the file `npm run <name>` runs (package.json "scripts"). */
const COMMANDS = {
    check: ["check/cli.ts", "the offline check: resource graph and policy pack for a stack, no cloud needed"],
    deploy: ["scripts/deploy.ts", "preview, up, destroy, refresh or outputs of a stack with the Pulumi CLI"],
    "pr-check": ["scripts/pr-check.ts", "the pull-request check: every stack on every cloud, offline, and a report"],
    placeholders: ["scripts/placeholders.ts", "list the documentation placeholders left in a stack file"],
    cost: ["scripts/cost.ts", "estimate a stack's monthly cost per component from the dated price table"],
    diagram: ["scripts/diagram.ts", "print a stack's graph as a Mermaid diagram, or regenerate docs/diagrams"],
    bench: ["bench/run.ts", "measure the program: critical path, evaluation time, type-check, tests, scaling"],
};

const HELP = [
    "usage: platform <command> [options]      (or: npm run <command> -- [options])",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, [, what]]) => `  ${name.padEnd(13)} ${what}`),
    "",
    "Run `platform <command> --help` for a command's options.",
].join("\n");

function main(argv) {
    const [command, ...rest] = argv;
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
        (command === undefined ? process.stderr : process.stdout).write(`${HELP}\n`);
        return command === undefined ? 2 : 0;
    }
    const entry = COMMANDS[command];
    if (!entry) {
        process.stderr.write(`Unknown command "${command}".\n\n${HELP}\n`);
        return 2;
    }
    require("ts-node").register({ transpileOnly: true });
    process.argv = [process.argv[0], path.join(ROOT, entry[0]), ...rest];
    Module.runMain();
    return undefined;
}

const code = main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
