import type { Knex } from 'knex';
import { audit } from '../../platform/audit.js';
import { NotFoundError } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/context.js';
import { paginate, type Page } from '../../platform/http/paging.js';
import type { RoadmapIndicatorCreate } from './scorecard.schemas.js';

import type { RoadmapIndicatorView, RoadmapSeries, RoadmapSeriesAnswer } from '../../contract/scorecard.js';

/** What the roadmap endpoints answer is the API contract's (server/contract/scorecard.ts). */
export type { RoadmapIndicatorView, RoadmapSeries };

/** The city's roadmap (дорожная карта): indicators with a yearly plan and fact, and the chart series. */
export class RoadmapService {
  constructor(
    private readonly knex: Knex,
    /** This year in the users' time zone (the default range when no value exists yet). */
    private readonly thisYear: () => number,
  ) {}

  /** Indicators with their values, in display order. */
  async list(q: { page: number; pageSize: number }): Promise<Page<RoadmapIndicatorView>> {
    const base = this.knex('sc_roadmap_indicators')
      .orderBy([{ column: 'sort' }, { column: 'id' }])
      .select('id', 'code', 'name', 'unit', 'direction', 'source', 'description', 'sort');
    const page = await paginate<Omit<RoadmapIndicatorView, 'values'>>(base, q);
    const values = await this.values(
      this.knex,
      page.items.map((i) => i.id),
    );
    return { ...page, items: page.items.map((i) => ({ ...i, values: values.get(i.id) ?? [] })) };
  }

  /** One indicator; 404 if missing. */
  async get(id: number, db: Knex | Knex.Transaction = this.knex): Promise<RoadmapIndicatorView> {
    const row = await db('sc_roadmap_indicators')
      .where({ id })
      .first('id', 'code', 'name', 'unit', 'direction', 'source', 'description', 'sort');
    if (!row) throw new NotFoundError('Roadmap indicator');
    return { ...row, values: (await this.values(db, [id])).get(id) ?? [] };
  }

  /** Creates an indicator. */
  async create(input: RoadmapIndicatorCreate, actor: Actor): Promise<RoadmapIndicatorView> {
    return this.knex.transaction(async (trx) => {
      const [row] = await trx('sc_roadmap_indicators').insert(input).returning('id');
      await audit(trx, actor, {
        action: 'scorecard.roadmap.create',
        entity: 'sc_roadmap_indicator',
        entityId: row.id,
        after: input,
      });
      return this.get(row.id, trx);
    });
  }

  /** Changes an indicator's definition. */
  async patch(id: number, patch: Partial<RoadmapIndicatorCreate>, actor: Actor): Promise<RoadmapIndicatorView> {
    return this.knex.transaction(async (trx) => {
      const before = await this.get(id, trx);
      await trx('sc_roadmap_indicators')
        .where({ id })
        .update({ ...patch, updatedAt: trx.fn.now() });
      await audit(trx, actor, {
        action: 'scorecard.roadmap.update',
        entity: 'sc_roadmap_indicator',
        entityId: id,
        before,
        after: patch,
      });
      return this.get(id, trx);
    });
  }

  /** Deletes an indicator and its values. */
  async remove(id: number, actor: Actor): Promise<void> {
    await this.knex.transaction(async (trx) => {
      const before = await this.get(id, trx);
      await trx('sc_roadmap_indicators').where({ id }).delete();
      await audit(trx, actor, {
        action: 'scorecard.roadmap.delete',
        entity: 'sc_roadmap_indicator',
        entityId: id,
        before,
      });
    });
  }

  /** Sets plan and/or fact for some years (fields left out keep their value; null clears). */
  async setValues(
    id: number,
    values: { year: number; plan?: number | null; fact?: number | null }[],
    actor: Actor,
  ): Promise<RoadmapIndicatorView> {
    return this.knex.transaction(async (trx) => {
      await this.get(id, trx);
      for (const v of values) {
        const set: Record<string, unknown> = {};
        if (v.plan !== undefined) set.plan = v.plan;
        if (v.fact !== undefined) set.fact = v.fact;
        const q = trx('sc_roadmap_values')
          .insert({ indicatorId: id, year: v.year, plan: v.plan ?? null, fact: v.fact ?? null })
          .onConflict(['indicatorId', 'year']);
        await (Object.keys(set).length ? q.merge({ ...set, updatedAt: trx.fn.now() }) : q.ignore());
      }
      await audit(trx, actor, {
        action: 'scorecard.roadmap.values',
        entity: 'sc_roadmap_indicator',
        entityId: id,
        after: values,
      });
      return this.get(id, trx);
    });
  }

  /** Plan-versus-fact series of every indicator over a range of years (default: every year with a value). */
  async series(q: { from?: number; to?: number }): Promise<RoadmapSeriesAnswer> {
    const indicators = await this.knex('sc_roadmap_indicators')
      .orderBy([{ column: 'sort' }, { column: 'id' }])
      .select('id', 'code', 'name', 'unit', 'direction');
    const values = await this.values(
      this.knex,
      indicators.map((i) => i.id),
    );
    const all = [...values.values()].flat().map((v) => v.year);
    const from = q.from ?? (all.length ? Math.min(...all) : this.thisYear());
    const to = q.to ?? (all.length ? Math.max(...all) : from);
    const years = Array.from({ length: Math.max(to - from + 1, 0) }, (_, i) => from + i);
    return {
      years,
      indicators: indicators.map((ind) => {
        const byYear = new Map((values.get(ind.id) ?? []).map((v) => [v.year, v]));
        const plan = years.map((y) => byYear.get(y)?.plan ?? null);
        const fact = years.map((y) => byYear.get(y)?.fact ?? null);
        const achieved = years.map((_, i) =>
          plan[i] === null || fact[i] === null
            ? null
            : ind.direction === 'higher'
              ? fact[i]! >= plan[i]!
              : fact[i]! <= plan[i]!,
        );
        return { ...ind, years, plan, fact, achieved };
      }),
    };
  }

  private async values(
    db: Knex | Knex.Transaction,
    ids: number[],
  ): Promise<Map<number, { year: number; plan: number | null; fact: number | null }[]>> {
    const rows = await db('sc_roadmap_values')
      .whereIn('indicatorId', ids)
      .orderBy('year')
      .select('indicatorId', 'year', 'plan', 'fact');
    const out = new Map<number, { year: number; plan: number | null; fact: number | null }[]>();
    for (const { indicatorId, ...v } of rows) {
      const list = out.get(indicatorId) ?? [];
      list.push(v);
      out.set(indicatorId, list);
    }
    return out;
  }
}
