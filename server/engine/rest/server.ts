import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { EngineError } from '../errors.js';
import { HttpError, routeUserTasks, type Reply, type UserTaskCommands } from './user-tasks.js';

// A read-only subset of the Camunda 8.8 Orchestration Cluster REST API (/v2): searches over
// process instances, element instances, incidents and variables, answered consistently from the
// engine's tables; Camunda user tasks (search, get, form, assign, unassign, update, complete) and
// job completion with a user task listener result (rest/user-tasks.ts).

type Json = Record<string, unknown>;

function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

function iso(v: unknown): string | null {
  return v ? new Date(v as string).toISOString() : null;
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
  const total = (await q.clone().clearSelect().clearOrder().count({ n: '*' }).first()) as { n: number | string } | undefined;
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
async function route(knex: Knex | Knex.Transaction, method: string, path: string, body: Json): Promise<Json> {
  const filter = (body.filter ?? {}) as Json;
  if (method === 'GET' && path === '/v2/topology') {
    return { brokers: [{ nodeId: 0, partitions: [{ partitionId: 1, role: 'leader', health: 'healthy' }] }], clusterSize: 1, partitionsCount: 1, replicationFactor: 1, gatewayVersion: '8.8.0-okno' };
  }
  const processInstance = (r: Json): Json => ({
    processInstanceKey: str(r.key),
    processDefinitionId: r.bpmnProcessId,
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
  const piQuery = () =>
    knex('engineProcessInstances as p')
      .select('p.*', knex.raw("(select count(*) from engine_incidents i where i.process_instance_key = p.key and i.state = 'ACTIVE') as incidents"))
      .orderBy('p.key');
  if (method === 'POST' && path === '/v2/process-instances/search') {
    const q = applyFilters(piQuery(), filter, { processInstanceKey: 'p.key', processDefinitionId: 'p.bpmnProcessId', processDefinitionKey: 'p.processDefinitionKey', state: 'p.state', parentProcessInstanceKey: 'p.parentProcessInstanceKey', tenantId: 'p.tenantId' });
    return search(q, body, processInstance);
  }
  const piMatch = /^\/v2\/process-instances\/(\d+)$/.exec(path);
  if (method === 'GET' && piMatch) {
    const row = (await piQuery().where('p.key', piMatch[1]).first()) as Json | undefined;
    if (!row) throw new HttpError(404, `Process instance with key '${piMatch[1]}' not found`, 'NOT_FOUND');
    return processInstance(row);
  }
  if (method === 'POST' && path === '/v2/incidents/search') {
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
    return search(q, body, (r) => ({
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
    }));
  }
  if (method === 'POST' && path === '/v2/variables/search') {
    const q = applyFilters(knex('engineVariables').orderBy(['scopeKey', 'name']), filter, { processInstanceKey: 'processInstanceKey', scopeKey: 'scopeKey', name: 'name' });
    return search(q, body, (r) => ({
      variableKey: `${str(r.scopeKey)}-${String(r.name)}`,
      name: r.name,
      value: JSON.stringify(r.value),
      processInstanceKey: str(r.processInstanceKey),
      scopeKey: str(r.scopeKey),
      isTruncated: false,
    }));
  }
  if (method === 'POST' && path === '/v2/element-instances/search') {
    const q = applyFilters(knex('engineElementInstances').orderBy('key'), filter, { processInstanceKey: 'processInstanceKey', elementId: 'elementId', elementInstanceKey: 'key', type: 'elementType' });
    return search(q, body, (r) => ({
      elementInstanceKey: str(r.key),
      processInstanceKey: str(r.processInstanceKey),
      elementId: r.elementId,
      type: r.elementType,
      state: 'ACTIVE',
      hasIncident: Array.isArray((r.data as Json | null)?.owns) && ((r.data as Json).owns as string[]).includes('incident'),
    }));
  }
  if (path.startsWith('/v2/')) throw new HttpError(501, `${method} ${path} is not implemented by the Okno embedded engine`, 'NOT_IMPLEMENTED');
  throw new HttpError(404, `${method} ${path} is not served by the Okno embedded engine`, 'NOT_FOUND');
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

export interface RestServer {
  address: string;
  stop(): Promise<void>;
}

/** Runs the queries of one request (the engine wraps them in a transaction on PGlite). */
export type QueryRunner = <T>(fn: (db: Knex | Knex.Transaction) => Promise<T>) => Promise<T>;

/** Serves the engine's /v2 REST subset on host:port (0 picks a free port). */
export async function startRestServer(query: QueryRunner, host: string, port: number, logger: Logger, commands: UserTaskCommands): Promise<RestServer> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let body: Json;
      const answer = (status: number, json: Json, type = 'application/json') => {
        res.writeHead(status, { 'content-type': type });
        res.end(JSON.stringify(json));
      };
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        body = text ? (JSON.parse(text) as Json) : {};
      } catch {
        answer(400, { type: 'about:blank', title: 'INVALID_ARGUMENT', status: 400, detail: 'The request body is not valid JSON' }, 'application/problem+json');
        return;
      }
      const method = req.method ?? 'GET';
      const path = url.pathname.replace(/\/$/, '');
      const handle = async (): Promise<Reply> => (await routeUserTasks(query, commands, method, path, body)) ?? { status: 200, body: await query((db) => route(db, method, path, body)) };
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
          answer(status, { type: 'about:blank', title, status, detail: status === 500 ? 'Unexpected engine error' : (err as Error).message, instance: path }, 'application/problem+json');
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
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
