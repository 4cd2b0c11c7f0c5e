/** The public surface of the calendar feature. */
export { CalendarService } from './calendar.service.js';
export type { CalendarOverrideRow } from './calendar.tables.js';
