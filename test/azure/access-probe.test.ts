/**
 * The access probe that holds the Kubernetes provider back until the deployer's Azure RBAC grant on AKS is
 * honoured. "New role assignments can take up to five minutes to propagate and be updated by the
 * authorization server" (https://learn.microsoft.com/azure/aks/manage-azure-rbac, "Before you begin"); until
 * then the API server answers 403. The polling loop is tested with a fake API server and clock; the provider
 * a real `pulumi up` runs is tested as Pulumi serializes it, against a local HTTPS server.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import {
    AccessProbeInputs,
    DEFAULT_PROBE_TIMING,
    ProbeAnswer,
    ProbeIo,
    accessProbeProvider,
    waitForKubernetesAccess,
} from "../../components/cluster/azure-access";

const TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.deployer-token.signature";
const TIMING = { timeoutSeconds: 600, intervalSeconds: 10, requiredSuccesses: 3 };

/** A fake API server: `answers(n)` decides the n-th round (0-based); a fake clock that sleeps instantly. */
function fakeIo(authorized: (round: number) => boolean | "review-denied" | "token-fails") {
    let clock = 0;
    let round = -1;
    const sleeps: number[] = [];
    const seen: string[] = [];
    const io: ProbeIo = {
        async token() {
            round++;
            if (authorized(round) === "token-fails")
                throw new Error("kubelogin (the kubeconfig's credential plugin) failed: AADSTS700016");
            return TOKEN;
        },
        async request(method, requestPath, token): Promise<ProbeAnswer> {
            seen.push(`${method} ${requestPath} ${token === TOKEN ? "token" : "no token"}`);
            const state = authorized(round);
            if (state === false) {
                return {
                    status: 403,
                    body: 'namespaces is forbidden: User "deployer" cannot list resource "namespaces"',
                };
            }
            if (method === "GET") return { status: 200, body: '{"kind":"NamespaceList","items":[]}' };
            return { status: 201, body: JSON.stringify({ status: { allowed: state === true } }) };
        },
        async sleep(ms) {
            sleeps.push(ms);
            clock += ms;
        },
        now: () => clock,
    };
    return { io, sleeps, seen, rounds: () => round + 1 };
}

describe("Azure RBAC access probe (polling)", () => {
    it("keeps polling while AKS answers 403, so that no Kubernetes call runs before the grant propagates", async () => {
        const fake = fakeIo((n) => n >= 5);
        const attempts = await waitForKubernetesAccess(fake.io, TIMING, "aks-1");
        // Five 403 rounds, then the three authorized rounds in a row it needs.
        assert.strictEqual(attempts, 8);
        assert.deepStrictEqual(fake.sleeps, Array(7).fill(10_000));
        assert.ok(
            fake.seen.every((s) => s.endsWith(" token")),
            "every request carries the deployer's token",
        );
        assert.ok(fake.seen.includes("POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews token"));
    });

    it("needs three authorized answers in a row (each API server replica caches authorization)", async () => {
        const fake = fakeIo((n) => n !== 1 && n !== 3);
        assert.strictEqual(await waitForKubernetesAccess(fake.io, TIMING, "aks-1"), 7);
    });

    it("does not count a SelfSubjectAccessReview that denies creating namespaces", async () => {
        const fake = fakeIo((n) => (n < 4 ? "review-denied" : true));
        assert.strictEqual(await waitForKubernetesAccess(fake.io, TIMING, "aks-1"), 7);
    });

    it("retries when the token command fails", async () => {
        const fake = fakeIo((n) => (n < 2 ? "token-fails" : true));
        assert.strictEqual(await waitForKubernetesAccess(fake.io, TIMING, "aks-1"), 5);
    });

    it("fails after the timeout with the last answer and the fix, and never with the token", async () => {
        const fake = fakeIo(() => false);
        await assert.rejects(waitForKubernetesAccess(fake.io, TIMING, "https://aks-1.hcp.azmk8s.io"), (err: Error) => {
            assert.match(err.message, /still not authorized on the Kubernetes API of https:\/\/aks-1\.hcp\.azmk8s\.io/);
            assert.match(err.message, /after 600 s \(61 attempts\); last answer: GET \/api\/v1\/namespaces: HTTP 403/);
            assert.match(err.message, /deployerPrincipalType/);
            assert.ok(!err.message.includes(TOKEN), "the token is not in the error");
            return true;
        });
        // Bounded: it stopped at the deadline rather than polling forever.
        assert.ok(fake.io.now() <= TIMING.timeoutSeconds * 1000);
    });

    it("waits up to twice the five minutes AKS documents, by default", () => {
        assert.deepStrictEqual(DEFAULT_PROBE_TIMING, {
            timeoutSeconds: 600,
            intervalSeconds: 10,
            requiredSuccesses: 3,
        });
    });
});

