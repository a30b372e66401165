/**
 * A very small validation vocabulary for stack configuration.
 *
 * Every field knows how to describe what it allows, so a rejected value always produces a message that
 * names the key, the value received, what is allowed and how to fix it. The inferred TypeScript type of a
 * schema is checked against the hand-written, documented interfaces of the component contracts (see
 * each capability's `config.ts`), so the two cannot drift apart.
 */

/** One configuration problem, with everything a person needs to fix it. */
export interface ConfigProblem {
    /** The full key path, e.g. `platform:database.aws.instanceClass`. */
    readonly key: string;
    /** The value that was received, as the user wrote it. */
    readonly received: unknown;
    /** What the key allows, in words. */
    readonly allowed: string;
    /** What to do about it. */
    readonly fix: string;
}

/** Where a value sits: the config key, the path inside its JSON value, and the stack file to edit. */
export interface Location {
    readonly key: string;
    readonly stackFile: string;
    /**
     * The top-level keys (`platform:network`) whose value came from `-c key=value` on the command line (the
     * offline check's overrides) rather than from the stack file, so a fix points at the right place.
     * @default none: every value is in the stack file (or Pulumi.yaml's defaults), as under `pulumi up`
     */
    readonly fromCommandLine?: ReadonlySet<string>;
}

/** How a top-level key's raw config string is decoded before validation. */
export type ConfigKind = "string" | "integer" | "boolean" | "array" | "json";

export interface Field<T> {
    /** How the raw config string of a top-level key is decoded. */
    readonly kind: ConfigKind;
    /** What the field allows, in words, for error messages and documentation. */
    readonly allowed: string;
    /** Validates `value`; on failure pushes problems and returns `undefined`. */
    parse(value: unknown, at: Location, problems: ConfigProblem[]): T | undefined;
}

export type Infer<F> = F extends Field<infer T> ? T : never;

/**
 * Formats a received value for a message: JSON, shortened. Numbers are written out in digits (JSON.stringify
 * would print 1e23 as "1e+23", which nobody typed).
 */
