import { TZDate } from '@date-fns/tz';
import type { Camunda8 } from '@camunda8/sdk';
import { ProcessInstanceKey } from '@camunda8/orchestration-cluster-api';
import type { Knex } from 'knex';
import type {
  ApplicantInput,
  CaseCommentRecord,
  CaseDetailRecord,
  CaseDiagram,
  CaseListQuery,
  CasePageRecord,
  CaseSummaryRecord,
  CreateCaseInput,
  ReceiptRecord,
  ReceivedDocument,
  ResubmitInput,
} from '../../contract/cases.js';
import type { CaseStatus, DeadlineUnitName } from '../../contract/enums.js';
import type { Answers } from '../../okno-moddle/index.js';
import { audit } from '../../platform/audit.js';
import type { CalendarCountry } from '../../platform/calendar.js';
import type { EngineConnection } from '../../platform/camunda.js';
import { localDate, localYear, type Clock } from '../../platform/clock.js';
import { AppError, ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../../platform/errors.js';
import type { Actor, SessionUser } from '../../platform/http/context.js';
import { applySort, containsPattern, paginate } from '../../platform/http/paging.js';
import type { WorkingCalendar } from '../../platform/working-time.js';
import { UnitTree } from '../org/index.js';
import type { Checklist, Locale, ServicesService, ServiceVersionRow } from '../services/index.js';
import { applicantIssues } from './cases.identifiers.js';
import type {
  CaseCommentRow,
  CaseEventRow,
  CaseRow,
  StoredApplicant,
  StoredChecklistItem,
  StoredCorrections,
} from './cases.tables.js';

/** A step of a case as the tasks feature knows it (for the diagram and the specialist's scope). */
export interface CaseStep {
  elementId: string;
  status: 'created' | 'assigned' | 'completed' | 'canceled' | 'waitingForCorrections';
  due: Date | null;
  completedAt: Date | null;
}

/**
 * What cases needs from the tasks feature (which must not import cases): `TaskService` implements it
 * and the integrator passes it in `server/composition.ts`.
 */
export interface CaseTasksPort {
  /** The case's clock resumed: move the due dates of its open tasks by the suspended working time, reopen the returned task. */
  caseResumed(caseId: number, period: { suspendedFrom: Date; resumedAt: Date }, trx: Knex.Transaction): Promise<void>;
  /** The case's steps (done, current, late on the diagram). */
  stepsOf?(caseId: number): Promise<CaseStep[]>;
  /** A subquery selecting the ids of cases that have a step for any of these staff groups (a specialist's scope). */
  caseIdsOfGroups?(groupCodes: string[]): Knex.QueryBuilder;
}

/** The hooks the tasks feature calls (front-office.md). */
export interface CaseHooks {
  /** A step of the case asked for corrections: case → waitingForCorrections, clock suspended, applicant told. */
  correctionsRequested(
    caseId: number,
    request: { taskId: number; reason: string; fields: string[]; documents: string[] },
    actor: Actor,
    trx: Knex.Transaction,
  ): Promise<void>;
  /** A step of the case was completed (the case may move to inProgress or, when the process ended, resultReady). */
  stepCompleted(
    caseId: number,
    step: { taskId: number; elementId: string; variables: Record<string, unknown> },
    actor: Actor | null,
  ): Promise<void>;
}

export interface CasesServiceOptions {
  engine: EngineConnection;
  clock: Clock;
  calendar: WorkingCalendar;
  services: ServicesService;
  timeZone: string;
  /** The country whose identifiers applicants give (RU: INN/OGRN/SNILS, UA: РНОКПП/ЄДРПОУ). */
  country: CalendarCountry;
  /**
   * Start the process instance inside the registering transaction (PostgreSQL). PGlite serves one
   * connection, which the transaction holds while the embedded engine needs it: there the case is
   * committed first and deleted again when the engine refuses.
   */
  engineInTransaction: boolean;
  /** The tasks feature (wired by the integrator); without it a specialist sees their department's cases. */
  tasks?: CaseTasksPort;
  /** How long to wait for the engine (default 10 s). */
  engineTimeoutMs?: number;
}

/** Registration answers in the language of the request. */
const LOCALE: Locale = 'ru';
const STAFF_CLOSED: readonly CaseStatus[] = ['resultReady', 'issued', 'refused', 'withdrawn'];
const CLOSED: readonly CaseStatus[] = ['issued', 'refused', 'withdrawn'];

type ScopeFilter = (qb: Knex.QueryBuilder) => void;

/**
 * Cases: registration (numbering, applicant, checklist, statutory deadline, process start), the case
 * view, the list in the viewer's scope, comments, the statutory clock (suspend, resume, extend),
 * corrections and resubmission, the receipt; and the hooks the tasks feature calls.
 *
 * Rules worth knowing:
 * - **Missing documents do not block registration.** Required documents the applicant did not bring
 *   are recorded as `missing` in the checklist, listed on the receipt ("not handed in") and in the
 *   `registered` event, so the operator and the applicant are told; whether the application is refused
 *   for them is the department's decision in the process, as the regulations provide.
 * - **The clock.** A suspension counts working minutes on the production calendar between suspend and
 *   resume; on resume the due date moves by that working time: the end of the due day plus those
 *   working minutes, which lands on a later working day (any part of a working day moves the deadline by
 *   a whole day, holidays and weekends skipped). The same rule applies to terms in calendar days.
 */
export class CasesService implements CaseHooks {
  constructor(
    private readonly knex: Knex,
    private readonly opts: CasesServiceOptions,
  ) {}

  /** Registers a case (or a package: a parent and one member case per member) and starts its process. */
  async register(viewer: SessionUser, input: CreateCaseInput, actor: Actor): Promise<CaseDetailRecord> {
    const issues = applicantIssues(input.applicant, this.opts.country);
    if (issues.length) throw new ValidationError('The applicant’s identifiers are wrong', issues);
    const checklist = await this.opts.services.checklist(input.service, input.answers, LOCALE).catch((err) => {
      if (err instanceof NotFoundError)
        throw new ValidationError('No such published service', [
          { path: 'service', message: `Service "${input.service}" is not published`, code: 'not_published' },
        ]);
      throw err;
    });
    const version = await this.latestVersion(input.service);
    const items = checklistItems(checklist, input.documents);
    const unknown = input.documents.filter((d) => !checklist.documents.some((x) => x.code === d.code));
    if (unknown.length)
      throw new ValidationError(
        'Documents not in the checklist',
        unknown.map((d) => ({
          path: `documents.${input.documents.indexOf(d)}.code`,
          message: `Document "${d.code}" is not on this service's checklist for these answers`,
          code: 'unknown_document',
        })),
      );
    const officeId = input.officeId ?? (await this.officeOf(viewer));
    if (input.officeId !== undefined) {
      const office = await this.knex('org_units').where({ id: input.officeId }).first('kind');
      if (!office || office.kind !== 'office')
        throw new ValidationError('No such office', [{ path: 'officeId', message: 'Not an office' }]);
    }
    const registeredAt = this.opts.clock.now();
    const applicant = storedApplicant(input.applicant);

    const members: { v: VersionRef; deadline: Term | null; variant: string | null }[] = [];
    for (const m of checklist.members) {
      if (!m.published) continue;
      members.push({ v: await this.latestVersion(m.service), deadline: m.deadline, variant: m.variant });
    }

    const write = async (trx: Knex.Transaction) => {
      const parent = await this.insertCase(trx, {
        parentId: null,
        version,
        departmentCode: version.department,
        officeId,
        channel: input.channel,
        applicant,
        answers: input.answers,
        situations: checklist.situations,
        variant: checklist.variant?.code ?? null,
        checklist: items,
        term: checklist.deadline,
        registeredAt,
        registeredBy: viewer.id,
      });
      const memberCases: { id: number; number: string; service: string; processId: string; variant: string | null }[] =
        [];
      for (const m of members) {
        const child = await this.insertCase(trx, {
          parentId: parent.id,
          version: m.v,
          departmentCode: m.v.department,
          officeId,
          channel: input.channel,
          applicant,
          answers: input.answers,
          situations: checklist.situations,
          variant: m.variant,
          checklist: [],
          term: m.deadline,
          registeredAt,
          registeredBy: viewer.id,
        });
        memberCases.push({
          id: child.id,
          number: child.number,
          service: m.v.code,
          processId: m.v.code,
          variant: m.variant,
        });
      }
      await this.event(trx, parent.id, 'registered', registeredAt, viewer.id, {
        number: parent.number,
        channel: input.channel,
        variant: checklist.variant?.code ?? null,
        due: parent.dueDate,
        members: memberCases.map((m) => m.number),
      });
      await this.event(trx, parent.id, 'documents', registeredAt, viewer.id, {
        received: items.filter((d) => ['original', 'copy', 'uploaded'].includes(d.state)).map((d) => d.code),
        requested: items.filter((d) => d.state === 'requested').map((d) => d.code),
        missing: items.filter((d) => d.state === 'missing').map((d) => d.code),
      });
      for (const m of memberCases)
        await this.event(trx, m.id, 'registered', registeredAt, viewer.id, { number: m.number, parent: parent.number });
      const variables = {
        caseId: parent.id,
        caseNumber: parent.number,
        serviceCode: version.code,
        serviceVersion: version.version,
        serviceTitle: version.title,
        applicantName: applicant.name,
        applicantKind: applicant.kind,
        officeId,
        answers: input.answers,
        situations: checklist.situations,
        variant: checklist.variant?.code ?? null,
        documents: items.map((d) => ({ code: d.code, title: d.title, state: d.state })),
        members: memberCases.map((m) => ({
          service: m.service,
          processId: m.processId,
          variant: m.variant,
          caseId: m.id,
          caseNumber: m.number,
        })),
      };
      return { parent, memberCases, variables };
    };
    /** The process started: its key, the event and the audit entry (written only once the engine took the case). */
    const started = async (trx: Knex.Transaction, w: Awaited<ReturnType<typeof write>>, key: string) => {
      await trx('cases').where({ id: w.parent.id }).update({ processInstanceKey: key });
      await this.event(trx, w.parent.id, 'processStarted', registeredAt, viewer.id, { processInstanceKey: key });
      await audit(trx, actor, {
        action: 'register',
        entity: 'case',
        entityId: w.parent.id,
        after: {
          number: w.parent.number,
          service: version.code,
          version: version.version,
          processInstanceKey: key,
          members: w.memberCases.map((m) => m.number),
        },
      });
    };

    let created: Awaited<ReturnType<typeof write>>;
    if (this.opts.engineInTransaction) {
      let startedKey: string | undefined;
      try {
        created = await this.knex.transaction(async (trx) => {
          const w = await write(trx);
          startedKey = await this.startProcess(version, w.variables);
          await started(trx, w, startedKey);
          return w;
        });
      } catch (err) {
        // The engine took the instance but the commit failed: withdraw it so nothing of the case stays.
        if (startedKey) await this.cancelInstance(startedKey);
        throw err;
      }
    } else {
      created = await this.knex.transaction(write);
      try {
        const key = await this.startProcess(version, created.variables);
        await this.knex.transaction((trx) => started(trx, created, key));
      } catch (err) {
        // Undo the committed case: its rows go, and its numbers are given back unless a later one was taken.
        await this.knex.transaction(async (trx) => {
          const numbers = [created.parent.number, ...created.memberCases.map((m) => m.number)].sort().reverse();
          await trx('cases').where({ parentId: created.parent.id }).delete();
          await trx('cases').where({ id: created.parent.id }).delete();
          for (const n of numbers) {
            const [year, seq] = n.split('-').map(Number);
            await trx('case_counters').where({ year, last: seq }).decrement('last', 1);
          }
          await trx('case_counters').where({ last: 0 }).delete();
        });
        throw err;
      }
    }
    return this.detailById(created.parent.id);
  }

  /** One case as the viewer may see it (404 outside their scope). */
  async get(viewer: SessionUser, id: number): Promise<CaseDetailRecord> {
    await this.visibleRow(viewer, id);
    return this.detailById(id);
  }

  /** The cases in the viewer's scope, filtered, sorted and paged. */
  async list(viewer: SessionUser, q: CaseListQuery): Promise<CasePageRecord> {
    const scope = await this.scope(viewer);
    const base = this.knex('cases').select<CaseRow[]>('cases.*');
    scope(base);
    if (q.number) base.whereILike('number', containsPattern(q.number));
    if (q.applicant) {
      const digits = q.applicant.replace(/[\s-]/g, '');
      base.where((w) => {
        w.whereILike('applicantName', containsPattern(q.applicant!));
        if (/^\d{5,15}$/.test(digits))
          w.orWhereRaw("applicant->>'inn' = ? or applicant->>'ogrn' = ? or applicant->>'snils' = ?", [
            digits,
            digits,
            digits,
          ]);
      });
    }
    if (q.service) base.where('serviceCode', q.service);
    if (q.status) base.where('status', q.status);
    if (q.registeredFrom) base.where('registeredAt', '>=', this.startOfDay(q.registeredFrom));
    if (q.registeredTo) base.where('registeredAt', '<', this.startOfDay(nextDay(q.registeredTo)));
    const today = this.today();
    if (q.overdue !== undefined) {
      const overdue = (w: Knex.QueryBuilder) =>
        w
          .where('dueDate', '<', today)
          .whereNull('suspendedSince')
          .whereNotIn('status', [...STAFF_CLOSED]);
      if (q.overdue) base.where(overdue);
      else base.whereNot(overdue);
    }
    applySort(
      base,
      q.sort,
      {
        registeredAt: 'registeredAt',
        number: 'number',
        due: 'dueDate',
        status: 'status',
        applicantName: 'applicantName',
      },
      'id',
    );
    return paginate<CaseRow, CaseSummaryRecord>(base, q, (rows) => rows.map((r) => this.summary(r, today)));
  }

  /** Adds a staff comment to the case. */
  async comment(viewer: SessionUser, id: number, text: string, actor: Actor): Promise<CaseCommentRecord> {
    await this.visibleRow(viewer, id);
    const at = this.opts.clock.now();
    return this.knex.transaction(async (trx) => {
      const [row] = await trx('case_comments')
        .insert({ caseId: id, authorId: viewer.id, text, createdAt: at })
        .returning('id');
      await this.event(trx, id, 'comment', at, viewer.id, { commentId: row.id });
      await audit(trx, actor, { action: 'comment', entity: 'case', entityId: id, after: { text } });
      return { id: row.id, author: { id: viewer.id, name: viewer.fullName }, text, createdAt: at };
    });
  }

  /** Stops the statutory clock (waiting for the applicant or another agency). */
  async suspend(viewer: SessionUser, id: number, reason: string, actor: Actor): Promise<CaseDetailRecord> {
    await this.visibleRow(viewer, id);
    await this.knex.transaction(async (trx) => {
      const row = await this.lockedRow(trx, id);
      this.checkOpen(row);
      if (row.suspendedSince) throw new ConflictError('The case’s clock is already suspended');
      await this.suspendIn(trx, row, reason, viewer.id, actor);
    });
    return this.detailById(id);
  }

  /** Restarts the statutory clock; the due date moves by the working time it stood still. */
  async resume(viewer: SessionUser, id: number, actor: Actor): Promise<CaseDetailRecord> {
    await this.visibleRow(viewer, id);
    await this.knex.transaction(async (trx) => {
      const row = await this.lockedRow(trx, id);
      if (!row.suspendedSince) throw new ConflictError('The case’s clock is not suspended');
      if (row.status === 'waitingForCorrections')
        throw new ConflictError('The case waits for corrections: it resumes when the applicant resubmits');
      await this.resumeIn(trx, row, viewer.id, actor);
    });
    return this.detailById(id);
  }

  /** Extends the statutory deadline by a number of days, with a reason (manager, admin). */
  async extend(
    viewer: SessionUser,
    id: number,
    input: { days: number; unit: DeadlineUnitName; reason: string },
    actor: Actor,
  ): Promise<CaseDetailRecord> {
    await this.visibleRow(viewer, id);
    await this.knex.transaction(async (trx) => {
      const row = await this.lockedRow(trx, id);
      this.checkOpen(row);
      if (!row.dueDate) throw new ConflictError('The case has no statutory deadline to extend');
      const at = this.opts.clock.now();
      const newDue = this.opts.calendar.dueDate(row.dueDate, { value: input.days, unit: input.unit });
      await trx('case_extensions').insert({
        caseId: id,
        reason: input.reason,
        days: input.days,
        unit: input.unit,
        oldDue: row.dueDate,
        newDue,
        createdBy: viewer.id,
        createdAt: at,
      });
      await trx('cases').where({ id }).update({ dueDate: newDue, updatedAt: at });
      await this.event(trx, id, 'extended', at, viewer.id, {
        days: input.days,
        unit: input.unit,
        reason: input.reason,
        oldDue: row.dueDate,
        newDue,
      });
      await audit(trx, actor, {
        action: 'extend',
        entity: 'case',
        entityId: id,
        before: { dueDate: row.dueDate },
        after: { dueDate: newDue, reason: input.reason },
      });
    });
    return this.detailById(id);
  }

  /** CaseHooks: a step asked for corrections; the case waits for the applicant with its clock stopped. */
  async correctionsRequested(
    caseId: number,
    request: { taskId: number; reason: string; fields: string[]; documents: string[] },
    actor: Actor,
    trx: Knex.Transaction,
  ): Promise<void> {
    const row = await this.lockedRow(trx, caseId);
    this.checkOpen(row);
    const at = this.opts.clock.now();
    if (!row.suspendedSince) await this.suspendIn(trx, row, request.reason, actor.userId, actor, at);
    const corrections: StoredCorrections = { ...request, requestedAt: at.toISOString() };
    await trx('cases').where({ id: caseId }).update({ status: 'waitingForCorrections', corrections, updatedAt: at });
    await this.event(trx, caseId, 'correctionsRequested', at, actor.userId, { ...request });
    await audit(trx, actor, {
      action: 'corrections-requested',
      entity: 'case',
      entityId: caseId,
      before: { status: row.status },
      after: { status: 'waitingForCorrections', ...request },
    });
  }

  /** The applicant's corrections: only the fields and documents asked for may change; the clock resumes. */
  async resubmit(viewer: SessionUser, id: number, input: ResubmitInput, actor: Actor): Promise<CaseDetailRecord> {
    const visible = await this.visibleRow(viewer, id);
    if (visible.status !== 'waitingForCorrections' || !visible.corrections)
      throw new ConflictError('The case does not wait for corrections');
    const asked = visible.corrections;
    const fields = new Set(asked.fields);
    const may = (path: string) => fields.has(path) || fields.has(path.split('.')[0]);
    const refused: FieldIssue[] = [];
    const applicantPatch = Object.fromEntries(
      Object.entries(input.applicant ?? {}).filter(([, v]) => v !== undefined),
    ) as Partial<ApplicantInput>;
    for (const key of Object.keys(applicantPatch))
      if (!may(`applicant.${key}`))
        refused.push({
          path: `applicant.${key}`,
          message: 'This field was not asked to be corrected',
          code: 'not_requested',
        });
    for (const key of Object.keys(input.answers ?? {}))
      if (!may(`answers.${key}`))
        refused.push({
          path: `answers.${key}`,
          message: 'This answer was not asked to be corrected',
          code: 'not_requested',
        });
    for (const [i, d] of (input.documents ?? []).entries())
      if (!asked.documents.includes(d.code))
        refused.push({
          path: `documents.${i}.code`,
          message: `Document "${d.code}" was not asked for`,
          code: 'not_requested',
        });
    if (refused.length) throw new ValidationError('Only the fields and documents asked for may change', refused);

    const current = visible.applicant;
    const merged: ApplicantInput = {
      kind: applicantPatch.kind ?? current.kind,
      name: applicantPatch.name ?? current.name,
      inn: applicantPatch.inn ?? current.inn ?? undefined,
      ogrn: applicantPatch.ogrn ?? current.ogrn ?? undefined,
      snils: applicantPatch.snils ?? current.snils ?? undefined,
      phone: applicantPatch.phone ?? current.phone ?? undefined,
      email: applicantPatch.email ?? current.email ?? undefined,
      representative: applicantPatch.representative ?? current.representative ?? undefined,
    };
    const issues = applicantIssues(merged, this.opts.country);
    if (issues.length) throw new ValidationError('The applicant’s identifiers are wrong', issues);
    const answers: Answers = { ...visible.answers, ...(input.answers ?? {}) };
    let checklist = visible.checklist;
    let situations = visible.situations;
    if (input.answers && Object.keys(input.answers).length) {
      // The documents required follow the corrected answers; states of documents already received stay.
      const fresh = await this.opts.services.checklist(visible.serviceCode, answers, LOCALE);
      const received: ReceivedDocument[] = visible.checklist
        .filter((d) => d.state === 'original' || d.state === 'copy' || d.state === 'uploaded')
        .map((d) => ({ code: d.code, form: d.state as ReceivedDocument['form'], sheets: d.sheets ?? undefined }));
      checklist = checklistItems(
        fresh,
        received.filter((d) => fresh.documents.some((x) => x.code === d.code)),
      );
      situations = fresh.situations;
    }
    const docs = input.documents ?? [];
    checklist = checklist.map((d) => {
      const given = docs.find((x) => x.code === d.code);
      return given ? { ...d, state: given.form, sheets: given.sheets ?? null } : d;
    });
    const unknown = docs.filter((d) => !checklist.some((x) => x.code === d.code));
    if (unknown.length)
      throw new ValidationError(
        'Documents not in the checklist',
        unknown.map((d) => ({ path: `documents.${docs.indexOf(d)}.code`, message: `Unknown document "${d.code}"` })),
      );

    await this.knex.transaction(async (trx) => {
      const row = await this.lockedRow(trx, id);
      if (row.status !== 'waitingForCorrections') throw new ConflictError('The case does not wait for corrections');
      const at = this.opts.clock.now();
      const applicant = storedApplicant(merged);
      await trx('cases')
        .where({ id })
        .update({
          applicant,
          applicantName: applicant.name,
          applicantKind: applicant.kind,
          answers,
          situations: JSON.stringify(situations),
          checklist: JSON.stringify(checklist),
          corrections: null,
          status: 'inProgress',
          updatedAt: at,
        });
      await this.event(trx, id, 'resubmitted', at, viewer.id, {
        fields: [
          ...Object.keys(applicantPatch).map((k) => `applicant.${k}`),
          ...Object.keys(input.answers ?? {}).map((k) => `answers.${k}`),
        ],
        documents: docs.map((d) => d.code),
        taskId: asked.taskId,
      });
      if (row.suspendedSince) await this.resumeIn(trx, { ...row, status: 'inProgress' }, viewer.id, actor, at);
      await audit(trx, actor, {
        action: 'resubmit',
        entity: 'case',
        entityId: id,
        before: { status: row.status },
        after: { status: 'inProgress', documents: docs.map((d) => d.code) },
      });
    });
    return this.detailById(id);
  }

  /** CaseHooks: a step was completed. The first one moves the case to inProgress; an ended process to resultReady or refused. */
  async stepCompleted(
    caseId: number,
    step: { taskId: number; elementId: string; variables: Record<string, unknown> },
    actor: Actor | null,
  ): Promise<void> {
    const at = this.opts.clock.now();
    const row = await this.knex('cases').where({ id: caseId }).first();
    if (!row) return;
    await this.knex.transaction(async (trx) => {
      // The variables the step produced (its form's fields) are kept with the event: the case view shows them.
      await this.event(trx, caseId, 'stepCompleted', at, actor?.userId ?? null, {
        taskId: step.taskId,
        elementId: step.elementId,
        variables: step.variables,
      });
      if (row.status === 'registered') {
        await trx('cases').where({ id: caseId, status: 'registered' }).update({ status: 'inProgress', updatedAt: at });
        await this.event(trx, caseId, 'statusChanged', at, actor?.userId ?? null, {
          from: 'registered',
          to: 'inProgress',
        });
      }
    });
    await this.refreshOutcome(caseId, actor, step.variables);
  }

  /**
   * Asks the engine whether the case's process instance has ended; if so the case becomes `refused` when
   * the process decided so (`decision` other than "approve", as the sample models' gateways read it) and
   * `resultReady` otherwise. Returns the status.
   */
  async refreshOutcome(
    caseId: number,
    actor: Actor | null = null,
    /** The variables the last completed step produced (their `decision` counts when the engine has none). */
    stepVariables: Record<string, unknown> = {},
  ): Promise<CaseStatus | undefined> {
    const row = await this.knex('cases').where({ id: caseId }).first();
    if (!row?.processInstanceKey || STAFF_CLOSED.includes(row.status)) return row?.status;
    const sdk = this.opts.engine.sdk();
    if (!sdk) return row.status;
    const rest = sdk.getOrchestrationClusterApiClient();
    const key = ProcessInstanceKey.assumeExists(row.processInstanceKey);
    const instance = await this.withTimeout(
      rest.getProcessInstance({ processInstanceKey: key }, { consistency: { waitUpToMs: 0 } }),
    ).catch(() => undefined);
    if (!instance || String(instance.state) !== 'COMPLETED') return row.status;
    const vars = await this.withTimeout(
      rest.searchVariables(
        { filter: { processInstanceKey: key, name: 'decision' } },
        { consistency: { waitUpToMs: 0 } },
      ),
    ).catch(() => undefined);
    const decisionRaw = vars?.items?.[0]?.value;
    const decision = (typeof decisionRaw === 'string' ? safeJson(decisionRaw) : decisionRaw) ?? stepVariables.decision;
    const refused = decision !== undefined && decision !== null && decision !== 'approve';
    const status: CaseStatus = refused ? 'refused' : 'resultReady';
    const at = this.opts.clock.now();
    await this.knex.transaction(async (trx) => {
      await trx('cases')
        .where({ id: caseId })
        .update({ status, result: refused ? 'refusal' : 'result', closedAt: refused ? at : null, updatedAt: at });
      await this.event(trx, caseId, 'statusChanged', at, actor?.userId ?? null, {
        from: row.status,
        to: status,
        decision: decision ?? null,
      });
    });
    return status;
  }

  /** The deployed BPMN of the case's version with done, current and late elements. */
  async diagram(viewer: SessionUser, id: number): Promise<CaseDiagram> {
    const row = await this.visibleRow(viewer, id);
    const version = row.serviceVersionId
      ? await this.knex('service_versions').where({ id: row.serviceVersionId }).first('deployedXml', 'version')
      : undefined;
    if (!version) throw new NotFoundError('Diagram');
    const done = new Set<string>();
    const current = new Set<string>();
    const late = new Set<string>();
    const events = await this.knex('case_events').where({ caseId: id, kind: 'stepCompleted' }).select('data');
    for (const e of events) if (typeof e.data.elementId === 'string') done.add(e.data.elementId);
    const sdk = this.opts.engine.sdk();
    if (sdk && row.processInstanceKey) {
      const items = await this.withTimeout(
        sdk.getOrchestrationClusterApiClient().searchElementInstances(
          {
            filter: { processInstanceKey: ProcessInstanceKey.assumeExists(row.processInstanceKey) },
            page: { limit: 1000 },
          },
          { consistency: { waitUpToMs: 0 } },
        ),
      )
        .then((r) => r.items ?? [])
        .catch(() => []);
      for (const el of items) {
        // The process itself is an element instance too; the diagram marks its steps.
        if (String(el.type) === 'PROCESS' || String(el.elementId) === row.serviceCode) continue;
        const elementId = String(el.elementId);
        if (String(el.state) === 'ACTIVE') current.add(elementId);
        else if (String(el.state) === 'COMPLETED') done.add(elementId);
      }
    }
    const now = this.opts.clock.now();
    for (const s of (await this.opts.tasks?.stepsOf?.(id)) ?? []) {
      if (s.status === 'completed') done.add(s.elementId);
      else if (s.status !== 'canceled') current.add(s.elementId);
      if (s.due && (s.completedAt ? s.completedAt > s.due : now > s.due)) late.add(s.elementId);
    }
    for (const c of current) done.delete(c);
    return {
      processId: row.serviceCode,
      version: version.version,
      xml: version.deployedXml,
      done: [...done],
      current: [...current],
      late: [...late],
    };
  }

  /** The receipt (расписка) for the print view and the PDF. */
  async receipt(viewer: SessionUser, id: number): Promise<ReceiptRecord> {
    const row = await this.visibleRow(viewer, id);
    const office = row.officeUnitId
      ? await this.knex('org_units').where({ id: row.officeUnitId }).first('name', 'address', 'phone')
      : undefined;
    const operator = row.registeredBy
      ? await this.knex('users').where({ id: row.registeredBy }).first('fullName')
      : undefined;
    return {
      number: row.number,
      registeredAt: row.registeredAt,
      date: localDate(row.registeredAt, this.opts.timeZone),
      service: { code: row.serviceCode, title: row.serviceTitle },
      applicant: { kind: row.applicant.kind, name: row.applicant.name, representative: row.applicant.representative },
      documents: row.checklist
        .filter((d) => d.state === 'original' || d.state === 'copy' || d.state === 'uploaded')
        .map((d) => ({
          code: d.code,
          title: d.title,
          form: d.state as 'original' | 'copy' | 'uploaded',
          sheets: d.sheets,
        })),
      requested: row.checklist.filter((d) => d.state === 'requested').map((d) => ({ code: d.code, title: d.title })),
      missing: row.checklist.filter((d) => d.state === 'missing').map((d) => ({ code: d.code, title: d.title })),
      deadline:
        row.dueDate && row.deadlineUnit && row.deadlineDays !== null
          ? { due: row.dueDate, unit: row.deadlineUnit, days: row.deadlineDays }
          : null,
      office: office ? { name: office.name, address: office.address, phone: office.phone } : null,
      operator: operator?.fullName ?? null,
    };
  }

  // ---------- internals ----------

  private async latestVersion(code: string): Promise<VersionRef> {
    const row = await this.knex('services as s')
      .join('service_versions as v', function () {
        this.on('v.serviceId', 's.id').andOn('v.version', 's.latestVersion');
      })
      .where('s.code', code)
      .first<
        | (Pick<ServiceVersionRow, 'id' | 'version' | 'processVersion' | 'processDefinitionKey' | 'card'> & {
            code: string;
            title: string;
            department: string;
          })
        | undefined
      >(
        'v.id',
        'v.version',
        'v.processVersion',
        'v.processDefinitionKey',
        'v.card',
        's.code',
        's.title',
        's.department',
      );
    if (!row)
      throw new ValidationError('No such published service', [
        { path: 'service', message: `Service "${code}" is not published`, code: 'not_published' },
      ]);
    return row;
  }

  private async insertCase(
    trx: Knex.Transaction,
    c: {
      parentId: number | null;
      version: VersionRef;
      departmentCode: string;
      officeId: number | null;
      channel: CaseRow['channel'];
      applicant: StoredApplicant;
      answers: Answers;
      situations: string[];
      variant: string | null;
      checklist: StoredChecklistItem[];
      term: Term | null;
      registeredAt: Date;
      registeredBy: number;
    },
  ): Promise<{ id: number; number: string; dueDate: string | null }> {
    const year = localYear(c.registeredAt, this.opts.timeZone);
    // One row per year, locked until commit: numbers are unique, in order and without gaps (a rolled-back registration gives its number back).
    const counter = await trx.raw<{ rows: { last: number }[] }>(
      'INSERT INTO case_counters (year, last) VALUES (?, 1) ON CONFLICT (year) DO UPDATE SET last = case_counters.last + 1 RETURNING last',
      [year],
    );
    const number = `${year}-${String(counter.rows[0].last).padStart(6, '0')}`;
    const department = await trx('org_units').where({ code: c.departmentCode }).first('id');
    const dueDate = c.term ? this.opts.calendar.dueDate(localDate(c.registeredAt, this.opts.timeZone), c.term) : null;
    const [row] = await trx('cases')
      .insert({
        number,
        parentId: c.parentId,
        serviceCode: c.version.code,
        serviceVersion: c.version.version,
        serviceTitle: c.version.title,
        serviceVersionId: c.version.id,
        departmentUnitId: department?.id ?? null,
        officeUnitId: c.officeId,
        channel: c.channel,
        applicant: c.applicant,
        applicantName: c.applicant.name,
        applicantKind: c.applicant.kind,
        answers: c.answers,
        situations: JSON.stringify(c.situations),
        variant: c.variant,
        checklist: JSON.stringify(c.checklist),
        status: 'registered',
        dueDate,
        deadlineUnit: c.term?.unit ?? null,
        deadlineDays: c.term?.value ?? null,
        registeredBy: c.registeredBy,
        registeredAt: c.registeredAt,
      })
      .returning('id');
    return { id: row.id, number, dueDate };
  }

  private async startProcess(version: VersionRef, variables: Record<string, unknown>): Promise<string> {
    const sdk = this.opts.engine.sdk();
    if (!sdk)
      throw new AppError(503, 'engine_unavailable', 'The process engine is not configured: no case can be registered');
    try {
      const pi = await this.withTimeout(
        sdk.getZeebeGrpcApiClient().createProcessInstance({
          bpmnProcessId: version.code,
          version: version.processVersion,
          // Plain JSON (no undefined, no Date): what the engine stores.
          variables: JSON.parse(JSON.stringify(variables)) as Record<string, string>,
        }),
      );
      return String(pi.processInstanceKey);
    } catch (err) {
      throw engineError(err);
    }
  }

  private async cancelInstance(key: string): Promise<void> {
    const sdk: Camunda8 | undefined = this.opts.engine.sdk();
    if (!sdk) return;
    await this.withTimeout(sdk.getZeebeGrpcApiClient().cancelProcessInstance(key)).catch(() => undefined);
  }

  private withTimeout<T>(p: PromiseLike<T>): Promise<T> {
    const ms = this.opts.engineTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      Promise.resolve(p),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  private async suspendIn(
    trx: Knex.Transaction,
    row: CaseRow,
    reason: string,
    userId: number | null,
    actor: Actor,
    at = this.opts.clock.now(),
  ): Promise<void> {
    await trx('case_suspensions').insert({ caseId: row.id, from: at, reason, createdBy: userId });
    await trx('cases').where({ id: row.id }).update({ suspendedSince: at, updatedAt: at });
    await this.event(trx, row.id, 'suspended', at, userId, { reason });
    await audit(trx, actor, { action: 'suspend', entity: 'case', entityId: row.id, after: { reason } });
  }

  private async resumeIn(
    trx: Knex.Transaction,
    row: CaseRow,
    userId: number | null,
    actor: Actor,
    at = this.opts.clock.now(),
  ): Promise<void> {
    const from = row.suspendedSince!;
    const minutes = this.opts.calendar.workingMinutesBetween(from, at);
    const newDue = row.dueDate ? this.movedDue(row.dueDate, minutes) : null;
    await trx('case_suspensions').where({ caseId: row.id }).whereNull('to').update({ to: at, workingMinutes: minutes });
    await trx('cases')
      .where({ id: row.id })
      .update({
        suspendedSince: null,
        suspendedMinutes: row.suspendedMinutes + minutes,
        dueDate: newDue,
        updatedAt: at,
      });
    await this.event(trx, row.id, 'resumed', at, userId, { workingMinutes: minutes, oldDue: row.dueDate, newDue });
    await audit(trx, actor, {
      action: 'resume',
      entity: 'case',
      entityId: row.id,
      before: { dueDate: row.dueDate },
      after: { dueDate: newDue, workingMinutes: minutes },
    });
    await this.opts.tasks?.caseResumed(row.id, { suspendedFrom: from, resumedAt: at }, trx);
  }

  /** The due date moved by working minutes: the end of the due day plus those minutes, on the calendar. */
  movedDue(due: string, minutes: number): string {
    if (minutes <= 0) return due;
    const [y, m, d] = due.split('-').map(Number);
    const noon = new Date(new TZDate(y, m - 1, d, 12, 0, 0, this.opts.timeZone).getTime());
    const endOfDue = this.opts.calendar.dueInstant(noon, { value: 0, unit: 'calendarDays' });
    return localDate(this.opts.calendar.addWorkingMinutes(endOfDue, minutes), this.opts.timeZone);
  }

  private async lockedRow(trx: Knex.Transaction, id: number): Promise<CaseRow> {
    const row = await trx('cases').where({ id }).forUpdate().first();
    if (!row) throw new NotFoundError('Case');
    return row;
  }

  private checkOpen(row: CaseRow): void {
    if (STAFF_CLOSED.includes(row.status))
      throw new ConflictError(`The case is ${row.status}: its clock no longer runs`, { status: row.status });
  }

  private async event(
    trx: Knex.Transaction,
    caseId: number,
    kind: CaseEventRow['kind'],
    at: Date,
    actorId: number | null,
    data: Record<string, unknown>,
  ): Promise<void> {
    await trx('case_events').insert({ caseId, kind, at, actorId, data });
  }

  /** The front office of the viewer: their unit or its nearest ancestor of kind office. */
  private async officeOf(viewer: SessionUser): Promise<number | null> {
    if (viewer.unitId === null) return null;
    const tree = await UnitTree.load(this.knex);
    return tree.ancestry(viewer.unitId).find((u) => tree.byId.get(u)?.kind === 'office') ?? null;
  }

  /** What the viewer may see, as a where-clause on `cases`: admin all; manager their subtree; operator their office; specialist their groups' (or department's) cases. */
  private async scope(viewer: SessionUser): Promise<ScopeFilter> {
    if (viewer.roles.includes('admin')) return () => undefined;
    const tree = await UnitTree.load(this.knex);
    const clauses: ScopeFilter[] = [];
    if (viewer.unitId !== null) {
      if (viewer.roles.includes('manager')) {
        const units = tree.subtree(viewer.unitId);
        clauses.push((w) => w.orWhereIn('departmentUnitId', units).orWhereIn('officeUnitId', units));
      }
      if (viewer.roles.includes('operator')) {
        const office = tree.ancestry(viewer.unitId).find((u) => tree.byId.get(u)?.kind === 'office');
        if (office !== undefined) clauses.push((w) => w.orWhere('officeUnitId', office));
      }
    }
    if (viewer.roles.includes('specialist')) {
      if (this.opts.tasks?.caseIdsOfGroups) {
        const groups = viewer.employeeId
          ? await this.knex('staff_group_members as m')
              .join('staff_groups as g', 'g.id', 'm.groupId')
              .where('m.employeeId', viewer.employeeId)
              .pluck<string[]>('g.code')
          : [];
        const sub = this.opts.tasks.caseIdsOfGroups(groups);
        clauses.push((w) => w.orWhereIn('id', sub));
      }
      // A specialist also sees the cases of their own department (the work coming to them), whatever the step.
      if (viewer.unitId !== null) {
        const department = tree.ancestry(viewer.unitId).findLast((u) => tree.byId.get(u)?.kind === 'department');
        if (department !== undefined) {
          const units = tree.subtree(department);
          clauses.push((w) => w.orWhereIn('departmentUnitId', units));
        }
      }
    }
    return (qb) => {
      if (!clauses.length) qb.whereRaw('false');
      else qb.where((w) => clauses.forEach((c) => c(w)));
    };
  }

  private async visibleRow(viewer: SessionUser, id: number): Promise<CaseRow> {
    const scope = await this.scope(viewer);
    const q = this.knex('cases').where('cases.id', id).select<CaseRow[]>('cases.*');
    scope(q);
    const [row] = await q;
    if (!row) throw new NotFoundError('Case');
    return row;
  }

  private today(): string {
    return localDate(this.opts.clock.now(), this.opts.timeZone);
  }

  private startOfDay(day: string): Date {
    const [y, m, d] = day.split('-').map(Number);
    return new Date(new TZDate(y, m - 1, d, 0, 0, 0, this.opts.timeZone).getTime());
  }

  private summary(r: CaseRow, today: string): CaseSummaryRecord {
    return {
      id: r.id,
      number: r.number,
      parentId: r.parentId,
      serviceCode: r.serviceCode,
      serviceVersion: r.serviceVersion,
      serviceTitle: r.serviceTitle,
      status: r.status,
      channel: r.channel,
      applicantName: r.applicantName,
      applicantKind: r.applicantKind,
      departmentUnitId: r.departmentUnitId,
      officeId: r.officeUnitId,
      registeredAt: r.registeredAt,
      due: r.dueDate,
      overdue: this.isOverdue(r, today),
    };
  }

  private isOverdue(r: CaseRow, today: string): boolean {
    return r.dueDate !== null && !r.suspendedSince && !STAFF_CLOSED.includes(r.status) && today > r.dueDate;
  }

  /** Days from today to the due date (working or calendar days as the term), negative past it. */
  private daysLeft(due: string, unit: DeadlineUnitName, today: string): number {
    const [from, to, sign] = due >= today ? [today, due, 1] : [due, today, -1];
    let n = 0;
    // Days in (from, to]: the first day of a term is the day after (art. 191).
    for (let d = nextDay(from), guard = 0; d <= to && guard < 4000; d = nextDay(d), guard++)
      if (unit === 'calendarDays' || this.opts.calendar.isWorkingDay(d)) n++;
    return sign * n;
  }

  private async detailById(id: number): Promise<CaseDetailRecord> {
    const row = await this.knex('cases').where({ id }).first();
    if (!row) throw new NotFoundError('Case');
    const today = this.today();
    const [events, comments, members, office, registeredBy] = await Promise.all([
      this.knex('case_events as e')
        .leftJoin('users as u', 'u.id', 'e.actorId')
        .where('e.caseId', id)
        .orderBy([{ column: 'e.at' }, { column: 'e.id' }])
        .select<
          (Pick<CaseEventRow, 'id' | 'kind' | 'at' | 'actorId' | 'data'> & {
            actorName: string | null;
          })[]
        >('e.id', 'e.kind', 'e.at', 'e.actorId', 'e.data', 'u.fullName as actorName'),
      this.knex('case_comments as c')
        .leftJoin('users as u', 'u.id', 'c.authorId')
        .where('c.caseId', id)
        .orderBy([{ column: 'c.createdAt' }, { column: 'c.id' }])
        .select<
          (Pick<CaseCommentRow, 'id' | 'authorId' | 'text' | 'createdAt'> & {
            authorName: string | null;
          })[]
        >('c.id', 'c.authorId', 'c.text', 'c.createdAt', 'u.fullName as authorName'),
      this.knex('cases').where({ parentId: id }).orderBy('id'),
      row.officeUnitId
        ? this.knex('org_units').where({ id: row.officeUnitId }).first('id', 'name', 'address')
        : undefined,
      row.registeredBy ? this.knex('users').where({ id: row.registeredBy }).first('id', 'fullName') : undefined,
    ]);
    const closed = CLOSED.includes(row.status) || row.status === 'resultReady';
    return {
      ...this.summary(row, today),
      applicant: row.applicant,
      answers: row.answers,
      situations: row.situations,
      variant: row.variant,
      checklist: row.checklist,
      deadline:
        row.dueDate && row.deadlineUnit && row.deadlineDays !== null
          ? {
              due: row.dueDate,
              unit: row.deadlineUnit,
              days: row.deadlineDays,
              daysLeft: closed ? null : this.daysLeft(row.dueDate, row.deadlineUnit, today),
              overdue: this.isOverdue(row, today),
              suspended: row.suspendedSince !== null,
              suspendedSince: row.suspendedSince,
              suspendedMinutes: row.suspendedMinutes,
            }
          : null,
      processInstanceKey: row.processInstanceKey,
      registeredBy: registeredBy ? { id: registeredBy.id, name: registeredBy.fullName } : null,
      closedAt: row.closedAt,
      result: row.result,
      corrections: row.corrections ? { ...row.corrections, requestedAt: new Date(row.corrections.requestedAt) } : null,
      members: members.map((m) => this.summary(m, today)),
      timeline: events.map((e) => ({
        id: Number(e.id),
        kind: e.kind,
        at: e.at,
        actor: e.actorId !== null ? { id: e.actorId, name: e.actorName ?? '' } : null,
        data: e.data,
      })),
      comments: comments.map((c) => ({
        id: c.id,
        author: c.authorId !== null ? { id: c.authorId, name: c.authorName ?? '' } : null,
        text: c.text,
        createdAt: c.createdAt,
      })),
      office: office ? { id: office.id, name: office.name, address: office.address } : null,
    };
  }
}

type Term = { value: number; unit: DeadlineUnitName };
type VersionRef = Pick<ServiceVersionRow, 'id' | 'version' | 'processVersion' | 'processDefinitionKey' | 'card'> & {
  code: string;
  title: string;
  department: string;
};

/** The checklist with each document's state: received at the window, requested from another agency, or missing. */
export function checklistItems(checklist: Checklist, received: ReceivedDocument[]): StoredChecklistItem[] {
  return checklist.documents.map((d) => {
    const given = received.find((r) => r.code === d.code);
    const state: StoredChecklistItem['state'] = given
      ? given.form
      : d.supplier === 'interagency'
        ? 'requested'
        : 'missing';
    return {
      code: d.code,
      title: d.title,
      kind: d.kind,
      form: d.form,
      supplier: d.supplier,
      required: true,
      state,
      sheets: given?.sheets ?? null,
    };
  });
}

function storedApplicant(a: ApplicantInput): StoredApplicant {
  return {
    kind: a.kind,
    name: a.name,
    inn: a.inn ?? null,
    ogrn: a.ogrn ?? null,
    snils: a.snils ?? null,
    phone: a.phone ?? null,
    email: a.email ?? null,
    representative: a.representative ?? null,
  };
}

/** gRPC status → our answer: the engine refused the instance (502) or is not reachable (503). */
function engineError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: number }).code;
  const detail = err instanceof Error ? err.message.replace(/\s+/g, ' ').trim().slice(0, 300) : 'no answer';
  if (code === 3 || code === 5 || code === 9)
    return new AppError(
      502,
      'engine_refused',
      `The process engine refused to start the case; nothing was registered (${detail})`,
    );
  return new AppError(
    503,
    'engine_unavailable',
    `The process engine did not answer; nothing was registered (${detail})`,
  );
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
