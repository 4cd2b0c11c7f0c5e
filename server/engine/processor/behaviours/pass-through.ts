import type { ElementBehaviour } from '../steps.js';

/** Start events, manual and undefined tasks, boundary events, parallel gateways: activated, then completed at once. */
export const passThroughBehaviour: ElementBehaviour = {
  async activate(p, { state, el, activated }) {
    activated();
    p.steps.push({ t: 'complete', pi: state.pi.key, key: el.key });
  },
};
