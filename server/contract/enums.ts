/**
 * The closed sets of values of the API (roles, languages, statuses, kinds) as plain constants, without
 * zod: the schemas of the contract are built from them, and the client imports them as values without
 * pulling zod into the browser bundle (from the rest of the contract it imports types only).
 */

/** Roles a user may hold (several at once). */
export const ROLES = ['admin', 'analyst', 'operator', 'specialist', 'manager', 'citizen'] as const;
export type Role = (typeof ROLES)[number];

/** The languages of the interface. */
export const LOCALES = ['ru', 'uk', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** The approval states of a matrix: draft → confirmed (employee) → agreed (manager) → approved (head) → locked. */
export const MATRIX_STATUSES = ['draft', 'confirmed', 'agreed', 'approved', 'locked'] as const;
export type MatrixStatus = (typeof MATRIX_STATUSES)[number];
export const MATRIX_ACTIONS = ['confirm', 'agree', 'approve', 'lock', 'return'] as const;
export type MatrixAction = (typeof MATRIX_ACTIONS)[number];
/** The sections of a matrix. */
export const SECTIONS = ['kpi', 'smart', 'discipline', 'evaluation'] as const;
export type Section = (typeof SECTIONS)[number];
/** Which rows the viewer may edit in the matrix's current state. */
export const EDIT_SCOPES = ['all', 'own', 'managerRows', 'none'] as const;
export type EditScope = (typeof EDIT_SCOPES)[number];

/** Kinds of org units. */
export const UNIT_KINDS = ['department', 'division', 'office'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];
/** What the org import reads. */
export const IMPORT_ENTITIES = ['units', 'employees', 'groups', 'windows'] as const;
export type ImportEntity = (typeof IMPORT_ENTITIES)[number];

/** A service is a draft until its first version is published. */
export const SERVICE_STATUSES = ['draft', 'published'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];
export const SERVICE_KIND_NAMES = ['service', 'package'] as const;
export type ServiceKindName = (typeof SERVICE_KIND_NAMES)[number];

/** The statuses of a case (issue 13). */
export const CASE_STATUSES = [
  'registered',
  'inProgress',
  'waitingForCorrections',
  'resultReady',
  'issued',
  'refused',
  'withdrawn',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** How an application reached Okno. */
export const CASE_CHANNELS = ['window', 'portal', 'paper'] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];
/** The state of one document of a case's checklist. */
export const CASE_DOCUMENT_STATES = ['original', 'copy', 'uploaded', 'requested', 'missing'] as const;
export type CaseDocumentState = (typeof CASE_DOCUMENT_STATES)[number];
/** Who applies. */
export const APPLICANT_KINDS = ['individual', 'soleTrader', 'legalEntity'] as const;
export type ApplicantKind = (typeof APPLICANT_KINDS)[number];
/** What a timeline entry records. */
export const CASE_EVENT_KINDS = [
  'registered',
  'documents',
  'processStarted',
  'suspended',
  'resumed',
  'extended',
  'correctionsRequested',
  'resubmitted',
  'comment',
  'stepCompleted',
  'statusChanged',
] as const;
export type CaseEventKind = (typeof CASE_EVENT_KINDS)[number];
/** Units of a statutory term. */
export const DEADLINE_UNIT_NAMES = ['workingDays', 'calendarDays'] as const;
export type DeadlineUnitName = (typeof DEADLINE_UNIT_NAMES)[number];
/** The states of a task row. `waitingForCorrections` is a flag on an open task (see `TaskItem`). */
export const TASK_STATUSES = ['created', 'assigned', 'completed', 'canceled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
/** Which tasks a list shows: assigned to me, unassigned in my groups, my scope (manager/admin), completed. */
export const TASK_VIEWS = ['mine', 'group', 'scope', 'completed'] as const;
export type TaskListView = (typeof TASK_VIEWS)[number];
/** Due filters: due today, overdue, at risk (due within 8 working hours and not overdue). */
export const TASK_DUE_FILTERS = ['today', 'overdue', 'atRisk'] as const;
export type TaskDueFilter = (typeof TASK_DUE_FILTERS)[number];
export const TASK_SORTS = ['due', '-due', 'priority', '-priority', 'created', '-created'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];
/** Columns a saved view may show. */
export const TASK_COLUMNS = [
  'caseNumber',
  'applicantName',
  'serviceTitle',
  'name',
  'status',
  'assignee',
  'candidateGroups',
  'priority',
  'created',
  'due',
  'department',
] as const;
export type TaskColumn = (typeof TASK_COLUMNS)[number];
/** Inter-agency requests: pending (recorded, not yet sent) → sent → answered; overdue = sent, unanswered, past due. */
export const INTERAGENCY_STATUSES = ['pending', 'sent', 'answered', 'overdue'] as const;
export type InteragencyStatus = (typeof INTERAGENCY_STATUSES)[number];
/** What the answering agency found. */
export const INTERAGENCY_RESULTS = ['found', 'notFound'] as const;
export type InteragencyResultName = (typeof INTERAGENCY_RESULTS)[number];
/** An instruction (поручение) as the engine reports its user task. */
export const INSTRUCTION_STATUSES = ['open', 'completed', 'canceled', 'unknown'] as const;
export type InstructionStatus = (typeof INSTRUCTION_STATUSES)[number];
/** Whose instructions a list shows. */
export const INSTRUCTION_SCOPES = ['givenByMe', 'toMe', 'inScope'] as const;
export type InstructionScope = (typeof INSTRUCTION_SCOPES)[number];
/** An administrator's override of a day of the production calendar. */
export const CALENDAR_OVERRIDE_KINDS = ['dayOff', 'workingDay'] as const;
export type CalendarOverrideKind = (typeof CALENDAR_OVERRIDE_KINDS)[number];
/**
 * Why a day of the working calendar is off or worked: a weekend, a public holiday, a holiday's move to
 * the next working day (Labour Code), a Government decree's transfer (a weekday off / a weekend worked),
 * a presidential non-working day (2020–2021), an administrator's override.
 */
export const CALENDAR_DAY_REASONS = [
  'weekend',
  'holiday',
  'holidayMove',
  'transfer',
  'transferWorkingDay',
  'nonWorkingDay',
  'override',
] as const;
export type CalendarDayReason = (typeof CALENDAR_DAY_REASONS)[number];
