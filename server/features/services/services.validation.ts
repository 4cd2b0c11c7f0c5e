import { SERVICE_CODE_RE } from '../../contract/services.js';
import { createRequire } from 'node:module';
import { z } from 'zod';
import {
  ALWAYS,
  DEADLINE_UNITS,
  DOCUMENT_FORMS,
  DOCUMENT_SUPPLIERS,
  QUESTION_MODES,
  SERVICE_KINDS,
  type Deadline,
  type Question,
} from '../../okno-moddle/index.js';
import { checkCoverage, findCycles, questionIndex, type CoverageReport } from '../../okno-moddle/questionnaire.js';
import { isOknoJobType } from './services.jobs.js';
import { message, type Locale } from './services.messages.js';
import {
  BpmnParseError,
  parseBpmn,
  type ModdleElement,
  type ParsedBpmn,
  type ParseProblem,
  type ServiceModel,
} from './services.moddle.js';

const require = createRequire(import.meta.url);

/** One problem of a service model, ready for the client (where, which field, a stable code and a message): the API contract's. */
export type { Problem } from '../../contract/services.js';
import type { Problem } from '../../contract/services.js';

/** A form-js schema as stored with a service. */
export interface FormDoc {
  id: string;
  type: string;
  components: unknown[];
  [key: string]: unknown;
}

/** What validation needs to know about the rest of Okno. */
export interface ValidationContext {
  staffGroups: ReadonlySet<string>;
  departments: ReadonlySet<string>;
  /** Codes of published services (package members and called elements are checked against them). */
  publishedServices: ReadonlySet<string>;
  locale: Locale;
  /** For a package: situation codes its members' published models use (they count as used). */
  memberUsedSituations?: ReadonlySet<string>;
  /** Combinations to enumerate at most in the completeness check. */
  coverageLimit?: number;
}

export interface ValidationResult {
  valid: boolean;
  problems: Problem[];
  model: ServiceModel | null;
  coverage: CoverageReport | null;
}

/** Codes that make a model unreadable or ambiguous: a draft with any of them is not saved. */
export const STRUCTURAL_CODES: ReadonlySet<string> = new Set([
  'xml_malformed',
  'xml_invalid',
  'xml_unknown_element',
  'process_count',
  'question_id_duplicate',
  'id_duplicate',
  'question_id_missing',
  'question_mode_invalid',
  'next_unknown_question',
  'tree_cycle',
  'feel_syntax',
  'form_invalid',
]);

export { SERVICE_CODE_RE } from '../../contract/services.js';

const componentSchema: z.ZodType<unknown> = z.lazy(() =>
  z.looseObject({
    type: z.string().min(1),
    key: z
      .string()
      .regex(/^[A-Za-z_][\w.]*$/, 'key must be a variable name')
      .optional(),
    id: z.string().optional(),
    components: z.array(componentSchema).optional(),
  }),
);

/** A form-js schema: id, type "default", components (each with a type; keys are variable names). */
export const formSchema = z.looseObject({
  id: z.string().regex(/^[A-Za-z_][\w-]{0,99}$/, 'id must start with a letter and contain letters, digits, - or _'),
  type: z.literal('default'),
  components: z.array(componentSchema),
  schemaVersion: z.number().int().positive().optional(),
});

/** Checks one form-js schema; returns problems keyed by the form id. */
export function validateForm(form: unknown, locale: Locale): Problem[] {
  const id = typeof form === 'object' && form && 'id' in form ? String((form as { id: unknown }).id) : '(form)';
  const r = formSchema.safeParse(form);
  const problems: Problem[] = [];
  const add = (field: string, detail: string) =>
    problems.push({
      elementId: id,
      field,
      code: 'form_invalid',
      severity: 'error',
      message: message('form_invalid', locale, { formId: id, detail }),
    });
  if (!r.success) {
    for (const i of r.error.issues)
      add(i.path.map(String).join('.') || '(root)', `${i.path.join('.') || '(root)'}: ${i.message}`);
    return problems;
  }
  const keys = new Map<string, number>();
  const walk = (components: unknown[]) => {
    for (const c of components as { key?: string; components?: unknown[] }[]) {
      if (c.key) keys.set(c.key, (keys.get(c.key) ?? 0) + 1);
      if (c.components) walk(c.components);
    }
  };
  walk(r.data.components);
  for (const [key, n] of keys) if (n > 1) add('components', `key "${key}" is used ${n} times`);
  return problems;
}

