import { Field, int, obj, str } from "../../shared/schema";
import type { ServiceConfig } from "..";
import type { ServiceScalingConfig } from ".";

/** The `scaling` field of a `platform:services` entry and its checks. */

const redisKey = () =>
    str({ pattern: /^[^\s]{1,256}$/, allowed: 'a Redis key without spaces, e.g. "bull:email:wait"' });

/** The schema fragment. */
export function scalingField(): Field<ServiceScalingConfig> {
    return obj(
        {
            redisList: obj({ list: redisKey(), length: int(1, 100000, "items per replica") }),
            redisStream: obj({
                stream: redisKey(),
                group: redisKey(),
                pending: int(1, 100000, "pending entries per replica"),
            }),
            requestsPerSecond: int(1, 100000, "requests per second per replica"),
            prometheus: obj({
                query: str({ pattern: /^[^\n]{1,1000}$/, allowed: "a PromQL expression on one line" }),
                threshold: int(1, 1000000, "per replica"),
            }),
        },
        "event-driven scaling",
    );
}

interface Entry {
    readonly service: ServiceConfig;
    readonly label: string;
    add(where: string, received: unknown, allowed: string, fix: string): void;
}

/** Required fields of each trigger; Redis triggers read the cache's address and password from the binding. */
export function checkScaling({ service: s, label, add }: Entry): void {
    const scaling = s.scaling;
    if (!scaling) return;
    const required: [string, unknown, string][] = [
        ["redisList.list", scaling.redisList && scaling.redisList.list, "the list's key"],
        ["redisStream.stream", scaling.redisStream && scaling.redisStream.stream, "the stream's key"],
        ["redisStream.group", scaling.redisStream && scaling.redisStream.group, "the consumer group"],
        ["prometheus.query", scaling.prometheus && scaling.prometheus.query, "a PromQL query"],
        ["prometheus.threshold", scaling.prometheus && scaling.prometheus.threshold, "the value per replica"],
    ];
    for (const [field, value, what] of required) {
        const [parent] = field.split(".");
        if ((scaling as Record<string, unknown>)[parent] !== undefined && value === undefined) {
            add(
                `.scaling.${field}`,
                value,
                `${what} (required with ${parent})`,
                `Add "${field.split(".")[1]}" to the scaling.${parent} of ${label}.`,
            );
        }
    }
    if (Object.keys(scaling).length === 0) {
        add(
            ".scaling",
            scaling,
            "at least one trigger: redisList, redisStream, requestsPerSecond or prometheus",
            `Add a trigger to the "scaling" of ${label}, or remove "scaling".`,
        );
    }
    if ((scaling.redisList || scaling.redisStream) && !(s.bind ?? []).includes("cache")) {
        add(
            ".scaling",
            s.bind ?? [],
            "a service that binds the cache (KEDA reads the queue with the cache's address and password from the service's connection Secret)",
            `Add "cache" to the "bind" of ${label}.`,
        );
    }
}
