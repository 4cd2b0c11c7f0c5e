import { evaluate, parseExpression } from 'feelin';
import { camundaFunctions } from './camunda-functions.js';

export type FeelResult = { ok: true; value: unknown } | { ok: false; message: string };

/** Warnings that only mean "this name is not defined": Zeebe evaluates those to null. */
const BENIGN_WARNINGS = new Set(['NO_VARIABLE_FOUND', 'NO_CONTEXT_ENTRY_FOUND', 'NO_PROPERTY_FOUND']);

/** True when an attribute value is a FEEL expression (leading `=`). */
export function isExpression(value: string | undefined): value is string {
  return typeof value === 'string' && value.trimStart().startsWith('=');
}

function body(expression: string): string {
  const trimmed = expression.trimStart();
  return trimmed.startsWith('=') ? trimmed.slice(1) : trimmed;
}

/** Checks FEEL syntax; returns a human-readable reason, or undefined when the expression parses. */
export function feelSyntaxError(expression: string): string | undefined {
  const text = body(expression);
  if (!text.trim()) return 'the expression is empty';
  let errorAt: number | undefined;
  try {
    const tree = parseExpression(text, camundaFunctions, undefined);
    tree.iterate({
      enter(node) {
        if (errorAt === undefined && node.type.isError) errorAt = node.from;
      },
    });
  } catch (err) {
    return `failed to parse expression '${text}': ${(err as Error).message}`;
  }
  return errorAt === undefined
    ? undefined
    : `failed to parse expression '${text}': syntax error at position ${errorAt}`;
}

/** Turns a FEEL value into plain JSON data (dates become ISO strings; decimals are rounded like Zeebe's). */
export function toJsonValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    return Number.isInteger(value) ? value : Number(value.toPrecision(15));
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === 'function') return null;
  if (typeof value === 'object') {
    const withJson = value as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === 'function') return toJsonValue(withJson.toJSON());
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJsonValue(v);
    return out;
  }
  return null;
}

/**
 * FEEL's `now()` and `today()` at the engine clock's instant, in UTC (Zeebe evaluates them against its
 * own, controllable clock, not the host's), built with FEEL's own `date and time` / `date`.
 */
function clockFunctions(now: Date): Record<string, unknown> {
  const iso = now.toISOString();
  return {
    now: () => evaluate(`date and time("${iso}")`).value,
    today: () => evaluate(`date("${iso.slice(0, 10)}")`).value,
  };
}

/**
 * Evaluates a FEEL expression (with or without the leading `=`) against variables; never throws.
 * `now` is the engine clock's instant for `now()` and `today()` (the host's time without it).
 */
export function evaluateFeel(expression: string, variables: Record<string, unknown>, now?: Date): FeelResult {
  const text = body(expression);
  try {
    const { value, warnings } = evaluate(text, {
      ...variables,
      ...camundaFunctions,
      ...(now ? clockFunctions(now) : {}),
    });
    if (value === null || value === undefined) {
      const failure = warnings.find((w) => !BENIGN_WARNINGS.has(w.type));
      if (failure) return { ok: false, message: `failed to evaluate expression '${text}': ${failure.message}` };
    }
    return { ok: true, value: toJsonValue(value) };
  } catch (err) {
    return { ok: false, message: `failed to evaluate expression '${text}': ${(err as Error).message}` };
  }
}

/** Evaluates an attribute that may be static or `=expression`; static values are returned unchanged. */
export function evaluateStaticOrFeel(value: string, variables: Record<string, unknown>, now?: Date): FeelResult {
  return isExpression(value) ? evaluateFeel(value, variables, now) : { ok: true, value };
}

/**
 * A sequence-flow condition on the variables known so far: true or false, or undefined when it reads
 * a variable that is not given (or cannot be evaluated), with Camunda's built-ins as the engine has them.
 */
export function conditionHolds(expression: string, variables: Record<string, unknown>): boolean | undefined {
  try {
    const { value, warnings } = evaluate(body(expression), { ...variables, ...camundaFunctions });
    if (warnings.some((w) => w.type === 'NO_VARIABLE_FOUND')) return undefined;
    return value === true;
  } catch {
    return undefined;
  }
}
