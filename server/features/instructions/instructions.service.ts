import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Camunda8 } from '@camunda8/sdk';
import type { Knex } from 'knex';
import type {
  CreateInstructionInput,
  InstructableEmployee,
  InstructionListQuery,
  InstructionPageRecord,
  InstructionRecord,
  InstructionStatus,
} from '../../contract/instructions.js';
import { audit } from '../../platform/audit.js';
import type { EngineConnection } from '../../platform/camunda.js';
import { localDate, type Clock } from '../../platform/clock.js';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { Actor, SessionUser } from '../../platform/http/context.js';
import { applySort, containsPattern, paginate } from '../../platform/http/paging.js';
import type { WorkingCalendar } from '../../platform/working-time.js';
import { managedUnits, UnitTree, type EmployeeRow, type OrgUnitRow } from '../org/index.js';
import type { UserRow } from '../users/index.js';
import type { InstructionRow } from './instructions.tables.js';

export const INSTRUCTION_PROCESS_ID = 'okno-instruction';
export const INSTRUCTION_TASK_ID = 'Task_Instruction';
export const INSTRUCTION_BPMN_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../workflows/instructions/instruction.bpmn',
);
const DEFAULT_PRIORITY = 50;
const ENGINE_TIMEOUT_MS = 10_000;
const NOW = { consistency: { waitUpToMs: 0 } };

/** Turns a model into what is deployed: Okno's task listeners injected (the services feature's transform, wired in composition). */
export type ModelPreparer = (xml: string) => Promise<string>;

type ListRow = InstructionRow & {
  employeeName: EmployeeRow['fullName'];
  givenByName: UserRow['fullName'] | null;
};

const SORT_COLUMNS = { createdAt: 'i.createdAt', due: 'i.due', title: 'i.title' };

const deployments = new WeakMap<Camunda8, Promise<void>>();

/**
 * Instructions (поручения): a manager gives an employee of their org subtree an ad-hoc task with a
 * deadline. Each runs as an instance of workflows/instructions/instruction.bpmn, whose one user task is assigned to
 * the employee's user, so the task list (the `tasks` projection) shows it like any step.
 */
export class InstructionService {
  constructor(
    private readonly knex: Knex,
    private readonly opts: {
      engine: EngineConnection;
      clock: Clock;
      calendar: WorkingCalendar;
      prepare: ModelPreparer;
    },
  ) {}

  /** Deploys the instruction process once per SDK client, with Okno's task listeners injected. */
  deploy(): Promise<void> {
    const sdk = this.sdk();
    let p = deployments.get(sdk);
    if (!p) {
      p = this.opts
        .prepare(fs.readFileSync(INSTRUCTION_BPMN_FILE, 'utf8'))
        .then((xml) =>
          sdk.getZeebeGrpcApiClient().deployResource({ process: Buffer.from(xml), name: 'instruction.bpmn' }),
        )
        .then(() => undefined);
      p.catch(() => deployments.delete(sdk));
      deployments.set(sdk, p);
    }
    return withTimeout(p);
  }

  /** Employees with a user account the viewer may instruct (a manager: their subtree; admin: everyone). */
  async instructable(viewer: SessionUser): Promise<InstructableEmployee[]> {
    const scope = managedUnits(viewer, await UnitTree.load(this.knex));
    const qb = this.knex('employees as e')
      .join('users as u', 'u.employeeId', 'e.id')
      .join('org_units as o', 'o.id', 'e.unitId')
      .where('e.isActive', true)
      .where('u.isActive', true)
      .whereNot('u.id', viewer.id)
      .orderBy('e.fullName')
      .select<(Pick<EmployeeRow, 'id' | 'fullName' | 'position'> & { unitName: OrgUnitRow['name'] })[]>(
        'e.id',
        'e.fullName',
        'e.position',
        'o.name as unitName',
      );
    if (scope !== 'all') qb.whereIn('e.unitId', scope);
    return qb;
  }

  /**
   * Gives an instruction: the employee must be in the viewer's scope (else 404, as if unknown) and have a
   * user account; the due day must not be in the past. The engine instance is started first, then the
   * row is written; if the write fails the instance is cancelled.
   */
  async create(input: CreateInstructionInput, viewer: SessionUser, actor: Actor): Promise<InstructionRecord> {
    const employee = await this.knex('employees').where({ id: input.employeeId, isActive: true }).first();
    const scope = managedUnits(viewer, await UnitTree.load(this.knex));
    if (!employee || (scope !== 'all' && !scope.includes(employee.unitId))) throw new NotFoundError('Employee');
    const user = await this.knex('users').where({ employeeId: employee.id, isActive: true }).first('id');
    if (!user)
      throw new ValidationError('The employee has no user account', [
        { path: 'employeeId', message: 'This employee cannot sign in to Okno, so they cannot receive an instruction' },
      ]);
    const now = this.opts.clock.now();
    const today = localDate(now, this.opts.calendar.timeZone);
    if (input.due < today)
      throw new ValidationError('The due date is in the past', [
        { path: 'due', message: `Choose today (${today}) or a later day` },
      ]);
    // The end of the working day of the chosen day (a day off moves to the next working day, art. 193).
    // Noon UTC lies on the same calendar day in every zone from UTC−11 to UTC+11 (Moscow, Kyiv).
    const dueAt = this.opts.calendar.dueInstant(new Date(`${input.due}T12:00:00Z`), {
      value: 0,
      unit: 'calendarDays',
    });
    const priority = input.priority ?? DEFAULT_PRIORITY;
    const givenBy = await this.knex('users').where({ id: viewer.id }).first('fullName');

    const sdk = this.sdk();
    await this.deploy().catch((err: unknown) => {
      throw unavailable(err);
    });
    const { nextval } = (await this.knex.raw<{ rows: { nextval: number }[] }>("select nextval('instructions_id_seq')"))
      .rows[0];
    const id = Number(nextval);
    const pi = await withTimeout(
      sdk.getZeebeGrpcApiClient().createProcessInstance({
        bpmnProcessId: INSTRUCTION_PROCESS_ID,
        variables: {
          instructionId: id,
          assignee: String(user.id),
          due: dueAt.toISOString(),
          priority,
          title: input.title,
          text: input.text,
          employeeId: employee.id,
          employeeName: employee.fullName,
          givenBy: String(viewer.id),
          givenByName: givenBy?.fullName ?? '',
        },
      }),
    ).catch((err: unknown) => {
      throw unavailable(err);
    });
    const processInstanceKey = String(pi.processInstanceKey);
    try {
      await this.knex.transaction(async (trx) => {
        const row = {
          id,
          processInstanceKey,
          givenBy: viewer.id,
          employeeId: employee.id,
          assigneeUserId: user.id,
          title: input.title,
          text: input.text,
          due: input.due,
          dueAt,
          priority,
          // When it was given, by the product's clock (the column default would be the wall clock).
          createdAt: now,
          updatedAt: now,
        };
        await trx('instructions').insert(row);
        await audit(trx, actor, { action: 'instruction.create', entity: 'instruction', entityId: id, after: row });
      });
    } catch (err) {
      await withTimeout(sdk.getZeebeGrpcApiClient().cancelProcessInstance(processInstanceKey)).catch(() => undefined);
      throw err;
    }
    const [item] = await this.present(await this.rows().where('i.id', id));
    return item;
  }

