/**
 * Lists the security controls a component's override bag turned off, as `<cloud>.<setting>` names, so
 * they are published as the component's `securityOptOuts` output where the policy pack can see them.
 */
export function securityOptOuts<T extends object>(
    cloud: "aws" | "azure",
    bag: T | undefined,
    controls: readonly (keyof T & string)[],
): string[] {
    return controls.filter((control) => bag?.[control] === false).map((control) => `${cloud}.${control}`);
}
