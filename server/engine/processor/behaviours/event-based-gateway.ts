import { openWaits, planWait } from '../waits.js';
import { visible } from '../variables.js';
import type { ElementBehaviour, Wait } from '../steps.js';

/** Event-based gateway: waits for the first of its target events. */
export const eventBasedGatewayBehaviour: ElementBehaviour = {
  async activate(p, { state, el, def, activated }) {
    const vars = visible(p, state, el.key);
    const plans: Wait[] = [];
    for (const t of def.eventTargets ?? []) plans.push(await planWait(p, state, el, t, vars));
    activated();
    await openWaits(p, plans);
  },
};
