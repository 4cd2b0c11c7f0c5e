import * as grpc from '@grpc/grpc-js';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { loadGatewayService } from './gateway/proto.js';

export interface EmbeddedEngineOptions {
  knex: Knex;
  host: string;
  /** 0 picks a free port. */
  grpcPort: number;
  restPort: number;
  logger: Logger;
}

export interface EmbeddedEngine {
  /** host:port of the gRPC gateway, for ZEEBE_GRPC_ADDRESS. */
  grpcAddress: string;
  /** http://host:port of the REST API, for ZEEBE_REST_ADDRESS (undefined until served). */
  restAddress?: string;
  stop(): Promise<void>;
}

export const ENGINE_VERSION = '8.8.0-okno';

/** Starts Okno's embedded, Postgres-backed engine and its Zeebe gateway. */
export async function startEmbeddedEngine(opts: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
  const service = loadGatewayService();
  const server = new grpc.Server();
  const unimplemented: grpc.UntypedHandleCall = (call: grpc.ServerUnaryCall<unknown, unknown>, callback?: grpc.sendUnaryData<unknown>) => {
    const err = { code: grpc.status.UNIMPLEMENTED, details: 'Not implemented by the Okno embedded engine yet' };
    if (callback) callback(err, null);
    else (call as unknown as grpc.ServerWritableStream<unknown, unknown>).emit('error', err);
  };
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const name of Object.keys(service)) handlers[name] = unimplemented;
  handlers.Topology = (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
    callback(null, {
      brokers: [{ nodeId: 0, host: opts.host, port: boundPort, partitions: [{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }], version: ENGINE_VERSION }],
      clusterSize: 1,
      partitionsCount: 1,
      replicationFactor: 1,
      gatewayVersion: ENGINE_VERSION,
    });
  };
  server.addService(service, handlers);
  const boundPort = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${opts.host}:${opts.grpcPort}`, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
  });
  opts.logger.info({ port: boundPort }, 'embedded engine gateway listening');
  return {
    grpcAddress: `${opts.host}:${boundPort}`,
    async stop() {
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
  };
}
