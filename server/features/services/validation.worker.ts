import type { MessagePort } from 'node:worker_threads';
import type { Answers } from '../../okno-moddle/index.js';
import { evaluate } from '../../okno-moddle/questionnaire.js';
import type { CoverageReport } from '../../okno-moddle/questionnaire.js';
import { BpmnParseError, parseBpmn, toXml, type ParsedBpmn, type ServiceModel } from './services.moddle.js';
import { traceRoute, type TracedRoute } from './services.route-trace.js';
import { renameService, withTaskListeners } from './services.transforms.js';
import {
  toProblem,
  validateService,
  type FormDoc,
  type Problem,
  type ValidationContext,
} from './services.validation.js';

// The CPU-heavy work on a service model — parsing, bpmnlint, Okno's rules, the coverage check, the
// deployable XML, the "try it" route — run in a worker thread of validation.pool.ts, so one large or
// pathological model never blocks the event loop that serves everyone else. Inputs and answers are
// plain data (structured clone); moddle objects never leave the worker.

/** A task as the pool sends it: the work plus a port on which the worker says when it starts. */
export type PooledTask = WorkerTask & { started?: MessagePort };

export type WorkerTask =
  | {
      kind: 'validate';
      xml: string;
      forms: FormDoc[];
      ctx: ValidationContext;
      maxElements: number;
      /** Also produce the XML to deploy (with Okno's task listeners) when the model is valid. */
      deployXml: boolean;
      /** The context already carries the package members' situations (second call for a package). */
      packageContext: boolean;
    }
  | { kind: 'model'; xml: string; maxElements: number }
  | { kind: 'try'; xml: string; maxElements: number; answers: Answers }
  | { kind: 'rename'; xml: string; maxElements: number; code: string; title: string };

export type WorkerAnswer =
  | { kind: 'tooManyElements'; elements: number }
  | {
      kind: 'validated';
      valid: boolean;
      problems: Problem[];
      model: ServiceModel | null;
      coverage: CoverageReport | null;
      deployedXml: string | null;
    }
  /** A package: validation needs its members' published cards, which the main thread reads from the database. */
  | { kind: 'needsPackageContext'; model: ServiceModel }
  | { kind: 'model'; model: ServiceModel | null; problems: Problem[] }
  | { kind: 'try'; model: ServiceModel; route: TracedRoute }
  | { kind: 'renamed'; xml: string };

/** Parses, or answers why not: too many flow elements (checked before any rule runs) or parse problems. */
async function parse(
  xml: string,
  maxElements: number,
  locale: ValidationContext['locale'] = 'ru',
): Promise<ParsedBpmn | { kind: 'tooManyElements'; elements: number } | { problems: Problem[] }> {
  try {
    const parsed = await parseBpmn(xml);
    if (parsed.model.elementCount > maxElements)
      return { kind: 'tooManyElements', elements: parsed.model.elementCount };
    return parsed;
  } catch (err) {
    if (err instanceof BpmnParseError) return { problems: err.problems.map((p) => toProblem(p, locale)) };
    throw err;
  }
}

/** Plain data only: drops anything structured clone cannot carry (the model holds nothing else, but be sure). */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export default async function run(pooled: PooledTask): Promise<WorkerAnswer> {
  // The pool's time limit counts from here: a worker that was still starting does not eat into it.
  const { started, ...task } = pooled;
  started?.postMessage('started');
  started?.close();
  const parsed = await parse(task.xml, task.maxElements, task.kind === 'validate' ? task.ctx.locale : 'ru');
  if ('kind' in parsed) return parsed;
  switch (task.kind) {
    case 'validate': {
      if ('problems' in parsed)
        return {
          kind: 'validated',
          valid: false,
          problems: parsed.problems,
          model: null,
          coverage: null,
          deployedXml: null,
        };
      const model = parsed.model;
      if (!task.packageContext && model.meta?.kind === 'package' && model.members.length)
        return { kind: 'needsPackageContext', model: plain(model) };
      const r = await validateService(task.xml, task.forms, task.ctx, parsed);
      const deployedXml = task.deployXml && r.valid ? await withTaskListeners(parsed) : null;
      return {
        kind: 'validated',
        valid: r.valid,
        problems: r.problems,
        model: plain(r.model),
        coverage: plain(r.coverage),
        deployedXml,
      };
    }
    case 'model':
      return 'problems' in parsed
        ? { kind: 'model', model: null, problems: parsed.problems }
        : { kind: 'model', model: plain(parsed.model), problems: [] };
    case 'try': {
      if ('problems' in parsed)
        throw new Error(`The service model cannot be read: ${parsed.problems[0]?.message ?? ''}`);
      const { model, process } = parsed;
      const e = evaluate(
        {
          questions: model.questions,
          documents: model.documents,
          variants: model.variants,
          members: model.members,
          deadline: model.meta?.deadline,
        },
        task.answers,
      );
      const route = traceRoute(process, {
        situations: e.situations,
        variant: e.variant?.code ?? null,
        answers: task.answers,
      });
      return { kind: 'try', model: plain(model), route: plain(route) };
    }
    case 'rename': {
      if ('problems' in parsed)
        throw new Error(`The service model cannot be read: ${parsed.problems[0]?.message ?? ''}`);
      renameService(parsed, task.code, task.title);
      return { kind: 'renamed', xml: await toXml(parsed) };
    }
  }
}
