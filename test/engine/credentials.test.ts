import http from 'node:http';
import { Camunda8 } from '@camunda8/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_ONLY, EXTERNAL, fixture, grpcCode, startTestEngine, type TestEngine } from '../helpers/engine.js';

const UNAUTHENTICATED = 16;

/** The problem status of a rejected REST client call (undefined when it succeeded). */
const statusOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: { status?: number }) => e.status,
  );

/** A raw HTTP request, so that Host and Origin can be anything (fetch sets Host itself). */
function rawRequest(
  base: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; type: string | undefined; body: string; headers: http.IncomingHttpHeaders }> {
  const url = new URL(opts.path, base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: opts.method ?? 'GET', headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: res.headers['content-type'],
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
      },
    );
    // A server that answers before reading a large body may reset the connection while we write.
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe.skipIf(EXTERNAL)(
  `engine credentials: gRPC and REST refuse callers without the engine's BASIC credentials ${EMBEDDED_ONLY.okno}`,
  () => {
    let t: TestEngine;
    const clients: Camunda8[] = [];
    /** An SDK client on the same engine with other auth settings. */
    const sdk = (auth: Record<string, string>) => {
      const c8 = new Camunda8({
        ZEEBE_GRPC_ADDRESS: `grpc://${t.engine.grpcAddress}`,
        ZEEBE_REST_ADDRESS: t.engine.restAddress,
        CAMUNDA_LOG_LEVEL: 'none',
        ...auth,
        zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE', ZEEBE_GRPC_CLIENT_RETRY: false },
      } as unknown as ConstructorParameters<typeof Camunda8>[0]);
      clients.push(c8);
      return c8;
    };
    const wrong = () => ({
      CAMUNDA_AUTH_STRATEGY: 'BASIC',
      CAMUNDA_BASIC_AUTH_USERNAME: t.engine.credentials.username,
      CAMUNDA_BASIC_AUTH_PASSWORD: `${t.engine.credentials.password}x`,
    });
    beforeAll(async () => {
      t = await startTestEngine();
    });
    afterAll(async () => {
      for (const c of clients)
        await c
          .getZeebeGrpcApiClient()
          .close(500)
          .catch(() => undefined);
      await t?.stop();
    });

    it('given an SDK gRPC client without credentials or with a wrong password, when it calls Topology, DeployResource or CreateProcessInstance, then UNAUTHENTICATED', async () => {
      for (const auth of [{ CAMUNDA_AUTH_STRATEGY: 'NONE' }, wrong()]) {
        const zeebe = sdk(auth).getZeebeGrpcApiClient();
        expect(await grpcCode(zeebe.topology())).toBe(UNAUTHENTICATED);
        expect(await grpcCode(zeebe.deployResource({ process: fixture('one-task.bpmn'), name: 'one-task.bpmn' }))).toBe(
          UNAUTHENTICATED,
        );
        expect(await grpcCode(zeebe.createProcessInstance({ bpmnProcessId: 'one-task', variables: {} }))).toBe(
          UNAUTHENTICATED,
        );
      }
      // Nothing was deployed by them: the authenticated client finds no such process.
      expect(await grpcCode(t.zeebe.createProcessInstance({ bpmnProcessId: 'one-task', variables: {} }))).toBe(5);
    });

    it('given an SDK gRPC client with the engine credentials (CAMUNDA_AUTH_STRATEGY=BASIC), then its calls are served', async () => {
      const zeebe = sdk(t.sdkAuth).getZeebeGrpcApiClient();
      expect((await zeebe.topology()).brokers).toHaveLength(1);
    });

    it('given the SDK REST client without credentials or with a wrong password, when it searches or deploys, then 401', async () => {
      for (const auth of [{ CAMUNDA_AUTH_STRATEGY: 'NONE' }, wrong()]) {
        const rest = sdk(auth).getOrchestrationClusterApiClient();
        expect(
          await statusOf(
            rest.searchProcessInstances({ filter: {} } as never, { consistency: { waitUpToMs: 0 } } as never),
          ),
        ).toBe(401);
        expect(
          await statusOf(rest.createDeployment({ resources: [new File([fixture('one-task.bpmn')], 'one-task.bpmn')] })),
        ).toBe(401);
      }
      expect(await statusOf(sdk(t.sdkAuth).getOrchestrationClusterApiClient().getTopology())).toBeUndefined();
    });

    it('given a plain HTTP request without credentials, then 401 with a problem body and a Basic challenge', async () => {
      const res = await rawRequest(t.restAddress, {
        method: 'POST',
        path: '/v2/process-instances/search',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(401);
      expect(res.type).toBe('application/problem+json');
      expect(res.headers['www-authenticate']).toMatch(/^Basic /);
      expect(JSON.parse(res.body)).toMatchObject({
        type: 'about:blank',
        title: 'UNAUTHORIZED',
        status: 401,
        instance: '/v2/process-instances/search',
      });
    });

    it('given valid credentials but a text/plain JSON body (what a web page can send without a preflight), then 415', async () => {
      const res = await rawRequest(t.restAddress, {
        method: 'POST',
        path: '/v2/messages/publication',
        headers: { ...t.authHeaders, 'content-type': 'text/plain;charset=UTF-8' },
        body: '{"name":"x","correlationKey":"y"}',
      });
      expect(res.status).toBe(415);
      expect(JSON.parse(res.body)).toMatchObject({ status: 415, title: 'UNSUPPORTED_MEDIA_TYPE' });
      const form = await rawRequest(t.restAddress, {
        method: 'POST',
        path: '/v2/process-instances',
        headers: { ...t.authHeaders, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'processDefinitionId=x',
      });
      expect(form.status).toBe(415);
    });

    it('given a foreign Origin (a web page) or a Host that is not the engine (DNS rebinding), then 403, even with valid credentials', async () => {
      const port = new URL(t.restAddress).port;
      const json = { ...t.authHeaders, 'content-type': 'application/json' };
      const origin = await rawRequest(t.restAddress, {
        method: 'POST',
        path: '/v2/process-instances/search',
        headers: { ...json, origin: 'http://evil.example' },
        body: '{}',
      });
      expect(origin.status).toBe(403);
      expect(JSON.parse(origin.body)).toMatchObject({ status: 403, title: 'FORBIDDEN' });
      const rebound = await rawRequest(t.restAddress, {
        method: 'POST',
        path: '/v2/process-instances/search',
        headers: { ...json, host: `evil.example:${port}` },
        body: '{}',
      });
      expect(rebound.status).toBe(403);
      const own = await rawRequest(t.restAddress, {
        method: 'POST',
        path: '/v2/process-instances/search',
        headers: { ...json, origin: `http://127.0.0.1:${port}` },
        body: '{}',
      });
      expect(own.status).toBe(200);
    });

    it('given a body above 4 MiB, then 413 before it is read', async () => {
      const big = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20);
      const res = await rawRequest(t.restAddress, {
        method: 'POST',
        path: '/v2/process-instances/search',
        headers: { ...t.authHeaders, 'content-type': 'application/json' },
        body: big,
      }).catch((e: Error) => ({ status: -1, error: e.message }));
      expect(res.status).toBe(413);
    });
  },
);
