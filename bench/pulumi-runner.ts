/**
 * Runs the program the way `pulumi preview` runs it, without the CLI: a stand-in engine and resource
 * monitor (gRPC, from the protocol definitions shipped in @pulumi/pulumi/proto) answer the program, and the
 * program is started exactly as the Node.js language host starts it: `node <nodeargs>
 * @pulumi/pulumi/cmd/run --monitor … --engine … --dry-run .`, with PULUMI_NODEJS_TYPESCRIPT from the
 * `typescript` runtime option and the stack's config in PULUMI_CONFIG. So the Pulumi.yaml `runtime:` block
 * is exercised for real: a block that does not load the TypeScript program fails here.
 *
 *   node -r ts-node/register/transpile-only bench/pulumi-runner.ts --stack dev [--typescript true|false]
 *        [--nodeargs "<args>"]      (both default to Pulumi.yaml's runtime options)
 *
 * Prints `{ ok, resources, wallMs, typescript, nodeargs, error }` (wallMs: the program process alone).
 */
import * as grpc from "@grpc/grpc-js";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engine from "@pulumi/pulumi/proto/engine_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resource from "@pulumi/pulumi/proto/resource_pb";
import * as provider from "@pulumi/pulumi/proto/provider_pb";
import { spawn } from "child_process";
import * as fs from "fs";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as path from "path";
import { parse } from "yaml";
import { answerInvoke } from "../check/invokes";
import { loadStackConfig } from "../check/stack";
import { firstLine, runAsScript } from "./graph";

const ROOT = path.join(__dirname, "..");

type Unary<Req, Res> = (call: { request: Req }, callback: (err: grpc.ServiceError | null, res?: Res) => void) => void;

interface RuntimeOptions {
    readonly typescript: boolean;
    readonly nodeargs: string[];
}

/** The nodejs runtime options of Pulumi.yaml, with the language host's defaults. */
export function runtimeOptions(root = ROOT): RuntimeOptions {
    const doc = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
        runtime?: string | { options?: { typescript?: boolean; nodeargs?: string } };
    };
    const options = typeof doc.runtime === "object" ? (doc.runtime.options ?? {}) : {};
    return {
        typescript: options.typescript ?? true,
        nodeargs: (options.nodeargs ?? "").split(/\s+/).filter((a) => a),
    };
}

async function main(argv: string[]): Promise<void> {
    const value = (flag: string) => {
        const i = argv.indexOf(flag);
        return i >= 0 ? argv[i + 1] : undefined;
    };
    const stack = value("--stack") ?? "dev";
    const fromYaml = runtimeOptions();
    const typescript = value("--typescript") !== undefined ? value("--typescript") === "true" : fromYaml.typescript;
    const nodeargs =
        value("--nodeargs") !== undefined
            ? value("--nodeargs")!
                  .split(/\s+/)
                  .filter((a) => a)
            : fromYaml.nodeargs;
    const { project, config } = loadStackConfig(stack, value("--cloud") ? [`platform:cloud=${value("--cloud")}`] : []);
    const placement = {
        region: config["platform:awsRegion"] ?? "us-east-1",
        location: config["platform:azureLocation"] ?? "eastus2",
    };

    let resources = 0;
    let rootUrn = "";
    const errors: string[] = [];
    const monitor: Record<string, Unary<never, unknown>> = {
        supportsFeature: ((call: { request: resource.SupportsFeatureRequest }, cb) => {
            const res = new resource.SupportsFeatureResponse();
            res.setHassupport(["secrets", "resourceReferences"].includes(call.request.getId()));
            cb(null, res);
        }) as Unary<never, unknown>,
        registerResource: ((call: { request: resource.RegisterResourceRequest }, cb) => {
            const req = call.request;
            resources += 1;
            const res = new resource.RegisterResourceResponse();
            res.setUrn(`urn:pulumi:${stack}::${project}::${req.getType()}::${req.getName()}`);
            res.setId(req.getCustom() ? `${req.getName()}-id` : "");
            res.setObject(req.getObject() ?? new Struct());
            cb(null, res);
        }) as Unary<never, unknown>,
        registerResourceOutputs: ((_call: unknown, cb) => cb(null, new Empty())) as Unary<never, unknown>,
        invoke: ((call: { request: resource.ResourceInvokeRequest }, cb) => {
            const res = new provider.InvokeResponse();
            try {
                const inputs = (call.request.getArgs()?.toJavaScript() ?? {}) as Record<string, unknown>;
                const answer = answerInvoke(call.request.getTok(), inputs, placement);
                res.setReturn(Struct.fromJavaScript(answer as Record<string, JavaScriptValue>));
            } catch (err) {
                errors.push(firstLine(err));
                const failure = new provider.CheckFailure();
                failure.setReason(firstLine(err));
                res.setFailuresList([failure]);
            }
            cb(null, res);
        }) as Unary<never, unknown>,
    };
    const engineImpl: Record<string, Unary<never, unknown>> = {
        log: ((call: { request: engine.LogRequest }, cb) => {
            if (call.request.getSeverity() === engine.LogSeverity.ERROR) errors.push(call.request.getMessage());
            cb(null, new Empty());
        }) as Unary<never, unknown>,
        getRootResource: ((_call: unknown, cb) => {
            const res = new engine.GetRootResourceResponse();
            res.setUrn(rootUrn);
            cb(null, res);
        }) as Unary<never, unknown>,
        setRootResource: ((call: { request: engine.SetRootResourceRequest }, cb) => {
            rootUrn = call.request.getUrn();
            cb(null, new engine.SetRootResourceResponse());
        }) as Unary<never, unknown>,
    };
    const server = new grpc.Server();
    server.addService(resrpc.ResourceMonitorService, monitor as unknown as grpc.UntypedServiceImplementation);
    server.addService(enginerpc.EngineService, engineImpl as unknown as grpc.UntypedServiceImplementation);
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
            err ? reject(err) : resolve(p),
        ),
    );
    const address = `127.0.0.1:${port}`;
    const runner = require.resolve("@pulumi/pulumi/cmd/run", { paths: [ROOT] });
    const args = [
        ...nodeargs,
        runner,
        "--monitor",
        address,
        "--engine",
        address,
        "--project",
        project,
        "--stack",
        stack,
    ];
    args.push("--pwd", ROOT, "--dry-run", ".");

    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, {
        cwd: ROOT,
        env: { ...process.env, PULUMI_CONFIG: JSON.stringify(config), PULUMI_NODEJS_TYPESCRIPT: String(typescript) },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    server.forceShutdown();
    const ok = code === 0 && errors.length === 0;
    const error = ok ? undefined : (errors[0] ?? firstLine(stderr.trim() || `exit code ${code}`));
    process.stdout.write(
        `${JSON.stringify({ ok, resources, wallMs, typescript, nodeargs: nodeargs.join(" "), error })}\n`,
    );
}

if (require.main === module) {
    runAsScript(main);
}
