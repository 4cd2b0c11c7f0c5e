import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { EngineError } from '../errors.js';
import type { AdjustableClock } from '../../platform/clock.js';
import { registerClock } from './clock.js';
import type { EngineHealth } from '../engine.js';
import { routeActuator } from './actuator.js';
import { registerDeployments } from './deployments.js';
import { registerJobs } from './jobs.js';
import { registerMessages } from './messages.js';
import { registerProcessInstances } from './process-instances.js';
import type { EngineCommands } from './request.js';
import { RestRouter, type RouteRequest } from './router.js';
import { HttpError, registerUserTasks, type Reply, type UserTaskCommands } from './user-tasks.js';

// A read-only subset of the Camunda 8.8 Orchestration Cluster REST API (/v2): searches over
// process instances, element instances, incidents and variables, answered consistently from the
// engine's tables; Camunda user tasks (search, get, form, assign, unassign, update, complete) and
// job completion with a user task listener result (rest/user-tasks.ts); jobs, process instances,
// deployments and messages (rest/jobs.ts, process-instances.ts, deployments.ts, messages.ts).

type Json = Record<string, unknown>;

function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

function iso(v: unknown): string | null {
  return v ? new Date(v as string).toISOString() : null;
}

/** The engine keeps no variable keys: a stable 52-bit number from scope and name stands in (the API's keys are numeric). */
function variableKey(scopeKey: unknown, name: unknown): string {
  return String(
    parseInt(
      crypto
        .createHash('sha1')
        .update(`${String(scopeKey)}\u0000${String(name)}`)
        .digest('hex')
        .slice(0, 13),
      16,
    ),
  );
}

/** Leaves out absent values (the API's optional properties are omitted, never null). */
function compact(o: Json): Json {
  for (const k of Object.keys(o)) if (o[k] === null || o[k] === undefined) delete o[k];
  return o;
}

/** Reads a filter value: a plain value or { $eq: value }. */
function eq(filter: Json, name: string): unknown {
  const v = filter[name];
  if (v && typeof v === 'object' && !Array.isArray(v) && '$eq' in (v as Json)) return (v as Json).$eq;
  return v;
}

function page(body: Json): { limit: number; from: number } {
  const p = (body.page ?? {}) as Json;
  const limit = Math.min(Math.max(Number(p.limit ?? 100), 1), 10_000);
  const from = Math.max(Number(p.from ?? 0), 0);
  return { limit, from };
}

async function search(q: Knex.QueryBuilder, body: Json, map: (row: Json) => Json): Promise<Json> {
  const { limit, from } = page(body);
  const total = (await q.clone().clearSelect().clearOrder().count({ n: '*' }).first()) as
    { n: number | string } | undefined;
  const rows = (await q.limit(limit).offset(from)) as Json[];
  return { items: rows.map(map), page: { totalItems: Number(total?.n ?? 0) } };
}

function applyFilters(q: Knex.QueryBuilder, filter: Json, columns: Record<string, string>): Knex.QueryBuilder {
  for (const [name, column] of Object.entries(columns)) {
    const v = eq(filter, name);
    if (v !== undefined && v !== null) q = q.where(column, v as string);
  }
  return q;
}

