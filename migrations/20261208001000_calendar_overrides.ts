import type { Knex } from 'knex';

/**
 * Administrators' per-day corrections of the national production calendar (server/platform/calendar.ts):
 * a day made a day off (a regional holiday, an extra day off) or a working day (a worked presidential
 * non-working day, a decree published after the release). One row per country and day; loaded into
 * `deps.calendar` at start and after every change (server/features/calendar).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('calendar_overrides', (t) => {
    t.increments('id').primary();
    t.string('country', 2).notNullable();
    t.date('day').notNullable();
    t.string('kind', 16).notNullable();
    // Why, and the act or order behind it (shown as the day's source).
    t.text('note').notNullable();
    t.integer('created_by').references('id').inTable('users').onDelete('SET NULL');
    t.integer('updated_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamps(true, true);
    t.unique(['country', 'day']);
  });
  await knex.raw(
    `ALTER TABLE calendar_overrides ADD CONSTRAINT calendar_overrides_kind_check CHECK (kind IN ('dayOff', 'workingDay'))`,
  );
  await knex.raw(
    `ALTER TABLE calendar_overrides ADD CONSTRAINT calendar_overrides_country_check CHECK (country IN ('RU', 'UA'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('calendar_overrides');
}
