import type { Knex } from 'knex';
import type { FactRow, IndicatorRow } from './scorecard.tables.js';

/** A fact of one indicator for one employee and month: a number, or a date for date indicators. */
export interface FactValue {
  value: number | null;
  dateValue: string | null;
}

/** Key of a fact in a provider's answer: `${employeeId}:${indicatorCode}`. */
export type FactKey = `${number}:${string}`;

/** Builds the key of a fact in a provider's answer. */
export function factKey(employeeId: number, indicatorCode: string): FactKey {
  return `${employeeId}:${indicatorCode}`;
}

/**
 * A source of indicator facts. The matrix calculator only asks providers for facts; an indicator names
 * its provider in `source`. `manual` and `import` read what people entered or uploaded; the
 * process-steps and citizen-ratings providers register under their own ids later.
 */
export interface FactProvider {
  /** Stable id stored in sc_indicators.source. */
  readonly id: string;
  /**
   * Facts of the given employees for a month ('YYYY-MM'), for the indicators whose source is this provider.
   * `db` is the caller's connection or transaction: read through it (one open transaction holds PGlite's only connection).
   */
  facts(
    employeeIds: readonly number[],
    month: string,
    indicatorCodes: readonly string[],
    db: Knex | Knex.Transaction,
  ): Promise<Map<FactKey, FactValue>>;
}

/** Reads facts stored in sc_facts by a given source (what people entered or imported). */
export class StoredFactProvider implements FactProvider {
  constructor(readonly id: string) {}

  /** Facts from sc_facts written by this source. */
  async facts(
    employeeIds: readonly number[],
    month: string,
    indicatorCodes: readonly string[],
    db: Knex | Knex.Transaction,
  ): Promise<Map<FactKey, FactValue>> {
    const out = new Map<FactKey, FactValue>();
    if (!employeeIds.length || !indicatorCodes.length) return out;
    const rows = await db('sc_facts as f')
      .join('sc_indicators as i', 'i.id', 'f.indicatorId')
      .whereIn('f.employeeId', employeeIds as number[])
      .whereIn('i.code', indicatorCodes as string[])
      .where({ 'f.month': `${month}-01`, 'f.source': this.id })
      .select<(Pick<FactRow, 'employeeId' | 'value' | 'dateValue'> & Pick<IndicatorRow, 'code'>)[]>(
        'f.employeeId',
        'i.code',
        'f.value',
        'f.dateValue',
      );
    for (const r of rows) out.set(factKey(r.employeeId, r.code), { value: r.value, dateValue: r.dateValue });
    return out;
  }
}

/** The registered fact providers, by id. */
export class FactProviderRegistry {
  private readonly providers = new Map<string, FactProvider>();

  /** Adds a provider; ids are unique. */
  register(provider: FactProvider): this {
    if (this.providers.has(provider.id)) throw new Error(`Fact provider ${provider.id} is already registered`);
    this.providers.set(provider.id, provider);
    return this;
  }

  /** The provider with this id, if registered. */
  get(id: string): FactProvider | undefined {
    return this.providers.get(id);
  }

  /** Ids of every registered provider. */
  ids(): string[] {
    return [...this.providers.keys()];
  }
}

/** The registry with the providers of this release: `manual` and `import` (process and rating providers register here next). */
export function defaultProviders(): FactProviderRegistry {
  return new FactProviderRegistry()
    .register(new StoredFactProvider('manual'))
    .register(new StoredFactProvider('import'));
}