/** Routes one request; returns the JSON answer. */
/** Registers the topology and the searches (read-only, answered from the engine's tables). */
function registerQueries(router: RestRouter, query: QueryRunner, self: { host: string; port: number }): void {
  const ok = async (fn: (knex: Knex | Knex.Transaction) => Promise<Json> | Json): Promise<Reply> => ({
    status: 200,
    body: await query(async (knex) => fn(knex)),
  });
  router.add('GET', '/v2/topology', () => ({
    status: 200,
    body: {
      brokers: [
        {
          nodeId: 0,
          host: self.host,
          port: self.port,
          partitions: [{ partitionId: 1, role: 'leader', health: 'healthy' }],
          version: '8.8.0-okno',
        },
      ],
      clusterSize: 1,
      partitionsCount: 1,
      replicationFactor: 1,
      gatewayVersion: '8.8.0-okno',
      lastCompletedChangeId: '-1',
    },
  }));
  const processInstance = (r: Json): Json =>
    compact({
      processInstanceKey: str(r.key),
      processDefinitionId: r.bpmnProcessId,
      processDefinitionName: r.bpmnProcessId,
      processDefinitionVersion: r.version,
      processDefinitionKey: str(r.processDefinitionKey),
      parentProcessInstanceKey: str(r.parentProcessInstanceKey),
      parentElementInstanceKey: str(r.parentElementInstanceKey),
      startDate: iso(r.createdAt),
      endDate: iso(r.endedAt),
      state: r.state,
      hasIncident: Number(r.incidents ?? 0) > 0,
      tenantId: r.tenantId,
    });
  const piQuery = (knex: Knex | Knex.Transaction) =>
    knex('engineProcessInstances as p')
      .select(
        'p.*',
        knex.raw(
          "(select count(*) from engine_incidents i where i.process_instance_key = p.key and i.state = 'ACTIVE') as incidents",
        ),
      )
      .orderBy('p.key');
  router.add('POST', '/v2/process-instances/search', ({ body }: RouteRequest) =>
    ok(async (knex) => {
      const filter = (body.filter ?? {}) as Json;
      const q = applyFilters(piQuery(knex), filter, {
        processInstanceKey: 'p.key',
        processDefinitionId: 'p.bpmnProcessId',
        processDefinitionKey: 'p.processDefinitionKey',
        state: 'p.state',
        parentProcessInstanceKey: 'p.parentProcessInstanceKey',
        tenantId: 'p.tenantId',
      });
      return search(q, body, processInstance);
    }),
  );
  router.add('GET', '/v2/process-instances/:processInstanceKey', ({ params }: RouteRequest) => {
    const key = params.processInstanceKey ?? '';
    if (!/^\d+$/.test(key))
      throw new HttpError(
        501,
        `GET /v2/process-instances/${key} is not implemented by the Okno embedded engine`,
        'NOT_IMPLEMENTED',
      );
    return ok(async (knex) => {
      const row = (await piQuery(knex).where('p.key', key).first()) as Json | undefined;
      if (!row) throw new HttpError(404, `Process instance with key '${key}' not found`, 'NOT_FOUND');
      return processInstance(row);
    });
  });
  router.add('POST', '/v2/incidents/search', ({ body }: RouteRequest) =>
    ok(async (knex) => {
      const filter = (body.filter ?? {}) as Json;
      const q = applyFilters(knex('engineIncidents').orderBy('key'), filter, {
        incidentKey: 'key',
        processInstanceKey: 'processInstanceKey',
        processDefinitionId: 'bpmnProcessId',
        errorType: 'errorType',
        elementId: 'elementId',
        elementInstanceKey: 'elementInstanceKey',
        jobKey: 'jobKey',
        state: 'state',
      });
      return search(q, body, (r) =>
        compact({
          incidentKey: str(r.key),
          processDefinitionKey: str(r.processDefinitionKey),
          processDefinitionId: r.bpmnProcessId,
          processInstanceKey: str(r.processInstanceKey),
          errorType: r.errorType,
          errorMessage: r.errorMessage,
          elementId: r.elementId,
          elementInstanceKey: str(r.elementInstanceKey),
          jobKey: str(r.jobKey),
          creationTime: iso(r.createdAt),
          state: r.state,
          tenantId: r.tenantId,
        }),
      );
    }),
  );
  router.add('POST', '/v2/variables/search', ({ body }: RouteRequest) =>
    ok(async (knex) => {
      const filter = (body.filter ?? {}) as Json;
      const base = knex('engineVariables as v')
        .join('engineProcessInstances as p', 'p.key', 'v.processInstanceKey')
        .select('v.*', 'p.tenantId')
        .orderBy(['v.scopeKey', 'v.name']);
      const q = applyFilters(base, filter, {
        processInstanceKey: 'v.processInstanceKey',
        scopeKey: 'v.scopeKey',
        name: 'v.name',
      });
      return search(q, body, (r) =>
        compact({
          variableKey: variableKey(r.scopeKey, r.name),
          name: r.name,
          value: JSON.stringify(r.value),
          processInstanceKey: str(r.processInstanceKey),
          scopeKey: str(r.scopeKey),
          tenantId: r.tenantId,
          isTruncated: false,
        }),
      );
    }),
  );
  router.add('POST', '/v2/element-instances/search', ({ body }: RouteRequest) =>
    ok(async (knex) => {
      const filter = (body.filter ?? {}) as Json;
      // Active elements only (finished ones live on in the event log); the start date is their activation record's.
      const started = knex.raw(
        "(select min(ev.created_at) from engine_events ev where ev.process_instance_key = x.process_instance_key and ev.key = x.key and ev.value_type = 'PROCESS_INSTANCE') as started_at",
      );
      const base = knex('engineElementInstances as x')
        .join('engineProcessInstances as p', 'p.key', 'x.processInstanceKey')
        .select('x.*', 'p.bpmnProcessId', 'p.processDefinitionKey', 'p.tenantId', started)
        .orderBy('x.key');
      const q = applyFilters(base, filter, {
        processInstanceKey: 'x.processInstanceKey',
        elementId: 'x.elementId',
        elementInstanceKey: 'x.key',
        type: 'x.elementType',
        processDefinitionId: 'p.bpmnProcessId',
        tenantId: 'p.tenantId',
      });
      return search(q, body, (r) =>
        compact({
          elementInstanceKey: str(r.key),
          processInstanceKey: str(r.processInstanceKey),
          processDefinitionId: r.bpmnProcessId,
          processDefinitionKey: str(r.processDefinitionKey),
          elementId: r.elementId,
          elementName: r.elementId,
          type: r.elementType,
          state: 'ACTIVE',
          startDate: iso(r.startedAt) ?? new Date(0).toISOString(),
          hasIncident:
            Array.isArray((r.data as Json | null)?.owns) && ((r.data as Json).owns as string[]).includes('incident'),
          tenantId: r.tenantId,
        }),
      );
    }),
  );
}

