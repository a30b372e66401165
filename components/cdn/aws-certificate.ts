import * as pulumi from "@pulumi/pulumi";
import * as acm from "@pulumi/aws/acm";
import * as route53 from "@pulumi/aws/route53";

/**
 * The distribution's certificate: ACM in us-east-1, the only region CloudFront takes certificates from
 * ("To use an ACM certificate with CloudFront, make sure you request (or import) the certificate in the US
 * East (N. Virginia) Region": https://docs.aws.amazon.com/acm/latest/userguide/acm-services.html), validated by
 * DNS through one CNAME per host in the stack's zone, and the validation the distribution waits for.
 * `provider` is the us-east-1 provider; the records go through the stack's own provider (Route 53 is global).
 */
export function cdnCertificate(
    name: string,
    args: { readonly hosts: string[]; readonly zoneId: pulumi.Input<string> },
    opts: { readonly usEast1: pulumi.CustomResourceOptions; readonly stack: pulumi.CustomResourceOptions },
): pulumi.Output<string> {
    const [first, ...others] = args.hosts;
    const certificate = new acm.Certificate(
        `${name}-certificate`,
        {
            domainName: first,
            subjectAlternativeNames: others,
            validationMethod: "DNS",
            keyAlgorithm: "EC_prime256v1",
        },
        opts.usEast1,
    );
    const records = args.hosts.map((host, i) => {
        const option = validationOption(certificate, host);
        return new route53.Record(
            `${name}-validation-${i}`,
            {
                zoneId: args.zoneId,
                name: option.resourceRecordName,
                type: option.resourceRecordType,
                records: [option.resourceRecordValue],
                ttl: 300,
                // ACM gives the same record to a re-requested certificate for the same name.
                allowOverwrite: true,
            },
            opts.stack,
        );
    });
    const validation = new acm.CertificateValidation(
        `${name}-certificate-validation`,
        { certificateArn: certificate.arn, validationRecordFqdns: records.map((r) => r.fqdn) },
        opts.usEast1,
    );
    return validation.certificateArn;
}

/** The record ACM asks for to validate `host` (one per distinct name). */
function validationOption(certificate: acm.Certificate, host: string) {
    const option = certificate.domainValidationOptions.apply((all) => {
        const found = (all ?? []).find((o) => o.domainName === host);
        if (!found) throw new Error(`ACM returned no DNS validation record for ${host}.`);
        return found;
    });
    return {
        resourceRecordName: option.apply((o) => o.resourceRecordName),
        resourceRecordType: option.apply((o) => o.resourceRecordType),
        resourceRecordValue: option.apply((o) => o.resourceRecordValue),
    };
}
