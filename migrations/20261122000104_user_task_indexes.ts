import type { Knex } from 'knex';

/**
 * Inbox indexes of the engine's user tasks besides the candidate group one: open tasks by assignee
 * (ordered by due date, the "my tasks" list) and by candidate user. Partial, like the group index,
 * so completed and canceled tasks (the bulk of the table over time) cost nothing.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    "CREATE INDEX engine_user_tasks_assignee ON engine_user_tasks (assignee, due_date) WHERE state NOT IN ('COMPLETED', 'CANCELED')",
  );
  await knex.raw(
    "CREATE INDEX engine_user_tasks_users ON engine_user_tasks USING gin (candidate_users) WHERE state NOT IN ('COMPLETED', 'CANCELED')",
  );
}

/** Drops the indexes. */
export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS engine_user_tasks_assignee');
  await knex.raw('DROP INDEX IF EXISTS engine_user_tasks_users');
}
