import { check } from '../incidents.js';
import { activateJobWorker } from '../jobs.js';
import { visible } from '../variables.js';
import type { ElementBehaviour } from '../steps.js';

/** Service, send and business rule tasks (a job for a worker) and script tasks (a job, or a FEEL script). */
export const taskBehaviour: ElementBehaviour = {
  async activate(p, a) {
    const { state, el, def, activated } = a;
    if (def.job) return activateJobWorker(p, a, def.job);
    if (def.script) {
      const value = check(p.feel(def.script.expression, visible(p, state, el.key)));
      activated();
      p.steps.push({ t: 'complete', pi: state.pi.key, key: el.key, variables: { [def.script.resultVariable]: value } });
      return;
    }
    activated();
    p.steps.push({ t: 'complete', pi: state.pi.key, key: el.key });
  },
};