/** HTTP status and problem title of an engine rejection (like the Camunda gateway's mapping). */
const ENGINE_STATUS: Partial<Record<grpc.status, [number, string]>> = {
  [grpc.status.NOT_FOUND]: [404, 'NOT_FOUND'],
  [grpc.status.INVALID_ARGUMENT]: [400, 'INVALID_ARGUMENT'],
  [grpc.status.FAILED_PRECONDITION]: [409, 'INVALID_STATE'],
  [grpc.status.ALREADY_EXISTS]: [409, 'ALREADY_EXISTS'],
  [grpc.status.RESOURCE_EXHAUSTED]: [503, 'RESOURCE_EXHAUSTED'],
  [grpc.status.DEADLINE_EXCEEDED]: [504, 'DEADLINE_EXCEEDED'],
};

/** The largest request body (bytes): gRPC's default message limit, ample for a deployment. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Why a request is refused before its body is read, or undefined: a Host that is not the engine's own
 * loopback host:port (DNS rebinding) or a foreign Origin (a web page) → 403; no or wrong credentials
 * → 401; a declared body above the limit → 413; a body that is not `application/json` (multipart only
 * for deployments) → 415. Browsers can send text/plain, form and multipart bodies cross-origin without
 * asking first; only these checks keep a web page from writing to the engine.
 */
function refusal(
  req: http.IncomingMessage,
  self: { host: string; port: number },
  accepts: (authorization: unknown) => boolean,
): { status: number; title: string; detail: string; headers?: Record<string, string> } | undefined {
  const own = new Set([
    `${self.host}:${self.port}`,
    `localhost:${self.port}`,
    `127.0.0.1:${self.port}`,
    `[::1]:${self.port}`,
  ]);
  const hostHeader = (req.headers.host ?? '').toLowerCase();
  if (!own.has(hostHeader))
    return { status: 403, title: 'FORBIDDEN', detail: `Host '${hostHeader}' is not this engine's address` };
  const origin = req.headers.origin;
  if (
    origin !== undefined &&
    !(origin.startsWith('http://') && own.has(origin.slice('http://'.length).toLowerCase()))
  ) {
    return { status: 403, title: 'FORBIDDEN', detail: 'Cross-origin requests are not accepted' };
  }
  if (!accepts(req.headers.authorization)) {
    return {
      status: 401,
      title: 'UNAUTHORIZED',
      detail:
        'The Okno engine needs credentials: CAMUNDA_AUTH_STRATEGY=BASIC with CAMUNDA_BASIC_AUTH_USERNAME and CAMUNDA_BASIC_AUTH_PASSWORD',
      headers: { 'www-authenticate': 'Basic realm="okno-engine"' },
    };
  }
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > MAX_BODY_BYTES)
    return { status: 413, title: 'PAYLOAD_TOO_LARGE', detail: `The request body exceeds ${MAX_BODY_BYTES} bytes` };
  const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody) {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/$/, '');
    const multipartOk = req.method === 'POST' && path === '/v2/deployments' && type === 'multipart/form-data';
    if (type !== 'application/json' && !multipartOk)
      return {
        status: 415,
        title: 'UNSUPPORTED_MEDIA_TYPE',
        detail: `Content-Type '${type || '(none)'}' is not accepted; send application/json`,
      };
  }
  return undefined;
}

export interface RestServer {
  address: string;
  stop(): Promise<void>;
}

/** Runs the queries of one request (the engine wraps them in a transaction on PGlite). */
export type QueryRunner = <T>(fn: (db: Knex | Knex.Transaction) => Promise<T>) => Promise<T>;

