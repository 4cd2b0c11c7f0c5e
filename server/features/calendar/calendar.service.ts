import type { Knex } from 'knex';
import { addDays, format, parseISO } from 'date-fns';
import type {
  CalendarDay,
  CalendarMonth,
  CalendarOverrideItem,
  CalendarOverridePut,
  CalendarYearData,
} from '../../contract/calendar.js';
import { audit } from '../../platform/audit.js';
import { ruTransferDecree, workingDaysInMonth, workingDaysInYear } from '../../platform/calendar.js';
import type { Clock } from '../../platform/clock.js';
import { NotFoundError } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/context.js';
import type { WorkingCalendar } from '../../platform/working-time.js';
import type { CalendarOverrideRow } from './calendar.tables.js';

type OverrideRow = Pick<CalendarOverrideRow, 'day' | 'kind' | 'note' | 'updatedAt'> & { updatedByName: string | null };

const nextDay = (day: string) => format(addDays(parseISO(day), 1), 'yyyy-MM-dd');

/**
 * The production calendar as Okno applies it, and administrators' overrides of it. The overrides live
 * in `calendar_overrides` and in the one working calendar (`deps.calendar`) that every deadline and
 * working-time computation uses: `load()` puts them there at start, every change puts them there
 * again after its commit, and reading a year re-synchronises them (another Okno process may have
 * changed them).
 */
export class CalendarService {
  constructor(
    private readonly knex: Knex,
    private readonly calendar: WorkingCalendar,
    private readonly clock: Clock,
  ) {}

  private get country() {
    return this.calendar.country;
  }

  private rows(db: Knex | Knex.Transaction = this.knex, year?: number, day?: string): Promise<OverrideRow[]> {
    const qb = db('calendar_overrides as o')
      .leftJoin('users as u', 'u.id', 'o.updatedBy')
      .where('o.country', this.country)
      .orderBy('o.day')
      .select<OverrideRow[]>('o.day', 'o.kind', 'o.note', 'o.updatedAt', 'u.fullName as updatedByName');
    if (year !== undefined) qb.whereBetween('o.day', [`${year}-01-01`, `${year}-12-31`]);
    if (day !== undefined) qb.where('o.day', day);
    return qb;
  }

  /** Days and months of a year as computed with the overrides in force (cleared whenever they change). */
  private readonly computed = new Map<number, { days: CalendarDay[]; months: CalendarMonth[] }>();

  private sync(rows: readonly Pick<OverrideRow, 'day' | 'kind'>[]): void {
    this.calendar.setOverrides(rows.map(({ day, kind }) => ({ day, kind })));
    this.computed.clear();
  }

  /** Loads every override of the configured country into the working calendar. */
  async load(): Promise<void> {
    this.sync(await this.knex('calendar_overrides').where({ country: this.country }).select('day', 'kind'));
  }

  /**
   * Brings the working calendar up to date with the table when another Okno process changed it (the
   * calendar's refresh worker calls this periodically); true when something changed.
   */
  async refresh(): Promise<boolean> {
    const all = await this.knex('calendar_overrides').where({ country: this.country }).select('day', 'kind');
    const known = new Map(this.calendar.overrides().map((o) => [o.day, o.kind]));
    if (all.length === known.size && all.every((r) => known.get(r.day) === r.kind)) return false;
    this.sync(all);
    return true;
  }

  /**
   * The year as Okno applies it: counts per month, every day that is off, a worked weekend day, a
   * shortened day or overridden (with its reason and source), and the year's overrides.
   */
  async year(year: number): Promise<CalendarYearData> {
    await this.refresh();
    const overrides = await this.rows(this.knex, year);
    const notes = new Map(overrides.map((o) => [o.day, o.note]));
    const { days, months } = this.daysOf(year);
    const national = workingDaysInYear(year, this.country);
    return {
      year,
      country: this.country,
      officialTransfers: national.officialTransfers,
      decree: this.country === 'RU' ? ruTransferDecree(year) : null,
      workingDays: months.reduce((a, m) => a + m.workingDays, 0),
      workingHours: months.reduce((a, m) => a + m.workingHours, 0),
      nationalWorkingDays: national.days,
      months,
      days: days.map((d) => (d.reason === 'override' ? { ...d, source: notes.get(d.day) ?? null } : d)),
      overrides: overrides.map(toItem),
    };
  }

  private daysOf(year: number): { days: CalendarDay[]; months: CalendarMonth[] } {
    const cached = this.computed.get(year);
    if (cached) return cached;
    const days: CalendarDay[] = [];
    const months: CalendarMonth[] = [];
    for (let m = 1; m <= 12; m += 1) {
      const month = `${year}-${String(m).padStart(2, '0')}`;
      let workingDays = 0;
      let minutes = 0;
      for (let day = `${month}-01`; day.startsWith(month); day = nextDay(day)) {
        const info = this.calendar.dayInfo(day);
        if (info.working) workingDays += 1;
        minutes += this.calendar.workingMinutesOn(day);
        if (info.reason === null && !info.shortened) continue;
        days.push({
          day,
          working: info.working,
          holiday: info.holiday,
          shortened: info.shortened,
          reason: info.reason,
          source: info.source,
          nationalWorking: info.nationalWorking,
        });
      }
      months.push({
        month,
        workingDays,
        workingHours: Math.round(minutes / 60),
        nationalWorkingDays: workingDaysInMonth(month, this.country),
      });
    }
    const result = { days, months };
    if (this.computed.size > 50) this.computed.clear();
    this.computed.set(year, result);
    return result;
  }

  /** Makes a day a day off or a working day (creates or replaces its override). */
  async putOverride(day: string, input: CalendarOverridePut, actor: Actor): Promise<CalendarOverrideItem> {
    const item = await this.knex.transaction(async (trx) => {
      const before = await trx('calendar_overrides').where({ country: this.country, day }).first();
      const now = this.clock.now();
      if (before)
        await trx('calendar_overrides')
          .where({ id: before.id })
          .update({ kind: input.kind, note: input.note, updatedBy: actor.userId, updatedAt: now });
      else
        await trx('calendar_overrides').insert({
          country: this.country,
          day,
          kind: input.kind,
          note: input.note,
          createdBy: actor.userId,
          updatedBy: actor.userId,
          createdAt: now,
          updatedAt: now,
        });
      const [after] = await this.rows(trx, undefined, day);
      await audit(trx, actor, {
        action: before ? 'update' : 'create',
        entity: 'calendar_override',
        entityId: `${this.country}:${day}`,
        before: before ? { day, kind: before.kind, note: before.note } : undefined,
        after: { day, kind: after.kind, note: after.note },
      });
      return toItem(after);
    });
    await this.load();
    return item;
  }

  /** Removes a day's override: the national rules apply to it again. 404 when the day has none. */
  async deleteOverride(day: string, actor: Actor): Promise<void> {
    await this.knex.transaction(async (trx) => {
      const before = await trx('calendar_overrides').where({ country: this.country, day }).first();
      if (!before) throw new NotFoundError('Calendar override');
      await trx('calendar_overrides').where({ id: before.id }).delete();
      await audit(trx, actor, {
        action: 'delete',
        entity: 'calendar_override',
        entityId: `${this.country}:${day}`,
        before: { day, kind: before.kind, note: before.note },
      });
    });
    await this.load();
  }
}

function toItem(row: OverrideRow): CalendarOverrideItem {
  return {
    day: row.day,
    kind: row.kind,
    note: row.note,
    updatedByName: row.updatedByName,
    updatedAt: row.updatedAt,
  };
}
