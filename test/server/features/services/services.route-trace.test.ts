import { describe, expect, it } from 'vitest';
import { buildBpmn, type FlowSpec, type NodeSpec } from '../../../../server/features/services/bpmn.builder.js';
import { parseBpmn } from '../../../../server/features/services/services.moddle.js';
import { traceRoute } from '../../../../server/features/services/services.route-trace.js';

/** start → gateway (kind) with three branches → join → end; branch conditions as given, the last one default. */
async function process(kind: 'exclusiveGateway' | 'parallelGateway', conditions: (string | undefined)[]) {
  const nodes: NodeSpec[] = [
    { id: 'StartEvent_1', kind: 'startEvent' },
    { id: 'Gateway_Split', kind },
    ...conditions.map((_, i): NodeSpec => ({ id: `Task_${i}`, kind: 'serviceTask' })),
    { id: 'Gateway_Join', kind },
    { id: 'EndEvent_1', kind: 'endEvent' },
  ];
  const flows: FlowSpec[] = [
    { from: 'StartEvent_1', to: 'Gateway_Split' },
    ...conditions.map((c, i): FlowSpec => ({
      from: 'Gateway_Split',
      to: `Task_${i}`,
      condition: c,
      isDefault: kind === 'exclusiveGateway' && c === undefined,
    })),
    ...conditions.map((_, i): FlowSpec => ({ from: `Task_${i}`, to: 'Gateway_Join' })),
    { from: 'Gateway_Join', to: 'EndEvent_1' },
  ];
  return (await parseBpmn(buildBpmn({ id: 'p', name: 'p', extensions: '', nodes, flows }))).process;
}
const tasks = (r: { elements: string[] }) => r.elements.filter((e) => e.startsWith('Task_'));

describe('route tracing for "Try it"', () => {
  it('given a condition on the variant that holds, then only its branch is on the route', async () => {
    const p = await process('exclusiveGateway', [
      '=variant = "large"',
      '=list contains(situations, "EPredstav")',
      undefined,
    ]);
    expect(tasks(traceRoute(p, { variant: 'large', situations: ['EPredstav'] }))).toEqual(['Task_0']);
    expect(tasks(traceRoute(p, { variant: 'standard', situations: ['EPredstav'] }))).toEqual(['Task_1']);
    expect(tasks(traceRoute(p, { variant: 'standard', situations: [] }))).toEqual(['Task_2']);
  });

  it('given a condition on a variable the answers do not give, then its branch and the later ones stay possible and it is reported', async () => {
    const p = await process('exclusiveGateway', ['=decision = "approve"', '=variant = "large"', undefined]);
    const r = traceRoute(p, { variant: 'standard', situations: [] });
    expect(tasks(r)).toEqual(['Task_0', 'Task_2']);
    expect(r.undetermined).toEqual([expect.stringMatching(/^Flow_Split_0/)]);
    expect(r.elements).toContain('EndEvent_1');
  });

  it("given conditions with Camunda's FEEL built-ins, then they are evaluated as the engine evaluates them", async () => {
    // bare feelin knows neither `get or else` nor `is defined`: the constructor and the engine must agree
    const p = await process('exclusiveGateway', [
      '=get or else(area, 0) > 15',
      '=is defined(representative)',
      undefined,
    ]);
    expect(tasks(traceRoute(p, { area: 20 }))).toEqual(['Task_0']);
    expect(tasks(traceRoute(p, { area: null, representative: 'Иванов' }))).toEqual(['Task_1']);
  });

  it('given a parallel gateway, then every branch is on the route', async () => {
    const p = await process('parallelGateway', [undefined, undefined]);
    expect(tasks(traceRoute(p, {}))).toEqual(['Task_0', 'Task_1']);
  });
});
