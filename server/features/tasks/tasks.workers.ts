import type { AppDeps } from '../../deps.js';
import type { RunningWorkers } from '../../workers.js';
import { STEP_HEADERS, TASK_LISTENER_JOB_TYPES } from '../services/index.js';
import type { ListenerEvent } from './tasks.service.js';

/** The process variables the projection reads (front-office.md: set by `cases` when it starts a case). */
const CASE_VARIABLES = ['caseId', 'caseNumber', 'serviceCode', 'serviceTitle', 'applicantName', 'title'];

const list = (raw: string | undefined): string[] => {
  if (!raw) return [];
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
};

/**
 * The task listeners' workers: one SDK job worker per listener type (creating, assigning, updating,
 * completing, canceling), long polling with a short interval between polls, so a task is in the list
 * within tens of milliseconds of its creation. Each job is recorded (idempotently) and then completed
 * over REST (the creating one with the due date correction); a job that fails is retried by the engine,
 * and one left open while Okno is down waits in the engine until the next start.
 */
export function startTasksWorkers({ engine, logger, features }: AppDeps): RunningWorkers {
  const sdk = engine.sdk();
  if (!sdk) return { stop: async () => undefined };
  const log = logger.child({ component: 'tasks-workers' });
  const tasks = features.tasks;
  const zeebe = sdk.getZeebeGrpcApiClient();
  const workers = Object.entries(TASK_LISTENER_JOB_TYPES).map(([event, type]) =>
    zeebe.createWorker({
      taskType: type,
      pollInterval: 20,
      longPoll: 30_000,
      timeout: 30_000,
      maxJobsToActivate: 64,
      fetchVariable: CASE_VARIABLES,
      loglevel: 'NONE',
      taskHandler: async (job) => {
        const h = job.customHeaders as Record<string, string | undefined>;
        const userTaskKey = h['io.camunda.zeebe:userTaskKey'] ?? '';
        try {
          const deadline = Number(h[STEP_HEADERS.deadline]);
          const unit = h[STEP_HEADERS.deadlineUnit] === 'calendarDays' ? 'calendarDays' : 'workingDays';
          const e: ListenerEvent = {
            event: event as ListenerEvent['event'],
            jobKey: job.key,
            userTaskKey,
            processInstanceKey: job.processInstanceKey,
            // In the activated job (gateway proto), though not in the SDK's job type.
            processDefinitionKey: String((job as { processDefinitionKey?: unknown }).processDefinitionKey ?? ''),
            bpmnProcessId: job.bpmnProcessId,
            elementId: job.elementId,
            name: h[STEP_HEADERS.name] ?? null,
            formId: h[STEP_HEADERS.formId] ?? null,
            assignee: h['io.camunda.zeebe:assignee'] ?? null,
            candidateGroups: list(h['io.camunda.zeebe:candidateGroups']),
            candidateUsers: list(h['io.camunda.zeebe:candidateUsers']),
            priority: Number(h['io.camunda.zeebe:priority'] ?? 50) || 0,
            dueDate: h['io.camunda.zeebe:dueDate'] ?? null,
            term: Number.isInteger(deadline) && deadline > 0 ? { value: deadline, unit } : null,
            createdAt: null,
            variables: job.variables as Record<string, unknown>,
          };
          if (e.event === 'creating')
            e.createdAt = (await tasks.engine.creationDate(userTaskKey).catch(() => null)) ?? null;
          const corrections = await tasks.service.record(e);
          await tasks.engine.completeListener(job.key, corrections);
          return job.forward();
        } catch (err) {
          log.warn({ err, userTaskKey, type }, 'task listener job failed; the engine offers it again');
          return job.fail({
            errorMessage: err instanceof Error ? err.message : String(err),
            retries: Math.max(job.retries - 1, 1),
            retryBackOff: 1000,
          });
        }
      },
    }),
  );
  return {
    async stop() {
      await Promise.allSettled(workers.map((w) => w.close()));
    },
  };
}
