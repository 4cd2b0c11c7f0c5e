import type { Knex } from 'knex';

/** Message and signal start event names per process definition; drops a job index no query uses. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('engine_process_definitions', (t) => {
    // Publish and broadcast find the latest versions with a start event of that name.
    t.jsonb('message_starts').notNullable().defaultTo('[]');
    t.jsonb('signal_starts').notNullable().defaultTo('[]');
  });
  await knex.schema.alterTable('engine_jobs', (t) => {
    t.dropIndex(['process_instance_key']);
  });
}

/** Reverts the columns and the index. */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('engine_jobs', (t) => {
    t.index(['process_instance_key']);
  });
  await knex.schema.alterTable('engine_process_definitions', (t) => {
    t.dropColumn('message_starts');
    t.dropColumn('signal_starts');
  });
}
