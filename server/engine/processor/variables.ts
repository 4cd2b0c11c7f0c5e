import { InstanceState } from '../state/instance.js';
import type { Processor } from './processor.js';

/** Shared behaviour: variables (the scopes visible from an element, local writes, Zeebe's propagation). */
export function visible(p: Processor, state: InstanceState, key: number | null): Record<string, unknown> {
  const chain: number[] = [];
  for (let k = key; k !== null;) {
    chain.push(k);
    k = state.elements.get(k)?.parentKey ?? null;
  }
  const out: Record<string, unknown> = {};
  for (let i = chain.length - 1; i >= 0; i--) {
    const vars = state.variables.get(chain[i]);
    if (vars) for (const [n, v] of vars) out[n] = v;
  }
  return out;
}

export function setVar(p: Processor, state: InstanceState, scopeKey: number, name: string, value: unknown): void {
  const existed = state.setVariable(scopeKey, name, value);
  p.ctx.event({
    key: scopeKey,
    valueType: 'VARIABLE',
    intent: existed ? 'UPDATED' : 'CREATED',
    processInstanceKey: state.pi.key,
    payload: { name, scopeKey },
  });
}

/** Zeebe's propagation: update the first scope up the tree that has the name, else create it at the root. */
export function propagate(
  p: Processor,
  state: InstanceState,
  startKey: number,
  variables: Record<string, unknown>,
): void {
  for (const [name, value] of Object.entries(variables)) {
    let target = state.pi.key;
    for (let k: number | null = startKey; k !== null; k = state.elements.get(k)?.parentKey ?? null) {
      if (state.variables.get(k)?.has(name)) {
        target = k;
        break;
      }
    }
    setVar(p, state, target, name, value);
  }
}
