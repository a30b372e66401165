/**
 * Which resource of a previous state each resource of a run would take over, the way the engine decides it
 * from URNs and the `aliases` option. Modelled on pulumi/pulumi pkg/resource/deploy/step_generator.go
 * (getOldResource, generateAliases, collapseAliasToUrn, inheritedChildAlias; read at 1b5949891b):
 *
 * - the resource's own URN is looked up first, then each alias in order;
 * - an alias given as parts fills the missing parts from the resource itself (name, type, project, stack,
 *   parent); a parent that was itself aliased stands for its old URN; a root-stack parent means no parent;
 * - a child of an aliased parent also gets the parent's old URN as its parent, and, when its name starts
 *   with the parent's name, that prefix replaced by the parent's old name (the `<parent>-<child>` naming
 *   convention);
 * - the old URN that matched is remembered, so that the children registered after it inherit it.
 */
import { engineUrn } from "./runtime";
import type { AliasSpec, ResourceRecord } from "./runtime";

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** The parts of `urn:pulumi:<stack>::<project>::<qualified type>::<name>` (resource/urn.go). */
export function urnParts(urn: string): { stack: string; project: string; qualifiedType: string; name: string } {
    const [prefix, project, qualifiedType, ...name] = urn.split("::");
    return { stack: prefix.replace(/^urn:pulumi:/, ""), project, qualifiedType, name: name.join("::") };
}

/** Resolves a run's resources against the URNs of a previous state. */
export class AliasResolver {
    /** New URN → the old URN it took over through an alias (step_generator's `sg.aliases`). */
    private readonly aliased = new Map<string, string>();

    constructor(
        private readonly olds: ReadonlySet<string>,
        private readonly project: string,
        private readonly stack: string,
    ) {}

    /**
     * The old URN this resource takes over (its own URN first, then its aliases), or undefined when it
     * would be created. Resources must be passed in registration order, parents before children.
     */
    resolve(r: Pick<ResourceRecord, "urn" | "type" | "parent" | "aliases">): string | undefined {
        const parent = r.parent ?? "";
        const name = urnParts(r.urn).name;
        for (const candidate of [r.urn, ...this.generate(name, r.type, parent, r.aliases ?? [])]) {
            if (this.olds.has(candidate)) {
                if (candidate !== r.urn) this.aliased.set(r.urn, candidate);
                return candidate;
            }
        }
        return undefined;
    }

    private generate(name: string, type: string, parent: string, aliases: readonly AliasSpec[]): string[] {
        const result = new Set<string>();
        for (const alias of aliases) result.add(this.collapse(name, type, parent, alias));
        const parentAlias = parent ? this.aliased.get(parent) : undefined;
        if (parentAlias) {
            const parentName = urnParts(parent).name;
            result.add(this.inherited(type, name, parentName, parentAlias));
            for (const alias of aliases) {
                const child = urnParts(this.collapse(name, type, parent, alias));
                const childType = child.qualifiedType.split("$").pop()!;
                result.add(this.inherited(childType, child.name, parentName, parentAlias));
            }
        }
        return [...result];
    }

    private collapse(name: string, type: string, resParent: string, alias: AliasSpec): string {
        if (alias.urn) return alias.urn;
        let parent = alias.parentUrn ?? "";
        if (parent === "") parent = resParent;
        else parent = this.aliased.get(parent) ?? parent;
        const parentIsRootStack = parent !== "" && urnParts(parent).qualifiedType === ROOT_STACK_TYPE;
        if (alias.noParent || parentIsRootStack) parent = "";
        // resource.CreateURN on a parent that is not the root stack is the engine's URN rule.
        return engineUrn(
            parent,
            alias.type || type,
            alias.name || name,
            alias.project || this.project,
            alias.stack || this.stack,
        );
    }

    private inherited(childType: string, childName: string, parentName: string, parentAlias: string): string {
        const aliasName = childName.startsWith(parentName)
            ? urnParts(parentAlias).name + childName.slice(parentName.length)
            : childName;
        return engineUrn(parentAlias, childType, aliasName, this.project, this.stack);
    }
}
