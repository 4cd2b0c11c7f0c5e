import type { Knex } from 'knex';
import type { Answers } from '../../okno-moddle/index.js';
import { evaluate, matchVariants } from '../../okno-moddle/questionnaire.js';
import { audit } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { EngineConnection } from '../../platform/camunda.js';
import { AppError, ConflictError, NotFoundError } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/context.js';
import { attrs, buildBpmn, userTaskExtensions } from './bpmn.builder.js';
import { generatePackage, type PackageMemberSource } from './package.template.js';
import { message, type Locale } from './services.messages.js';
import type { ServiceModel } from './services.moddle.js';
import type {
  Bundle,
  CatalogueCard,
  CatalogueItemRecord,
  Checklist,
  CreateInput,
  DraftInput,
  ListQuery,
  PackageInput,
  PublishResult,
  ServiceDetailRecord,
  ServicePageRecord,
  TryResult,
  ValidationReport,
  VersionDetailRecord,
  VersionSummaryRecord,
} from './services.schemas.js';
import {
  STRUCTURAL_CODES,
  type FormDoc,
  type Problem,
  type ValidationContext,
  type ValidationResult,
} from './services.validation.js';
import type { ValidationPool } from './validation.pool.js';
import type { OrgUnitRow } from '../org/index.js';
import type { UserRow } from '../users/index.js';
import type { ServiceRow, ServiceVersionRow } from './services.tables.js';

/** A validation's outcome as the worker gives it: the read model and, when asked and valid, the XML to deploy. */
type Validated = ValidationResult & { deployedXml: string | null };

/** What the catalogue keeps of a published version: the parts of the model citizens and operators see. */
export type ServiceCard = Pick<
  ServiceModel,
  'meta' | 'situations' | 'questions' | 'documents' | 'variants' | 'members'
>;

/** A 400 carrying model problems (element id, field, code, message). */
export class ServiceInvalidError extends AppError {
  constructor(msg: string, problems: Problem[]) {
    super(400, 'service_invalid', msg, { problems });
  }
}

const SUMMARY_COLUMNS = [
  'id',
  'code',
  'title',
  'department',
  'kind',
  'draftRevision',
  'latestVersion',
  'publishedAt',
  'createdAt',
  'updatedAt',
] as const;
const DEPLOY_TIMEOUT_MS = 30_000;

/** The service constructor: drafts, validation, publish to the engine, versions, clone, import/export, packages, catalogue. */
export class ServicesService {
  constructor(
    private readonly knex: Knex,
    private readonly engine: EngineConnection,
    private readonly clock: Clock,
    /** Parsing, lint, Okno's rules and the coverage check run in its worker threads, within its limits. */
    private readonly validation: ValidationPool,
  ) {}

  /** What validation needs from the org structure and the catalogue. */
  async context(locale: Locale, forPackage?: ServiceModel | null): Promise<ValidationContext> {
    const [groups, units, published] = await Promise.all([
      this.knex('staff_groups').pluck('code'),
      this.knex('org_units').where({ isActive: true }).pluck('code'),
      this.knex('services').whereNotNull('latestVersion').pluck('code'),
    ]);
    let memberUsedSituations: Set<string> | undefined;
    if (forPackage?.meta?.kind === 'package' && forPackage.members.length) {
      memberUsedSituations = new Set();
      for (const card of (await this.publishedCards(forPackage.members.map((m) => m.service))).values()) {
        for (const v of card.variants)
          for (const c of [...v.requires, ...v.requiresAny, ...v.excludes]) memberUsedSituations.add(c);
        for (const d of card.documents)
          if (d.requiredFor !== 'always') for (const c of d.requiredFor) memberUsedSituations.add(c);
      }
    }
    return {
      staffGroups: new Set(groups),
      departments: new Set(units),
      publishedServices: new Set(published),
      locale,
      memberUsedSituations,
    };
  }