interface LintReport {
  id?: string;
  meta?: unknown;
  message: string;
  path?: (string | number)[];
  category: string;
  data?: { type?: string; property?: string };
}

type RuleCheck = (
  node: ModdleElement,
  reporter: { report(id: string, message: string, path?: unknown): void },
) => boolean | void;

/** A configured bpmnlint rule: its check (one function, or enter/leave) and its category (error, warn, …). */
interface ResolvedRule {
  name: string;
  category: string;
  rule: { check?: RuleCheck | { enter?: RuleCheck; leave?: RuleCheck }; meta?: unknown };
}

interface LinterLike {
  lint(definitions: ModdleElement): Promise<Record<string, LintReport[]>>;
  resolveRules(config: object): Promise<ResolvedRule[]>;
}

const { Linter } = require('bpmnlint') as { Linter: new (opts: { config: object; resolver: object }) => LinterLike };
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver') as new (opts: {
  require: NodeJS.Require;
}) => object;

/** The lint configuration: Camunda 8.8 compatibility plus structural bpmnlint rules. */
export const LINT_CONFIG = {
  extends: ['plugin:camunda-compat/camunda-cloud-8-8'],
  rules: {
    'end-event-required': 'error',
    'no-disconnected': 'error',
    'no-duplicate-sequence-flows': 'error',
    'no-implicit-split': 'error',
    'fake-join': 'warn',
    'superfluous-gateway': 'warn',
    'single-blank-start-event': 'error',
    'sub-process-blank-start-event': 'error',
    'no-bpmndi': 'warn',
    // Okno checks user tasks itself (and its publish step adds their listeners).
    'camunda-compat/zeebe-user-task': 'off',
    // Okno models use neither AI agents nor connector templates; these rules only cost time.
    'camunda-compat/agent-tool-documentation': 'off',
    'camunda-compat/agent-tool-output-key': 'off',
    'camunda-compat/agent-fromai-contract': 'off',
    'camunda-compat/connector-properties': 'off',
    'camunda-compat/secrets': 'off',
  },
};

const resolver = new NodeResolver({ require });
/** A fresh linter: some bpmnlint rules keep state between runs, so each lint gets its own instances. */
function getLinter(): LinterLike {
  return new Linter({ config: LINT_CONFIG, resolver });
}

interface PropertyDescriptor {
  name: string;
  type: string;
  isAttr?: boolean;
  isReference?: boolean;
  isMany?: boolean;
}
interface TypeDescriptor {
  isGeneric?: boolean;
  properties: PropertyDescriptor[];
}

const SIMPLE_TYPES = new Set(['String', 'Boolean', 'Integer', 'Real']);
const containedCache = new WeakMap<TypeDescriptor, PropertyDescriptor[]>();
/** The properties bpmnlint descends into (contained elements), computed once per moddle type. */
function containedProperties(descriptor: TypeDescriptor): PropertyDescriptor[] {
  let props = containedCache.get(descriptor);
  if (!props) {
    props = descriptor.properties.filter((p) => !p.isAttr && !p.isReference && !SIMPLE_TYPES.has(p.type));
    containedCache.set(descriptor, props);
  }
  return props;
}

/**
 * bpmnlint's Linter.lint in one pass: bpmnlint walks the whole model once per rule (about 50 walks with the
 * Camunda rules); this walks it once and calls every rule at each element, with the same semantics per rule
 * (same depth-first order, a rule whose `enter` returns false skips that subtree, a failing rule reports a
 * rule-error). The reports are the same as Linter.lint's (checked by the validation tests).
 */
