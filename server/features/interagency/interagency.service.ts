import type { Knex } from 'knex';
import { z } from 'zod';
import type { ServiceCard } from '../../contract/services.js';
import type {
  Agency,
  InteragencyListQuery,
  InteragencyPageRecord,
  InteragencyReplyInput,
  InteragencyRequestRecord,
  InteragencyStatus,
} from '../../contract/interagency.js';
import { isRequired } from '../../okno-moddle/questionnaire.js';
import { audit } from '../../platform/audit.js';
import type { EngineConnection } from '../../platform/camunda.js';
import type { Clock } from '../../platform/clock.js';
import { AppError, ConflictError, NotFoundError } from '../../platform/errors.js';
import type { Actor, SessionUser } from '../../platform/http/context.js';
import { applySort, containsPattern, paginate } from '../../platform/http/paging.js';
import type { Logger } from '../../platform/logger.js';
import type { Term, WorkingCalendar } from '../../platform/working-time.js';
import type { UserRow } from '../users/index.js';
import type { InteragencyAdapter } from './interagency.adapter.js';
import { agencyOf, knownAgencies } from './interagency.agencies.js';
import type { InteragencyRequestRow } from './interagency.tables.js';

/** The message the sample models' receive task waits for, correlated on `=caseId`. */
export const REPLY_MESSAGE = 'interagency-reply';
/** How long a published reply waits in the engine's buffer for the receive task (ms). */
const REPLY_TTL_MS = 10 * 60_000;
/** The answer's term unless the service task says otherwise (headers okno:replyDeadline / okno:replyDeadlineUnit). */
export const DEFAULT_REPLY_TERM: Term = { value: 5, unit: 'workingDays' };

/** Looks up the card of a published service version (documents and their suppliers); null when unknown. */
export type ServiceCardLookup = (serviceCode: string, version: number) => Promise<ServiceCard | null>;

/** The process variables the worker reads (set by the cases feature when it starts a case's process). */
const jobVariablesSchema = z.object({
  caseId: z.coerce.number<number>().int().positive(),
  caseNumber: z.string().nullish(),
  serviceCode: z.string().min(1),
  serviceVersion: z.coerce.number<number>().int().positive().nullish(),
  serviceTitle: z.string().nullish(),
  officeId: z.coerce.number<number>().int().positive().nullish(),
  situations: z.array(z.string()).nullish(),
  documents: z
    .array(z.object({ code: z.string(), title: z.string().nullish(), state: z.string().nullish() }).loose())
    .nullish(),
});

/** One activation of the `send-interagency-request` job, as the worker hands it over. */
export interface InteragencyJob {
  jobKey: string;
  processInstanceKey: string;
  variables: Record<string, unknown>;
  customHeaders: Record<string, string>;
}

/** The reply variables published with the message. */
// A type (not an interface) so it counts as JSON for the SDK's variables.
export type ReplyVariable = {
  requestId: number;
  documentCode: string;
  documentTitle: string;
  agencyCode: string;
  agencyName: string;
  result: 'found' | 'notFound';
  text: string;
  /** '' when the agency gave none (the SDK's variables carry no null). */
  documentNumber: string;
};

/** A document the case needs from another agency. */
interface NeededDocument {
  code: string;
  kind: string;
  title: string;
}

/** Document states of the checklist that mean the applicant brought it (no request is needed then). */
const SUPPLIED_STATES = new Set(['original', 'copy', 'uploaded']);

type ViewRow = InteragencyRequestRow & { answeredByName: UserRow['fullName'] | null };

const SORT_COLUMNS = {
  sentAt: 'r.sentAt',
  dueAt: 'r.dueAt',
  caseNumber: 'r.caseNumber',
  agency: 'r.agencyName',
  status: 'r.status',
  answeredAt: 'r.answeredAt',
};

/**
 * The inter-agency journal: records the requests a case's `send-interagency-request` job needs, sends them
 * through the adapter, takes the replies and, when every request of the job is answered, tells the case's
 * process (message `interagency-reply`, correlation key = the case id).
 */