  /** Latest published cards of the given services, by code. */
  private async publishedCards(
    codes: string[],
  ): Promise<Map<string, ServiceCard & { version: number; title: string }>> {
    const rows = await this.knex('services as s')
      .join('service_versions as v', function () {
        this.on('v.serviceId', 's.id').andOn('v.version', 's.latestVersion');
      })
      .whereIn('s.code', codes)
      .select<(Pick<ServiceRow, 'code' | 'title'> & Pick<ServiceVersionRow, 'version' | 'card'>)[]>(
        's.code',
        's.title',
        'v.version',
        'v.card',
      );
    return new Map(rows.map((r) => [r.code, { ...r.card, version: r.version, title: r.title }]));
  }

  /**
   * Validates XML and forms with everything Okno knows, in a validation worker (413 above the size or
   * element limits or past the time limit). A package is validated again with its members' cards.
   */
  async validate(
    xml: string,
    forms: FormDoc[],
    locale: Locale,
    opts: { deployXml?: boolean } = {},
  ): Promise<Validated> {
    this.validation.checkSize(xml);
    const task = { xml, forms, deployXml: opts.deployXml ?? false };
    let answer = await this.validation.validate({ ...task, ctx: await this.context(locale), packageContext: false });
    if (answer.kind === 'needsPackageContext')
      answer = await this.validation.validate({
        ...task,
        ctx: await this.context(locale, answer.model),
        packageContext: true,
      });
    if (answer.kind !== 'validated') throw new Error('a package model was not validated with its members');
    return {
      valid: answer.valid,
      problems: answer.problems,
      model: answer.model,
      coverage: answer.coverage,
      deployedXml: answer.deployedXml,
    };
  }

  /** Validates and rejects input a draft cannot hold: unreadable XML, unknown elements, FEEL syntax, broken tree, code mismatch. */
  private async checkSavable(code: string, xml: string, forms: FormDoc[], locale: Locale): Promise<Validated> {
    const result = await this.validate(xml, forms, locale);
    const structural = result.problems.filter((p) => STRUCTURAL_CODES.has(p.code) && p.severity === 'error');
    const found = result.model?.meta?.code;
    if (found !== undefined && found !== code) {
      structural.push({
        elementId: result.model!.processId || '(process)',
        field: 'okno:service.code',
        code: 'code_mismatch',
        severity: 'error',
        message: message('code_mismatch', locale, { found, expected: code }),
      });
    }
    if (structural.length)
      throw new ServiceInvalidError(
        message('service_invalid', locale, { count: structural.length, detail: structural[0].message }),
        structural,
      );
    return result;
  }