export async function lintOnePass(
  definitions: ModdleElement,
  linter: LinterLike = getLinter(),
): Promise<Record<string, LintReport[]>> {
  const rules = (await linter.resolveRules(LINT_CONFIG)).map((def) => {
    const check = def.rule.check ?? {};
    const enter = typeof check === 'function' ? check : check.enter;
    const leave = typeof check === 'function' ? undefined : check.leave;
    const messages: LintReport[] = [];
    const reporter = {
      report(id: string, message: string, path?: unknown) {
        const extra = Array.isArray(path) ? { path } : path && typeof path === 'object' ? path : {};
        messages.push({ id, message, ...extra, meta: def.rule.meta, category: def.category });
      },
    };
    return { def, enter, leave, messages, reporter, failed: null as Error | null };
  });
  type Active = (typeof rules)[number];
  const call = (r: Active, fn: RuleCheck | undefined, node: ModdleElement): boolean | void => {
    if (!fn || r.failed) return undefined;
    try {
      return fn(node, r.reporter);
    } catch (err) {
      r.failed = err instanceof Error ? err : new Error(String(err));
      return false;
    }
  };
  const walk = (node: ModdleElement, active: Active[]) => {
    const descend = active.filter((r) => call(r, r.enter, node) !== false);
    const descriptor = (node as unknown as { $descriptor: TypeDescriptor }).$descriptor;
    if (descend.length && !descriptor.isGeneric) {
      for (const p of containedProperties(descriptor)) {
        if (!(p.name in node)) continue;
        const value = node[p.name];
        if (p.isMany) for (const child of value as ModdleElement[]) walk(child, descend);
        else walk(value as ModdleElement, descend);
      }
    }
    for (const r of active) call(r, r.leave, node);
  };
  for (const r of rules) if (!r.enter && !r.leave) r.failed = new Error('no check implemented');
  walk(
    definitions,
    rules.filter((r) => !r.failed),
  );
  const results: Record<string, LintReport[]> = {};
  for (const r of rules) {
    const reports = r.failed ? [{ message: r.failed.message, category: 'rule-error' }] : r.messages;
    if (reports.length) results[r.def.name] = reports;
  }
  return results;
}

/** Runs bpmnlint with the Camunda 8.8 rules; FEEL syntax errors get their own code. */
export async function lint(definitions: ModdleElement, locale: Locale): Promise<Problem[]> {
  const results = await lintOnePass(definitions);
  const problems: Problem[] = [];
  for (const [rule, reports] of Object.entries(results)) {
    for (const r of reports) {
      const field = r.data?.property ?? (r.path?.length ? r.path.map(String).join('.') : '');
      const feel =
        rule.endsWith('/feel') ||
        r.data?.type === 'feelExpressionInvalid' ||
        r.data?.type === 'FEEL_EXPRESSION_INVALID';
      problems.push({
        elementId: r.id ?? '(process)',
        field,
        code: feel ? 'feel_syntax' : `lint.${rule}`,
        severity: r.category === 'error' || r.category === 'rule-error' ? 'error' : 'warning',
        message: feel
          ? message('feel_syntax', locale, { field: field || 'expression' })
          : message(rule.startsWith('camunda-compat/') ? 'lint' : 'lint_bpmn', locale, { rule, detail: r.message }),
      });
    }
  }
  return problems;
}

function validDeadline(d: Deadline | null): boolean {
  return Boolean(
    d && Number.isInteger(d.value) && d.value > 0 && (DEADLINE_UNITS as readonly string[]).includes(d.unit),
  );
}

