// The services feature's public surface for other features: the job types Okno serves and the task headers publish writes.
export {
  OKNO_JOB_TYPES,
  STEP_HEADERS,
  TASK_LISTENER_JOB_TYPES,
  isOknoJobType,
  type OknoJobType,
} from './services.jobs.js';
