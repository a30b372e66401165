import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/**
 * Content-derived image tags: the tag is a digest of everything that goes into the build (the files of
 * the context that `.dockerignore` does not exclude, the Dockerfile path and the target), so an unchanged
 * source yields the same tag, nothing is rebuilt or pushed, and the Deployment does not roll. Tags never
 * move, which is what immutable ECR repositories require.
 */

/** Turns one `.dockerignore` pattern into a matcher of context-relative, slash-separated paths. */
function ignoreMatcher(pattern: string): (relative: string) => boolean {
    const body = pattern.replace(/^\/+/, "").replace(/\/+$/, "");
    const regex = body
        .split("/")
        .map((part) =>
            part === "**"
                ? ".*"
                : part
                      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
                      .replace(/\*/g, "[^/]*")
                      .replace(/\?/g, "[^/]"),
        )
        .join("/");
    const re = new RegExp(`^${regex}(/.*)?$`);
    return (relative) => re.test(relative);
}

/** Reads `.dockerignore` patterns (comments and blank lines skipped; `!` exceptions honoured in order). */
function dockerignore(context: string): { negate: boolean; match: (p: string) => boolean }[] {
    const file = path.join(context, ".dockerignore");
    if (!fs.existsSync(file)) {
        return [];
    }
    return fs
        .readFileSync(file, "utf8")
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith("#"))
        .map((line) => ({
            negate: line.startsWith("!"),
            match: ignoreMatcher(line.replace(/^!/, "")),
        }));
}

function ignored(relative: string, rules: ReturnType<typeof dockerignore>): boolean {
    let result = false;
    for (const rule of rules) {
        if (rule.match(relative)) {
            result = !rule.negate;
        }
    }
    return result;
}

/** Every file of the build context that Docker would send, as sorted context-relative paths. */
export function contextFiles(context: string): string[] {
    const rules = dockerignore(context);
    const files: string[] = [];
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const absolute = path.join(dir, entry.name);
            const relative = path.relative(context, absolute).split(path.sep).join("/");
            if (entry.name === ".git" || ignored(relative, rules)) {
                continue;
            }
            if (entry.isDirectory()) {
                walk(absolute);
            } else if (entry.isFile()) {
                files.push(relative);
            }
        }
    };
    walk(context);
    return files.sort();
}

/**
 * The content-derived tag of a build: `src-` and 16 hex digits of a SHA-256 over the build inputs.
 * The Dockerfile is always part of the digest, even when `.dockerignore` lists it.
 */
export function contentTag(build: { context: string; dockerfile: string; target?: string }): string {
    const context = path.resolve(build.context);
    const digest = createHash("sha256");
    digest.update(`dockerfile=${build.dockerfile}\0target=${build.target ?? ""}\0`);
    const files = new Set(contextFiles(context));
    files.add(build.dockerfile.split(path.sep).join("/"));
    for (const relative of [...files].sort()) {
        digest.update(`${relative}\0`);
        digest.update(fs.readFileSync(path.join(context, relative)));
        digest.update("\0");
    }
    return `src-${digest.digest("hex").slice(0, 16)}`;
}
