import type { FieldIssue } from '../../platform/errors.js';

// Checking a completion's variables against the task's form-js schema on the server. form-js's own
// validation (form-js-viewer's Validator) needs a rendered form (DOM, preact), so it is not used here:
// this checks what the form declares — required fields, value types by component type, min/max and
// minLength/maxLength/pattern, and that a select/radio value is one of the form's static values.

interface Component {
  type?: string;
  key?: string;
  label?: string;
  values?: { value: unknown }[];
  validate?: {
    required?: boolean;
    min?: number;
    max?: number;
    minLength?: number;
    maxLength?: number;
    pattern?: string;
  };
  components?: Component[];
}

function* fields(components: unknown): Generator<Component> {
  if (!Array.isArray(components)) return;
  for (const c of components as Component[]) {
    if (c && typeof c === 'object') {
      if (typeof c.key === 'string' && c.key) yield c;
      if (Array.isArray(c.components)) yield* fields(c.components);
    }
  }
}

/** The variable names a form reads and writes. */
export function formKeys(form: Record<string, unknown>): string[] {
  return [...fields(form.components)].map((c) => c.key!);
}

const empty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/** Problems of `variables` against the form (empty when they fit). */
export function checkFormVariables(form: Record<string, unknown>, variables: Record<string, unknown>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const c of fields(form.components)) {
    const key = c.key!;
    const v = variables[key];
    const label = c.label ?? key;
    const rule = c.validate ?? {};
    if (empty(v) || (c.type === 'checkbox' && rule.required && v === false)) {
      if (rule.required) issues.push({ path: key, message: `Fill in “${label}”`, code: 'required' });
      continue;
    }
    const type = c.type ?? 'textfield';
    const wrong = (expected: string) =>
      issues.push({ path: key, message: `“${label}” must be ${expected}`, code: 'invalid_type' });
    if (type === 'number') {
      if (typeof v !== 'number' || !Number.isFinite(v)) wrong('a number');
      else if (rule.min !== undefined && v < rule.min)
        issues.push({ path: key, message: `“${label}” must be at least ${rule.min}`, code: 'too_small' });
      else if (rule.max !== undefined && v > rule.max)
        issues.push({ path: key, message: `“${label}” must be at most ${rule.max}`, code: 'too_big' });
    } else if (type === 'checkbox') {
      if (typeof v !== 'boolean') wrong('yes or no');
    } else if (type === 'checklist' || type === 'taglist') {
      if (!Array.isArray(v)) wrong('a list');
    } else if (
      type === 'textfield' ||
      type === 'textarea' ||
      type === 'datetime' ||
      type === 'radio' ||
      type === 'select'
    ) {
      if (typeof v !== 'string') wrong('text');
      else {
        if (rule.minLength !== undefined && v.length < rule.minLength)
          issues.push({ path: key, message: `“${label}” is too short`, code: 'too_small' });
        if (rule.maxLength !== undefined && v.length > rule.maxLength)
          issues.push({ path: key, message: `“${label}” is too long`, code: 'too_big' });
        if (rule.pattern && !new RegExp(rule.pattern).test(v))
          issues.push({ path: key, message: `“${label}” has the wrong format`, code: 'invalid_format' });
        if ((type === 'radio' || type === 'select') && Array.isArray(c.values) && c.values.length)
          if (!c.values.some((o) => o.value === v))
            issues.push({ path: key, message: `Choose one of the options of “${label}”`, code: 'invalid_value' });
      }
    }
  }
  return issues;
}
