/**
 * Small helpers every policy module uses: typed settings with defaults (the same defaults the pack
 * publishes as its `configSchema`), typed resource and stack policies, and lookups over the graph.
 *
 * Only types are imported from `@pulumi/policy`: the policy modules stay free of runtime dependencies, so
 * tests load them without starting a policy pack (constructing a `PolicyPack` starts a gRPC server).
 */
import type {
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { EXEMPTIONS_SCHEMA, exemptedReason, exemptionOf, expiredReason, notAppliedNote } from "./exemptions";

/** One setting of a policy: its JSON schema (published to the engine) and its default. */
export interface Setting<T> {
    readonly schema: PolicyConfigJSONSchema;
    readonly default: T;
}

export type Settings = Record<string, Setting<unknown>>;

/** A policy without settings. */
export type NoSettings = Record<never, Setting<unknown>>;

/** The values of a policy's settings, defaults applied. */
export type SettingValues<S extends Settings> = { readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** Builders for the kinds of setting the pack uses. Every setting documents its default. */
export const setting = {
    /** A whole number of days. */
    days(defaultValue: number, description: string, maximum = 3653): Setting<number> {
        return {
            schema: { type: "integer", minimum: 0, maximum, default: defaultValue, description },
            default: defaultValue,
        };
    },
    /** A yes/no switch, typically "required in this environment". */
    flag(defaultValue: boolean, description: string): Setting<boolean> {
        return { schema: { type: "boolean", default: defaultValue, description }, default: defaultValue };
    },
    /** A list of strings (type tokens, allowed names). */
    strings(defaultValue: readonly string[], description: string): Setting<string[]> {
        return {
            schema: {
                type: "array",
                items: { type: "string" },
                uniqueItems: true,
                default: [...defaultValue],
                description,
            },
            default: [...defaultValue],
        };
    },
    /** One of a fixed set of strings. */
    choice<T extends string>(values: readonly T[], defaultValue: T, description: string): Setting<T> {
        return {
            schema: { type: "string", enum: [...values], default: defaultValue, description },
            default: defaultValue,
        };
    },
};

/** The `configSchema` the engine validates a policy's config against: the settings, then `exemptions`. */
function configSchemaOf(settings: Settings): PolicyConfigSchema {
    const entries = Object.entries(settings);
    return {
        properties: {
            ...Object.fromEntries(entries.map(([name, s]) => [name, s.schema])),
            exemptions: EXEMPTIONS_SCHEMA,
        },
    };
}

/** Whether an error is the analyzer's "read an unknown value" (a preview could not decide the rule). */
function isUnknownValueError(err: unknown): err is Error {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const proxy = require("@pulumi/policy/proxy") as { UnknownValueError: new (...args: unknown[]) => Error };
    return err instanceof proxy.UnknownValueError;
}

/**
 * A policy's settings: what the policy config gives, else the schema's default. The Pulumi CLI applies
 * schema defaults before it configures the pack; applying them here as well keeps the verdict the same
 * when a pack runs without any config.
 */
export function settingsOf<S extends Settings>(
    settings: S,
    args: { getConfig<T extends object>(): T },
): SettingValues<S> {
    const given = args.getConfig<Record<string, unknown>>();
    return Object.fromEntries(
        Object.entries(settings).map(([name, s]) => [name, given[name] !== undefined ? given[name] : s.default]),
    ) as SettingValues<S>;
}

interface PolicyInfo<S extends Settings> {
    /** Kebab-case, unique in the pack. */
    readonly name: string;
    /** What the rule requires, in one sentence. */
    readonly description: string;
    readonly severity: Severity;
    /** Thresholds and "where required" switches, with defaults. */
    readonly settings?: S;
}

/** What a resource check receives besides the resource's properties. */
export interface ResourceContext<S extends Settings> {
    readonly config: SettingValues<S>;
    readonly args: ResourceValidationArgs;
    /** Reports a violation; the message says what is wrong and how to fix it. */
    readonly report: (message: string) => void;
}

/**
 * A policy over single resources of the given type token(s). `Props` is the slice of the resource's
 * inputs the check reads (see `shapes.ts`); properties the program left out are `undefined`, and the
 * check decides what the cloud does then.
 */
export function resourcePolicy<Props, S extends Settings = NoSettings>(
    info: PolicyInfo<S> & {
        readonly types: readonly string[];
        readonly validate: (props: Props, context: ResourceContext<S>) => void;
    },
): ResourceValidationPolicy {
    const settings = (info.settings ?? {}) as S;
    const validateResource = (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
        if (!info.types.includes(args.type)) {
            args.notApplicable(`applies to ${info.types.join(", ")}`);
        }
        const exemption = exemptionOf(args.getConfig(), args);
        const findings: string[] = [];
        let failure: unknown;
        try {
            info.validate(args.props as Props, {
                config: settingsOf(settings, args),
                args,
                report: (message) => findings.push(message),
            });
        } catch (err) {
            failure = err;
        }
        // An exempted resource is reported as such (with what the rule found), never silently passed.
        if (exemption.kind === "active" && (failure === undefined || isUnknownValueError(failure))) {
            args.notApplicable(exemptedReason(args.urn, exemption.exemption, findings));
        }
        for (const message of findings) reportViolation(message + notAppliedNote(exemption), args.urn);
        if (failure !== undefined) throw failure;
        if (exemption.kind === "expired" && findings.length === 0) {
            args.notApplicable(expiredReason(args.urn, exemption.exemption));
        }
    };
    if (info.types.length === 1) {
        // Lets the analyzer skip other types without calling the function (as validateResourceOfType does).
        (validateResource as { __pulumiType?: string }).__pulumiType = info.types[0];
    }
    return {
        name: info.name,
        description: info.description,
        severity: info.severity,
        configSchema: configSchemaOf(settings),
        validateResource,
    };
}

/** What a stack check receives. */
export interface StackContext<S extends Settings> {
    readonly config: SettingValues<S>;
    readonly args: StackValidationArgs;
    readonly resources: readonly PolicyResource[];
    /** Reports a violation against a resource. */
    readonly report: (resource: PolicyResource, message: string) => void;
}

/** A policy over the whole graph: parents, dependencies, property dependencies and `protect`. */
export function stackPolicy<S extends Settings = NoSettings>(
    info: PolicyInfo<S> & { readonly validate: (context: StackContext<S>) => void },
): StackValidationPolicy {
    const settings = (info.settings ?? {}) as S;
    return {
        name: info.name,
        description: info.description,
        severity: info.severity,
        configSchema: configSchemaOf(settings),
        validateStack: (args, reportViolation) => {
            const config = args.getConfig<{ exemptions?: unknown }>();
            const exempted = new Map<string, { resource: PolicyResource; findings: string[] }>();
            let failure: unknown;
            try {
                info.validate({
                    config: settingsOf(settings, args),
                    args,
                    resources: args.resources,
                    report: (resource, message) => {
                        const exemption = exemptionOf(config, resource);
                        if (exemption.kind !== "active") {
                            reportViolation(message + notAppliedNote(exemption), resource.urn);
                            return;
                        }
                        const held = exempted.get(resource.urn) ?? { resource, findings: [] };
                        held.findings.push(message);
                        exempted.set(resource.urn, held);
                    },
                });
            } catch (err) {
                failure = err;
            }
            const notes = [...exempted.values()].map(({ resource, findings }) => {
                const state = exemptionOf(config, resource);
                return state.kind === "active" ? exemptedReason(resource.urn, state.exemption, findings) : "";
            });
            if (failure !== undefined) {
                // The preview advisory names the exempted findings too, so they are never dropped silently.
                if (notes.length > 0 && isUnknownValueError(failure)) failure.message += `; ${notes.join("; ")}`;
                throw failure;
            }
            if (notes.length > 0) args.notApplicable(notes.join("\n"));
        },
    };
}

/** A value only known after deployment: during a preview the engine sends such values as unknowns. */
export const UNKNOWN: unique symbol = Symbol("unknown");

/**
 * Reads `obj[key]` without failing on a preview unknown: the analyzer wraps properties in a proxy that
 * throws when an unknown value is read (the policy is then skipped with an advisory "can't run during
 * preview"). Returns `UNKNOWN` instead, so a rule can still judge everything else.
 */
export function peek<T extends object, K extends keyof T>(
    obj: T | undefined | null,
    key: K,
): T[K] | typeof UNKNOWN | undefined {
    if (obj === undefined || obj === null) return undefined;
    try {
        return obj[key];
    } catch {
        return UNKNOWN;
    }
}

/** Whether a property is set. A value that is unknown until deployment (a key ARN, a token) counts as set. */
export function isSet<T extends object>(obj: T | undefined | null, key: keyof T): boolean {
    if (obj === undefined || obj === null || !(key in obj)) return false;
    const value = peek(obj, key);
    return value === UNKNOWN || (value !== undefined && value !== null && value !== "");
}

/** Resources of any of the given types. */
export function ofTypes(resources: readonly PolicyResource[], types: readonly string[]): PolicyResource[] {
    return resources.filter((r) => types.includes(r.type));
}

/**
 * The resources of the given types that point at `target` through input `property` (e.g. the bucket
 * policy whose `bucket` came from this bucket). Uses the graph's property dependencies; falls back to a
 * literal match of the property against the target's physical name for programs that pass plain names.
 */
export function attachedTo(
    resources: readonly PolicyResource[],
    target: PolicyResource,
    types: readonly string[],
    property: string,
    physicalName?: unknown,
): PolicyResource[] {
    const literal = physicalName !== undefined && physicalName !== UNKNOWN;
    return ofTypes(resources, types).filter(
        (r) =>
            (r.propertyDependencies[property] ?? []).some((d) => d.urn === target.urn) ||
            (literal && peek(r.props, property) === physicalName),
    );
}

/** The resource's display name in messages: its logical name. */
export function label(resource: { name: string }): string {
    return `"${resource.name}"`;
}

/**
 * `<cloud>-data-resources-protected`: resources that hold data carry Pulumi's `protect` option where the
 * environment requires it. One definition for both clouds; only the resource types differ.
 */
export function dataResourcesProtected(cloud: "aws" | "azure", types: readonly string[]) {
    return resourcePolicy({
        name: `${cloud}-data-resources-protected`,
        description: "Resources that hold data carry Pulumi's protect option where the environment requires it.",
        severity: "high",
        types: [...types],
        settings: {
            required: setting.flag(false, "Require protect on data resources (set in protected environments)."),
        },
        validate: (_props: unknown, { config, args, report }) => {
            if (!config.required) args.notApplicable("protect is not required in this environment");
            if (!args.opts.protect) {
                report(
                    `${label(args)} holds data but is not protected, so "pulumi destroy" or a replacement can delete it. ` +
                        "Fix: create it with { protect: true } (on this platform: platform:deletionProtection: true).",
                );
            }
        },
    });
}

/**
 * Ends a rule with the engine's own "can't run during preview" advisory: throws the analyzer's
 * `UnknownValueError` (`@pulumi/policy` server.js turns it into an advisory diagnostic naming the policy), so
 * a value the rule cannot decide in a preview is reported, never silently passed. Stack rules call it after
 * reporting everything they could decide (violations already reported stay reported).
 * `pulumi up` analyzes each resource again with known inputs before creating it, so the resource rules
 * that carry the same check decide then.
 */
export function cannotVerifyInPreview(what: readonly string[]): void {
    if (what.length === 0) return;
    // Loaded lazily: the proxy module has no side effects, but the pack's modules stay type-only otherwise.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const proxy = require("@pulumi/policy/proxy") as {
        UnknownValueError: new (sentinel: unknown, path: string[]) => Error;
        unknownStringValue: unknown;
    };
    const error = new proxy.UnknownValueError(proxy.unknownStringValue, []);
    error.message = `cannot be verified in preview: ${what.join("; ")} (checked again once the values are known)`;
    throw error;
}

/** Where an AWS KMS key reference points: a customer key, an AWS-managed key, nothing, or not known yet. */
export type KeyVerdict = "customer" | "aws-managed" | "missing" | "unknown";

/** `alias/aws/<service>` (bare or as an alias ARN): the AWS-managed keys, which the account cannot control. */
const AWS_MANAGED_ALIAS = /^(arn:aws[a-z-]*:kms:[^:]*:[^:]*:)?alias\/aws\//;

/**
 * Judges a KMS key id/ARN/alias property. AWS reserves the `alias/aws/` prefix for AWS-managed keys
 * (https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html: "alias/aws/ ... reserved for AWS
 * managed keys"), so such a value is never a customer key, whatever the rule's other checks say.
 */
export function keyVerdict(value: unknown): KeyVerdict {
    if (value === UNKNOWN) return "unknown";
    if (value === undefined || value === null || value === "") return "missing";
    if (typeof value !== "string") return "unknown";
    return AWS_MANAGED_ALIAS.test(value) ? "aws-managed" : "customer";
}

/** An explicit customer key ARN (`arn:<partition>:kms:<region>:<account>:key/<id>`), as opposed to an alias. */
export function isKeyArn(value: unknown): boolean {
    return typeof value === "string" && /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(value);
}
