import { conditionHolds } from '../../platform/feel/feel.js';
import type { ModdleElement } from './services.moddle.js';

export interface TracedRoute {
  /** Ids of flow nodes and sequence flows the case can pass through. */
  elements: string[];
  /** Ids of conditional flows whose condition needs variables the answers do not give (e.g. the decision). */
  undetermined: string[];
}

const GATEWAYS = new Set(['bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway']);

/** The part of the process a case with these variables (situations, variant) can take: for "Try it" highlighting. */
export function traceRoute(process: ModdleElement, variables: Record<string, unknown>): TracedRoute {
  const elements = (process.flowElements as ModdleElement[] | undefined) ?? [];
  const byId = new Map(elements.map((e) => [String(e.id), e]));
  const outgoing = new Map<string, ModdleElement[]>();
  const boundaries = new Map<string, ModdleElement[]>();
  for (const e of elements) {
    if (e.$type === 'bpmn:SequenceFlow') {
      const from = String((e.sourceRef as ModdleElement | undefined)?.id);
      outgoing.set(from, [...(outgoing.get(from) ?? []), e]);
    }
    if (e.$type === 'bpmn:BoundaryEvent') {
      const host = String((e.attachedToRef as ModdleElement | undefined)?.id);
      boundaries.set(host, [...(boundaries.get(host) ?? []), e]);
    }
  }
  const seen = new Set<string>();
  const undetermined = new Set<string>();
  const queue = elements.filter((e) => e.$type === 'bpmn:StartEvent').map((e) => String(e.id));
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = byId.get(id);
    if (!node) continue;
    for (const b of boundaries.get(id) ?? []) queue.push(String(b.id));
    const flows = outgoing.get(id) ?? [];
    let taken = flows;
    if (GATEWAYS.has(node.$type) && flows.length > 1) {
      const defaultId = (node.default as ModdleElement | undefined)?.id;
      const results = flows.map((f) => {
        const cond = f.conditionExpression as ModdleElement | undefined;
        if (f.id === defaultId || !cond || typeof cond.body !== 'string')
          return { f, holds: f.id === defaultId ? null : true };
        const holds = conditionHolds(cond.body, variables);
        if (holds === undefined) undetermined.add(String(f.id));
        return { f, holds };
      });
      // The default flow is possible unless another flow certainly holds.
      const certain = results.some((r) => r.holds === true);
      taken = results
        .filter((r) => (r.holds === null ? !certain : r.holds !== false))
        // An exclusive gateway takes the first flow that holds: nothing after a certain one.
        .filter((r, i, all) => node.$type !== 'bpmn:ExclusiveGateway' || !all.slice(0, i).some((x) => x.holds === true))
        .map((r) => r.f);
    }
    for (const f of taken) {
      seen.add(String(f.id));
      queue.push(String((f.targetRef as ModdleElement | undefined)?.id));
    }
  }
  return { elements: elements.map((e) => String(e.id)).filter((id) => seen.has(id)), undetermined: [...undetermined] };
}
