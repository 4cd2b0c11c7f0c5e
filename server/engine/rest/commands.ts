import type { Knex } from 'knex';
import { DEFAULT_TENANT, type ActivatedJob, type ActivateRequest, type Engine } from '../engine.js';
import { bad, HttpError, keyOf, optObject, optString, type Reply } from './user-tasks.js';

// The command endpoints of the Camunda 8.8 Orchestration Cluster API that the official REST
// clients use for what the gRPC gateway also serves: jobs (activation with long polling, failure,
// error, update), process instances (create, optionally awaiting completion; cancel), deployments
// (multipart) and messages (publication, correlation).

type Json = Record<string, unknown>;

/** The engine operations these endpoints call. */
export type EngineCommands = Pick<
  Engine,
  | 'activateJobs'
  | 'onJobs'
  | 'onClose'
  | 'failJob'
  | 'throwError'
  | 'updateJobRetries'
  | 'updateJobTimeout'
  | 'createProcessInstance'
  | 'createProcessInstanceWithResult'
  | 'cancelProcessInstance'
  | 'deploy'
  | 'publishMessage'
>;

/** A request as the router sees it: JSON body, or the raw bytes of a multipart body. */
export interface RestRequest {
  method: string;
  path: string;
  body: Json;
  raw: Buffer;
  contentType: string;
  /** True once the client has gone (long polls stop). */
  gone(): boolean;
  /** Calls back when the client goes (a waiting long poll ends at once). */
  onGone(callback: () => void): void;
}

/** The gateway's default long-polling / request timeout (Zeebe: 10 s). */
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Waiting long polls also look again this often (jobs revived or created by another engine process). */
const RECHECK_MS = 1_000;

function reqString(body: Json, name: string): string {
  const v = optString(body, name);
  if (!v) throw bad(`No ${name} provided`);
  return v;
}

/** An integer; int64 fields may come as JSON strings (the REST client sends them so in strict mode). */
function optInt(body: Json, name: string): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^-?\d{1,16}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n))
    throw bad(`Expected '${name}' to be an integer, but was '${String(v)}'`);
  return n;
}

