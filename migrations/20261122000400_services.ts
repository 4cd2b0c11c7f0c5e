import type { Knex } from 'knex';

/** Services (constructor drafts) and their published versions. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('services', (t) => {
    t.increments('id');
    t.string('code', 64).notNullable().unique();
    t.string('title', 500).notNullable();
    t.string('department', 64).notNullable();
    t.string('kind', 16).notNullable().defaultTo('service');
    t.text('draft_xml').notNullable();
    t.jsonb('draft_forms').notNullable().defaultTo('[]');
    // Bumped on every draft save; publish records the revision it validated.
    t.integer('draft_revision').notNullable().defaultTo(1);
    t.integer('latest_version');
    t.timestamp('published_at', { useTz: true });
    t.integer('created_by').references('id').inTable('users').onDelete('SET NULL');
    t.integer('updated_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamps(true, true);
    t.index(['department']);
  });

  await knex.schema.createTable('service_versions', (t) => {
    t.increments('id');
    t.integer('service_id').notNullable().references('id').inTable('services').onDelete('CASCADE');
    t.integer('version').notNullable();
    t.integer('draft_revision').notNullable();
    t.text('xml').notNullable();
    t.text('deployed_xml').notNullable();
    t.jsonb('forms').notNullable().defaultTo('[]');
    // The catalogue card read from the BPMN: metadata, questionnaire, documents, variants, members.
    t.jsonb('card').notNullable();
    t.text('comment');
    t.integer('published_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('published_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.string('deployment_key', 32).notNullable();
    t.string('process_definition_key', 32).notNullable();
    t.integer('process_version').notNullable();
    t.unique(['service_id', 'version']);
  });
}

/** Drops the services tables. */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('service_versions');
  await knex.schema.dropTableIfExists('services');
}
