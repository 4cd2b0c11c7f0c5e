import type { Knex } from 'knex';
import { type ActivatedJob, type ActivateRequest } from '../engine.js';
import { longPollJobs } from '../jobs/long-poll.js';
import type { RestRouter } from './router.js';
import { bad, keyOf, optObject, optString } from './user-tasks.js';
import { optInt, optStrings, reqString, type EngineCommands, type Json, type QueryRunner } from './request.js';

// Jobs: activation with long polling (jobs/long-poll.ts, as the gRPC gateway), failure, error, update.

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

/** Registers the job endpoints (completion is in user-tasks.ts: it carries a task listener's result). */
export function registerJobs(router: RestRouter, query: QueryRunner, engine: EngineCommands): void {
  router.add('POST', '/v2/jobs/activation', async (req) => {
    const { body } = req;
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
    // The same long poll as the gRPC gateway's (job push included): jobs/long-poll.ts.
    const jobs = await longPollJobs(engine, request, optInt(body, 'requestTimeout') ?? 0, req.onGone);
    // A client that left meanwhile: its jobs go back to activatable.
    if (req.gone()) {
      engine.returnJobs(jobs);
      return { status: 200, body: { jobs: [] } };
    }
    return { status: 200, body: { jobs: jobs.length ? await query((db) => activatedJobs(db, jobs)) : [] } };
  });
  router.add('POST', '/v2/jobs/:jobKey/failure', async ({ params, body }) => {
    const key = keyOf(params.jobKey ?? '', 'job key');
    const retries = optInt(body, 'retries') ?? 0;
    const backOff = optInt(body, 'retryBackOff') ?? 0;
    if (backOff < 0) throw bad(`Expected 'retryBackOff' to be zero or positive, but was '${backOff}'`);
    await engine.failJob(key, retries, optString(body, 'errorMessage') ?? '', backOff, optObject(body, 'variables'));
    return { status: 204 };
  });
  router.add('POST', '/v2/jobs/:jobKey/error', async ({ params, body }) => {
    const key = keyOf(params.jobKey ?? '', 'job key');
    await engine.throwError(
      key,
      reqString(body, 'errorCode'),
      optString(body, 'errorMessage') ?? '',
      optObject(body, 'variables'),
    );
    return { status: 204 };
  });
  router.add('PATCH', '/v2/jobs/:jobKey', async ({ params, body }) => {
    const key = keyOf(params.jobKey ?? '', 'job key');
    const changeset = optObject(body, 'changeset');
    const retries = optInt(changeset, 'retries');
    const timeout = optInt(changeset, 'timeout');
    if (retries === undefined && timeout === undefined) throw bad("Expected a 'changeset' with 'retries' or 'timeout'");
    if (retries !== undefined) await engine.updateJobRetries(key, retries);
    if (timeout !== undefined) await engine.updateJobTimeout(key, timeout);
    return { status: 204 };
  });
}