function optStrings(body: Json, name: string): string[] {
  const v = body[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw bad(`Expected '${name}' to be a list of strings`);
  return v as string[];
}

const LISTENER_EVENT: Record<string, string> = {
  creating: 'CREATING',
  assigning: 'ASSIGNING',
  updating: 'UPDATING',
  completing: 'COMPLETING',
  canceling: 'CANCELING',
};

/** The ActivatedJobResult shape: listener jobs carry kind TASK_LISTENER, their event type and the task's properties. */
async function activatedJobs(db: Knex | Knex.Transaction, jobs: ActivatedJob[]): Promise<Json[]> {
  const headersOf = jobs.map((j) => JSON.parse(j.customHeaders || '{}') as Record<string, string>);
  const taskKeys = headersOf.map((h) => h['io.camunda.zeebe:userTaskKey']).filter((k): k is string => !!k);
  const events = new Map<string, string>();
  if (taskKeys.length) {
    const rows = (await db('engineUserTasks')
      .whereIn('key', taskKeys)
      .select('key', db.raw("pending->>'eventType' as event_type"))) as {
      key: string | number;
      eventType: string | null;
    }[];
    for (const r of rows) if (r.eventType) events.set(String(r.key), r.eventType);
  }
  return jobs.map((j, i) => {
    const headers = headersOf[i];
    const taskKey = headers['io.camunda.zeebe:userTaskKey'];
    const out: Json = {
      jobKey: j.key,
      type: j.type,
      processDefinitionId: j.bpmnProcessId,
      processDefinitionVersion: j.processDefinitionVersion,
      processDefinitionKey: j.processDefinitionKey,
      processInstanceKey: j.processInstanceKey,
      elementId: j.elementId,
      elementInstanceKey: j.elementInstanceKey,
      customHeaders: headers,
      worker: j.worker,
      retries: j.retries,
      deadline: Number(j.deadline),
      variables: JSON.parse(j.variables || '{}') as Json,
      tenantId: j.tenantId,
      kind: taskKey ? 'TASK_LISTENER' : 'BPMN_ELEMENT',
      listenerEventType: taskKey ? (LISTENER_EVENT[events.get(taskKey) ?? ''] ?? 'UNSPECIFIED') : 'UNSPECIFIED',
    };
    if (taskKey) {
      const list = (v: string | undefined) => (v ? (JSON.parse(v) as string[]) : []);
      out.userTask = {
        userTaskKey: taskKey,
        action: headers['io.camunda.zeebe:action'] ?? '',
        assignee: headers['io.camunda.zeebe:assignee'] ?? null,
        candidateGroups: list(headers['io.camunda.zeebe:candidateGroups']),
        candidateUsers: list(headers['io.camunda.zeebe:candidateUsers']),
        dueDate: headers['io.camunda.zeebe:dueDate'] ?? null,
        followUpDate: headers['io.camunda.zeebe:followUpDate'] ?? null,
        formKey: headers['io.camunda.zeebe:formKey'],
        priority: Number(headers['io.camunda.zeebe:priority'] ?? 50),
        changedAttributes: [],
      };
    }
    return out;
  });
}

/** Activates jobs, waiting (long polling) until one comes or the request timeout passes. */
function activateWithLongPoll(
  engine: EngineCommands,
  request: ActivateRequest,
  requestTimeout: number,
  gone: () => boolean,
  onGone: (callback: () => void) => void,
): Promise<ActivatedJob[]> {
  return new Promise((resolve, reject) => {
    let done = false;
    let busy = false;
    let again = false;
    let timer: NodeJS.Timeout | undefined;
    let recheck: NodeJS.Timeout | undefined;
    const finish = (jobs: ActivatedJob[], err?: unknown) => {
      if (done) return;
      done = true;
      unsubscribe();
      offClose();
      clearTimeout(timer);
      clearInterval(recheck);
      if (err) reject(err);
      else resolve(jobs);
    };
    // Attempts never overlap; a wake-up during one makes it run once more.
    const attempt = async (): Promise<void> => {
      if (done) return;
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        do {
          again = false;
          if (gone()) return finish([]);
          const jobs = await engine.activateJobs(request);
          // A client that left meanwhile: its jobs time out and come back (at-least-once).
          if (jobs.length) return finish(jobs);
        } while (again && !done);
      } catch (err) {
        finish([], err);
      } finally {
        busy = false;
      }
    };
    const unsubscribe = engine.onJobs(request.type, () => void attempt());
    const offClose = engine.onClose(() => finish([]));
    onGone(() => finish([]));
    void attempt().then(() => {
      if (done) return;
      if (requestTimeout < 0) return finish([]);
      timer = setTimeout(
        () => finish([]),
        Math.min(requestTimeout === 0 ? DEFAULT_REQUEST_TIMEOUT_MS : requestTimeout, MAX_TIMER_MS),
      );
      recheck = setInterval(() => void attempt(), RECHECK_MS);
    });
  });
}

/** Reads the parts of a multipart/form-data body (the standard Fetch API parser). */
async function formParts(
  req: RestRequest,
): Promise<{ files: { name: string; content: Buffer }[]; fields: Map<string, string> }> {
  if (!req.contentType.toLowerCase().startsWith('multipart/form-data'))
    throw bad("Expected a 'multipart/form-data' body with one or more 'resources'");
  let form: FormData;
  try {
    form = await new Request('http://localhost/', {
      method: 'POST',
      headers: { 'content-type': req.contentType },
      body: new Uint8Array(req.raw),
    }).formData();
  } catch {
    throw bad('The multipart body could not be read');
  }
  const files: { name: string; content: Buffer }[] = [];
  const fields = new Map<string, string>();
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') fields.set(name, value);
    else if (name === 'resources') files.push({ name: value.name, content: Buffer.from(await value.arrayBuffer()) });
  }
  return { files, fields };
}