export class InteragencyService {
  constructor(
    private readonly knex: Knex,
    private readonly opts: {
      engine: EngineConnection;
      clock: Clock;
      calendar: WorkingCalendar;
      adapter: InteragencyAdapter;
      cards: ServiceCardLookup;
      logger?: Logger;
    },
  ) {}

  /**
   * Handles one job: writes one journal row per needed document (idempotent: a re-delivered job finds its
   * rows and adds none), sends the rows not yet sent and, when the case needs nothing from other agencies
   * (or everything was already answered), publishes the reply at once. Returns the job's request ids.
   */
  async record(job: InteragencyJob): Promise<{ requestIds: number[]; created: number }> {
    const vars = jobVariablesSchema.safeParse(job.variables);
    if (!vars.success)
      throw new AppError(
        400,
        'job_variables_invalid',
        `The process has no usable case variables for an inter-agency request: ${z.prettifyError(vars.error)}`,
      );
    const v = vars.data;
    const needed = await this.neededDocuments(v);
    const now = this.opts.clock.now();
    const dueAt = this.opts.calendar.dueInstant(now, termOf(job.customHeaders));
    const actor: Actor = { userId: null, requestId: `job-${job.jobKey}`, ip: 'engine' };

    const created = await this.knex.transaction(async (trx) => {
      if (!needed.length) return 0;
      const inserted = await trx('interagency_requests')
        .insert(
          needed.map((d) => {
            const agency = agencyOf(d.kind);
            return {
              jobKey: job.jobKey,
              processInstanceKey: job.processInstanceKey,
              caseId: v.caseId,
              caseNumber: v.caseNumber ?? null,
              officeId: v.officeId ?? null,
              serviceCode: v.serviceCode,
              serviceTitle: v.serviceTitle ?? null,
              documentCode: d.code,
              documentKind: d.kind,
              documentTitle: d.title,
              agencyCode: agency.code,
              agencyName: agency.name,
              adapter: this.opts.adapter.name,
              dueAt,
            };
          }),
        )
        .onConflict(['jobKey', 'documentCode'])
        .ignore()
        .returning(['id', 'documentCode']);
      if (inserted.length)
        await audit(trx, actor, {
          action: 'interagency.request',
          entity: 'case',
          entityId: v.caseId,
          after: { jobKey: job.jobKey, documents: inserted.map((r) => r.documentCode), dueAt },
        });
      return inserted.length;
    });

    // Send what is not sent yet (also the rows of an earlier delivery whose send failed).
    const pending = await this.knex('interagency_requests').where({ jobKey: job.jobKey, status: 'pending' });
    for (const row of pending) {
      const receipt = await this.opts.adapter.send(row);
      await this.knex('interagency_requests')
        .where({ id: row.id, status: 'pending' })
        .update({ status: 'sent', sentAt: this.opts.clock.now(), externalId: receipt.externalId ?? null });
    }
    const rows = await this.knex('interagency_requests').where({ jobKey: job.jobKey }).orderBy('id').select('id');
    if (!rows.length) await this.publish(job.jobKey, v.caseId, []);
    else await this.publishIfComplete(job.jobKey);
    return { requestIds: rows.map((r) => r.id), created };
  }

  /** The journal, filtered and paged; an operator sees the requests of their office's cases. */
  async list(query: InteragencyListQuery, viewer: SessionUser): Promise<InteragencyPageRecord> {
    const now = this.opts.clock.now();
    const qb = this.base(viewer);
    if (query.status === 'overdue' || query.overdue === true)
      qb.whereIn('r.status', ['pending', 'sent']).where('r.dueAt', '<', now);
    if (query.overdue === false) qb.where((w) => w.where('r.status', 'answered').orWhere('r.dueAt', '>=', now));
    if (query.status === 'answered') qb.where('r.status', 'answered');
    if (query.status === 'sent' || query.status === 'pending')
      qb.where('r.status', query.status).where('r.dueAt', '>=', now);
    if (query.caseNumber) qb.whereILike('r.caseNumber', containsPattern(query.caseNumber));
    if (query.caseId) qb.where('r.caseId', query.caseId);
    if (query.agency) qb.where('r.agencyCode', query.agency);
    if (query.q) {
      const p = containsPattern(query.q);
      qb.where((w) =>
        w
          .whereILike('r.caseNumber', p)
          .orWhereILike('r.documentTitle', p)
          .orWhereILike('r.agencyName', p)
          .orWhereILike('r.serviceTitle', p),
      );
    }
    applySort(qb, query.sort, SORT_COLUMNS, 'r.id');
    return paginate(qb, query, (rows: ViewRow[]) => rows.map((r) => this.present(r, now)));
  }

