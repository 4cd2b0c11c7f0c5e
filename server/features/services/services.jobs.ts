// The job types Okno's runtime serves. A BPMN service task may use one of these, or declare its job
// type external (<okno:external system="..."/>) when another system's worker takes it.

/** Every job type Okno handles, with the feature whose worker takes it. The one list validation checks against. */
export const OKNO_JOB_TYPES = {
  'okno-task-created': {
    worker: 'tasks',
    description: 'creating task listener: records the user task and its due date (injected on publish)',
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

/** True when Okno has a worker for the job type. */
export function isOknoJobType(type: string): type is OknoJobType {
  return Object.hasOwn(OKNO_JOB_TYPES, type);
}
