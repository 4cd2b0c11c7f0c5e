// The job types Okno's runtime serves. A BPMN service task may use one of these, or declare its job
// type external (<okno:external system="..."/>) when another system's worker takes it.

/** Every job type Okno handles, with the feature whose worker takes it. The one list validation checks against. */
export const OKNO_JOB_TYPES = {
  'okno-task-created': {
    worker: 'tasks',
    description: 'creating task listener: records the user task and its due date (injected on publish)',
  },
  'okno-task-assigned': {
    worker: 'tasks',
    description: 'assigning task listener: keeps the task list true when the assignee changes (injected on publish)',
  },
  'okno-task-updated': {
    worker: 'tasks',
    description: 'updating task listener: candidate groups, due date, priority (injected on publish)',
  },
  'okno-task-completed': {
    worker: 'tasks',
    description: 'completing task listener: records the completion and the step fact (injected on publish)',
  },
  'okno-task-canceled': {
    worker: 'tasks',
    description: 'canceling task listener: marks the task canceled (injected on publish)',
  },
  'send-interagency-request': {
    worker: 'interagency',
    description:
      'sends an inter-agency request (межведомственный запрос); the reply arrives as message interagency-reply',
  },
  'notify-applicant': {
    worker: 'notifications',
    description: 'tells the applicant by SMS/e-mail that the result is ready',
  },
  'invite-rating': { worker: 'ratings', description: 'invites the applicant to rate the service (Ваш контроль)' },
} as const;

export type OknoJobType = keyof typeof OKNO_JOB_TYPES;

/** The task-listener job type the publish step adds to every user task. */
export const TASK_CREATED_JOB_TYPE: OknoJobType = 'okno-task-created';

/** Okno's task listeners, one per transition, added to every Camunda user task on publish. */
export const TASK_LISTENER_JOB_TYPES = {
  creating: 'okno-task-created',
  assigning: 'okno-task-assigned',
  updating: 'okno-task-updated',
  completing: 'okno-task-completed',
  canceling: 'okno-task-canceled',
} as const satisfies Record<string, OknoJobType>;

/**
 * Task headers the publish step writes on every user task, so the listener jobs carry what the task
 * list needs without reading the model again: the step's term (`okno:step deadline deadlineUnit`),
 * the form id and the element's name.
 */
export const STEP_HEADERS = {
  deadline: 'okno-step-deadline',
  deadlineUnit: 'okno-step-deadline-unit',
  formId: 'okno-form-id',
  name: 'okno-step-name',
} as const;

/** True when Okno has a worker for the job type. */
export function isOknoJobType(type: string): type is OknoJobType {
  return Object.hasOwn(OKNO_JOB_TYPES, type);
}
