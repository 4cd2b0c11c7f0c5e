import { timeZone } from './clock';

/**
 * Formats an ISO date or timestamp for the current language (dates only when `withTime` is false), in the
 * office's time zone (the server's, from the session) whatever the browser's: a step due at 18:00 in Moscow
 * reads 18:00 everywhere. A calendar date ('YYYY-MM-DD') is shown as that date.
 */
export function formatDate(value: string | null | undefined, locale: string, withTime = false): string {
  if (!value) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const zone = /^\d{4}-\d{2}-\d{2}$/.test(value) ? 'UTC' : timeZone();
  return new Intl.DateTimeFormat(
    localeTag(locale),
    withTime ? { dateStyle: 'short', timeStyle: 'medium', timeZone: zone } : { dateStyle: 'medium', timeZone: zone },
  ).format(d);
}

/** Formats a number (salaries arrive as strings from numeric columns). */
export function formatNumber(value: number | string | null | undefined, locale: string, digits = 2): string {
  if (value === null || value === undefined || value === '') return '—';
  const n = typeof value === 'number' ? value : Number(value);
  if (Number.isNaN(n)) return String(value);
  return new Intl.NumberFormat(localeTag(locale), { maximumFractionDigits: digits }).format(n);
}

function localeTag(locale: string): string {
  return ({ ru: 'ru-RU', uk: 'uk-UA', en: 'en-GB' } as Record<string, string>)[locale] ?? locale;
}

/** A `yyyy-mm-dd` string for a date picker timestamp (local calendar day). */
export function toIsoDay(ts: number | null): string | null {
  if (ts === null) return null;
  const d = new Date(ts);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A date picker timestamp for a `yyyy-mm-dd` string (local midnight). */
export function fromIsoDay(day: string | null | undefined): number | null {
  if (!day) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
}

/** Formats an instant as a short date and time in the users' time zone (the server's, see shared/clock.ts), without seconds. */
export function formatInstant(value: string | null | undefined, locale: string): string {
  if (!value) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return new Intl.DateTimeFormat(localeTag(locale), {
    dateStyle: 'short',
    timeStyle: 'short',
    timeZone: timeZone(),
  }).format(d);
}
