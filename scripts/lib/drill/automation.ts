/**
 * The drill's steps for real: the Automation API (the same workspace, backend, secrets and policy pack as
 * `npm run deploy`, scripts/lib/workspace.ts and operate.ts), the cloud's CLI for the restore point, kubectl
 * for the check Job. Each step is short; the order and the always-destroy are scripts/lib/drill/plan.ts.
 */
import type { ConfigMap } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadStackConfig } from "../../../check/stack";
import type { Environment } from "../../../components/shared/context";
import type { Backend, PulumiCli, SecretsChoice } from "../environment";
import { EXIT, ExitError } from "../exit-codes";
import { DeployIo, Session, finish, operate } from "../operate";
import type { PolicyPack } from "../policy";
import { Display, Interrupts } from "../terminal";
import { OpenStack, StackTarget, openStack } from "../workspace";
import type { DrillArgs } from "./args";
import { runCheckJob } from "./check-job";
import type { DrillSteps, SourceDatabase } from "./plan";
import { Exec, latestRestorePoint } from "./restore-point";
import { drillConfig, drillPolicyConfig } from "./stack-config";
import { RecoveryTarget, recoveryTarget } from "./targets";

export interface DrillContext {
    readonly io: DeployIo;
    readonly args: DrillArgs;
    readonly display: Display;
    readonly interrupts: Interrupts;
    readonly cli: PulumiCli;
    readonly backend: Backend;
    readonly sourceSecrets: SecretsChoice;
    /** For the throwaway stack, which has no stack file: PLATFORM_SECRETS_PROVIDER or the backend's default. */
    readonly drillSecrets: SecretsChoice;
    /** The source stack's pack (built, its config checked by requirePolicyPack). */
    readonly pack: PolicyPack;
    readonly exec: Exec;
    readonly sleep: (ms: number) => Promise<void>;
    readonly now: () => Date;
    /** Milliseconds between looks at the check Job. @default 10000 */
    readonly pollMs?: number;
}

type Outputs = Record<string, { value: unknown }>;
interface DatabaseOutput {
    resourceId?: string;
    resourceName?: string;
    connectionString?: string;
    tlsCaBundleUrl?: string;
    engineVersion?: string;
}

/** The source database's identifier: --source, else the stack's output (RDS identifier / Azure resource id). */
function sourceId(args: DrillArgs, cloud: string, outputs: Outputs): string {
    const database = (outputs.database?.value ?? {}) as DatabaseOutput;
    const id = args.source ?? (cloud === "azure" ? database.resourceId : database.resourceName);
    if (id) return id;
    const key = cloud === "azure" ? "database.resourceId" : "database.resourceName";
    throw new ExitError(
        EXIT.usage,
        `Stack ${args.stack} exports no ${key} (the database's ${cloud === "azure" ? "resource id" : "RDS identifier"}), ` +
            `so the drill cannot tell which database to restore: pass --source <id>.`,
    );
}

export class AutomationSteps implements DrillSteps {
    private sourceConfig: ConfigMap = {};
    private drill?: OpenStack;
    private recovery?: RecoveryTarget;
    private readonly scratch = fs.mkdtempSync(path.join(os.tmpdir(), "drill-"));

    constructor(private readonly ctx: DrillContext) {}

    private stackTarget(stack: string, secrets: SecretsChoice): StackTarget {
        const { io, cli, backend } = this.ctx;
        return { root: io.root, env: io.env, stack, cli, backend, secrets };
    }

    private session(stack: string, interrupts = this.ctx.interrupts): Session {
        const { io, display, args } = this.ctx;
        const deployArgs = { command: "up" as const, stack, yes: true, parallel: args.parallel };
        const pack = { dir: this.ctx.pack.dir, config: path.join(this.scratch, "policy-config.json") };
        const target = this.stackTarget(stack, this.ctx.drillSecrets);
        return { io, args: deployArgs, display, interrupts, target, pack, needsConfirmation: false };
    }

