import { openWaits, planBoundaries, planWait, triggeredByGateway } from '../waits.js';
import { visible } from '../variables.js';
import type { ElementBehaviour } from '../steps.js';

/** Intermediate catch events and receive tasks: wait for the timer, message or signal (links and event-based gateway targets pass). */
export const catchEventBehaviour: ElementBehaviour = {
  async activate(p, { state, el, def, activated }) {
    if (def.event?.kind === 'link' || el.data.eventVariables !== undefined || triggeredByGateway(p, state, el)) {
      activated();
      p.steps.push({ t: 'complete', pi: state.pi.key, key: el.key });
      return;
    }
    const vars = visible(p, state, el.key);
    const plans = [await planWait(p, state, el, def.id, vars), ...(await planBoundaries(p, state, el, def))];
    activated();
    await openWaits(p, plans);
  },
};
