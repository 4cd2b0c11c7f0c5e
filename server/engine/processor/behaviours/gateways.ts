import { IncidentSignal, check } from '../incidents.js';
import { visible } from '../variables.js';
import type { ElementBehaviour } from '../steps.js';

/** Exclusive (first true flow) and inclusive (all true flows) gateways: the flows are chosen at activation. */
export const conditionalGatewayBehaviour: ElementBehaviour = {
  async activate(p, { state, el, def, activated }) {
    const vars = visible(p, state, el.key);
    const chosen: string[] = [];
    for (const fid of def.outgoing) {
      const flow = state.model.flows.get(fid)!;
      if (fid === def.defaultFlow || !flow.condition) continue;
      const r = check(p.feel(flow.condition, vars), 'CONDITION_ERROR');
      if (r !== true && r !== false && r !== null)
        throw new IncidentSignal(
          'CONDITION_ERROR',
          `Expected the condition of '${fid}' to be a boolean, but was '${JSON.stringify(r)}'`,
        );
      if (r === true) {
        chosen.push(fid);
        if (el.elementType === 'EXCLUSIVE_GATEWAY') break;
      }
    }
    if (!chosen.length) {
      const unconditional = def.outgoing.filter((f) => f !== def.defaultFlow && !state.model.flows.get(f)!.condition);
      if (def.defaultFlow) chosen.push(def.defaultFlow);
      else if (unconditional.length) chosen.push(unconditional[0]);
      else if (def.outgoing.length)
        throw new IncidentSignal(
          'CONDITION_ERROR',
          `Expected at least one condition to evaluate to true, or to have a default flow (gateway '${def.id}')`,
        );
    }
    el.data.flows = chosen;
    activated();
    p.steps.push({ t: 'complete', pi: state.pi.key, key: el.key });
  },
};
