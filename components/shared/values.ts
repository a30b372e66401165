/**
 * Checks of single values that the clouds accept or reject on their own terms: IPv4 ranges, e-mail
 * addresses, region and location names. Each returns undefined for a good value, else what is allowed and
 * the fix, for `checked()` fields in config.ts.
 */
import { AWS_REGIONS, AZURE_LOCATIONS, REGION_FACTS_CHECKED } from "./facts/regions";

export interface Verdict {
    readonly allowed: string;
    readonly fix: string;
}

/** An IPv4 CIDR split into its numbers, or undefined when the text is not `a.b.c.d/n`. */
function parseCidr(text: string): { octets: number[]; prefix: number } | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
    return m ? { octets: m.slice(1, 5).map(Number), prefix: Number(m[5]) } : undefined;
}

const toNumber = (octets: number[]) => octets.reduce((acc, o) => acc * 256 + o, 0);
const toText = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");

/**
 * The syntax and host-bit problems of an IPv4 CIDR: a number over 255, a prefix over 32, or an address that
 * is not the first of its range (the range it names is ambiguous: the network, or the one host?).
 */
export function cidrProblem(text: string, example: string): Verdict | undefined {
    const cidr = parseCidr(text);
    if (!cidr || cidr.prefix > 32) {
        return {
            allowed: `an IPv4 CIDR "a.b.c.d/n" (n from 0 to 32), such as "${example}"`,
            fix: `Write the range as four numbers, a slash and a prefix length, e.g. "${example}"`,
        };
    }
    const high = cidr.octets.findIndex((o) => o > 255);
    if (high >= 0) {
        return {
            allowed: `four numbers from 0 to 255 (number ${high + 1} is ${cidr.octets[high]})`,
            fix: `Correct the address in "${text}": each of its four numbers is at most 255`,
        };
    }
    const size = 2 ** (32 - cidr.prefix);
    const start = toNumber(cidr.octets);
    if (start % size !== 0) {
        const network = `${toText(start - (start % size))}/${cidr.prefix}`;
        return {
            allowed: `a network address with the host bits zero (the /${cidr.prefix} range containing it starts at ${network})`,
            fix: `Write "${network}" for the whole range, or "${cidr.octets.join(".")}/32" for the one address`,
        };
    }
    return undefined;
}

/** The private ranges a network may use: RFC 1918, plus the shared address space of RFC 6598. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"] as const;

/** Whether `inner` lies wholly inside `outer` (both valid CIDRs). */
export function cidrWithin(inner: string, outer: string): boolean {
    const a = parseCidr(inner)!;
    const b = parseCidr(outer)!;
    if (a.prefix < b.prefix) return false;
    const size = 2 ** (32 - b.prefix);
    return Math.floor(toNumber(a.octets) / size) === Math.floor(toNumber(b.octets) / size);
}

/**
 * The problems of the stack's private network range: a CIDR (see {@link cidrProblem}) from /16 to /20 inside
 * a private range. Public address space would work inside the VNet/VPC, but the addresses it shadows on the
 * internet become unreachable from the cluster: AWS recommends a block from the RFC 1918 private ranges
 * (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html) and Azure likewise
 * (https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#what-address-ranges-can-i-use-in-my-virtual-networks).
 * 100.64.0.0/10 (RFC 6598 shared address space) is accepted as both clouds allow it.
 */
export function privateNetworkProblem(text: string): Verdict | undefined {
    const syntax = cidrProblem(text, "10.0.0.0/16");
    if (syntax) return syntax;
    const prefix = parseCidr(text)!.prefix;
    if (prefix < 16 || prefix > 20) {
        return {
            allowed: "a network from /16 to /20 (room for three subnets per zone in up to three zones)",
            fix: `Use a prefix from 16 to 20, e.g. "${text.split("/")[0]}/16"`,
        };
    }
    if (!PRIVATE_RANGES.some((range) => cidrWithin(text, range))) {
        return {
            allowed: `a private range: inside ${PRIVATE_RANGES.join(", ")} (RFC 1918, RFC 6598); this one is public address space`,
            fix: 'Pick a private range, e.g. "10.0.0.0/16"',
        };
    }
    return undefined;
}

/**
 * An e-mail address as SNS e-mail subscriptions and Azure Monitor action groups take it: a dot-atom local
 * part (RFC 5322 section 3.4.1) of at most 64 characters, "@", a DNS domain of labels and a top-level domain of
 * letters, at most 254 characters in all (RFC 5321 section 4.5.3.1). No display name, no list.
 */
export function emailProblem(text: string): Verdict | undefined {
    if (text === "") return undefined;
    const atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
    const label = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    const shape = new RegExp(`^(${atom}(\\.${atom})*)@((${label}\\.)+[A-Za-z]{2,63})$`);
    const m = shape.exec(text);
    if (!m || m[1].length > 64 || text.length > 254) {
        return {
            allowed:
                'one e-mail address such as "oncall@example.com" (no name, no spaces, no list, no ".." or trailing dot)',
            fix: 'Write the bare address, e.g. "oncall@example.com"; to reach several people, use a list address',
        };
    }
    return undefined;
}

/** The candidate closest to `input` by edit distance (within a third of its length), if any. */
export function nearestName(input: string, candidates: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const c of candidates) {
        const d = editDistance(input.toLowerCase().replace(/[\s_]/g, ""), c);
        if (d < bestDistance) [best, bestDistance] = [c, d];
    }
    return bestDistance <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}

export function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let previous = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const current = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
            previous = current;
        }
    }
    return row[b.length];
}

/** An AWS region this program can deploy to (components/shared/facts/regions.ts). */
export function awsRegionProblem(text: string): Verdict | undefined {
    if (text in AWS_REGIONS) return undefined;
    const near = nearestName(text, Object.keys(AWS_REGIONS));
    return {
        allowed: `an AWS commercial region code such as "eu-west-1" (${Object.keys(AWS_REGIONS).length} known, list checked ${REGION_FACTS_CHECKED})`,
        fix: near
            ? `Did you mean "${near}"? Use a region code from components/shared/facts/regions.ts`
            : "Use a region code from components/shared/facts/regions.ts (add a region there, with its source, when AWS opens one)",
    };
}

/** An Azure location programmatic name (components/shared/facts/regions.ts). */
export function azureLocationProblem(text: string): Verdict | undefined {
    if (text in AZURE_LOCATIONS) return undefined;
    const near = nearestName(text, Object.keys(AZURE_LOCATIONS));
    return {
        allowed: `an Azure location programmatic name such as "westeurope" (lowercase, no spaces), from the list checked ${REGION_FACTS_CHECKED}`,
        fix: near
            ? `Did you mean "${near}"? Use a programmatic name from components/shared/facts/regions.ts`
            : "Use a programmatic name from components/shared/facts/regions.ts (`az account list-locations -o table` lists them)",
    };
}
