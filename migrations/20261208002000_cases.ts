import type { Knex } from 'knex';

/**
 * Cases (issue 13): one application for one service version, or a package's parent case with one
 * member case per member service; their numbering counter, timeline, comments, the statutory clock's
 * suspensions and extensions.
 */
export async function up(knex: Knex): Promise<void> {
  // The last number given in each year (the number is YYYY-NNNNNN; the row is locked by the registering transaction).
  await knex.schema.createTable('case_counters', (t) => {
    t.integer('year').primary();
    t.integer('last').notNullable();
  });

  await knex.schema.createTable('cases', (t) => {
    t.increments('id');
    t.string('number', 16).notNullable().unique();
    t.integer('parent_id').references('id').inTable('cases').onDelete('CASCADE');
    t.string('service_code', 64).notNullable();
    t.integer('service_version').notNullable();
    t.string('service_title', 500).notNullable();
    t.integer('service_version_id').references('id').inTable('service_versions').onDelete('SET NULL');
    t.integer('department_unit_id').references('id').inTable('org_units').onDelete('SET NULL');
    t.integer('office_unit_id').references('id').inTable('org_units').onDelete('SET NULL');
    t.string('channel', 16).notNullable();
    t.jsonb('applicant').notNullable();
    t.string('applicant_name', 500).notNullable();
    t.string('applicant_kind', 16).notNullable();
    t.jsonb('answers').notNullable().defaultTo('{}');
    t.jsonb('situations').notNullable().defaultTo('[]');
    t.string('variant', 64);
    t.jsonb('checklist').notNullable().defaultTo('[]');
    t.string('status', 32).notNullable();
    t.string('process_instance_key', 32);
    // The statutory deadline: the last day of the term, and the term itself.
    t.date('due_date');
    t.string('deadline_unit', 16);
    t.integer('deadline_days');
    t.timestamp('suspended_since', { useTz: true });
    t.integer('suspended_minutes').notNullable().defaultTo(0);
    // What a step asked to correct while the case waits for corrections.
    t.jsonb('corrections');
    t.integer('registered_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('registered_at', { useTz: true }).notNullable();
    t.timestamp('closed_at', { useTz: true });
    t.string('result', 64);
    t.timestamps(true, true);
    t.index(['office_unit_id', 'registered_at']);
    t.index(['department_unit_id', 'registered_at']);
    t.index(['status', 'due_date']);
    t.index(['registered_at']);
    t.index(['parent_id']);
    t.index(['service_code']);
  });
  await knex.raw('CREATE INDEX cases_applicant_name_lower ON cases (lower(applicant_name) text_pattern_ops)');

  await knex.schema.createTable('case_events', (t) => {
    t.bigIncrements('id');
    t.integer('case_id').notNullable().references('id').inTable('cases').onDelete('CASCADE');
    t.string('kind', 32).notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.integer('actor_id').references('id').inTable('users').onDelete('SET NULL');
    t.jsonb('data').notNullable().defaultTo('{}');
    t.index(['case_id', 'at']);
  });

  await knex.schema.createTable('case_comments', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('cases').onDelete('CASCADE');
    t.integer('author_id').references('id').inTable('users').onDelete('SET NULL');
    t.text('text').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['case_id', 'created_at']);
  });

  await knex.schema.createTable('case_suspensions', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('cases').onDelete('CASCADE');
    t.timestamp('from', { useTz: true }).notNullable();
    t.timestamp('to', { useTz: true });
    t.text('reason').notNullable();
    // Working minutes between from and to, counted on the production calendar when the clock resumes.
    t.integer('working_minutes');
    t.integer('created_by').references('id').inTable('users').onDelete('SET NULL');
    t.index(['case_id', 'from']);
  });

  await knex.schema.createTable('case_extensions', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('cases').onDelete('CASCADE');
    t.text('reason').notNullable();
    t.integer('days').notNullable();
    t.string('unit', 16).notNullable();
    t.date('old_due').notNullable();
    t.date('new_due').notNullable();
    t.integer('created_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['case_id']);
  });
}

/** Drops the cases tables. */
export async function down(knex: Knex): Promise<void> {
  for (const t of ['case_extensions', 'case_suspensions', 'case_comments', 'case_events', 'cases', 'case_counters'])
    await knex.schema.dropTableIfExists(t);
}