/** Okno's own rules on a read model: service card, steps, documents, tree, variants, jobs, package members. */
export function checkOknoRules(
  model: ServiceModel,
  forms: FormDoc[],
  ctx: ValidationContext,
): { problems: Problem[]; coverage: CoverageReport | null } {
  const problems: Problem[] = [];
  const add = (
    elementId: string,
    field: string,
    code: string,
    params: Record<string, string | number> = {},
    severity: 'error' | 'warning' = 'error',
  ) => problems.push({ elementId, field, code, severity, message: message(code, ctx.locale, params) });
  const pid = model.processId || '(process)';
  const meta = model.meta;

  // Service card.
  if (!meta) add(pid, 'okno:service', 'service_meta_missing');
  else {
    if (!SERVICE_CODE_RE.test(meta.code)) add(pid, 'okno:service.code', 'service_code_invalid', { code: meta.code });
    else if (model.processId !== meta.code)
      add(pid, 'id', 'process_id_mismatch', { processId: model.processId, code: meta.code });
    if (!meta.title.trim()) add(pid, 'okno:service.title', 'service_title_missing');
    if (!ctx.departments.has(meta.department))
      add(pid, 'okno:service.department', 'department_unknown', { code: meta.department });
    if (!(SERVICE_KINDS as readonly string[]).includes(meta.kind))
      add(pid, 'okno:service.kind', 'service_kind_invalid', { value: meta.kind });
    if (!meta.deadline) add(pid, 'okno:service.deadline', 'deadline_missing');
    else if (!validDeadline(meta.deadline)) add(pid, 'okno:service.deadline', 'deadline_invalid');
    if (!meta.results.length) add(pid, 'okno:service.results', 'result_missing', {}, 'warning');
  }

  // Steps.
  const formIds = new Set(forms.map((f) => f.id));
  const usedForms = new Set<string>();
  const docCodes = new Set(model.documents.map((d) => d.code));
  for (const t of model.userTasks) {
    if (!t.hasZeebeUserTask) add(t.id, 'zeebe:userTask', 'user_task_not_zeebe');
    if (!t.assignee && !t.candidateGroups.length) add(t.id, 'zeebe:assignmentDefinition', 'user_task_owner_missing');
    for (const g of t.candidateGroups)
      if (!g.startsWith('=') && !ctx.staffGroups.has(g))
        add(t.id, 'zeebe:assignmentDefinition.candidateGroups', 'candidate_group_unknown', { group: g });
    if (!t.deadline) add(t.id, 'okno:step.deadline', 'user_task_deadline_missing');
    else if (!validDeadline(t.deadline)) add(t.id, 'okno:step.deadline', 'deadline_invalid');
    if (t.formId) {
      usedForms.add(t.formId);
      if (!formIds.has(t.formId)) add(t.id, 'zeebe:formDefinition.formId', 'form_unknown', { formId: t.formId });
    }
    for (const c of t.checks)
      if (!docCodes.has(c)) add(t.id, 'okno:step.checkDocument', 'check_document_unknown', { code: c });
  }
  for (const f of forms) {
    problems.push(...validateForm(f, ctx.locale));
    if (!usedForms.has(f.id)) add(f.id, 'id', 'form_unused', { formId: f.id }, 'warning');
  }

  // Jobs.
  for (const j of model.jobs) {
    if (!j.type) add(j.elementId, 'zeebe:taskDefinition.type', 'job_type_missing');
    else if (!j.external && !isOknoJobType(j.type) && !j.type.startsWith('='))
      add(j.elementId, 'zeebe:taskDefinition.type', 'job_type_unknown', { type: j.type });
  }

  // Situations.
  const declared = new Set<string>();
  for (const s of model.situations) {
    if (!s.code) add(pid, 'okno:situations', 'situation_code_missing');
    else if (declared.has(s.code)) add(pid, 'okno:situations', 'situation_duplicate', { code: s.code });
    declared.add(s.code);
  }
  const set = new Set<string>();
  const used = new Set<string>();
  const checkCode = (elementId: string, field: string, code: string) => {
    if (!declared.has(code)) add(elementId, field, 'situation_unknown', { code });
  };

  // Questionnaire tree.
  const ids = new Map<string, number>();
  const referenced = new Set<string>();
  const byId = questionIndex(model.questions);
  const walkTree = (q: Question) => {
    ids.set(q.id, (ids.get(q.id) ?? 0) + 1);
    if (!q.id) add(pid, 'okno:questionnaire', 'question_id_missing');
    if (!q.text.trim()) add(q.id || pid, 'text', 'question_text_missing');
    if (!(QUESTION_MODES as readonly string[]).includes(q.mode))
      add(q.id || pid, 'mode', 'question_mode_invalid', { value: q.mode });
    if (!q.options.length) add(q.id || pid, 'options', 'question_no_options');
    for (const o of q.options) {
      ids.set(o.id, (ids.get(o.id) ?? 0) + 1);
      if (!o.id) add(q.id || pid, 'options', 'question_id_missing');
      if (!o.text.trim()) add(o.id || q.id, 'text', 'option_text_missing');
      for (const c of o.situations) {
        checkCode(o.id, 'situations', c);
        set.add(c);
      }
      for (const n of o.next) {
        referenced.add(n);
        const target = byId.get(n);
        if (!target) add(o.id, 'next', 'next_unknown_question', { id: n });
        else if (!target.followUp) add(o.id, 'next', 'next_not_follow_up', { id: n });
      }
      o.questions.forEach(walkTree);
    }
  };
  model.questions.forEach(walkTree);
  for (const [id, n] of ids) if (id && n > 1) add(id, 'id', 'question_id_duplicate', { id });
  for (const q of model.questions)
    if (q.followUp && !referenced.has(q.id)) add(q.id, 'followUp', 'follow_up_unused', { id: q.id }, 'warning');
  const cycles = findCycles(model.questions);
  for (const c of cycles) add(c.optionId, 'next', 'tree_cycle', { path: c.path.join(' → ') });

  // Documents.
  const seenDocs = new Set<string>();
  for (const d of model.documents) {
    const el = d.code || pid;
    if (!d.code) add(pid, 'okno:documents', 'document_code_missing');
    else if (seenDocs.has(d.code)) add(el, 'code', 'document_duplicate', { code: d.code });
    seenDocs.add(d.code);
    if (!d.title.trim()) add(el, 'title', 'document_title_missing', { code: d.code });
    if (!(DOCUMENT_FORMS as readonly string[]).includes(d.form))
      add(el, 'form', 'document_form_invalid', { code: d.code, value: d.form });
    if (!(DOCUMENT_SUPPLIERS as readonly string[]).includes(d.supplier))
      add(el, 'supplier', 'document_supplier_invalid', { code: d.code, value: d.supplier });
    if (d.requiredFor !== ALWAYS) {
      for (const c of d.requiredFor) {
        checkCode(el, 'requiredFor', c);
        used.add(c);
      }
    }
  }

  // Variants.
  const variantCodes = new Set<string>();
  for (const v of model.variants) {
    const el = v.code || pid;
    if (!v.code) add(pid, 'okno:variants', 'variant_code_missing');
    else if (variantCodes.has(v.code)) add(el, 'code', 'variant_duplicate', { code: v.code });
    variantCodes.add(v.code);
    for (const c of [...v.requires, ...v.requiresAny, ...v.excludes]) {
      checkCode(el, 'requires', c);
      used.add(c);
    }
    if (v.deadline && !validDeadline(v.deadline)) add(el, 'deadline', 'deadline_invalid');
  }

  // Gateway conditions: string literals next to `situations` are situation codes, next to `variant` variant codes.
  for (const c of model.conditions) {
    const literals = [...c.expression.matchAll(/"([^"\\]*)"/g)].map((m) => m[1]);
    if (/\bsituations\b/.test(c.expression)) {
      for (const l of literals) {
        used.add(l);
        if (!declared.has(l)) add(c.elementId, c.field, 'condition_unknown_situation', { code: l });
      }
    } else if (/\bvariant\b/.test(c.expression)) {
      for (const l of literals)
        if (!variantCodes.has(l)) add(c.elementId, c.field, 'condition_unknown_variant', { code: l });
    }
  }

  // Package members.
  if (meta?.kind === 'package') {
    if (!model.members.length) add(pid, 'okno:members', 'member_missing');
    for (const c of ctx.memberUsedSituations ?? []) used.add(c);
    const seen = new Set<string>();
    for (const m of model.members) {
      if (seen.has(m.service)) add(pid, 'okno:members', 'member_duplicate', { code: m.service });
      seen.add(m.service);
      if (!ctx.publishedServices.has(m.service)) add(pid, 'okno:members', 'member_unknown', { code: m.service });
      if (m.requiredFor !== ALWAYS) {
        for (const c of m.requiredFor) {
          checkCode(pid, 'okno:members', c);
          used.add(c);
        }
      }
    }
  }
  for (const c of model.calledElements) {
    if (c.processId && !c.processId.startsWith('=') && !ctx.publishedServices.has(c.processId)) {
      add(
        c.elementId,
        'zeebe:calledElement.processId',
        'called_element_unknown',
        { processId: c.processId },
        'warning',
      );
    }
  }

  // Dead codes: declared but never switched on, or switched on but affecting nothing.
  for (const code of declared) {
    if (!code) continue;
    if (!set.has(code)) add(pid, 'okno:situations', 'situation_never_set', { code });
    else if (!used.has(code)) add(pid, 'okno:situations', 'situation_unused', { code });
  }

  // Completeness: every answer combination leads to exactly one variant.
  let coverage: CoverageReport | null = null;
  if (!cycles.length && model.questions.length) {
    coverage = checkCoverage(model, { limit: ctx.coverageLimit });
    const fmt = (answers: Record<string, string | string[]>) =>
      Object.entries(answers)
        .map(([q, a]) => `${q}=${Array.isArray(a) ? `[${a.join(',')}]` : a}`)
        .join('; ');
    if (coverage.tooLarge) add(pid, 'okno:questionnaire', 'coverage_too_large', { limit: coverage.limit }, 'warning');
    for (const g of coverage.gaps)
      add(pid, 'okno:variants', 'coverage_gap', {
        answers: fmt(g.answers),
        situations: g.situations.join(', ') || '—',
      });
    for (const c of coverage.conflicts)
      add(pid, 'okno:variants', 'coverage_conflict', {
        answers: fmt(c.answers),
        situations: c.situations.join(', ') || '—',
        variants: c.variants.join(', '),
      });
  }
  return { problems, coverage };
}

