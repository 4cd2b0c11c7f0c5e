import type { Knex } from 'knex';

const UNITS = ['count', 'percent', 'date', 'score'];
const DIRECTIONS = ['higher', 'lower'];
const enu = (t: Knex.CreateTableBuilder, name: string, values: string[]) =>
  t.enu(name, values, { useNative: false, enumName: `${name}_enum` });

/** The balanced scorecard: indicators and rules by period, annual plans, monthly matrices, facts, methodology, roadmap. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sc_indicators', (t) => {
    t.increments('id');
    t.string('code', 64).notNullable().unique();
    t.string('name', 500).notNullable();
    enu(t, 'unit', UNITS).notNullable();
    enu(t, 'direction', DIRECTIONS).notNullable().defaultTo('higher');
    // 'manual', 'import' or the id of a registered fact provider.
    t.string('source', 64).notNullable().defaultTo('manual');
    t.text('description');
    t.boolean('is_active').notNullable().defaultTo(true);
    t.timestamps(true, true);
  });

  // T0/Tmax of an indicator from a month on; the latest valid_from <= month applies.
  await knex.schema.createTable('sc_indicator_terms', (t) => {
    t.increments('id');
    t.integer('indicator_id').notNullable().references('id').inTable('sc_indicators').onDelete('CASCADE');
    t.date('valid_from').notNullable();
    t.decimal('t0', 7, 2).notNullable();
    t.decimal('tmax', 7, 2).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['indicator_id', 'valid_from']);
  });

  // Section weights (in %) and default T0/Tmax per position (null = every position) from a month on.
  await knex.schema.createTable('sc_rules', (t) => {
    t.increments('id');
    t.string('position', 300);
    t.date('valid_from').notNullable();
    t.decimal('kpi_weight', 7, 4).notNullable();
    t.decimal('smart_weight', 7, 4).notNullable();
    t.decimal('discipline_weight', 7, 4).notNullable();
    t.decimal('evaluation_weight', 7, 4).notNullable();
    t.decimal('t0', 7, 2).notNullable();
    t.decimal('tmax', 7, 2).notNullable();
    t.integer('created_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw("CREATE UNIQUE INDEX sc_rules_position_from_uq ON sc_rules (coalesce(position, ''), valid_from)");

  // The annual plan: KPIs and constant SMART tasks with an annual target and a Jan–Dec breakdown.
  await knex.schema.createTable('sc_plan_items', (t) => {
    t.increments('id');
    t.integer('employee_id').notNullable().references('id').inTable('employees').onDelete('CASCADE');
    t.integer('year').notNullable();
    enu(t, 'kind', ['kpi', 'smart_constant']).notNullable();
    t.string('title', 1000).notNullable();
    t.integer('indicator_id').references('id').inTable('sc_indicators').onDelete('RESTRICT');
    enu(t, 'unit', UNITS).notNullable();
    enu(t, 'direction', DIRECTIONS).notNullable().defaultTo('higher');
    t.decimal('annual_target', 14, 4);
    t.date('annual_date');
    // 12 entries, January first: a number (count/percent/score), a 'YYYY-MM-DD' (date unit) or null (no plan that month).
    t.jsonb('monthly').notNullable();
    t.integer('cascaded_from_id').references('id').inTable('sc_plan_items').onDelete('CASCADE');
    t.timestamps(true, true);
    t.index(['employee_id', 'year']);
    t.index(['cascaded_from_id']);
  });

  await knex.schema.createTable('sc_matrices', (t) => {
    t.increments('id');
    t.integer('employee_id').notNullable().references('id').inTable('employees').onDelete('RESTRICT');
    t.date('month').notNullable();
    enu(t, 'status', ['draft', 'confirmed', 'agreed', 'approved', 'locked']).notNullable().defaultTo('draft');
    // Snapshots taken when the matrix is created: later changes of rules or positions never alter it.
    t.string('position', 300).notNullable();
    t.integer('unit_id').notNullable().references('id').inTable('org_units').onDelete('RESTRICT');
    t.decimal('salary', 12, 2).notNullable();
    t.decimal('max_bonus_salaries', 5, 2).notNullable();
    t.integer('rule_id').references('id').inTable('sc_rules').onDelete('RESTRICT');
    t.decimal('kpi_weight', 7, 4).notNullable();
    t.decimal('smart_weight', 7, 4).notNullable();
    t.decimal('discipline_weight', 7, 4).notNullable();
    t.decimal('evaluation_weight', 7, 4).notNullable();
    t.integer('planned_working_days').notNullable();
    t.decimal('worked_days', 5, 1).notNullable();
    // Computed columns (recomputed whenever a row or fact of this matrix changes).
    t.decimal('result', 12, 6).notNullable().defaultTo(0);
    t.decimal('bonus_salaries', 12, 6).notNullable().defaultTo(0);
    t.decimal('worked_time_coefficient', 9, 6).notNullable().defaultTo(0);
    t.decimal('bonus_to_pay', 6, 1).notNullable().defaultTo(0);
    t.timestamp('computed_at', { useTz: true });
    for (const step of ['confirmed', 'agreed', 'approved', 'locked']) {
      t.integer(`${step}_by`).references('id').inTable('users').onDelete('SET NULL');
      t.timestamp(`${step}_at`, { useTz: true });
    }
    t.timestamps(true, true);
    t.unique(['employee_id', 'month']);
    t.index(['month', 'unit_id']);
  });

  await knex.schema.createTable('sc_matrix_rows', (t) => {
    t.increments('id');
    t.integer('matrix_id').notNullable().references('id').inTable('sc_matrices').onDelete('CASCADE');
    enu(t, 'section', ['kpi', 'smart', 'discipline', 'evaluation']).notNullable();
    enu(t, 'kind', ['kpi', 'smart_constant', 'smart_variable', 'discipline', 'evaluation']).notNullable();
    t.integer('sort').notNullable().defaultTo(0);
    t.string('title', 1000).notNullable();
    t.integer('indicator_id').references('id').inTable('sc_indicators').onDelete('RESTRICT');
    t.integer('plan_item_id').references('id').inTable('sc_plan_items').onDelete('SET NULL');
    t.integer('cascaded_from_row_id').references('id').inTable('sc_matrix_rows').onDelete('SET NULL');
    enu(t, 'unit', UNITS).notNullable();
    enu(t, 'direction', DIRECTIONS).notNullable();
    t.decimal('weight', 9, 4);
    t.decimal('t0', 7, 2).notNullable();
    t.decimal('tmax', 7, 2).notNullable();
    t.decimal('plan_value', 14, 4);
    t.date('plan_date');
    t.decimal('fact_value', 14, 4);
    t.date('fact_date');
    t.text('note');
    t.decimal('effective_weight', 12, 6).notNullable().defaultTo(0);
    t.decimal('completion', 14, 6);
    t.decimal('completion_adjusted', 14, 6).notNullable().defaultTo(0);
    t.decimal('total', 14, 6).notNullable().defaultTo(0);
    t.index(['matrix_id']);
    t.index(['indicator_id']);
    t.index(['cascaded_from_row_id']);
  });

  await knex.schema.createTable('sc_matrix_events', (t) => {
    t.bigIncrements('id');
    t.integer('matrix_id').notNullable().references('id').inTable('sc_matrices').onDelete('CASCADE');
    t.string('action', 32).notNullable();
    t.string('from_status', 16).notNullable();
    t.string('to_status', 16).notNullable();
    t.integer('user_id').references('id').inTable('users').onDelete('SET NULL');
    t.text('comment');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['matrix_id']);
  });

  // Facts of indicators per employee and month, whichever source supplied them.
  await knex.schema.createTable('sc_facts', (t) => {
    t.integer('employee_id').notNullable().references('id').inTable('employees').onDelete('CASCADE');
    t.integer('indicator_id').notNullable().references('id').inTable('sc_indicators').onDelete('CASCADE');
    t.date('month').notNullable();
    t.decimal('value', 14, 4);
    t.date('date_value');
    t.string('source', 64).notNullable();
    t.integer('updated_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['employee_id', 'indicator_id', 'month']);
    t.index(['indicator_id', 'month']);
  });

  await knex.schema.createTable('sc_methodologies', (t) => {
    t.increments('id');
    t.string('code', 64).notNullable().unique();
    t.string('name', 500).notNullable();
    t.text('description');
    t.jsonb('groups').notNullable();
    t.timestamps(true, true);
  });

  await knex.schema.createTable('sc_org_evaluations', (t) => {
    t.increments('id');
    t.integer('methodology_id').notNullable().references('id').inTable('sc_methodologies').onDelete('RESTRICT');
    t.integer('unit_id').notNullable().references('id').inTable('org_units').onDelete('RESTRICT');
    t.integer('year').notNullable();
    t.jsonb('inputs').notNullable();
    t.decimal('score', 14, 6).notNullable();
    t.jsonb('breakdown').notNullable();
    t.integer('evaluated_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('evaluated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['methodology_id', 'unit_id', 'year']);
  });

  await knex.schema.createTable('sc_roadmap_indicators', (t) => {
    t.increments('id');
    t.string('code', 64).notNullable().unique();
    t.string('name', 500).notNullable();
    t.string('unit', 32).notNullable();
    enu(t, 'direction', DIRECTIONS).notNullable().defaultTo('higher');
    t.string('source', 64).notNullable().defaultTo('manual');
    t.text('description');
    t.integer('sort').notNullable().defaultTo(0);
    t.timestamps(true, true);
  });

  await knex.schema.createTable('sc_roadmap_values', (t) => {
    t.integer('indicator_id').notNullable().references('id').inTable('sc_roadmap_indicators').onDelete('CASCADE');
    t.integer('year').notNullable();
    t.decimal('plan', 14, 4);
    t.decimal('fact', 14, 4);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['indicator_id', 'year']);
  });

  // Reference data every installation needs: the discipline indicator and the matrix layout of DOMAIN.md §6.
  // A migration writes the columns of its own day, not today's row types (platform/tables.ts): untyped.
  type Untyped = Record<string, unknown>;
  await knex<Untyped>('sc_indicators').insert({
    code: 'executive-discipline',
    name: 'Исполнительская дисциплина (доля шагов и поручений, выполненных в срок)',
    unit: 'percent',
    direction: 'higher',
    source: 'manual',
  });
  await knex<Untyped>('sc_rules').insert({
    position: null,
    valid_from: '2000-01-01',
    kpi_weight: 30,
    smart_weight: 30,
    discipline_weight: 30,
    evaluation_weight: 10,
    t0: 50,
    tmax: 120,
  });
}

/** Drops the scorecard tables. */
export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'sc_roadmap_values',
    'sc_roadmap_indicators',
    'sc_org_evaluations',
    'sc_methodologies',
    'sc_facts',
    'sc_matrix_events',
    'sc_matrix_rows',
    'sc_matrices',
    'sc_plan_items',
    'sc_rules',
    'sc_indicator_terms',
    'sc_indicators',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
