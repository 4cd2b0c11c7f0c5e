import * as grpc from '@grpc/grpc-js';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { systemClock, type AdjustableClock } from '../platform/clock.js';
import { authorizationChecker, type EngineCredentials } from './credentials.js';
import { Engine, type EngineHealth } from './engine.js';
import { gatewayHandlers } from './gateway/handlers.js';
import { loadGatewayService } from './gateway/proto.js';
import { startRestServer } from './rest/server.js';
import { Scheduler } from './scheduler/scheduler.js';

export interface EmbeddedEngineOptions {
  knex: Knex;
  host: string;
  /** 0 picks a free port. */
  grpcPort: number;
  restPort: number;
  logger: Logger;
  /** The engine's clock; the app passes its own, so the product has one clock. */
  clock?: AdjustableClock;
  /** Whether `PUT /v2/clock` may pin the clock (Camunda's `zeebe.clock.controlled`); off in production. */
  clockControlled?: boolean;
  /** What every gRPC call and REST request must present (the SDK's BASIC strategy); see credentials.ts. */
  credentials: Pick<EngineCredentials, 'username' | 'password'>;
  /** How often the message consistency check runs (ms; default 30 s, 0: never). See Engine.checkMessageConsistency. */
  consistencyCheckMs?: number;
}

export interface EmbeddedEngine {
  /** host:port of the gRPC gateway, for ZEEBE_GRPC_ADDRESS. */
  grpcAddress: string;
  /** http://host:port of the REST API, for ZEEBE_REST_ADDRESS (undefined until served). */
  restAddress?: string;
  /** The credentials it accepts. */
  credentials: Pick<EngineCredentials, 'username' | 'password'>;
  /** Findings of the engine's consistency checks (also on the REST port: GET /actuator/health, /actuator/prometheus). */
  health(): EngineHealth;
  stop(): Promise<void>;
}

export const ENGINE_VERSION = '8.8.0-okno';

/**
 * Answers every call with `grpc-accept-encoding: identity`: gRPC clients (the SDK sends gzip by
 * default) then stop compressing their requests on this channel. The embedded gateway is reached
 * over loopback or a LAN, where compressing small messages only costs CPU on both sides.
 */
const identityEncodingOnly: grpc.ServerInterceptor = (_method, call) =>
  new grpc.ServerInterceptingCall(call, {
    sendMetadata: (metadata, next) => {
      metadata.set('grpc-accept-encoding', 'identity');
      next(metadata);
    },
  });

/**
 * Refuses every call whose metadata lacks the engine's credentials with UNAUTHENTICATED, before any
 * handler runs (the pattern of grpc-js's own auth interceptor example). The SDK's BASIC strategy
 * sends them as `authorization: Basic …` metadata on every call.
 */
function requireCredentials(accepts: (presented: unknown) => boolean): grpc.ServerInterceptor {
  return (_method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, mdNext) => {
            if (accepts(metadata.get('authorization')[0])) mdNext(metadata);
            else
              call.sendStatus({
                code: grpc.status.UNAUTHENTICATED,
                details:
                  'The Okno engine needs credentials: CAMUNDA_AUTH_STRATEGY=BASIC with CAMUNDA_BASIC_AUTH_USERNAME and CAMUNDA_BASIC_AUTH_PASSWORD',
                metadata: new grpc.Metadata(),
              });
          },
        }),
    });
}

/** Starts Okno's embedded, Postgres-backed engine and its Zeebe gateway. */
export async function startEmbeddedEngine(opts: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
  const service = loadGatewayService();
  const accepts = authorizationChecker(opts.credentials);
  const server = new grpc.Server({ interceptors: [requireCredentials(accepts), identityEncodingOnly] });
  const clock = opts.clock ?? systemClock();
  const engine = new Engine(opts.knex, opts.logger, clock);
  await engine.init();
  const scheduler = new Scheduler(engine, opts.logger);
  const unimplemented = (name: string): grpc.UntypedHandleCall =>
    ((call: grpc.ServerUnaryCall<unknown, unknown>, callback?: grpc.sendUnaryData<unknown>) => {
      const err = {
        code: grpc.status.UNIMPLEMENTED,
        details: `${name} is not implemented by the Okno embedded engine`,
      };
      if (callback) callback(err, null);
      else (call as unknown as grpc.ServerWritableStream<unknown, unknown>).emit('error', err);
    }) as grpc.UntypedHandleCall;
  let boundPort = 0;
  const topology = () => ({
    brokers: [
      {
        nodeId: 0,
        host: opts.host,
        port: boundPort,
        partitions: [{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }],
        version: ENGINE_VERSION,
      },
    ],
    clusterSize: 1,
    partitionsCount: 1,
    replicationFactor: 1,
    gatewayVersion: ENGINE_VERSION,
  });
  const implemented = gatewayHandlers(engine, opts.logger, topology);
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const name of Object.keys(service)) handlers[name] = implemented[name] ?? unimplemented(name);
  server.addService(service, handlers);
  boundPort = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${opts.host}:${opts.grpcPort}`, grpc.ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve(port),
    );
  });
  const rest = await startRestServer(
    (fn) => engine.query(fn),
    opts.host,
    opts.restPort,
    opts.logger,
    engine,
    { clock, controlled: opts.clockControlled ?? false },
    accepts,
    () => engine.health(),
  );
  scheduler.start();
  // The message consistency check: once at start (finds what an earlier run left), then periodically.
  const checkEvery = opts.consistencyCheckMs ?? 30_000;
  let checking: Promise<unknown> | undefined;
  const check = () => {
    checking ??= engine
      .checkMessageConsistency()
      .catch((err: unknown) => opts.logger.warn({ err }, 'engine: message consistency check failed'))
      .finally(() => (checking = undefined));
  };
  const checker = checkEvery > 0 ? setInterval(check, checkEvery) : undefined;
  checker?.unref();
  if (checker) check();
  opts.logger.info({ port: boundPort, rest: rest.address }, 'embedded engine gateway listening');
  return {
    grpcAddress: `${opts.host}:${boundPort}`,
    restAddress: rest.address,
    credentials: { username: opts.credentials.username, password: opts.credentials.password },
    health: () => engine.health(),
    async stop() {
      clearInterval(checker);
      await checking;
      await scheduler.stop();
      engine.closeStreams();
      await rest.stop();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2000);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      // Last: commands answered during the shutdown above still need the engine's connections.
      await engine.close();
    },
  };
}
