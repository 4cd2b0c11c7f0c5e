import { openWaits, planBoundaries, planWait } from '../waits.js';
import { visible } from '../variables.js';
import type { ElementBehaviour, Wait } from '../steps.js';

/** Process, subprocess and event subprocess: open event subprocess starts (and boundaries), then start inside. */
export const containerBehaviour: ElementBehaviour = {
  async activate(p, { state, el, def, activated }) {
    const pi = state.pi.key;
    const type = el.elementType;
    const ctxVars = visible(p, state, el.key);
    // Resolve every expression before changing anything, so an incident leaves nothing half-done.
    const plans: Wait[] = [];
    for (const startId of def.eventSubprocessStarts) plans.push(await planWait(p, state, el, startId, ctxVars));
    if (type !== 'PROCESS') plans.push(...(await planBoundaries(p, state, el, def)));
    activated();
    await openWaits(p, plans);
    if (el.data.startIds) {
      for (const id of el.data.startIds) p.steps.push({ t: 'activate', pi, elementId: id, scopeKey: el.key });
      delete el.data.startIds;
      return;
    }
    const start = el.data.startId ?? def.noneStart;
    if (start) {
      const vars = type === 'EVENT_SUB_PROCESS' ? el.data.eventVariables : undefined;
      p.steps.push({ t: 'activate', pi, elementId: start, scopeKey: el.key, variables: vars });
    }
    delete el.data.eventVariables;
  },
};
