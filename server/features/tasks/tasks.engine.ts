import type { EngineConnection } from '../../platform/camunda.js';
import { AppError, ConflictError } from '../../platform/errors.js';

// The engine calls of the task list, through the SDK's Orchestration Cluster REST client (the same calls
// work against a Camunda 8.8 cluster). Every failure becomes an AppError the client can read:
// 409 when the engine refuses (the task moved on or is being changed), 503 when it does not answer.

/** A task's due date correction, answered to the creating listener. */
export interface TaskCorrections {
  dueDate?: string;
  candidateGroups?: string[];
}

interface RestProblem {
  status?: number;
  title?: string;
  detail?: string;
  message?: string;
}

/** 503: the engine is off or did not answer. */
export class EngineUnavailableError extends AppError {
  constructor(detail: string) {
    super(503, 'engine_unavailable', `The process engine did not answer; nothing was changed (${detail})`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The engine's answer as an AppError. */
function translate(err: unknown, what: string): AppError {
  const p = (err ?? {}) as RestProblem;
  const detail = p.detail ?? p.message ?? String(err);
  if (p.status === 404) return new ConflictError(`The engine no longer has this task (${what}): ${detail}`);
  if (p.status === 409 || p.status === 400)
    return new ConflictError(`The engine refused to ${what} the task: ${detail}`, { engine: p.title ?? null });
  return new EngineUnavailableError(detail);
}

/** A task in a transition (its listeners still running) is refused for a moment: retried briefly. */
const busy = (err: unknown) => {
  const p = (err ?? {}) as RestProblem;
  return /in state '(ASSIGNING|UPDATING|CREATING)'/.test(p.detail ?? p.message ?? '');
};

/** The user task commands of the task list. */
export class TaskEngine {
  constructor(private readonly engine: EngineConnection) {}

  private client() {
    const sdk = this.engine.sdk();
    if (!sdk) throw new EngineUnavailableError('the engine is disabled');
    return sdk.getOrchestrationClusterApiClientLoose();
  }

  /** Runs an engine call; a task busy with another transition is tried again for up to ~3 s. */
  private async call(what: string, fn: () => Promise<unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await fn();
        return;
      } catch (err) {
        if (attempt < 150 && busy(err)) {
          await sleep(20);
          continue;
        }
        throw translate(err, what);
      }
    }
  }

  assign(userTaskKey: string, assignee: string, action: 'claim' | 'assign'): Promise<void> {
    return this.call(action, () =>
      this.client().assignUserTask({ userTaskKey, assignee, allowOverride: action === 'assign', action }),
    );
  }

  unassign(userTaskKey: string): Promise<void> {
    return this.call('unassign', () => this.client().unassignUserTask({ userTaskKey }));
  }

  complete(userTaskKey: string, variables: Record<string, unknown>): Promise<void> {
    return this.call('complete', () => this.client().completeUserTask({ userTaskKey, variables, action: 'complete' }));
  }

  setDueDate(userTaskKey: string, dueDate: string): Promise<void> {
    return this.call('update', () =>
      this.client().updateUserTask({ userTaskKey, changeset: { dueDate }, action: 'moveDueDate' }),
    );
  }

  /** Completes a task listener's job, with corrections for a creating listener. */
  async completeListener(jobKey: string, corrections: TaskCorrections = {}): Promise<void> {
    await this.client().completeJob({ jobKey, result: { type: 'userTask', corrections } });
  }

  /** The task's creation instant in the engine. */
  async creationDate(userTaskKey: string): Promise<Date | undefined> {
    const t = (await this.client().getUserTask({ userTaskKey }, { consistency: { waitUpToMs: 0 } })) as {
      creationDate?: string;
    };
    return t.creationDate ? new Date(t.creationDate) : undefined;
  }

  /** The variables of a process instance (its root scope and below), by name. */
  async variables(processInstanceKey: string): Promise<Record<string, unknown>> {
    try {
      const r = (await this.client().searchVariables(
        { filter: { processInstanceKey }, page: { limit: 1000 } } as never,
        { consistency: { waitUpToMs: 0 } } as never,
      )) as { items: { name: string; value: string; scopeKey: string }[] };
      const out: Record<string, unknown> = {};
      for (const v of r.items) {
        if (v.scopeKey !== processInstanceKey && v.name in out) continue;
        try {
          out[v.name] = JSON.parse(v.value);
        } catch {
          out[v.name] = v.value;
        }
      }
      return out;
    } catch (err) {
      throw translate(err, 'read the variables of');
    }
  }
}