  /** One request, or 404 when it does not exist or the viewer may not see it. */
  async get(id: number, viewer: SessionUser): Promise<InteragencyRequestRecord> {
    const row = (await this.base(viewer).where('r.id', id).first()) as ViewRow | undefined;
    if (!row) throw new NotFoundError('Inter-agency request');
    return this.present(row, this.opts.clock.now());
  }

  /**
   * Records the answering agency's reply. When it was the last open request of its job, the case's process
   * is told (message interagency-reply); if the engine does not answer then, the reply stays recorded and
   * `publishPending` sends the message later.
   */
  async reply(
    id: number,
    input: InteragencyReplyInput,
    viewer: SessionUser,
    actor: Actor,
  ): Promise<InteragencyRequestRecord> {
    const jobKey = await this.knex.transaction(async (trx) => {
      const row = await trx('interagency_requests').where({ id }).forUpdate().first();
      if (!row || !this.visible(row, viewer)) throw new NotFoundError('Inter-agency request');
      if (row.status === 'answered')
        throw new ConflictError('This request has already been answered', { answeredAt: row.answeredAt });
      const after = {
        status: 'answered' as const,
        result: input.result,
        replyText: input.text,
        documentNumber: input.documentNumber ?? null,
        answeredBy: actor.userId,
        answeredAt: this.opts.clock.now(),
      };
      await trx('interagency_requests').where({ id }).update(after);
      await audit(trx, actor, {
        action: 'interagency.reply',
        entity: 'interagency_request',
        entityId: id,
        before: { status: row.status },
        after,
      });
      return row.jobKey;
    });
    try {
      await this.publishIfComplete(jobKey);
    } catch (err) {
      this.opts.logger?.warn({ err, jobKey }, 'interagency reply recorded; the message will be published later');
    }
    return this.get(id, viewer);
  }

  /** Publishes the replies of every fully answered job whose message has not gone out (after an engine outage). */
  async publishPending(): Promise<number> {
    const jobs = await this.knex('interagency_requests')
      .whereNull('replyPublishedAt')
      .groupBy('jobKey')
      .havingRaw("bool_and(status = 'answered')")
      .select('jobKey');
    let published = 0;
    for (const { jobKey } of jobs) if (await this.publishIfComplete(jobKey)) published++;
    return published;
  }

  /** The agencies requests go to. */
  agencies(): Agency[] {
    return knownAgencies();
  }

  /** Publishes the job's replies when every request of it is answered; true when the message is (now) out. */
  private async publishIfComplete(jobKey: string): Promise<boolean> {
    const rows = await this.knex('interagency_requests').where({ jobKey }).orderBy('id');
    if (!rows.length || rows.some((r) => r.status !== 'answered')) return false;
    if (rows.every((r) => r.replyPublishedAt)) return true;
    await this.publish(
      jobKey,
      rows[0].caseId,
      rows.map((r) => ({
        requestId: r.id,
        documentCode: r.documentCode,
        documentTitle: r.documentTitle,
        agencyCode: r.agencyCode,
        agencyName: r.agencyName,
        result: r.result ?? 'notFound',
        text: r.replyText ?? '',
        documentNumber: r.documentNumber ?? '',
      })),
    );
    await this.knex('interagency_requests')
      .where({ jobKey })
      .whereNull('replyPublishedAt')
      .update({ replyPublishedAt: this.opts.clock.now() });
    return true;
  }

