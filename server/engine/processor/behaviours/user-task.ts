import { planUserTask, userTaskTransition } from '../user-tasks.js';
import { openWaits, planBoundaries } from '../waits.js';
import type { ElementBehaviour } from '../steps.js';

/** User tasks: the task is planned (its expressions resolved), then its creating transition runs. */
export const userTaskBehaviour: ElementBehaviour = {
  async activate(p, { state, el, def, activated }) {
    const task = await planUserTask(p, state, el, def);
    const boundaries = await planBoundaries(p, state, el, def);
    activated();
    await openWaits(p, boundaries);
    // The row is written with the command's batch (saveUserTask), as it is after its first transition step.
    el.data.userTaskKey = task.key;
    state.touch(el);
    p.ctx.event({
      key: task.key,
      valueType: 'USER_TASK',
      intent: 'CREATING',
      processInstanceKey: state.pi.key,
      elementId: def.id,
      payload: { elementInstanceKey: el.key },
    });
    await userTaskTransition(p, state, el, task, 'creating', '', {});
  },
};
