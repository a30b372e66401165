/**
 * The policies read resource inputs through the plain interfaces in policies/lib/shapes.ts (the pack
 * loads no provider SDK). This file checks, at compile time, that every property those interfaces name
 * exists in the provider's args (recursively) with a compatible type, and that the component shapes
 * match the platform's contracts. A typo or a renamed provider property fails `npm run typecheck`.
 */
import * as assert from "assert";
import type { Unwrap } from "@pulumi/pulumi";
import type * as cloudwatch from "@pulumi/aws/cloudwatch";
import type * as eks from "@pulumi/aws/eks";
import type * as elasticache from "@pulumi/aws/elasticache";
import type * as kms from "@pulumi/aws/kms";
import type * as rds from "@pulumi/aws/rds";
import type * as s3 from "@pulumi/aws/s3";
import type * as ec2 from "@pulumi/aws/ec2";
import type * as ecr from "@pulumi/aws/ecr";
import type * as containerservice from "@pulumi/azure-native/containerservice";
import type * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import type * as monitor from "@pulumi/azure-native/monitor";
import type * as network from "@pulumi/azure-native/network";
import type * as redisenterprise from "@pulumi/azure-native/redisenterprise";
import type * as storage from "@pulumi/azure-native/storage";
import type { CacheOutputs } from "../../components/cache";
import type { ClusterOutputs } from "../../components/cluster";
import type { DatabaseOutputs } from "../../components/database";
import type { StorageOutputs } from "../../components/storage";
import type * as shapes from "../../policies/lib/shapes";

type AllTrue<O> = [O[keyof O]] extends [true] ? true : false;

/** Every key of `Mine` exists in `Theirs`, recursively through objects and arrays. */
type KeysExist<Mine, Theirs> = Mine extends readonly (infer M)[]
    ? NonNullable<Theirs> extends readonly (infer T)[]
        ? KeysExist<M, T>
        : false
    : Mine extends object
      ? [Exclude<keyof Mine, keyof NonNullable<Theirs>>] extends [never]
          ? AllTrue<{
                [K in keyof Mine & keyof NonNullable<Theirs>]-?: KeysExist<
                    NonNullable<Mine[K]>,
                    NonNullable<NonNullable<Theirs>[K]>
                >;
            }>
          : { unknownProperties: Exclude<keyof Mine, keyof NonNullable<Theirs>> }
      : true;

/** The shape names only real properties, and the provider's values fit the shape's types. */
type Matches<Mine, Args> = [KeysExist<Mine, Unwrap<Args>>, Unwrap<Args> extends Mine ? true : false];

const checks: [true, true][] = [
    [true, true] satisfies Matches<shapes.RdsInstance, rds.InstanceArgs>,
    [true, true] satisfies Matches<shapes.RdsParameterGroup, rds.ParameterGroupArgs>,
    [true, true] satisfies Matches<shapes.ElastiCacheReplicationGroup, elasticache.ReplicationGroupArgs>,
    [true, true] satisfies Matches<shapes.S3Bucket, s3.BucketArgs>,
    [true, true] satisfies Matches<shapes.S3BucketEncryption, s3.BucketServerSideEncryptionConfigurationArgs>,
    [true, true] satisfies Matches<shapes.S3PublicAccessBlock, s3.BucketPublicAccessBlockArgs>,
    [true, true] satisfies Matches<shapes.S3BucketPolicy, s3.BucketPolicyArgs>,
    [true, true] satisfies Matches<shapes.S3BucketVersioning, s3.BucketVersioningArgs>,
    [true, true] satisfies Matches<shapes.EksCluster, eks.ClusterArgs>,
    [true, true] satisfies Matches<shapes.KmsKey, kms.KeyArgs>,
    [true, true] satisfies Matches<shapes.LogGroup, cloudwatch.LogGroupArgs>,
    [true, true] satisfies Matches<shapes.PostgresServer, dbforpostgresql.ServerArgs>,
    [true, true] satisfies Matches<shapes.PostgresConfiguration, dbforpostgresql.ConfigurationArgs>,
    [true, true] satisfies Matches<shapes.RedisCluster, redisenterprise.RedisEnterpriseArgs>,
    [true, true] satisfies Matches<shapes.RedisDatabase, redisenterprise.DatabaseArgs>,
    [true, true] satisfies Matches<shapes.StorageAccount, storage.StorageAccountArgs>,
    [true, true] satisfies Matches<shapes.BlobServiceProperties, storage.BlobServicePropertiesArgs>,
    [true, true] satisfies Matches<shapes.AksCluster, containerservice.ManagedClusterArgs>,
    [true, true] satisfies Matches<shapes.FlowLog, ec2.FlowLogArgs>,
    [true, true] satisfies Matches<shapes.EcrRepository, ecr.RepositoryArgs>,
    [true, true] satisfies Matches<shapes.RedisAccessPolicyAssignment, redisenterprise.AccessPolicyAssignmentArgs>,
    [true, true] satisfies Matches<shapes.DiagnosticSetting, monitor.DiagnosticSettingArgs>,
    [true, true] satisfies Matches<shapes.NetworkFlowLog, network.FlowLogArgs>,
    [true, true] satisfies Matches<shapes.DatabaseComponent, DatabaseOutputs>,
    [true, true] satisfies Matches<shapes.OptOutComponent, CacheOutputs>,
    [true, true] satisfies Matches<shapes.OptOutComponent, ClusterOutputs>,
    [true, true] satisfies Matches<shapes.OptOutComponent, StorageOutputs>,
];

describe("policy input shapes", () => {
    it("name only properties the providers and the platform's contracts have (checked by the type-checker)", () => {
        assert.strictEqual(checks.length, 27);
    });
});
