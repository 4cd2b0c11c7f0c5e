import type { Definition } from '../context.js';
import { IncidentSignal, check } from '../incidents.js';
import { openWaits, planBoundaries } from '../waits.js';
import { visible } from '../variables.js';
import type { ElementBehaviour } from '../steps.js';

/** Call activity: resolves the called process (binding latest, version tag or deployment) and starts it as a child. */
export const callActivityBehaviour: ElementBehaviour = {
  async activate(p, { state, el, def, activated }) {
    const vars = visible(p, state, el.key);
    const processId = check(p.feelOrStatic(def.call!.processId, vars), 'CALLED_ELEMENT_ERROR');
    if (typeof processId !== 'string')
      throw new IncidentSignal('CALLED_ELEMENT_ERROR', `Expected the called process id of '${def.id}' to be a string`);
    const call = def.call!;
    const services = p.ctx.services;
    let called: Definition | undefined;
    if (call.bindingType === 'latest') called = await services.latestDefinition(p.ctx, processId, state.pi.tenantId);
    else if (call.bindingType === 'versionTag')
      called = await services.boundDefinition(p.ctx, processId, state.pi.tenantId, {
        versionTag: call.versionTag,
      });
    else {
      const caller = await services.definition(p.ctx, state.pi.processDefinitionKey);
      called = await services.boundDefinition(p.ctx, processId, state.pi.tenantId, {
        deploymentKey: caller.row.deploymentKey,
      });
    }
    const binding =
      call.bindingType === 'latest'
        ? ''
        : call.bindingType === 'versionTag'
          ? ` with version tag '${call.versionTag}'`
          : ' in the same deployment as the calling process';
    if (!called)
      throw new IncidentSignal(
        'CALLED_ELEMENT_ERROR',
        `Expected process with BPMN process id '${processId}'${binding} to be deployed, but not found.`,
      );
    if (!called.model.elements.get(called.model.bpmnProcessId)?.noneStart)
      throw new IncidentSignal('CALLED_ELEMENT_ERROR', `Expected process '${processId}' to have a none start event`);
    const boundaries = await planBoundaries(p, state, el, def);
    activated();
    await openWaits(p, boundaries);
    const childVars = def.call!.propagateAllParentVariables
      ? vars
      : Object.fromEntries(state.variables.get(el.key) ?? []);
    const child = await p.createInstance(called, childVars, { parent: { pi: state, element: el } });
    el.data.childPi = child.pi.key;
    state.touch(el);
  },
};
