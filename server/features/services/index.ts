// The services feature's public surface for other features: the service (checklist of a published
// service, its versions) and the row types of its tables.
export { ServicesService, type ServiceCard } from './services.service.js';
export type { ServiceRow, ServiceVersionRow } from './services.tables.js';
export type { Checklist } from './services.schemas.js';
export type { Locale } from './services.messages.js';
// And the job types Okno serves and the task headers publish writes.
export {
  OKNO_JOB_TYPES,
  STEP_HEADERS,
  TASK_LISTENER_JOB_TYPES,
  isOknoJobType,
  type OknoJobType,
} from './services.jobs.js';
