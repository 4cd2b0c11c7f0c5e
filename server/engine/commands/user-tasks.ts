import { failedPrecondition, invalidArgument, notFound, onlyNotFound } from '../errors.js';
import type { Processor } from '../processor/processor.js';
import { loadUserTask, type TaskChanges, type UserTaskRow } from '../state/user-tasks.js';
import type { ElementInstance, InstanceState } from '../state/instance.js';
import type { Engine } from '../engine.js';

/** Commands on user tasks: assign, unassign, update, complete (Zeebe: UserTask*Processor). */

/** Runs a user task command on a task in state CREATED (NOT_FOUND for unknown or ended tasks, FAILED_PRECONDITION while another transition runs). */
async function userTaskCommand(
  engine: Engine,
  key: number,
  verb: string,
  fn: (p: Processor, state: InstanceState, el: ElementInstance, task: UserTaskRow) => Promise<void>,
): Promise<void> {
  const missing = () => notFound(`Expected to ${verb} user task with key '${key}', but no such user task was found`);
  await engine.command(async (ctx, p) => {
    const pre = await loadUserTask(ctx.sql, key, false, ctx.userTasks);
    if (!pre || pre.state === 'COMPLETED' || pre.state === 'CANCELED') throw missing();
    await ctx.lockRoot(pre.rootKey);
    const task = await loadUserTask(ctx.sql, key, true, ctx.userTasks);
    if (!task || task.state === 'COMPLETED' || task.state === 'CANCELED') throw missing();
    if (task.state !== 'CREATED')
      throw failedPrecondition(`Expected to ${verb} user task with key '${key}', but it is in state '${task.state}'`);
    const state = await ctx.instance(task.processInstanceKey).catch(onlyNotFound);
    const el = state?.elements.get(task.elementInstanceKey);
    if (!state || !el) throw missing();
    await fn(p, state, el, task);
  });
}

/** Assigns a user task (the assigning listeners run first); allowOverride false rejects an assigned task. */
export async function assignUserTask(
  engine: Engine,
  key: number,
  assignee: string,
  allowOverride: boolean,
  action: string,
): Promise<void> {
  if (!assignee) throw invalidArgument('Expected a non-empty assignee, but none given');
  await userTaskCommand(engine, key, 'assign', async (p, state, el, task) => {
    if (!allowOverride && task.assignee)
      throw failedPrecondition(
        `Expected to assign user task with key '${key}', but it is already assigned to '${task.assignee}'`,
      );
    await p.userTaskTransition(state, el, task, 'assigning', action || 'assign', { assignee });
  });
}

/** Removes a user task's assignee (an assigning transition with action 'unassign'). */
export async function unassignUserTask(engine: Engine, key: number, action: string): Promise<void> {
  await userTaskCommand(engine, key, 'unassign', async (p, state, el, task) => {
    await p.userTaskTransition(state, el, task, 'assigning', action || 'unassign', { assignee: null });
  });
}

/** Updates candidate groups/users, dates and priority (the updating listeners run first). */
export async function updateUserTask(engine: Engine, key: number, changes: TaskChanges, action: string): Promise<void> {
  await userTaskCommand(engine, key, 'update', async (p, state, el, task) => {
    await p.userTaskTransition(state, el, task, 'updating', action || 'update', changes);
  });
}

/** Completes a user task: the completing listeners run, then the element completes with the variables. */
export async function completeUserTask(
  engine: Engine,
  key: number,
  variables: Record<string, unknown>,
  action: string,
): Promise<void> {
  await userTaskCommand(engine, key, 'complete', async (p, state, el, task) => {
    await p.userTaskTransition(state, el, task, 'completing', action || 'complete', {}, variables);
  });
}