  /** Lists services with search, department, status and kind filters. */
  async list(q: ListQuery): Promise<ServicePageRecord> {
    const base = this.knex('services');
    if (q.search) base.where((w) => w.whereILike('code', `%${q.search}%`).orWhereILike('title', `%${q.search}%`));
    if (q.department) base.where('department', q.department);
    if (q.kind) base.where('kind', q.kind);
    if (q.status === 'draft') base.whereNull('latestVersion');
    if (q.status === 'published') base.whereNotNull('latestVersion');
    const [{ n }] = await base.clone().count<{ n: number }[]>({ n: '*' });
    const rows = await base
      .clone()
      .select(...SUMMARY_COLUMNS)
      .orderBy('title')
      .orderBy('id')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize);
    return { items: rows.map(summary), total: Number(n), page: q.page, pageSize: q.pageSize };
  }

  private async row(code: string, trx: Knex | Knex.Transaction = this.knex): Promise<ServiceRow> {
    const row = await trx('services').where({ code }).first();
    if (!row) throw new NotFoundError('Service');
    return row;
  }

  /** One service with its draft and its versions' summary. */
  async get(code: string): Promise<ServiceDetailRecord> {
    const row = await this.row(code);
    const latest = row.latestVersion ? await this.versionRow(row.id, row.latestVersion) : undefined;
    return {
      ...summary(row),
      draft: { xml: row.draftXml, forms: row.draftForms, revision: row.draftRevision },
      hasUnpublishedChanges: !latest || latest.draftRevision !== row.draftRevision,
    };
  }

  /** Creates a draft service from XML, or from a minimal skeleton when none is given. */
  async create(input: CreateInput, actor: Actor, locale: Locale): Promise<ServiceDetailRecord> {
    const xml = input.xml ?? skeleton(input.code, input.title, input.department);
    const result = await this.checkSavable(input.code, xml, input.forms as FormDoc[], locale);
    await this.knex.transaction(async (trx) => {
      if (await trx('services').where({ code: input.code }).first('id'))
        throw new ConflictError(`Service ${input.code} already exists`, {
          fields: [{ path: 'code', message: 'This code is taken' }],
        });
      const meta = result.model?.meta;
      const [row] = await trx('services')
        .insert({
          code: input.code,
          title: meta?.title || input.title,
          department: meta?.department || input.department,
          kind: meta?.kind === 'package' ? 'package' : 'service',
          draftXml: xml,
          draftForms: JSON.stringify(input.forms),
          createdBy: actor.userId,
          updatedBy: actor.userId,
        })
        .returning('id');
      await audit(trx, actor, {
        action: 'create',
        entity: 'service',
        entityId: row.id,
        after: { code: input.code, title: input.title },
      });
    });
    return this.get(input.code);
  }

  /** Saves a draft (BPMN XML + forms); structural problems give 400 and nothing is saved. */
  async updateDraft(code: string, input: DraftInput, actor: Actor, locale: Locale): Promise<ServiceDetailRecord> {
    const result = await this.checkSavable(code, input.xml, input.forms as FormDoc[], locale);
    await this.knex.transaction(async (trx) => {
      const row = await trx('services').where({ code }).forUpdate().first();
      if (!row) throw new NotFoundError('Service');
      if (input.revision !== undefined && input.revision !== row.draftRevision) {
        throw new ConflictError('The draft was changed by someone else; reload it', { revision: row.draftRevision });
      }
      const meta = result.model?.meta;
      await trx('services')
        .where({ id: row.id })
        .update({
          draftXml: input.xml,
          draftForms: JSON.stringify(input.forms),
          draftRevision: row.draftRevision + 1,
          title: meta?.title || row.title,
          department: meta?.department || row.department,
          kind: meta?.kind === 'package' ? 'package' : 'service',
          updatedBy: actor.userId,
          updatedAt: trx.fn.now(),
        });
      await audit(trx, actor, {
        action: 'update_draft',
        entity: 'service',
        entityId: row.id,
        after: { revision: row.draftRevision + 1 },
      });
    });
    return this.get(code);
  }

  /** Validates the stored draft, or the given XML/forms, of a service. */
  async validateDraft(
    code: string,
    body: { xml?: string; forms?: FormDoc[] },
    locale: Locale,
  ): Promise<ValidationReport> {
    const row = await this.row(code);
    const r = await this.validate(body.xml ?? row.draftXml, body.forms ?? row.draftForms, locale);
    return { valid: r.valid, problems: r.problems, coverage: r.coverage };
  }

  /** Publishes the draft: validate, deploy BPMN and forms through the SDK, then record the version. All or nothing. */
  async publish(code: string, comment: string, actor: Actor, locale: Locale): Promise<PublishResult> {
    const row = await this.row(code);
    const result = await this.validate(row.draftXml, row.draftForms, locale, { deployXml: true });
    if (!result.valid || !result.deployedXml) {
      const errors = result.problems.filter((p) => p.severity === 'error');
      throw new ServiceInvalidError(
        message('service_invalid', locale, { count: errors.length, detail: errors[0]?.message ?? '' }),
        result.problems,
      );
    }
    const deployedXml = result.deployedXml;
    const sdk = this.engine.sdk();
    if (!sdk)
      throw new AppError(
        503,
        'engine_unavailable',
        'The process engine is not configured; the service cannot be published',
      );
    // Deploy outside any transaction: the engine writes through its own connections.
    const resources = [
      { name: `${code}.bpmn`, process: Buffer.from(deployedXml, 'utf8') },
      ...row.draftForms.map((f) => ({ name: `${f.id}.form`, form: Buffer.from(JSON.stringify(f), 'utf8') })),
    ];
    let deployment: { key: string; deployments: unknown[] };
    let timer: NodeJS.Timeout | undefined;
    try {
      deployment = await Promise.race([
        sdk.getZeebeGrpcApiClient().deployResources(resources),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${DEPLOY_TIMEOUT_MS / 1000} s`)),
            DEPLOY_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (err) {
      const detail = err instanceof Error ? err.message.replace(/\s+/g, ' ').trim().slice(0, 1000) : 'unknown error';
      // Zeebe lists rejected elements as "Element: <id> - ERROR: <reason>"; hand them back as problems.
      const problems = [...detail.matchAll(/Element: (\S+) - ERROR: (.*?)(?= - Element: |$)/g)].map((m) => ({
        elementId: m[1],
        field: 'engine',
        code: 'engine_rejected',
        severity: 'error',
        message: m[2].trim(),
      }));
      throw new AppError(502, 'engine_deploy_failed', `The engine refused the deployment: ${detail}`, { problems });
    } finally {
      clearTimeout(timer);
    }
    const process = deployment.deployments
      .map((d) => (d as { process?: { bpmnProcessId: string; version: number; processDefinitionKey: string } }).process)
      .find((p) => p?.bpmnProcessId === code);
    if (!process) throw new AppError(502, 'engine_deploy_failed', 'The engine did not return the deployed process');
    const model = result.model!;
    const card: ServiceCard = {
      meta: model.meta,
      situations: model.situations,
      questions: model.questions,
      documents: model.documents,
      variants: model.variants,
      members: model.members,
    };
    return this.knex.transaction(async (trx) => {
      const current = await trx('services').where({ id: row.id }).forUpdate().first('draftRevision', 'latestVersion');
      if (!current) throw new NotFoundError('Service');
      if (current.draftRevision !== row.draftRevision)
        throw new ConflictError('The draft changed while publishing; publish again');
      const version = (current.latestVersion ?? 0) + 1;
      await trx('service_versions').insert({
        serviceId: row.id,
        version,
        draftRevision: row.draftRevision,
        xml: row.draftXml,
        deployedXml,
        forms: JSON.stringify(row.draftForms),
        card: JSON.stringify(card),
        comment: comment || null,
        publishedBy: actor.userId,
        deploymentKey: String(deployment.key),
        processDefinitionKey: String(process.processDefinitionKey),
        processVersion: process.version,
      });
      await trx('services')
        .where({ id: row.id })
        .update({ latestVersion: version, publishedAt: this.clock.now(), updatedAt: trx.fn.now() });
      await audit(trx, actor, {
        action: 'publish',
        entity: 'service',
        entityId: row.id,
        after: {
          version,
          comment,
          processDefinitionKey: process.processDefinitionKey,
          processVersion: process.version,
        },
      });
      return {
        code,
        version,
        processDefinitionKey: String(process.processDefinitionKey),
        processVersion: process.version,
        warnings: result.problems,
      };
    });
  }

  private async versionRow(serviceId: number, version: number): Promise<ServiceVersionRow | undefined> {
    return this.knex('service_versions').where({ serviceId, version }).first();
  }

  /** Published versions of a service, newest first, with who/when/comment and the engine's keys. */
  async versions(code: string): Promise<VersionSummaryRecord[]> {
    const row = await this.row(code);
    const rows = await this.knex('service_versions as v')
      .leftJoin('users as u', 'u.id', 'v.publishedBy')
      .where('v.serviceId', row.id)
      .orderBy('v.version', 'desc')
      .select<
        (Pick<
          ServiceVersionRow,
          | 'version'
          | 'comment'
          | 'publishedAt'
          | 'publishedBy'
          | 'processDefinitionKey'
          | 'processVersion'
          | 'deploymentKey'
        > & { publishedByName: UserRow['fullName'] | null })[]
      >(
        'v.version',
        'v.comment',
        'v.publishedAt',
        'v.publishedBy',
        'u.fullName as publishedByName',
        'v.processDefinitionKey',
        'v.processVersion',
        'v.deploymentKey',
      );
    return rows;
  }

  /** One published version with its XML, forms and card. */
  async version(code: string, version: number): Promise<VersionDetailRecord> {
    const row = await this.row(code);
    const v = await this.versionRow(row.id, version);
    if (!v) throw new NotFoundError('Version');
    return {
      code,
      version: v.version,
      comment: v.comment,
      publishedAt: v.publishedAt,
      publishedBy: v.publishedBy,
      processDefinitionKey: v.processDefinitionKey,
      processVersion: v.processVersion,
      xml: v.xml,
      forms: v.forms,
      card: v.card,
    };
  }

  /** Copies a service's draft under a new code and title (process id and okno:service rewritten). */
  async clone(
    code: string,
    target: { code: string; title: string },
    actor: Actor,
    locale: Locale,
  ): Promise<ServiceDetailRecord> {
    const row = await this.row(code);
    const { xml } = await this.validation.rename(row.draftXml, target.code, target.title);
    return this.create(
      { code: target.code, title: target.title, department: row.department, xml, forms: row.draftForms },
      actor,
      locale,
    );
  }

  /** The service as one JSON file: BPMN XML with its forms (the draft, or a published version). */
  async exportBundle(
    code: string,
    version?: number,
  ): Promise<Bundle & { title: string; exportedAt: string; version: number | null }> {
    const row = await this.row(code);
    if (version !== undefined) {
      const v = await this.versionRow(row.id, version);
      if (!v) throw new NotFoundError('Version');
      return {
        format: 'okno-service',
        formatVersion: 1,
        code,
        title: row.title,
        version,
        exportedAt: this.clock.now().toISOString(),
        xml: v.xml,
        forms: v.forms,
      };
    }
    return {
      format: 'okno-service',
      formatVersion: 1,
      code,
      title: row.title,
      version: null,
      exportedAt: this.clock.now().toISOString(),
      xml: row.draftXml,
      forms: row.draftForms,
    };
  }

  /** Imports a service file as a new draft, or over an existing draft when replace is set. */
  async importBundle(bundle: Bundle, replace: boolean, actor: Actor, locale: Locale): Promise<ServiceDetailRecord> {
    const exists = await this.knex('services').where({ code: bundle.code }).first('id');
    if (exists && !replace)
      throw new ConflictError(`Service ${bundle.code} already exists; import with replace=true to overwrite its draft`);
    if (exists) return this.updateDraft(bundle.code, { xml: bundle.xml, forms: bundle.forms }, actor, locale);
    // create() validates; unreadable XML gives its 400 there.
    const meta = (await this.validation.model(bundle.xml)).model?.meta ?? null;
    return this.create(
      {
        code: bundle.code,
        title: meta?.title || bundle.code,
        department: meta?.department || 'mfc-central',
        xml: bundle.xml,
        forms: bundle.forms,
      },
      actor,
      locale,
    );
  }

  /** Composes a package draft from published services with the package template. */
  async composePackage(input: PackageInput, actor: Actor, locale: Locale): Promise<ServiceDetailRecord> {
    const cards = await this.publishedCards(input.members);
    const missing = input.members.filter((m) => !cards.has(m));
    if (missing.length) {
      throw new ServiceInvalidError(
        message('member_unknown', locale, { code: missing.join(', ') }),
        missing.map((m) => ({
          elementId: input.code,
          field: 'members',
          code: 'member_unknown',
          severity: 'error' as const,
          message: message('member_unknown', locale, { code: m }),
        })),
      );
    }
    const members: PackageMemberSource[] = input.members.map((code) => {
      const c = cards.get(code)!;
      return { code, title: c.title, model: { ...emptyModel(code), ...c } };
    });
    const { xml, forms } = generatePackage({
      code: input.code,
      title: input.title,
      department: input.department,
      members,
    });
    return this.create(
      { code: input.code, title: input.title, department: input.department, xml, forms },
      actor,
      locale,
    );
  }

  /**
   * "Try it": answers → situations, documents, variant, and the route to highlight. Evaluates the editor's
   * unsaved XML when given (checked like a draft save: unreadable XML, unknown elements, FEEL syntax or a
   * broken tree give 400 with the problems), else the stored draft.
   */
  async tryDraft(code: string, answers: Answers, xml: string | undefined, locale: Locale): Promise<TryResult> {
    const row = await this.row(code);
    if (xml !== undefined) {
      const checked = await this.checkSavable(code, xml, [], locale);
      // checkSavable throws unless the XML parsed; this only guards the type.
      if (!checked.model)
        throw new ServiceInvalidError(
          message('service_invalid', locale, {
            count: checked.problems.length,
            detail: checked.problems[0]?.message ?? '',
          }),
          checked.problems,
        );
    }
    // The route is traced on the parsed diagram in a worker; the checklist (members' cards) needs the database.
    const { model, route } = await this.validation.tryIt(xml ?? row.draftXml, answers);
    const result = await this.checklistOf({ ...model }, answers);
    return { ...result, route };
  }

  /** Published services for the public catalogue. */
  async catalogue(q: { search?: string; department?: string }): Promise<CatalogueItemRecord[]> {
    const query = this.knex('services as s')
      .join('service_versions as v', function () {
        this.on('v.serviceId', 's.id').andOn('v.version', 's.latestVersion');
      })
      .leftJoin('org_units as u', 'u.code', 's.department')
      .select<
        (Pick<ServiceRow, 'code' | 'title' | 'department' | 'kind'> &
          Pick<ServiceVersionRow, 'version' | 'card' | 'publishedAt'> & { departmentName: OrgUnitRow['name'] | null })[]
      >(
        's.code',
        's.title',
        's.department',
        'u.name as departmentName',
        's.kind',
        'v.version',
        'v.card',
        'v.publishedAt',
      )
      .orderBy('s.title');
    // A citizen may search by life situation as well: the card holds situation titles and questions.
    if (q.search)
      query.where((w) =>
        w
          .whereILike('s.title', `%${q.search}%`)
          .orWhereILike('s.code', `%${q.search}%`)
          .orWhereRaw('v.card::text ILIKE ?', [`%${q.search}%`]),
      );
    if (q.department) query.where('s.department', q.department);
    const rows = await query;
    return rows.map((r) => ({
      code: r.code,
      title: r.title,
      department: r.department,
      departmentName: r.departmentName,
      kind: r.kind,
      version: r.version,
      deadline: r.card.meta?.deadline ?? null,
      fee: r.card.meta?.fee ?? null,
      results: r.card.meta?.results ?? [],
      channels: r.card.meta?.channels ?? [],
      publishedAt: r.publishedAt,
    }));
  }

  /** The published card of one service: metadata, questionnaire and reference documents. */
  async catalogueCard(code: string): Promise<CatalogueCard> {
    const card = (await this.publishedCards([code])).get(code);
    if (!card) throw new NotFoundError('Service');
    return { code, ...card };
  }

  /** Answers → active situations, the document checklist, the variant (and, for a package, the members to run). */
  async checklist(code: string, answers: Answers, locale: Locale): Promise<Checklist> {
    const card = (await this.publishedCards([code])).get(code);
    if (!card) throw new NotFoundError('Service');
    const result = await this.checklistOf(card, answers);
    if (result.problems.length) {
      throw new ServiceInvalidError(
        message(result.problems[0].code, locale, {
          questionId: result.problems[0].questionId,
          optionId: result.problems[0].optionId ?? '',
        }),
        result.problems.map((p) => ({
          elementId: p.questionId,
          field: 'answers',
          code: p.code,
          severity: 'error' as const,
          message: message(p.code, locale, { questionId: p.questionId, optionId: p.optionId ?? '' }),
        })),
      );
    }
    return result;
  }

  private async checklistOf(card: ServiceCard, answers: Answers): Promise<Checklist> {
    const e = evaluate(
      {
        questions: card.questions,
        documents: card.documents,
        variants: card.variants,
        members: card.members,
        deadline: card.meta?.deadline,
      },
      answers,
    );
    let members: Checklist['members'] = [];
    if (e.members.length) {
      const cards = await this.publishedCards(e.members.map((m) => m.service));
      const active = new Set(e.situations);
      members = e.members.map((m) => {
        const c = cards.get(m.service);
        const matching = c ? matchVariants(c.variants, active) : [];
        const variant = matching.length === 1 ? matching[0] : null;
        const v = c?.variants.find((x) => x.code === variant);
        return {
          service: m.service,
          title: c?.title ?? m.title,
          processId: m.service,
          version: c?.version ?? null,
          published: Boolean(c),
          variant,
          deadline: v?.deadline ?? c?.meta?.deadline ?? null,
        };
      });
    }
    return {
      situations: e.situations,
      documents: e.documents,
      variant: e.variant ? { code: e.variant.code, title: e.variant.title } : null,
      matchingVariants: e.matchingVariants,
      deadline: e.deadline,
      members,
      asked: e.asked,
      problems: e.problems,
      /** Variables to start the process with. */
      variables: {
        answers,
        situations: e.situations,
        variant: e.variant?.code ?? null,
        members: members.map((m) => ({
          service: (m as { service: string }).service,
          processId: (m as { processId: string }).processId,
          variant: (m as { variant: string | null }).variant,
        })),
      },
    };
  }
}

function summary(r: Pick<ServiceRow, (typeof SUMMARY_COLUMNS)[number]>): ServicePageRecord['items'][number] {
  return {
    code: r.code,
    title: r.title,
    department: r.department,
    kind: r.kind,
    status: r.latestVersion ? 'published' : 'draft',
    latestVersion: r.latestVersion,
    draftRevision: r.draftRevision,
    publishedAt: r.publishedAt,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function emptyModel(code: string): ServiceModel {
  return {
    processId: code,
    processName: '',
    executable: true,
    meta: null,
    situations: [],
    questions: [],
    documents: [],
    variants: [],
    members: [],
    userTasks: [],
    jobs: [],
    conditions: [],
    calledElements: [],
    elementCount: 0,
  };
}

/** A minimal valid regulation: application received → intake at the front office → done. */
export function skeleton(code: string, title: string, department: string): string {
  return buildBpmn({
    id: code,
    name: title,
    extensions: `      <okno:service${attrs({ code, title, department })}>\n        <okno:deadline value="30" unit="workingDays" />\n      </okno:service>`,
    nodes: [
      { id: 'StartEvent_Application', kind: 'startEvent', name: 'Заявление поступило' },
      {
        id: 'Task_Intake',
        kind: 'userTask',
        name: 'Приём заявления и проверка документов',
        extensions: userTaskExtensions({ group: 'mfc-operators', deadline: 1 }),
      },
      { id: 'EndEvent_Done', kind: 'endEvent', name: 'Результат выдан' },
    ],
    flows: [
      { from: 'StartEvent_Application', to: 'Task_Intake' },
      { from: 'Task_Intake', to: 'EndEvent_Done' },
    ],
  });
}

export { renameService, withTaskListeners } from './services.transforms.js';
