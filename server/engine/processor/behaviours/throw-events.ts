import { IncidentSignal, check } from '../incidents.js';
import { findCatch, catchEvent } from '../events.js';
import { activateJobWorker } from '../jobs.js';
import { afterTerminated, terminate } from '../termination.js';
import { visible } from '../variables.js';
import type { ElementBehaviour } from '../steps.js';

/** Intermediate throw and end events: job (message throw), error, escalation, signal, terminate, none. */
export const throwEventBehaviour: ElementBehaviour = {
  async activate(p, a) {
    const { state, el, def, activated } = a;
    const pi = state.pi.key;
    if (def.job) return activateJobWorker(p, a, def.job);
    if (def.event?.kind === 'error' && def.event.code) {
      const code = String(check(p.feelOrStatic(def.event.code, visible(p, state, el.key))));
      // A caught error terminates the scope that holds this end event.
      if (!(await p.throwError(state, el, code, {}))) {
        throw new IncidentSignal(
          'UNHANDLED_ERROR_EVENT',
          `Expected to throw an error event with the code '${code}', but it was not caught. No error events are available in the scope.`,
        );
      }
      return;
    }
    if (def.event?.kind === 'escalation' && def.event.code) {
      const code = String(check(p.feelOrStatic(def.event.code, visible(p, state, el.key))));
      activated();
      const caught = await findCatch(p, state, el, 'escalation', code);
      if (caught) await catchEvent(p, caught.state, caught.owner, caught.target, {});
      if (state.elements.has(el.key)) p.steps.push({ t: 'complete', pi, key: el.key });
      return;
    }
    if (def.event?.kind === 'signal' && def.event.signalName) {
      const name = String(check(p.feelOrStatic(def.event.signalName, visible(p, state, el.key))));
      activated();
      p.ctx.thrownSignals.push({ name, variables: {} });
      p.steps.push({ t: 'complete', pi, key: el.key });
      return;
    }
    if (def.event?.kind === 'terminate') {
      activated();
      const scope = state.elements.get(el.parentKey!)!;
      const waiting: number[] = [];
      for (const sibling of state.children(scope.key))
        if (sibling.key !== el.key && !(await terminate(p, state, sibling))) waiting.push(sibling.key);
      // Siblings waiting for canceling listeners: the scope is checked again once they are gone.
      afterTerminated(p, state, scope, waiting, { t: 'scope', pi, key: scope.key });
      p.steps.push({ t: 'complete', pi, key: el.key });
      return;
    }
    activated();
    p.steps.push({ t: 'complete', pi, key: el.key });
  },
};
