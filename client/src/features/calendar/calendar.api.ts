import { http } from '../../api/http';
import type { CalendarOverridePutRequest, CalendarOverrideView, CalendarYear } from '@contract/calendar';

export type { CalendarDay, CalendarMonth, CalendarOverrideView, CalendarYear } from '@contract/calendar';
export { CALENDAR_DAY_REASONS, CALENDAR_OVERRIDE_KINDS } from '@contract/enums';
export type { CalendarDayReason, CalendarOverrideKind } from '@contract/enums';

/** /api/calendar: the production calendar of a year and administrators' overrides. */
export const calendarApi = {
  year: (year: number) => http.get<CalendarYear>(`/api/calendar/${year}`),
  putOverride: (day: string, input: CalendarOverridePutRequest) =>
    http.put<CalendarOverrideView>(`/api/calendar/overrides/${day}`, input),
  removeOverride: (day: string) => http.delete(`/api/calendar/overrides/${day}`),
};
