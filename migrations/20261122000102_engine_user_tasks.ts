import type { Knex } from 'knex';

/** Camunda user tasks of the embedded engine: one row per task, kept after it ends (for search). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('engine_user_tasks', (t) => {
    t.bigInteger('key').primary();
    // CREATING | CREATED | ASSIGNING | UPDATING | COMPLETING | COMPLETED | CANCELED
    t.string('state', 16).notNullable();
    t.bigInteger('element_instance_key').notNullable();
    t.bigInteger('process_instance_key').notNullable();
    t.bigInteger('root_key').notNullable();
    t.bigInteger('process_definition_key').notNullable();
    t.integer('process_definition_version').notNullable();
    t.string('bpmn_process_id', 255).notNullable();
    t.string('element_id', 255).notNullable();
    t.string('name', 255);
    t.string('assignee', 255);
    t.jsonb('candidate_groups').notNullable().defaultTo('[]');
    t.jsonb('candidate_users').notNullable().defaultTo('[]');
    t.timestamp('due_date', { useTz: true });
    t.timestamp('follow_up_date', { useTz: true });
    t.integer('priority').notNullable().defaultTo(50);
    t.bigInteger('form_key');
    t.text('external_form_reference');
    t.jsonb('custom_headers').notNullable().defaultTo('{}');
    // The transition in progress while its listeners run: event type, listener index, action, changes, variables.
    t.jsonb('pending');
    t.string('tenant_id', 64).notNullable().defaultTo('<default>');
    t.timestamp('creation_date', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('completion_date', { useTz: true });
    t.index(['element_instance_key']);
    t.index(['process_instance_key']);
  });
  // Open tasks by candidate group (the inbox query).
  await knex.raw(
    "CREATE INDEX engine_user_tasks_groups ON engine_user_tasks USING gin (candidate_groups) WHERE state NOT IN ('COMPLETED', 'CANCELED')",
  );
}

/** Drops the user task table. */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('engine_user_tasks');
}
