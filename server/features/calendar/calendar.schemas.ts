/** The request schemas of /api/calendar live in the API contract (server/contract/calendar.ts). */
export { calendarDayParams, calendarOverridePutSchema, calendarYearParams } from '../../contract/calendar.js';
export type { CalendarOverridePut } from '../../contract/calendar.js';
