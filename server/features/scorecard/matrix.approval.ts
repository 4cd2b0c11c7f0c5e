import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Camunda8 } from '@camunda8/sdk';
import { ProcessInstanceKey, UserTaskKey } from '@camunda8/orchestration-cluster-api';
import { AppError, ConflictError } from '../../platform/errors.js';
import type { EngineConnection } from '../../platform/camunda.js';
import type { MatrixAction, MatrixStatus } from './matrix.states.js';

/**
 * The matrix approval as a BPMN process on the engine (workflows/scorecard/matrix-approval.bpmn).
 * The employee's confirmation starts one instance per matrix; each later step completes the Camunda
 * user task that waits for it, with the decision as a variable; a return goes through the gateway
 * back to the employee's task. Okno's database keeps the status, signatures and lock; this class
 * only moves the engine, so the service can call it before it writes anything.
 */

export const APPROVAL_PROCESS_ID = 'okno-scorecard-matrix-approval';
/** Job type of the service task that locks an approved matrix nobody locked in time. */
export const LOCK_MATRIX_JOB_TYPE = 'okno-scorecard-lock-matrix';
export const APPROVAL_BPMN_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../workflows/scorecard/matrix-approval.bpmn',
);

/** The user task that waits while the matrix is in a status (draft: only after a return). */
export const TASK_FOR_STATUS: Readonly<Partial<Record<MatrixStatus, string>>> = {
  draft: 'Task_Correct',
  confirmed: 'Task_Agree',
  agreed: 'Task_Approve',
  approved: 'Task_Lock',
};

/** Who takes part, as process variables (user ids as strings, like Camunda's assignees). */
export interface ApprovalParticipants {
  employeeUserId: string | null;
  managerUserIds: string[];
  headUserIds: string[];
}

export interface AdvanceInput {
  matrixId: number;
  /** The matrix's status in Okno's database before the action. */
  status: MatrixStatus;
  processInstanceKey: string | null;
  action: MatrixAction;
  actorUserId: number;
  comment?: string;
  participants: ApprovalParticipants;
}

export interface AdvanceResult {
  processInstanceKey: string;
  /** True when this call started the instance (the caller cancels it if its own write fails). */
  started: boolean;
}

const ENGINE_TIMEOUT_MS = 10_000;
const deployments = new WeakMap<Camunda8, Promise<void>>();
type RestClient = ReturnType<Camunda8['getOrchestrationClusterApiClient']>;
const restClients = new WeakMap<Camunda8, RestClient>();
const NOW = { consistency: { waitUpToMs: 0 } };

/** Deploys the approval process once per SDK client (an unchanged resource keeps its version); waits up to the engine timeout. */
export function deployApproval(sdk: Camunda8): Promise<void> {
  let p = deployments.get(sdk);
  if (!p) {
    // One deployment in flight per client: the SDK keeps retrying it while the gateway is away; a final failure is tried again on the next call.
    p = sdk
      .getZeebeGrpcApiClient()
      .deployResource({ process: fs.readFileSync(APPROVAL_BPMN_FILE), name: 'matrix-approval.bpmn' })
      .then(() => undefined);
    p.catch(() => deployments.delete(sdk));
    deployments.set(sdk, p);
  }
  return withTimeout(p);
}

/** Moves the approval process of matrices on the engine through the official SDK. */
export class MatrixApproval {
  constructor(
    private readonly engine: EngineConnection,
    private readonly opts: { autoLockAfter: string },
  ) {}

  /** True when an engine is configured (ENGINE is not `none`). */
  get enabled(): boolean {
    return this.engine.sdk() !== undefined;
  }

