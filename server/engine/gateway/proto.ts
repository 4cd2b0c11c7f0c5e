import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const require = createRequire(import.meta.url);

/** Absolute path of the zeebe.proto shipped inside @camunda8/sdk (loaded at run time, never copied). */
export function zeebeProtoPath(): string {
  const sdkEntry = require.resolve('@camunda8/sdk');
  // .../node_modules/@camunda8/sdk/dist/index.js → .../dist/proto/zeebe.proto
  return path.join(path.dirname(sdkEntry), 'proto', 'zeebe.proto');
}

/** Loads the Gateway service definition from the SDK's proto. */
export function loadGatewayService(): grpc.ServiceDefinition {
  const definition = protoLoader.loadSync(zeebeProtoPath(), {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    gateway_protocol: { Gateway: grpc.ServiceClientConstructor };
  };
  return pkg.gateway_protocol.Gateway.service;
}
