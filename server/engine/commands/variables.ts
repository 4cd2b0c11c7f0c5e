import { notFound } from '../errors.js';
import type { Engine } from '../engine.js';

/** Command: set variables on a scope (Zeebe: VariableDocumentUpdateProcessor). */

/** Sets variables on a scope (local) or propagates them from it. */
export async function setVariables(
  engine: Engine,
  elementInstanceKey: number,
  variables: Record<string, unknown>,
  local: boolean,
): Promise<string> {
  return engine.command(async (ctx) => {
    const el = (await ctx
      .trx('engineElementInstances')
      .where({ key: elementInstanceKey })
      .first('processInstanceKey')) as { processInstanceKey: number } | undefined;
    if (!el)
      throw notFound(
        `Expected to update variables for element with key '${elementInstanceKey}', but no such element was found`,
      );
    const pi = (await ctx.trx('engineProcessInstances').where({ key: el.processInstanceKey }).first('rootKey')) as {
      rootKey: number;
    };
    await ctx.lockRoot(pi.rootKey);
    const state = await ctx.instance(el.processInstanceKey);
    if (!state.elements.has(elementInstanceKey))
      throw notFound(
        `Expected to update variables for element with key '${elementInstanceKey}', but no such element was found`,
      );
    for (const [name, value] of Object.entries(variables)) {
      let target = local ? elementInstanceKey : state.pi.key;
      if (!local) {
        for (let k: number | null = elementInstanceKey; k !== null; k = state.elements.get(k)?.parentKey ?? null) {
          if (state.variables.get(k)?.has(name)) {
            target = k;
            break;
          }
        }
      }
      const existed = state.setVariable(target, name, value);
      ctx.event({
        key: target,
        valueType: 'VARIABLE',
        intent: existed ? 'UPDATED' : 'CREATED',
        processInstanceKey: state.pi.key,
        payload: { name, scopeKey: target },
      });
    }
    return String(await ctx.key());
  });
}
