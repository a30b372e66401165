import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Image } from "@pulumi/docker/image";
import type { ResolvedService } from "..";
import { contentTag } from "./image";

/**
 * The image a service runs: built from source with a content-derived tag (image.ts) and pushed to its
 * repository, or the prebuilt reference of `image`.
 */
export function serviceImage(
    name: string,
    service: Pick<ResolvedService, "build" | "image">,
    repositoryUrl: pulumi.Input<string>,
    parent: pulumi.Resource,
): pulumi.Output<string> {
    if (!service.build) {
        return pulumi.output(service.image!);
    }
    const tag = contentTag(service.build);
    const built = new Image(
        `${name}-image`,
        {
            imageName: pulumi.interpolate`${repositoryUrl}:${tag}`,
            build: {
                context: service.build.context,
                dockerfile: path.join(service.build.context, service.build.dockerfile),
                target: service.build.target,
                platform: "linux/amd64",
            },
            // Pushed with the deployer's Docker credentials for the registry host (`aws ecr
            // get-login-password | docker login` / `az acr login`): no registry password in state.
            registry: { server: pulumi.output(repositoryUrl).apply((url) => url.split("/")[0]) },
        },
        { parent },
    );
    return built.imageName;
}
