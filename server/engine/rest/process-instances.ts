import { DEFAULT_TENANT } from '../engine.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, MAX_TIMER_MS } from '../jobs/long-poll.js';
import type { RestRouter } from './router.js';
import { bad, keyOf, optObject, optString } from './user-tasks.js';
import { optInt, optStrings, type EngineCommands, type Json, type QueryRunner } from './request.js';

/** Registers process instance creation (optionally awaiting completion) and cancellation. */
export function registerProcessInstances(router: RestRouter, query: QueryRunner, engine: EngineCommands): void {
  router.add('POST', '/v2/process-instances', async ({ body }) => {
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
  });
  router.add('POST', '/v2/process-instances/:processInstanceKey/cancellation', async ({ params }) => {
    await engine.cancelProcessInstance(keyOf(params.processInstanceKey ?? '', 'process instance key'));
    return { status: 204 };
  });
}