    async sourceDatabase(): Promise<SourceDatabase> {
        const { args, io } = this.ctx;
        const open = await openStack(this.stackTarget(args.stack, this.ctx.sourceSecrets), false);
        this.sourceConfig = await open.stack.getAllConfig();
        const config = loadStackConfig(args.stack, [], io.root).config;
        const cloud = config["platform:cloud"] ?? "aws";
        const region = (cloud === "azure" ? config["platform:azureLocation"] : config["platform:awsRegion"]) ?? "";
        const environment = config["platform:environment"] ?? "dev";
        return { cloud, region, environment, source: sourceId(args, cloud, await open.stack.outputs()) };
    }

    restorePoint(source: SourceDatabase) {
        return latestRestorePoint(source.cloud, source.source, source.region, this.ctx.exec, this.ctx.now());
    }

    target(source: SourceDatabase): RecoveryTarget {
        this.recovery = recoveryTarget(source.environment as Environment, this.ctx.args.tier);
        return this.recovery;
    }

    async createThrowaway(name: string, point: Parameters<DrillSteps["createThrowaway"]>[1]): Promise<void> {
        this.drill = await openStack(this.stackTarget(name, this.ctx.drillSecrets), true);
        await this.drill.stack.setAllConfig(drillConfig(this.sourceConfig, point));
        const environmentConfig = JSON.parse(fs.readFileSync(this.ctx.pack.config, "utf8")) as Record<string, unknown>;
        const file = this.session(name).pack!.config;
        fs.writeFileSync(file, JSON.stringify(drillPolicyConfig(environmentConfig), null, 2));
    }

    async deploy(name: string): Promise<void> {
        const session = this.session(name);
        this.ctx.display.line(`Previewing ${name} with the policy pack; the up starts only if it passes:`);
        finish(session, await operate(session, this.drill!, "preview"));
        finish(session, await operate(session, this.drill!, "up"));
    }

    async check(name: string) {
        const outputs = (await this.drill!.stack.outputs()) as Outputs;
        const kubeconfig = (outputs.cluster?.value as { kubeconfig?: string } | undefined)?.kubeconfig;
        const database = (outputs.database?.value ?? {}) as DatabaseOutput;
        if (!kubeconfig || !database.connectionString || !database.tlsCaBundleUrl) {
            throw new Error(`Stack ${name} exports no cluster.kubeconfig or database connection to check with.`);
        }
        const file = path.join(this.scratch, "kubeconfig");
        fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
        const target = {
            connectionString: database.connectionString,
            tlsCaBundleUrl: database.tlsCaBundleUrl,
            engineVersion: database.engineVersion ?? "17",
        };
        // Waiting longer than the RTO target would only measure a miss more precisely.
        const deadlineSeconds = (this.recovery?.rtoMinutes ?? 240) * 60;
        const options = { deadlineSeconds, pollMs: this.ctx.pollMs ?? 10_000, sleep: this.ctx.sleep };
        return runCheckJob(this.ctx.exec, { KUBECONFIG: file }, target, options);
    }

    /** The throwaway stack when its creation failed half-way; undefined when it was never created. */
    private async existingDrill(name: string): Promise<OpenStack | undefined> {
        try {
            return await openStack(this.stackTarget(name, this.ctx.drillSecrets), false);
        } catch (err) {
            if (err instanceof Error && err.name === "StackNotFoundError") return undefined;
            throw err;
        }
    }

    /** Destroys and removes the throwaway stack; with its own Ctrl-C handling, so a cancelled drill still cleans up. */
    async destroy(name: string): Promise<void> {
        try {
            const open = this.drill ?? (await this.existingDrill(name));
            if (!open) return;
            const own = new Interrupts(
                (line) => this.ctx.display.line(line),
                () => false,
            );
            const session = this.session(name, own);
            finish(session, await operate(session, open, "destroy"));
            await open.stack.workspace.removeStack(name);
        } finally {
            fs.rmSync(this.scratch, { recursive: true, force: true });
        }
    }
}