  /** Instructions given by the viewer, given to the viewer, or in the viewer's scope (manager: subtree; admin: all). */
  async list(query: InstructionListQuery, viewer: SessionUser): Promise<InstructionPageRecord> {
    const qb = this.rows();
    if (query.scope === 'givenByMe') qb.where('i.givenBy', viewer.id);
    else if (query.scope === 'toMe') qb.where('i.assigneeUserId', viewer.id);
    else {
      if (!viewer.roles.includes('admin') && !viewer.roles.includes('manager'))
        throw new ForbiddenError('Only managers and administrators see the instructions of a department');
      const scope = managedUnits(viewer, await UnitTree.load(this.knex));
      if (scope !== 'all') qb.whereIn('e.unitId', scope);
    }
    if (query.q) {
      const p = containsPattern(query.q);
      qb.where((w) => w.whereILike('i.title', p).orWhereILike('e.fullName', p).orWhereILike('i.text', p));
    }
    applySort(qb, query.sort, SORT_COLUMNS, 'i.id');
    return paginate(qb, query, (rows: ListRow[]) => this.present(rows));
  }

  private rows(): Knex.QueryBuilder {
    return this.knex('instructions as i')
      .join('employees as e', 'e.id', 'i.employeeId')
      .leftJoin('users as g', 'g.id', 'i.givenBy')
      .select('i.*', 'e.fullName as employeeName', 'g.fullName as givenByName');
  }

  /** The rows with their status from the engine's user tasks (one search for the page). */
  private async present(rows: ListRow[]): Promise<InstructionRecord[]> {
    const states = await this.taskStates(rows.map((r) => r.processInstanceKey).filter((k): k is string => !!k));
    const now = this.opts.clock.now();
    return rows.map((r) => {
      const status = (r.processInstanceKey && states?.get(r.processInstanceKey)) || (states ? 'open' : 'unknown');
      return {
        id: r.id,
        title: r.title,
        text: r.text,
        due: r.due,
        dueAt: r.dueAt,
        priority: r.priority,
        employeeId: r.employeeId,
        employeeName: r.employeeName,
        assigneeUserId: r.assigneeUserId,
        givenBy: r.givenBy,
        givenByName: r.givenByName,
        processInstanceKey: r.processInstanceKey,
        status,
        overdue: status === 'open' && r.dueAt.getTime() < now.getTime(),
        createdAt: r.createdAt,
      };
    });
  }

  /** The state of each instance's instruction task, or undefined when the engine does not answer. */
  private async taskStates(keys: string[]): Promise<Map<string, InstructionStatus> | undefined> {
    const out = new Map<string, InstructionStatus>();
    if (!keys.length) return out;
    const sdk = this.opts.engine.sdk();
    if (!sdk) return undefined;
    try {
      const rest = sdk.getOrchestrationClusterApiClient();
      const found = await withTimeout(
        rest.searchUserTasks(
          {
            filter: {
              processDefinitionId: INSTRUCTION_PROCESS_ID,
              processInstanceKey: { $in: keys },
            } as unknown as NonNullable<Parameters<typeof rest.searchUserTasks>[0]>['filter'],
            page: { limit: keys.length * 2 },
          },
          NOW,
        ),
      );
      for (const t of found.items) {
        const state = String(t.state);
        out.set(
          String(t.processInstanceKey),
          state === 'COMPLETED' ? 'completed' : state === 'CANCELED' ? 'canceled' : 'open',
        );
      }
      return out;
    } catch {
      return undefined;
    }
  }

  private sdk(): Camunda8 {
    const sdk = this.opts.engine.sdk();
    if (!sdk)
      throw new AppError(
        503,
        'engine_unavailable',
        'The process engine is not configured (ENGINE=none): instructions cannot run',
      );
    return sdk;
  }
}

function unavailable(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const detail = err instanceof Error ? err.message.replace(/\s+/g, ' ').trim().slice(0, 300) : 'no answer';
  return new AppError(503, 'engine_unavailable', `The process engine did not start the instruction (${detail})`);
}

function withTimeout<T>(p: PromiseLike<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.resolve(p),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ENGINE_TIMEOUT_MS / 1000} s`)), ENGINE_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}
