import type { BaseDeps } from './deps.js';
import { AuditService } from './features/audit/audit.service.js';
import { CasesService } from './features/cases/cases.service.js';
import { CalendarService } from './features/calendar/calendar.service.js';
import { EmployeeService } from './features/org/employee.service.js';
import { GroupService } from './features/org/group.service.js';
import { ImportService } from './features/org/import.service.js';
import { UnitService } from './features/org/unit.service.js';
import { InstructionService } from './features/instructions/instructions.service.js';
import { BuiltInInteragencyAdapter } from './features/interagency/interagency.adapter.js';
import { InteragencyService } from './features/interagency/interagency.service.js';
import { WindowService } from './features/org/window.service.js';
import { MatrixApproval } from './features/scorecard/matrix.approval.js';
import { MatrixService } from './features/scorecard/matrix.service.js';
import { MethodologyService } from './features/scorecard/methodology.service.js';
import { PlanService } from './features/scorecard/plan.service.js';
import { RoadmapService } from './features/scorecard/roadmap.service.js';
import { defaultProviders } from './features/scorecard/scorecard.providers.js';
import { AUTO_LOCK_AFTER } from './features/scorecard/scorecard.workers.js';
import { parseBpmn } from './features/services/services.moddle.js';
import { ServicesService } from './features/services/services.service.js';
import { TaskEngine, TaskService } from './features/tasks/index.js';
import { withTaskListeners } from './features/services/services.transforms.js';
import { UsersService } from './features/users/users.service.js';
import { localYear } from './platform/clock.js';

/** Every feature's services, each built once here (the composition root) and handed to routes and workers. */
export interface FeatureServices {
  users: UsersService;
  audit: AuditService;
  org: {
    units: UnitService;
    employees: EmployeeService;
    groups: GroupService;
    windows: WindowService;
    importer: ImportService;
  };
  services: ServicesService;
  /** The production calendar's overrides, kept in `deps.calendar` (load() at start). */
  calendar: CalendarService;
  scorecard: {
    matrices: MatrixService;
    plans: PlanService;
    methodologies: MethodologyService;
    roadmap: RoadmapService;
  };
  cases: CasesService;
  /** The staff task list; `service.useCaseHooks(cases)` wires the case feature's port. */
  tasks: { service: TaskService; engine: TaskEngine };
  interagency: InteragencyService;
  instructions: InstructionService;
}

/** Builds the feature services from the platform's parts (database, engine, clock, configuration). */
export function createFeatureServices({
  db,
  engine,
  clock,
  config,
  validation,
  calendar,
  logger,
}: BaseDeps): FeatureServices {
  const knex = db.knex;
  const providers = defaultProviders();
  const services = new ServicesService(knex, engine, clock, validation);
  const taskEngine = new TaskEngine(engine);
  const tasks = new TaskService(knex, { clock, calendar, engine: taskEngine, logger });
  // Cases and tasks know each other through ports (tasks must not import cases): wired here once.
  const cases = new CasesService(knex, {
    engine,
    clock,
    calendar,
    services,
    timeZone: config.TIME_ZONE,
    country: config.CALENDAR_COUNTRY,
    engineInTransaction: db.kind === 'postgres',
    tasks: {
      caseResumed: (caseId, period, trx) => tasks.caseResumed(caseId, period, trx),
      // The diagram's steps with their due and completion instants (late = completed or still open past due).
      stepsOf: async (caseId) =>
        (
          await knex('tasks')
            .where({ caseId })
            .orderBy('createdAt')
            .select('elementId', 'status', 'waitingForCorrections', 'dueAt', 'completedAt')
        ).map((r) => ({
          elementId: r.elementId,
          status: r.waitingForCorrections && r.status !== 'completed' ? 'waitingForCorrections' : r.status,
          due: r.dueAt,
          completedAt: r.completedAt,
        })),
    },
  });
  tasks.useCaseHooks(cases);
  return {
    users: new UsersService(knex, config.CALENDAR_COUNTRY),
    audit: new AuditService(knex),
    org: {
      units: new UnitService(knex),
      employees: new EmployeeService(knex),
      groups: new GroupService(knex),
      windows: new WindowService(knex),
      importer: new ImportService(knex),
    },
    services,
    calendar: new CalendarService(knex, calendar, clock),
    scorecard: {
      matrices: new MatrixService(knex, providers, {
        country: config.CALENDAR_COUNTRY,
        clock,
        approval: new MatrixApproval(engine, { autoLockAfter: AUTO_LOCK_AFTER }),
      }),
      plans: new PlanService(knex, providers),
      methodologies: new MethodologyService(knex),
      roadmap: new RoadmapService(knex, () => localYear(clock.now(), config.TIME_ZONE)),
    },
    cases,
    tasks: { service: tasks, engine: taskEngine },
    interagency: new InteragencyService(knex, {
      engine,
      clock,
      calendar,
      adapter: new BuiltInInteragencyAdapter(),
      // The published version's card says which documents come from other agencies.
      cards: (code, version) =>
        services.version(code, version).then(
          (v) => v.card,
          () => null,
        ),
      logger: logger.child({ component: 'interagency' }),
    }),
    instructions: new InstructionService(knex, {
      engine,
      clock,
      calendar,
      // Deployed with Okno's task listeners, so the task list records the instruction like any step.
      prepare: async (xml) => withTaskListeners(await parseBpmn(xml)),
    }),
  };
}