/** Serves the engine's /v2 REST subset on host:port (0 picks a free port). */
export async function startRestServer(
  query: QueryRunner,
  host: string,
  port: number,
  logger: Logger,
  commands: UserTaskCommands & EngineCommands,
  clock: { clock: AdjustableClock; controlled: boolean },
  accepts: (authorization: unknown) => boolean,
  health?: () => EngineHealth,
): Promise<RestServer> {
  const self = { host, port };
  // The routing table: each resource module registers its endpoints.
  const router = new RestRouter();
  registerClock(router, clock.clock, clock.controlled);
  registerUserTasks(router, query, commands);
  registerJobs(router, query, commands);
  registerProcessInstances(router, query, commands);
  registerDeployments(router, query, commands);
  registerMessages(router, query, commands);
  registerQueries(router, query, self);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let gone = false;
    const goneHandlers: (() => void)[] = [];
    res.on('close', () => {
      gone = true;
      for (const h of goneHandlers.splice(0)) h();
    });
    const refused = refusal(req, self, accepts);
    if (refused) {
      res.writeHead(refused.status, {
        'content-type': 'application/problem+json',
        connection: 'close',
        ...refused.headers,
      });
      res.end(
        JSON.stringify({
          type: 'about:blank',
          title: refused.title,
          status: refused.status,
          detail: refused.detail,
          instance: new URL(req.url ?? '/', 'http://localhost').pathname,
        }),
      );
      // Read nothing of a refused body; drop the connection once the answer is out.
      req.resume();
      return;
    }
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        if (!res.headersSent) {
          res.writeHead(413, { 'content-type': 'application/problem+json', connection: 'close' });
          res.end(
            JSON.stringify({
              type: 'about:blank',
              title: 'PAYLOAD_TOO_LARGE',
              status: 413,
              detail: `The request body exceeds ${MAX_BODY_BYTES} bytes`,
              instance: req.url ?? '/',
            }),
          );
        }
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let body: Json = {};
      const answer = (status: number, json: Json, type = 'application/json') => {
        res.writeHead(status, { 'content-type': type });
        res.end(JSON.stringify(json));
      };
      const raw = Buffer.concat(chunks);
      const contentType = req.headers['content-type'] ?? '';
      if (!contentType.toLowerCase().startsWith('multipart/')) {
        try {
          const text = raw.toString('utf8');
          const parsed = text.trim() ? (JSON.parse(text) as unknown) : {};
          if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
          body = parsed as Json;
        } catch {
          answer(
            400,
            {
              type: 'about:blank',
              title: 'INVALID_ARGUMENT',
              status: 400,
              detail: 'The request body is not a valid JSON object',
              instance: url.pathname,
            },
            'application/problem+json',
          );
          return;
        }
      }
      const method = req.method ?? 'GET';
      const path = url.pathname.replace(/\/$/, '');
      const management = health && method === 'GET' ? routeActuator(health(), path) : undefined;
      if (management) {
        res.writeHead(200, { 'content-type': management.type });
        res.end(management.text);
        return;
      }
      const handle = async (): Promise<Reply> => {
        const found = router.find(method, path);
        if (!found) {
          if (path.startsWith('/v2/'))
            throw new HttpError(
              501,
              `${method} ${path} is not implemented by the Okno embedded engine`,
              'NOT_IMPLEMENTED',
            );
          throw new HttpError(404, `${method} ${path} is not served by the Okno embedded engine`, 'NOT_FOUND');
        }
        return found.handler({
          method,
          path,
          body,
          raw,
          contentType,
          gone: () => gone,
          onGone: (h) => (gone ? h() : goneHandlers.push(h)),
          params: found.params,
        });
      };
      handle().then(
        (reply) => {
          if (reply.body === undefined) {
            res.writeHead(reply.status);
            res.end();
          } else answer(reply.status, reply.body);
        },
        (err: unknown) => {
          const mapped = err instanceof EngineError ? ENGINE_STATUS[err.code] : undefined;
          const status = err instanceof HttpError ? err.status : mapped ? mapped[0] : 500;
          const title = err instanceof HttpError ? (err.title ?? 'INVALID_ARGUMENT') : mapped ? mapped[1] : 'INTERNAL';
          if (status === 500) logger.error({ err }, 'engine REST request failed');
          answer(
            status,
            {
              type: 'about:blank',
              title,
              status,
              detail: status === 500 ? 'Unexpected engine error' : (err as Error).message,
              instance: path,
            },
            'application/problem+json',
          );
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  self.port = bound;
  return {
    address: `http://${host}:${bound}`,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