/** The provider as a real `pulumi up` loads it: serialized by the SDK, then evaluated as its own module. */
async function serializedProvider(): Promise<dynamic.ResourceProvider> {
    const serialized = await pulumi.runtime.serializeFunction(() => accessProbeProvider);
    const module = { exports: {} as { handler: () => dynamic.ResourceProvider } };
    new Function("exports", "module", "require", serialized.text)(module.exports, module, require);
    return module.exports.handler();
}

/** A command that prints an ExecCredential, like `kubelogin get-token`; the token comes from its environment. */
const fakeKubelogin = {
    command: process.execPath,
    args: ["-e", "console.log(JSON.stringify({ kind: 'ExecCredential', status: { token: process.env.PROBE_TOKEN } }))"],
};

describe("Azure RBAC access probe (the serialized dynamic provider)", () => {
    let dir: string;
    let server: https.Server;
    let url: string;
    let caData: string;
    const requests: string[] = [];
    before(function () {
        process.env.PROBE_TOKEN = TOKEN;
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "access-probe-"));
        try {
            execFileSync(
                "openssl",
                ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
                    .concat(["-addext", "subjectAltName=IP:127.0.0.1"])
                    .concat(["-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")]),
                { stdio: "ignore" },
            );
        } catch {
            this.skip(); // No openssl here: the polling tests above still cover the logic.
        }
        const cert = fs.readFileSync(path.join(dir, "cert.pem"));
        caData = cert.toString("base64");
        let served = 0;
        server = https.createServer({ key: fs.readFileSync(path.join(dir, "key.pem")), cert }, (req, res) => {
            requests.push(`${req.method} ${req.url} ${req.headers.authorization === `Bearer ${TOKEN}`}`);
            // The first two namespace lists are refused, as while the grant propagates.
            if (req.method === "GET" && served++ < 2) {
                res.writeHead(403).end('{"kind":"Status","reason":"Forbidden"}');
            } else if (req.method === "GET") {
                res.writeHead(200).end('{"kind":"NamespaceList","items":[]}');
            } else {
                res.writeHead(201).end('{"status":{"allowed":true}}');
            }
        });
        return new Promise<void>((resolve) =>
            server.listen(0, "127.0.0.1", () => {
                url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
                resolve();
            }),
        );
    });
    after(() => {
        delete process.env.PROBE_TOKEN;
        server?.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const inputsFor = (overrides: Partial<AccessProbeInputs> = {}): AccessProbeInputs => ({
        server: url,
        caData,
        ...fakeKubelogin,
        grantId: "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/1",
        timing: { timeoutSeconds: 20, intervalSeconds: 0.05, requiredSuccesses: 3 },
        ...overrides,
    });

    it("signs in with the kubeconfig's command, verifies the cluster CA and succeeds once authorized", async () => {
        const provider = await serializedProvider();
        const result = await provider.create!(inputsFor());
        assert.deepStrictEqual(requests.slice(0, 2), [
            "GET /api/v1/namespaces?limit=1 true",
            "GET /api/v1/namespaces?limit=1 true",
        ]);
        assert.strictEqual(requests.filter((r) => r.startsWith("POST /apis/authorization.k8s.io")).length, 3);
        // Nothing the provider keeps (id, outputs: the state) holds the token.
        assert.ok(!JSON.stringify(result).includes(TOKEN));
        assert.deepStrictEqual(Object.keys(result.outs).sort(), [
            "args",
            "caData",
            "command",
            "grantId",
            "server",
            "timing",
        ]);
    });

    it("refuses an API server whose certificate is not the cluster's CA", async () => {
        const provider = await serializedProvider();
        const other = Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").toString("base64");
        const timing = { timeoutSeconds: 0.3, intervalSeconds: 0.05, requiredSuccesses: 1 };
        await assert.rejects(provider.create!(inputsFor({ caData: other, timing })), /still not authorized.*no answer/);
    });

    it("probes again when the grant or the cluster changes, and not otherwise", async () => {
        const provider = await serializedProvider();
        const old = inputsFor();
        assert.deepStrictEqual(await provider.diff!("id", old, { ...old }), {
            changes: false,
            replaces: [],
            deleteBeforeReplace: false,
        });
        const changed = await provider.diff!("id", old, { ...old, grantId: `${old.grantId}0`, server: `${url}/` });
        assert.deepStrictEqual(changed.replaces, ["server", "grantId"]);
    });
});
