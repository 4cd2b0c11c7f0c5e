import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tables } from 'knex/types/tables.js';
import type { RowOf } from '../../../server/platform/tables.js';
import { startTestOkno, type TestOkno } from '../../helpers/okno.js';

/**
 * The typed tables (server/platform/tables.ts and the features' *.tables.ts) against the migrated schema:
 * every app table is declared, and every declared row type has exactly the table's columns. The engine's
 * engine_* tables are not declared (server/engine/ keeps its own state modules).
 */

/** Lists a table's columns; `tsc` fails unless the list names every key of the table's row type. */
const columns =
  <T extends keyof Tables>() =>
  <const C extends readonly (keyof RowOf<T>)[]>(
    ...cols: C & ([Exclude<keyof RowOf<T>, C[number]>] extends [never] ? unknown : never)
  ): readonly string[] =>
    cols as readonly string[];

/** Every declared table with its row type's keys (`tsc` fails when a declared table is missing here). */
const DECLARED: { [T in keyof Tables]: readonly string[] } = {
  case_counters: columns<'case_counters'>()('year', 'last'),
  cases: columns<'cases'>()(
    'id',
    'number',
    'parentId',
    'serviceCode',
    'serviceVersion',
    'serviceTitle',
    'serviceVersionId',
    'departmentUnitId',
    'officeUnitId',
    'channel',
    'applicant',
    'applicantName',
    'applicantKind',
    'answers',
    'situations',
    'variant',
    'checklist',
    'status',
    'processInstanceKey',
    'dueDate',
    'deadlineUnit',
    'deadlineDays',
    'suspendedSince',
    'suspendedMinutes',
    'corrections',
    'registeredBy',
    'registeredAt',
    'closedAt',
    'result',
    'createdAt',
    'updatedAt',
  ),
  case_events: columns<'case_events'>()('id', 'caseId', 'kind', 'at', 'actorId', 'data'),
  case_comments: columns<'case_comments'>()('id', 'caseId', 'authorId', 'text', 'createdAt'),
  case_suspensions: columns<'case_suspensions'>()(
    'id',
    'caseId',
    'from',
    'to',
    'reason',
    'workingMinutes',
    'createdBy',
  ),
  case_extensions: columns<'case_extensions'>()(
    'id',
    'caseId',
    'reason',
    'days',
    'unit',
    'oldDue',
    'newDue',
    'createdBy',
    'createdAt',
  ),
  audit_log: columns<'audit_log'>()(
    'id',
    'at',
    'actorUserId',
    'action',
    'entity',
    'entityId',
    'before',
    'after',
    'requestId',
    'ip',
  ),
  employees: columns<'employees'>()(
    'id',
    'createdAt',
    'updatedAt',
    'isActive',
    'position',
    'unitId',
    'salary',
    'maxBonusSalaries',
    'phone',
    'personnelNumber',
    'fullName',
    'email',
    'hiredOn',
  ),
  instructions: columns<'instructions'>()(
    'id',
    'createdAt',
    'updatedAt',
    'processInstanceKey',
    'givenBy',
    'employeeId',
    'assigneeUserId',
    'title',
    'text',
    'due',
    'dueAt',
    'priority',
  ),
  interagency_requests: columns<'interagency_requests'>()(
    'id',
    'createdAt',
    'updatedAt',
    'jobKey',
    'processInstanceKey',
    'caseId',
    'caseNumber',
    'officeId',
    'serviceCode',
    'serviceTitle',
    'documentCode',
    'documentKind',
    'documentTitle',
    'agencyCode',
    'agencyName',
    'status',
    'adapter',
    'externalId',
    'sentAt',
    'dueAt',
    'result',
    'replyText',
    'documentNumber',
    'answeredBy',
    'answeredAt',
    'replyPublishedAt',
  ),
  org_units: columns<'org_units'>()(
    'id',
    'createdAt',
    'updatedAt',
    'isActive',
    'code',
    'name',
    'kind',
    'shortName',
    'parentId',
    'address',
    'phone',
  ),
  sc_facts: columns<'sc_facts'>()(
    'updatedAt',
    'source',
    'indicatorId',
    'employeeId',
    'month',
    'value',
    'dateValue',
    'updatedBy',
  ),
  sc_indicator_terms: columns<'sc_indicator_terms'>()('id', 'createdAt', 'indicatorId', 'validFrom', 't0', 'tmax'),
  sc_indicators: columns<'sc_indicators'>()(
    'id',
    'createdAt',
    'updatedAt',
    'direction',
    'source',
    'isActive',
    'code',
    'name',
    'unit',
    'description',
  ),
  sc_matrices: columns<'sc_matrices'>()(
    'id',
    'createdAt',
    'updatedAt',
    'position',
    'kpiWeight',
    'smartWeight',
    'disciplineWeight',
    'evaluationWeight',
    'employeeId',
    'status',
    'result',
    'bonusSalaries',
    'workedTimeCoefficient',
    'bonusToPay',
    'month',
    'unitId',
    'salary',
    'maxBonusSalaries',
    'ruleId',
    'plannedWorkingDays',
    'workedDays',
    'computedAt',
    'confirmedBy',
    'confirmedAt',
    'agreedBy',
    'agreedAt',
    'approvedBy',
    'approvedAt',
    'lockedBy',
    'lockedAt',
    'processInstanceKey',
    'workflowLeaseUntil',
  ),
  sc_matrix_events: columns<'sc_matrix_events'>()(
    'id',
    'at',
    'action',
    'matrixId',
    'fromStatus',
    'toStatus',
    'userId',
    'comment',
  ),
  sc_matrix_rows: columns<'sc_matrix_rows'>()(
    'id',
    'direction',
    'unit',
    'indicatorId',
    't0',
    'tmax',
    'kind',
    'title',
    'sort',
    'effectiveWeight',
    'completionAdjusted',
    'total',
    'matrixId',
    'section',
    'planItemId',
    'cascadedFromRowId',
    'weight',
    'planValue',
    'planDate',
    'factValue',
    'factDate',
    'note',
    'completion',
  ),
  sc_methodologies: columns<'sc_methodologies'>()(
    'id',
    'createdAt',
    'updatedAt',
    'code',
    'name',
    'description',
    'groups',
  ),
  sc_org_evaluations: columns<'sc_org_evaluations'>()(
    'id',
    'score',
    'year',
    'unitId',
    'evaluatedAt',
    'methodologyId',
    'inputs',
    'breakdown',
    'evaluatedBy',
  ),
  sc_plan_items: columns<'sc_plan_items'>()(
    'id',
    'createdAt',
    'updatedAt',
    'direction',
    'unit',
    'indicatorId',
    'employeeId',
    'year',
    'kind',
    'title',
    'annualTarget',
    'annualDate',
    'monthly',
    'cascadedFromId',
  ),
  sc_roadmap_indicators: columns<'sc_roadmap_indicators'>()(
    'id',
    'createdAt',
    'updatedAt',
    'direction',
    'source',
    'code',
    'name',
    'unit',
    'description',
    'sort',
  ),
  sc_roadmap_values: columns<'sc_roadmap_values'>()('updatedAt', 'indicatorId', 'year', 'plan', 'fact'),
  sc_rules: columns<'sc_rules'>()(
    'id',
    'createdAt',
    'validFrom',
    't0',
    'tmax',
    'position',
    'kpiWeight',
    'smartWeight',
    'disciplineWeight',
    'evaluationWeight',
    'createdBy',
  ),
  service_versions: columns<'service_versions'>()(
    'id',
    'comment',
    'draftRevision',
    'publishedAt',
    'serviceId',
    'version',
    'xml',
    'deployedXml',
    'forms',
    'card',
    'publishedBy',
    'deploymentKey',
    'processDefinitionKey',
    'processVersion',
  ),
  services: columns<'services'>()(
    'id',
    'createdAt',
    'updatedAt',
    'code',
    'createdBy',
    'kind',
    'title',
    'updatedBy',
    'department',
    'draftRevision',
    'draftXml',
    'draftForms',
    'latestVersion',
    'publishedAt',
  ),
  sessions: columns<'sessions'>()('ip', 'createdAt', 'userId', 'idHash', 'csrfToken', 'expiresAt', 'userAgent'),
  staff_group_members: columns<'staff_group_members'>()('employeeId', 'groupId'),
  staff_groups: columns<'staff_groups'>()('id', 'createdAt', 'updatedAt', 'code', 'name', 'description', 'unitId'),
  users: columns<'users'>()(
    'id',
    'createdAt',
    'updatedAt',
    'isActive',
    'employeeId',
    'phone',
    'fullName',
    'email',
    'roles',
    'locale',
    'passwordHash',
    'lastLoginAt',
  ),
  windows: columns<'windows'>()('number', 'id', 'createdAt', 'updatedAt', 'isActive', 'name', 'employeeId', 'officeId'),
  tasks: columns<'tasks'>()(
    'id',
    'userTaskKey',
    'processInstanceKey',
    'processDefinitionKey',
    'bpmnProcessId',
    'elementId',
    'name',
    'formId',
    'status',
    'candidateGroups',
    'candidateUsers',
    'assigneeId',
    'priority',
    'createdAt',
    'dueAt',
    'completedAt',
    'completedBy',
    'caseId',
    'caseNumber',
    'applicantName',
    'serviceCode',
    'serviceTitle',
    'departmentId',
    'waitingForCorrections',
    'correction',
    'suspendedAt',
    'suspendedMinutes',
    'draft',
    'draftSavedAt',
    'updatedAt',
  ),
  step_facts: columns<'step_facts'>()(
    'id',
    'taskId',
    'caseId',
    'serviceCode',
    'elementId',
    'completedBy',
    'employeeId',
    'departmentId',
    'createdAt',
    'dueAt',
    'completedAt',
    'onTime',
    'workingMinutes',
    'suspendedMinutes',
  ),
  task_views: columns<'task_views'>()(
    'id',
    'ownerId',
    'name',
    'filters',
    'columns',
    'sort',
    'sharedWithGroup',
    'createdAt',
    'updatedAt',
  ),
};

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