  /**
   * Performs the action on the engine: starts the instance (first confirmation) or completes the user task
   * that waits for this step with `decision = action`. When the engine's instance does not match the status
   * Okno recorded (a matrix from before this process, an instance cancelled by hand), a fresh instance is
   * started at the step that matches. Throws 503 when the engine is off or does not answer, 409 when the
   * step was already taken; in both cases nothing was changed.
   */
  async advance(input: AdvanceInput): Promise<AdvanceResult> {
    const sdk = this.sdk();
    await deployApproval(sdk).catch((err: unknown) => {
      throw unavailable(err);
    });
    // An employee without a user account leaves the correction task unassigned ('').
    const variables = {
      matrixId: input.matrixId,
      ...input.participants,
      employeeUserId: input.participants.employeeUserId ?? '',
      autoLockAfter: this.opts.autoLockAfter,
    };
    const decision = { decision: input.action, decidedBy: String(input.actorUserId), comment: input.comment ?? '' };
    const zeebe = sdk.getZeebeGrpcApiClient();
    const expected = TASK_FOR_STATUS[input.status];

    if (input.status === 'draft' && input.action === 'confirm' && !input.processInstanceKey) {
      const pi = await withTimeout(
        zeebe.createProcessInstance({ bpmnProcessId: APPROVAL_PROCESS_ID, variables: { ...variables, ...decision } }),
      ).catch((err: unknown) => {
        throw unavailable(err);
      });
      return { processInstanceKey: String(pi.processInstanceKey), started: true };
    }
    if (!expected)
      throw new ConflictError(`A matrix in status "${input.status}" has no approval step`, { status: input.status });

    let key = input.processInstanceKey;
    let started = false;
    let task = key ? await this.waitingTask(sdk, key, expected, 0) : undefined;
    if (!task) {
      // Re-align the engine with Okno's record: the old instance (if any) goes, a new one waits at the right step.
      if (key) await withTimeout(zeebe.cancelProcessInstance(key)).catch(() => undefined);
      const pi = await withTimeout(
        zeebe.createProcessInstance({
          bpmnProcessId: APPROVAL_PROCESS_ID,
          variables,
          startInstructions: [{ elementId: expected }],
        }),
      ).catch((err: unknown) => {
        throw unavailable(err);
      });
      key = String(pi.processInstanceKey);
      started = true;
      task = await this.waitingTask(sdk, key, expected, 3000);
      if (!task)
        throw new AppError(
          503,
          'engine_unavailable',
          'The process engine did not create the approval step in time; nothing was changed',
        );
    }
    try {
      await withTimeout(
        this.rest(sdk).completeUserTask({ userTaskKey: UserTaskKey.assumeExists(task), variables: decision }),
      );
    } catch (err) {
      if (started) await this.cancel(key!);
      const status = (err as { status?: number }).status;
      if (status === 404 || status === 409)
        throw new ConflictError('This approval step has just been taken by someone else; reload the matrix', {
          step: expected,
        });
      throw unavailable(err);
    }
    return { processInstanceKey: key!, started };
  }

  /** Cancels an instance, ignoring an engine that has already ended it. */
  async cancel(processInstanceKey: string): Promise<void> {
    const sdk = this.engine.sdk();
    if (!sdk) return;
    await withTimeout(sdk.getZeebeGrpcApiClient().cancelProcessInstance(processInstanceKey)).catch(() => undefined);
  }

  /** The user tasks of a matrix's instance, as the engine reports them (for tests and support). */
  async tasks(
    processInstanceKey: string,
  ): Promise<
    { userTaskKey: string; elementId: string; state: string; assignee?: string; candidateUsers?: string[] }[]
  > {
    const sdk = this.sdk();
    const r = await this.rest(sdk).searchUserTasks(
      { filter: { processInstanceKey: ProcessInstanceKey.assumeExists(processInstanceKey) } },
      NOW,
    );
    return r.items.map((t) => ({
      userTaskKey: String(t.userTaskKey),
      elementId: String(t.elementId),
      state: String(t.state),
      assignee: t.assignee,
      candidateUsers: t.candidateUsers,
    }));
  }

  private sdk(): Camunda8 {
    const sdk = this.engine.sdk();
    if (!sdk)
      throw new AppError(
        503,
        'engine_unavailable',
        'The process engine is not configured (ENGINE=none): the matrix approval cannot run',
      );
    return sdk;
  }

  private rest(sdk: Camunda8): RestClient {
    let c = restClients.get(sdk);
    if (!c) {
      c = sdk.getOrchestrationClusterApiClient();
      restClients.set(sdk, c);
    }
    return c;
  }

  /** The key of the CREATED user task of the given element, polling up to waitMs for it to appear. */
  private async waitingTask(
    sdk: Camunda8,
    processInstanceKey: string,
    elementId: string,
    waitMs: number,
  ): Promise<string | undefined> {
    const started = performance.now();
    for (;;) {
      let items: { userTaskKey: unknown; elementId?: unknown }[];
      try {
        items = (
          await withTimeout(
            this.rest(sdk).searchUserTasks(
              { filter: { processInstanceKey: ProcessInstanceKey.assumeExists(processInstanceKey), state: 'CREATED' } },
              NOW,
            ),
          )
        ).items;
      } catch (err) {
        throw unavailable(err);
      }
      const found = items.find((t) => t.elementId === elementId);
      if (found) return String(found.userTaskKey);
      if (performance.now() - started >= waitMs) return undefined;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function unavailable(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const detail = err instanceof Error ? err.message.replace(/\s+/g, ' ').trim().slice(0, 300) : 'no answer';
  return new AppError(
    503,
    'engine_unavailable',
    `The process engine did not accept the approval step; nothing was changed (${detail})`,
  );
}

function withTimeout<T>(p: PromiseLike<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.resolve(p),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ENGINE_TIMEOUT_MS / 1000} s`)), ENGINE_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}