export function show(value: unknown): string {
    const text =
        value === undefined
            ? "nothing"
            : typeof value === "number" && Number.isFinite(value)
              ? value.toLocaleString("en-US", { useGrouping: false, maximumFractionDigits: 20 })
              : JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** The field a key path names, in words: `platform:network.cidrBlock` -> `"cidrBlock" in platform:network`. */
export function fieldOf(key: string): string {
    const top = topLevelKey(key);
    const rest = key.slice(top.length).replace(/^\./, "");
    return rest ? `"${rest}" in ${top}` : top;
}

/** Where the value at `at` was written: the stack file by name, or the `-c` override on the command line. */
export function sourceOf(at: Location): string {
    const top = topLevelKey(at.key);
    return at.fromCommandLine?.has(top) ? `in the value you passed with -c ${top}=...` : `in ${at.stackFile}`;
}

/**
 * A problem at `at`. The fix says what to change and, unless it already names a file or a `-c` option, where:
 * the stack file by name, or the `-c` value it came from. Without a fix of its own, the problem says to set the
 * field (named by its path) to an allowed value.
 */
export function problem(at: Location, received: unknown, allowed: string, fix?: string): ConfigProblem {
    const action = (fix ?? `Set ${fieldOf(at.key)} to ${allowed.length <= 80 ? allowed : "an allowed value"}`).replace(
        /\.$/,
        "",
    );
    return {
        key: at.key,
        received,
        allowed,
        fix: /\.yaml\b|(^|\s)-c /.test(action) ? `${action}.` : `${action} (${sourceOf(at)}).`,
    };
}

/** The config key a nested path belongs to: `platform:services[0].port` -> `platform:services`. */
export function topLevelKey(key: string): string {
    return key.split(/[.[]/)[0];
}

/** Renders a problem as the one-line message the program prints. */
export function formatProblem(p: ConfigProblem): string {
    return `${p.key}: got ${show(p.received)}; allowed: ${p.allowed}. Fix: ${p.fix}`;
}

export function str(opts: { pattern?: RegExp; allowed?: string; maxLength?: number } = {}): Field<string> {
    const allowed = opts.allowed ?? "a string";
    return {
        kind: "string",
        allowed,
        parse(value, at, problems) {
            if (typeof value !== "string") {
                problems.push(problem(at, value, allowed));
                return undefined;
            }
            if (
                (opts.pattern && !opts.pattern.test(value)) ||
                (opts.maxLength !== undefined && value.length > opts.maxLength)
            ) {
                problems.push(problem(at, value, allowed));
                return undefined;
            }
            return value;
        },
    };
}

export function int(min: number, max: number, unit = ""): Field<number> {
    const allowed = `a whole number from ${min} to ${max}${unit ? ` ${unit}` : ""}`;
    return {
        kind: "integer",
        allowed,
        parse(value, at, problems) {
            if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
                problems.push(problem(at, value, allowed));
                return undefined;
            }
            return value;
        },
    };
}

export function bool(): Field<boolean> {
    const allowed = "true or false";
    return {
        kind: "boolean",
        allowed,
        parse(value, at, problems) {
            if (typeof value !== "boolean") {
                problems.push(problem(at, value, allowed));
                return undefined;
            }
            return value;
        },
    };
}

export function oneOf<const V extends string>(values: readonly V[]): Field<V> {
    const allowed = `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`;
    return {
        kind: "string",
        allowed,
        parse(value, at, problems) {
            if (typeof value !== "string" || !(values as readonly string[]).includes(value)) {
                problems.push(problem(at, value, allowed));
                return undefined;
            }
            return value as V;
        },
    };
}

export function list<T>(
    item: Field<T>,
    opts: { maxItems?: number; minItems?: number; unique?: boolean } = {},
): Field<T[]> {
    const bounds = [
        opts.minItems !== undefined ? `at least ${opts.minItems}` : undefined,
        opts.maxItems !== undefined ? `at most ${opts.maxItems}` : undefined,
        opts.unique ? "each once" : undefined,
    ].filter((b) => b !== undefined);
    const allowed = `a list of ${item.allowed}${bounds.length > 0 ? ` (${bounds.join(", ")})` : ""}`;
    return {
        kind: "array",
        allowed,
        parse(value, at, problems) {
            if (
                !Array.isArray(value) ||
                (opts.maxItems !== undefined && value.length > opts.maxItems) ||
                (opts.minItems !== undefined && value.length < opts.minItems)
            ) {
                problems.push(problem(at, value, allowed));
                return undefined;
            }
            const before = problems.length;
            const out = value.map((v, i) => item.parse(v, { ...at, key: `${at.key}[${i}]` }, problems));
            if (opts.unique) {
                value.forEach((v, i) => {
                    const first = value.findIndex((o) => JSON.stringify(o) === JSON.stringify(v));
                    if (first !== i) {
                        problems.push(
                            problem(
                                { ...at, key: `${at.key}[${i}]` },
                                v,
                                `${allowed}: entry ${i} repeats entry ${first}`,
                                `Remove the repeated ${show(v)} from ${fieldOf(at.key)}`,
                            ),
                        );
                    }
                });
            }
            return problems.length === before ? (out as T[]) : undefined;
        },
    };
}

/**
 * A string checked by a function that explains itself: `check` returns undefined when the value is fine,
 * else what is wrong with it (used as the problem's allowed text) and the fix.
 */
export function checked(
    allowed: string,
    check: (value: string) => { readonly allowed: string; readonly fix: string } | undefined,
): Field<string> {
    return {
        kind: "string",
        allowed,
        parse(value, at, problems) {
            if (typeof value !== "string") {
                problems.push(problem(at, value, allowed));
                return undefined;
            }
            const wrong = check(value);
            if (wrong) {
                problems.push(problem(at, value, wrong.allowed, wrong.fix));
                return undefined;
            }
            return value;
        },
    };
}

type Shape = Record<string, Field<unknown>>;
export type InferShape<S extends Shape> = { [K in keyof S]?: Infer<S[K]> };

/**
 * A JSON object whose fields are all optional. Unknown fields are problems: a typo must never be
 * silently ignored.
 */
export function obj<S extends Shape>(shape: S, what = "an object"): Field<InferShape<S>> {
    const names = Object.keys(shape);
    const allowed = `${what} with the fields ${names.join(", ")}`;
    return {
        kind: "json",
        allowed,
        parse(value, at, problems) {
            if (typeof value !== "object" || value === null || Array.isArray(value)) {
                problems.push(problem(at, value, allowed));
                return undefined;
            }
            const before = problems.length;
            const out: Record<string, unknown> = {};
            for (const [field, v] of Object.entries(value)) {
                const inner = { ...at, key: `${at.key}.${field}` };
                const def = shape[field];
                if (!def) {
                    problems.push(
                        problem(
                            inner,
                            v,
                            `only the fields ${names.join(", ")} (unknown field "${field}")`,
                            `Remove or rename "${field}" in ${at.key}.`,
                        ),
                    );
                    continue;
                }
                if (v === undefined || v === null) {
                    continue;
                }
                out[field] = def.parse(v, inner, problems);
            }
            return problems.length === before ? (out as InferShape<S>) : undefined;
        },
    };
}

/** The result of decoding a raw config string: the value, or why the text is not what its kind needs. */
export type Decoded = { readonly value: unknown } | { readonly invalid: string };

/**
 * Decodes the raw string a Pulumi config key arrives as (the engine passes every value as a string;
 * structured values as JSON) into the value the field validates. Text that is not JSON for a structured key
 * is reported as such (with the parser's reason), and an integer too large to hold exactly stays the text
 * that was written, so a message quotes it as typed.
 */
export function decodeConfig(kind: ConfigKind, raw: string): Decoded {
    switch (kind) {
        case "string":
            return { value: raw };
        case "integer": {
            const text = raw.trim();
            return { value: /^-?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : raw };
        }
        case "boolean":
            return { value: raw === "true" ? true : raw === "false" ? false : raw };
        case "array":
        case "json":
            try {
                return { value: JSON.parse(raw) };
            } catch (err) {
                return { invalid: (err as Error).message };
            }
    }
}

/** {@link decodeConfig}, with text that is not JSON passed through as the string it is. */
export function decode(kind: ConfigKind, raw: string): unknown {
    const decoded = decodeConfig(kind, raw);
    return "value" in decoded ? decoded.value : raw;
}

/** A field whose problems carry a more specific explanation than the generic one. */
export function explained<T>(field: Field<T>, allowed: string, fix: (received: unknown) => string): Field<T> {
    return {
        kind: field.kind,
        allowed,
        parse(value, at, problems) {
            const own: ConfigProblem[] = [];
            const out = field.parse(value, at, own);
            problems.push(...own.map((p) => ({ ...p, allowed, fix: fix(p.received) })));
            return out;
        },
    };
}

/** One top-level `platform:*` key: its field, its default and what it is for. */
export interface KeyDefinition<F extends Field<unknown>> {
    readonly field: F;
    /** The default, as the Pulumi CLI applies it from Pulumi.yaml. */
    readonly default: Infer<F>;
    readonly description: string;
}

export function key<F extends Field<unknown>>(field: F, defaultValue: Infer<F>, description: string): KeyDefinition<F> {
    return { field, default: defaultValue, description };
}

/** Compile-time guard: a schema's inferred type must be exactly the contract's documented interface. */
export type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
