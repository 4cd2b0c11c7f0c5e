import type { CalendarOverrideKind } from '../../contract/enums.js';
import type { Table, Timestamps } from '../../platform/tables.js';

/** An administrator's correction of the national production calendar for one day: `calendar_overrides`. */
export interface CalendarOverrideRow extends Timestamps {
  id: number;
  country: 'RU' | 'UA';
  /** 'YYYY-MM-DD'. */
  day: string;
  kind: CalendarOverrideKind;
  note: string;
  createdBy: number | null;
  updatedBy: number | null;
}

declare module 'knex/types/tables.js' {
  interface Tables {
    calendar_overrides: Table<CalendarOverrideRow, 'id' | 'createdAt' | 'updatedAt'>;
  }
}
