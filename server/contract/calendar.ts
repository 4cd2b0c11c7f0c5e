/**
 * The contract of /api/calendar: the production calendar of a year as Okno applies it to deadlines and
 * working time (national rules, Government transfers, presidential non-working days, administrators'
 * overrides), and the overrides themselves (admin).
 */
import { z } from 'zod';
import { endpoint, instantSchema } from './common.js';
import { CALENDAR_DAY_REASONS, CALENDAR_OVERRIDE_KINDS } from './enums.js';

/** A day in a path or body: 'YYYY-MM-DD', a real date. */
export const calendarDaySchema = z.iso.date({ message: 'Use a real date in the format YYYY-MM-DD, e.g. 2026-12-31' });

export const calendarYearParams = z.object({
  year: z.coerce
    .number<number>({ message: 'Give the year as a number, e.g. 2026' })
    .int('Give the year as a whole number')
    .min(2000, 'Years from 2000 to 2100')
    .max(2100, 'Years from 2000 to 2100'),
});
export const calendarDayParams = z.object({ day: calendarDaySchema });

export const calendarOverridePutSchema = z.object({
  kind: z.enum(CALENDAR_OVERRIDE_KINDS, { message: 'Choose dayOff or workingDay' }),
  note: z
    .string({ message: 'Name the reason or the act (order, decree)' })
    .trim()
    .min(3, 'Name the reason or the act (order, decree)')
    .max(500, 'At most 500 characters'),
});
export type CalendarOverridePut = z.infer<typeof calendarOverridePutSchema>;
export type CalendarOverridePutRequest = z.input<typeof calendarOverridePutSchema>;

/** An administrator's override of one day. */
export const calendarOverrideSchema = z.strictObject({
  day: z.string(),
  kind: z.enum(CALENDAR_OVERRIDE_KINDS),
  note: z.string(),
  /** Who set it last, and when. */
  updatedByName: z.string().nullable(),
  updatedAt: instantSchema,
});
export type CalendarOverrideItem = z.output<typeof calendarOverrideSchema>;
export type CalendarOverrideView = z.input<typeof calendarOverrideSchema>;

/** A day that is not an ordinary working weekday: off, a worked weekend day, a shortened day, or overridden. */
export const calendarDaySchemaOut = z.strictObject({
  day: z.string(),
  working: z.boolean(),
  /** A public holiday of the Labour Code. */
  holiday: z.boolean(),
  /** One hour shorter (RU Labour Code art. 95). */
  shortened: z.boolean(),
  /** Null for a working weekday listed only because it is shortened. */
  reason: z.enum(CALENDAR_DAY_REASONS).nullable(),
  /** The act behind the reason (for an override: its note). */
  source: z.string().nullable(),
  /** What the national rules alone say, before presidential non-working days and overrides. */
  nationalWorking: z.boolean(),
});
export type CalendarDay = z.infer<typeof calendarDaySchemaOut>;

export const calendarMonthSchema = z.strictObject({
  month: z.string(),
  workingDays: z.number().int(),
  /** Working hours of an 8-hour day, pre-holiday days one hour shorter. */
  workingHours: z.number().int(),
  /** Working days of the national production calendar alone (the published norm). */
  nationalWorkingDays: z.number().int(),
});
export type CalendarMonth = z.infer<typeof calendarMonthSchema>;

export const calendarYearSchema = z.strictObject({
  year: z.number().int(),
  country: z.enum(['RU', 'UA']),
  /** Whether the Government's transfers for the year are in Okno's table (else the Labour Code alone). */
  officialTransfers: z.boolean(),
  /** The Government's decree on transfers of the year (RU), if known. */
  decree: z.string().nullable(),
  workingDays: z.number().int(),
  workingHours: z.number().int(),
  nationalWorkingDays: z.number().int(),
  months: z.array(calendarMonthSchema),
  days: z.array(calendarDaySchemaOut),
  overrides: z.array(calendarOverrideSchema),
});
export type CalendarYearData = z.output<typeof calendarYearSchema>;
export type CalendarYear = z.input<typeof calendarYearSchema>;

/** The endpoints of /api/calendar and what each answers on success. */
export const calendarEndpoints = [
  endpoint('GET', '/api/calendar/:year', calendarYearSchema),
  endpoint('PUT', '/api/calendar/overrides/:day', calendarOverrideSchema),
  endpoint('DELETE', '/api/calendar/overrides/:day', null),
];