/** Full validation of a service: parse, bpmnlint (Camunda 8.8) and Okno's rules. Problems sorted errors first. */
export async function validateService(
  xml: string,
  forms: FormDoc[],
  ctx: ValidationContext,
  alreadyParsed?: ParsedBpmn,
): Promise<ValidationResult & { parsed: ParsedBpmn | null }> {
  let parsed: ParsedBpmn;
  try {
    parsed = alreadyParsed ?? (await parseBpmn(xml));
  } catch (err) {
    if (err instanceof BpmnParseError) {
      const problems = err.problems.map((p) => toProblem(p, ctx.locale));
      return { valid: false, problems, model: null, coverage: null, parsed: null };
    }
    throw err;
  }
  const [linted, okno] = [await lint(parsed.definitions, ctx.locale), checkOknoRules(parsed.model, forms, ctx)];
  const problems = [...linted, ...okno.problems].sort((a, b) =>
    a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1,
  );
  return {
    valid: !problems.some((p) => p.severity === 'error'),
    problems,
    model: parsed.model,
    coverage: okno.coverage,
    parsed,
  };
}

/** Turns a parse problem into a client problem with a message. */
export function toProblem(p: ParseProblem, locale: Locale): Problem {
  return {
    elementId: p.elementId,
    field: p.field,
    code: p.code,
    severity: 'error',
    message: message(p.code, locale, p.params),
  };
}
