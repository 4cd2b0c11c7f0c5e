import type { Knex } from 'knex';

/**
 * The inter-agency journal (one request per document a case needs from another agency, per job of the
 * `send-interagency-request` service task) and the instructions (поручения) managers give employees.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('interagency_requests', (t) => {
    t.increments('id').primary();
    // The engine's 64-bit keys, as text (JavaScript numbers cannot hold them).
    t.string('job_key', 32).notNullable();
    t.string('process_instance_key', 32).notNullable();
    // No foreign key: the cases table belongs to the cases feature (and a process may run without one).
    t.integer('case_id').notNullable();
    t.string('case_number', 32);
    t.integer('office_id');
    t.string('service_code', 100).notNullable();
    t.text('service_title');
    t.string('document_code', 100).notNullable();
    t.string('document_kind', 100).notNullable();
    t.text('document_title').notNullable();
    t.string('agency_code', 64).notNullable();
    t.text('agency_name').notNullable();
    // pending (recorded, not yet sent by the adapter) → sent → answered; "overdue" is sent past due_at.
    t.string('status', 16).notNullable().defaultTo('pending');
    t.string('adapter', 32).notNullable();
    t.string('external_id', 100);
    t.timestamp('sent_at', { useTz: true });
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.string('result', 16);
    t.text('reply_text');
    t.string('document_number', 100);
    t.integer('answered_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('answered_at', { useTz: true });
    // When the interagency-reply message carrying this job's replies was published.
    t.timestamp('reply_published_at', { useTz: true });
    t.timestamps(true, true);
    t.unique(['job_key', 'document_code']);
    t.index(['case_id']);
    t.index(['status', 'due_at']);
    t.index(['case_number']);
  });
  await knex.raw(
    "alter table interagency_requests add constraint interagency_requests_status_check check (status in ('pending', 'sent', 'answered'))",
  );
  await knex.raw(
    "alter table interagency_requests add constraint interagency_requests_result_check check (result is null or result in ('found', 'notFound'))",
  );

  await knex.schema.createTable('instructions', (t) => {
    t.increments('id').primary();
    t.string('process_instance_key', 32);
    t.integer('given_by').references('id').inTable('users').onDelete('SET NULL');
    t.integer('employee_id').notNullable().references('id').inTable('employees').onDelete('CASCADE');
    t.integer('assignee_user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('title').notNullable();
    t.text('text').notNullable();
    t.date('due').notNullable();
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.integer('priority').notNullable().defaultTo(50);
    t.timestamps(true, true);
    t.index(['given_by']);
    t.index(['assignee_user_id']);
    t.index(['employee_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('instructions');
  await knex.schema.dropTableIfExists('interagency_requests');
}