describe('typed tables', () => {
  let okno: TestOkno;
  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'none' });
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given the migrated schema, then every app table (all but engine_* and knex_*) has a row type in Tables', async () => {
    const { rows } = await okno.deps.db.knex.raw<{ rows: { name: string }[] }>(
      "select table_name as name from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE' and table_name not like 'engine\\_%' and table_name not like 'knex\\_%'",
      [okno.deps.db.schema],
    );
    expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(DECLARED).sort());
  });

  it("given the migrated schema, then each row type has exactly its table's columns (camelCase in code, snake_case in SQL)", async () => {
    const { rows } = await okno.deps.db.knex.raw<{ rows: { table: string; column: string }[] }>(
      'select table_name as "table", column_name as "column" from information_schema.columns where table_schema = ?',
      [okno.deps.db.schema],
    );
    for (const [table, cols] of Object.entries(DECLARED)) {
      const inDb = rows.filter((r) => r.table === table).map((r) => r.column);
      expect({ table, columns: inDb.sort() }).toEqual({ table, columns: cols.map(snake).sort() });
    }
  });

  it('given a misspelt column or a wrong value, then tsc refuses the query (the @ts-expect-error lines fail tsc if it ever stops)', () => {
    const knex = okno.deps.db.knex;
    // @ts-expect-error: sc_matrices has employeeId, not employeId
    expect(knex('sc_matrices').where({ employeId: 1 }).toSQL().sql).toContain('"employe_id"');
    // @ts-expect-error: users has fullName, not fullname
    expect(knex('users').update({ fullname: 'x' }).toSQL().sql).toContain('"fullname"');
    // Not caught: a misspelt name in .select('…')/.first('…')/.orderBy('…') or a qualified 'u.col', which knex
    // also takes as any string (aliases, raw names); the result is then untyped, see platform/tables.ts.
    // @ts-expect-error: employees.unitId is a number
    expect(knex('employees').insert({ fullName: 'x', position: 'y', unitId: 'dep-housing' }).toSQL().sql).toContain(
      'insert',
    );
  });

  it('given a typed query, then its result has the selected columns with their types and nothing else', async () => {
    const unit = await okno.deps.db.knex('org_units').where({ code: 'dep-housing' }).first('id', 'code', 'parentId');
    const id: number | undefined = unit?.id;
    const parentId: number | null | undefined = unit?.parentId;
    // @ts-expect-error: name was not selected
    const _name: string | undefined = unit?.name;
    expect(unit).toEqual({ id, code: 'dep-housing', parentId });
  });
});
