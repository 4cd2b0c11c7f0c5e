import type { Knex } from 'knex';

/**
 * The staff task list: `tasks` projects the engine's user tasks (written by the task listeners' worker
 * and by Okno's own actions), `step_facts` keeps one row per completed task for reporting, and
 * `task_views` stores saved list views. The indexes serve the list's views at millions of rows
 * (checked with EXPLAIN in `npm run bench -- tasks`).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tasks', (t) => {
    t.increments('id').primary();
    // The engine's 64-bit keys, as text (JavaScript numbers cannot hold every key of a cluster).
    t.string('user_task_key', 32).notNullable().unique();
    t.string('process_instance_key', 32).notNullable();
    t.string('process_definition_key', 32).notNullable();
    t.string('bpmn_process_id', 200).notNullable();
    t.string('element_id', 200).notNullable();
    t.string('name', 500).notNullable();
    t.string('form_id', 200);
    t.string('status', 16).notNullable().defaultTo('created');
    t.specificType('candidate_groups', 'text[]').notNullable().defaultTo('{}');
    t.specificType('candidate_users', 'text[]').notNullable().defaultTo('{}');
    t.integer('assignee_id');
    t.integer('priority').notNullable().defaultTo(50);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('due_at', { useTz: true });
    t.timestamp('completed_at', { useTz: true });
    t.integer('completed_by');
    t.integer('case_id');
    t.string('case_number', 32);
    t.string('applicant_name', 500);
    t.string('service_code', 64);
    t.string('service_title', 1000);
    t.integer('department_id');
    // Returned for corrections: the request, when the clock stopped, and the working minutes suspended so far.
    t.boolean('waiting_for_corrections').notNullable().defaultTo(false);
    t.jsonb('correction');
    t.timestamp('suspended_at', { useTz: true });
    t.integer('suspended_minutes').notNullable().defaultTo(0);
    t.jsonb('draft');
    t.timestamp('draft_saved_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  const open = `status in ('created', 'assigned')`;
  await knex.raw(`create index tasks_mine on tasks (assignee_id, due_at, id) where ${open}`);
  await knex.raw(`create index tasks_group on tasks using gin (candidate_groups) where status = 'created'`);
  await knex.raw(`create index tasks_candidate_users on tasks using gin (candidate_users) where status = 'created'`);
  await knex.raw(`create index tasks_group_due on tasks (due_at, id) where status = 'created'`);
  await knex.raw(`create index tasks_scope on tasks (department_id, due_at, id) where ${open}`);
  await knex.raw(`create index tasks_open_due on tasks (due_at, id) where ${open}`);
  await knex.raw(
    `create index tasks_completed_by on tasks (completed_by, completed_at desc) where status = 'completed'`,
  );
  await knex.raw(
    `create index tasks_completed_dept on tasks (department_id, completed_at desc) where status = 'completed'`,
  );
  await knex.raw(`create index tasks_case on tasks (case_id)`);
  await knex.raw(`create index tasks_case_number on tasks (case_number text_pattern_ops)`);
  await knex.raw(`create index tasks_service on tasks (service_code, element_id)`);
  await knex.raw(`create index tasks_process_instance on tasks (process_instance_key)`);
  await knex.raw(`create index tasks_applicant on tasks (lower(applicant_name) text_pattern_ops)`);
  // Similar names (trigrams) where the extension exists (PostgreSQL; the embedded PGlite may lack it).
  const trgm = await knex.raw<{ rows: unknown[] }>(`select 1 from pg_available_extensions where name = 'pg_trgm'`);
  if (trgm.rows.length) {
    // In public, so that a test schema dropped with CASCADE does not take the extension with it. In a
    // savepoint: where the extension is listed but cannot be created (no rights, PGlite without it) the
    // list falls back to prefix search.
    await knex
      .transaction(async (sp) => {
        await sp.raw('create extension if not exists pg_trgm schema public');
        await sp.raw(`create index tasks_applicant_trgm on tasks using gin (applicant_name public.gin_trgm_ops)`);
      })
      .catch(() => undefined);
  }

  await knex.schema.createTable('step_facts', (t) => {
    t.increments('id').primary();
    t.integer('task_id').notNullable().unique().references('tasks.id').onDelete('CASCADE');
    t.integer('case_id');
    t.string('service_code', 64);
    t.string('element_id', 200).notNullable();
    t.integer('completed_by');
    t.integer('employee_id');
    t.integer('department_id');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('due_at', { useTz: true });
    t.timestamp('completed_at', { useTz: true }).notNullable();
    t.boolean('on_time').notNullable();
    t.integer('working_minutes').notNullable();
    t.integer('suspended_minutes').notNullable().defaultTo(0);
    t.index(['service_code', 'element_id', 'completed_at']);
    t.index(['department_id', 'completed_at']);
    t.index(['case_id']);
  });

  await knex.schema.createTable('task_views', (t) => {
    t.increments('id').primary();
    t.integer('owner_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('name', 200).notNullable();
    t.jsonb('filters').notNullable().defaultTo('{}');
    t.jsonb('columns').notNullable().defaultTo('[]');
    t.string('sort', 16).notNullable().defaultTo('due');
    t.string('shared_with_group', 64);
    t.timestamps(true, true);
    t.index(['owner_id']);
    t.index(['shared_with_group']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('task_views');
  await knex.schema.dropTableIfExists('step_facts');
  await knex.schema.dropTableIfExists('tasks');
}
