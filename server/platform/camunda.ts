import { Camunda8 } from '@camunda8/sdk';

export type EngineMode = 'embedded' | 'external' | 'none';
export type EngineStatus = 'up' | 'down' | 'disabled';

export interface EngineConnectionOptions {
  mode: EngineMode;
  /** host:port of the Zeebe gateway (gRPC). */
  grpcAddress?: string;
  /** http(s)://host:port of the Orchestration Cluster REST API. */
  restAddress?: string;
  /** SDK settings passed through unchanged (CAMUNDA_AUTH_STRATEGY, CAMUNDA_BASIC_AUTH_*, ...). */
  sdkConfig?: Record<string, string | undefined>;
}

/** The server's one handle on the process engine: the official SDK, configured for embedded or cluster. */
export interface EngineConnection {
  readonly mode: EngineMode;
  /** The SDK factory; undefined when the engine is disabled. */
  sdk(): Camunda8 | undefined;
  /** 'up' when the gateway answers Topology within the timeout. */
  status(timeoutMs?: number): Promise<EngineStatus>;
  close(): Promise<void>;
}

/** Creates an engine connection; clients are made lazily on first use. */
export function connectEngine(opts: EngineConnectionOptions): EngineConnection {
  let c8: Camunda8 | undefined;
  const sdk = (): Camunda8 | undefined => {
    if (opts.mode === 'none' || !opts.grpcAddress) return undefined;
    const embedded = opts.mode === 'embedded';
    c8 ??= new Camunda8({
      // grpc:// tells the SDK the embedded gateway on loopback has no TLS.
      ZEEBE_GRPC_ADDRESS:
        embedded && !opts.grpcAddress.includes('://') ? `grpc://${opts.grpcAddress}` : opts.grpcAddress,
      ZEEBE_REST_ADDRESS: opts.restAddress,
      // The SDK logs to stdout on its own; keep it to errors unless the operator asks for more.
      ZEEBE_CLIENT_LOG_LEVEL: 'ERROR',
      CAMUNDA_LOG_LEVEL: 'error',
      // The embedded engine listens on loopback without TLS and takes BASIC credentials (sdkConfig
      // carries them); a cluster brings its own settings.
      ...Object.fromEntries(Object.entries(opts.sdkConfig ?? {}).filter(([, v]) => v !== undefined)),
    } as ConstructorParameters<typeof Camunda8>[0]);
    return c8;
  };
  // Health checks come often; one Topology call answers every caller within a second.
  let cached: { at: number; status: Promise<EngineStatus> } | undefined;
  const probe = async (timeoutMs: number): Promise<EngineStatus> => {
    const client = sdk();
    if (!client) return 'disabled';
    const zeebe = client.getZeebeGrpcApiClient();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        zeebe.topology(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
        }),
      ]);
      return 'up';
    } catch {
      return 'down';
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    mode: opts.mode,
    sdk,
    status(timeoutMs = 2000) {
      if (!cached || performance.now() - cached.at > 1000) cached = { at: performance.now(), status: probe(timeoutMs) };
      return cached.status;
    },
    async close() {
      if (c8) await c8.getZeebeGrpcApiClient().close();
    },
  };
}