  /**
   * Publishes `interagency-reply` with the case id as the correlation key (Zeebe compares keys as strings;
   * the models correlate on `=caseId`, a number). One message id per job, so two replies finishing the job
   * at the same moment publish it once.
   */
  private async publish(jobKey: string, caseId: number, replies: ReplyVariable[]): Promise<void> {
    const sdk = this.opts.engine.sdk();
    if (!sdk) throw new AppError(503, 'engine_unavailable', 'The process engine is not configured (ENGINE=none)');
    try {
      await sdk.getZeebeGrpcApiClient().publishMessage({
        name: REPLY_MESSAGE,
        correlationKey: String(caseId),
        messageId: `${REPLY_MESSAGE}-${jobKey}`,
        timeToLive: REPLY_TTL_MS,
        variables: {
          interagencyReplies: replies,
          interagencyAllFound: replies.every((r) => r.result === 'found'),
        },
      });
    } catch (err) {
      // The same message id is still buffered: it was published already.
      if (isAlreadyExists(err)) return;
      throw err;
    }
  }

  /** The documents the case needs from other agencies: the service card's, else the checklist's `requested` ones. */
  private async neededDocuments(v: z.infer<typeof jobVariablesSchema>): Promise<NeededDocument[]> {
    const stateOf = new Map((v.documents ?? []).map((d) => [d.code, d.state ?? null]));
    const card = v.serviceVersion ? await this.opts.cards(v.serviceCode, v.serviceVersion) : null;
    if (card) {
      const active = new Set(v.situations ?? []);
      return card.documents
        .filter((d) => d.supplier === 'interagency' && isRequired(d.requiredFor, active))
        .filter((d) => !SUPPLIED_STATES.has(stateOf.get(d.code) ?? ''))
        .map((d) => ({ code: d.code, kind: d.kind, title: d.title }));
    }
    return (v.documents ?? [])
      .filter((d) => d.state === 'requested')
      .map((d) => ({ code: d.code, kind: d.code, title: d.title ?? d.code }));
  }

  private base(viewer: SessionUser): Knex.QueryBuilder {
    const qb = this.knex('interagency_requests as r')
      .leftJoin('users as u', 'u.id', 'r.answeredBy')
      .select('r.*', 'u.fullName as answeredByName');
    if (!this.seesAll(viewer)) {
      if (viewer.unitId === null) qb.whereRaw('false');
      else qb.where('r.officeId', viewer.unitId);
    }
    return qb;
  }

  private seesAll(viewer: SessionUser): boolean {
    return viewer.roles.some((r) => r === 'admin' || r === 'manager' || r === 'specialist');
  }

  private visible(row: Pick<InteragencyRequestRow, 'officeId'>, viewer: SessionUser): boolean {
    return this.seesAll(viewer) || (viewer.unitId !== null && row.officeId === viewer.unitId);
  }

  private present(r: ViewRow, now: Date): InteragencyRequestRecord {
    const overdue = r.status !== 'answered' && r.dueAt.getTime() < now.getTime();
    const status: InteragencyStatus = overdue ? 'overdue' : r.status;
    return {
      id: r.id,
      caseId: r.caseId,
      caseNumber: r.caseNumber,
      serviceCode: r.serviceCode,
      serviceTitle: r.serviceTitle,
      documentCode: r.documentCode,
      documentTitle: r.documentTitle,
      agencyCode: r.agencyCode,
      agencyName: r.agencyName,
      status,
      overdue,
      adapter: r.adapter,
      sentAt: r.sentAt,
      dueAt: r.dueAt,
      result: r.result,
      replyText: r.replyText,
      documentNumber: r.documentNumber,
      answeredBy: r.answeredBy,
      answeredByName: r.answeredByName,
      answeredAt: r.answeredAt,
      replyPublished: r.replyPublishedAt !== null,
    };
  }
}

/** The answer's term from the service task's headers, else 5 working days. */
function termOf(headers: Record<string, string>): Term {
  const value = Number(headers['okno:replyDeadline']);
  const unit = headers['okno:replyDeadlineUnit'] === 'calendarDays' ? 'calendarDays' : 'workingDays';
  return Number.isInteger(value) && value > 0 && value <= 365 ? { value, unit } : DEFAULT_REPLY_TERM;
}

function isAlreadyExists(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return (
    e?.code === 6 || (typeof e?.message === 'string' && /ALREADY_EXISTS|already (been )?published/i.test(e.message))
  );
}