/** Routes the job, process-instance, deployment and message commands; undefined when the path is not one of them. */
export async function routeCommands(
  query: <T>(fn: (db: Knex | Knex.Transaction) => Promise<T>) => Promise<T>,
  engine: EngineCommands,
  req: RestRequest,
): Promise<Reply | undefined> {
  const { method, path, body } = req;
  if (method === 'POST' && path === '/v2/jobs/activation') {
    const request: ActivateRequest = {
      type: reqString(body, 'type'),
      worker: optString(body, 'worker') ?? '',
      timeout: optInt(body, 'timeout') ?? 0,
      maxJobsToActivate: optInt(body, 'maxJobsToActivate') ?? 0,
      fetchVariable: optStrings(body, 'fetchVariable'),
      tenantIds: optStrings(body, 'tenantIds'),
    };
    if (request.timeout <= 0)
      throw bad(`Expected 'timeout' to be a positive number of milliseconds, but was '${request.timeout}'`);
    if (request.maxJobsToActivate <= 0)
      throw bad(`Expected 'maxJobsToActivate' to be greater than zero, but was '${request.maxJobsToActivate}'`);
    const jobs = await activateWithLongPoll(engine, request, optInt(body, 'requestTimeout') ?? 0, req.gone, req.onGone);
    return { status: 200, body: { jobs: jobs.length ? await query((db) => activatedJobs(db, jobs)) : [] } };
  }
  const job = /^\/v2\/jobs\/([^/]+)(\/failure|\/error)?$/.exec(path);
  if (job && ((method === 'POST' && job[2]) || (method === 'PATCH' && !job[2]))) {
    const key = keyOf(job[1], 'job key');
    if (job[2] === '/failure') {
      const retries = optInt(body, 'retries') ?? 0;
      const backOff = optInt(body, 'retryBackOff') ?? 0;
      if (backOff < 0) throw bad(`Expected 'retryBackOff' to be zero or positive, but was '${backOff}'`);
      await engine.failJob(key, retries, optString(body, 'errorMessage') ?? '', backOff, optObject(body, 'variables'));
    } else if (job[2] === '/error') {
      await engine.throwError(
        key,
        reqString(body, 'errorCode'),
        optString(body, 'errorMessage') ?? '',
        optObject(body, 'variables'),
      );
    } else {
      const changeset = optObject(body, 'changeset');
      const retries = optInt(changeset, 'retries');
      const timeout = optInt(changeset, 'timeout');
      if (retries === undefined && timeout === undefined)
        throw bad("Expected a 'changeset' with 'retries' or 'timeout'");
      if (retries !== undefined) await engine.updateJobRetries(key, retries);
      if (timeout !== undefined) await engine.updateJobTimeout(key, timeout);
    }
    return { status: 204 };
  }
  if (method === 'POST' && path === '/v2/process-instances') {
    const byKey = optString(body, 'processDefinitionKey');
    const byId = optString(body, 'processDefinitionId');
    if (!byKey && !byId) throw bad("Expected either a 'processDefinitionId' or a 'processDefinitionKey'");
    if (byKey) keyOf(byKey, 'process definition key');
    const starts = body.startInstructions;
    if (
      starts !== undefined &&
      starts !== null &&
      (!Array.isArray(starts) || starts.some((s) => typeof (s as Json)?.elementId !== 'string'))
    )
      throw bad("Expected 'startInstructions' to be a list of { elementId }");
    const version = optInt(body, 'processDefinitionVersion');
    const create = {
      processDefinitionKey: byKey,
      bpmnProcessId: byKey ? undefined : byId,
      version: version !== undefined && version > 0 ? version : undefined,
      variables: optObject(body, 'variables'),
      tenantId: optString(body, 'tenantId') || DEFAULT_TENANT,
      startInstructions: ((starts as Json[] | undefined) ?? []).map((s) => String(s.elementId)),
    };
    const answer = (c: Awaited<ReturnType<EngineCommands['createProcessInstance']>>, variables: Json) => ({
      processDefinitionId: c.bpmnProcessId,
      processDefinitionVersion: c.version,
      processDefinitionKey: c.processDefinitionKey,
      processInstanceKey: c.processInstanceKey,
      tenantId: c.tenantId,
      variables,
    });
    if (body.awaitCompletion === true) {
      const timeout = optInt(body, 'requestTimeout') ?? 0;
      const { created, finished } = await engine.createProcessInstanceWithResult(
        create,
        Math.min(timeout > 0 ? timeout : DEFAULT_REQUEST_TIMEOUT_MS, MAX_TIMER_MS),
      );
      const fetch = optStrings(body, 'fetchVariables');
      const variables = fetch.length
        ? Object.fromEntries(Object.entries(finished.variables).filter(([n]) => fetch.includes(n)))
        : finished.variables;
      return { status: 200, body: answer(created, variables) };
    }
    return { status: 200, body: answer(await engine.createProcessInstance(create), {}) };
  }
  const cancel = /^\/v2\/process-instances\/([^/]+)\/cancellation$/.exec(path);
  if (cancel && method === 'POST') {
    await engine.cancelProcessInstance(keyOf(cancel[1], 'process instance key'));
    return { status: 204 };
  }
  if (method === 'POST' && path === '/v2/deployments') {
    const { files, fields } = await formParts(req);
    if (!files.length) throw bad("Expected at least one file part named 'resources'");
    const tenantId = fields.get('tenantId') || DEFAULT_TENANT;
    const deployed = await engine.deploy(files, tenantId);
    return {
      status: 200,
      body: {
        deploymentKey: deployed.key,
        tenantId,
        deployments: deployed.deployments.map((d) =>
          d.kind === 'process'
            ? {
                processDefinition: {
                  processDefinitionId: d.id,
                  processDefinitionVersion: d.version,
                  processDefinitionKey: d.key,
                  resourceName: d.resourceName,
                  tenantId: d.tenantId,
                },
              }
            : {
                form: {
                  formId: d.id,
                  version: d.version,
                  formKey: d.key,
                  resourceName: d.resourceName,
                  tenantId: d.tenantId,
                },
              },
        ),
      },
    };
  }
  if (method === 'POST' && (path === '/v2/messages/publication' || path === '/v2/messages/correlation')) {
    const publication = path.endsWith('/publication');
    const tenantId = optString(body, 'tenantId') || DEFAULT_TENANT;
    const message = {
      name: reqString(body, 'name'),
      correlationKey: optString(body, 'correlationKey') ?? '',
      timeToLive: publication ? (optInt(body, 'timeToLive') ?? 0) : 0,
      messageId: publication ? (optString(body, 'messageId') ?? '') : '',
      variables: optObject(body, 'variables'),
      tenantId,
    };
    if (message.timeToLive < 0)
      throw bad(`Expected 'timeToLive' to be zero or positive, but was '${message.timeToLive}'`);
    const correlated: { processInstanceKey?: number } = {};
    const messageKey = await engine.publishMessage(message, publication ? undefined : correlated);
    if (publication) return { status: 200, body: { tenantId, messageKey } };
    if (correlated.processInstanceKey === undefined) {
      throw new HttpError(
        404,
        `Expected to find subscriptions for message with name '${message.name}' and correlation key '${message.correlationKey}', but none were found.`,
        'NOT_FOUND',
      );
    }
    return { status: 200, body: { tenantId, messageKey, processInstanceKey: String(correlated.processInstanceKey) } };
  }
  return undefined;
}
