import type { Knex } from 'knex';

/** The matrix approval runs as a BPMN process: each matrix remembers its process instance. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sc_matrices', (t) => {
    // The engine's 64-bit key, as text (JavaScript numbers cannot hold it).
    t.string('process_instance_key', 32);
    // While an approval step talks to the engine, other steps on the matrix wait (409) until it ends or this passes.
    t.timestamp('workflow_lease_until', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sc_matrices', (t) => {
    t.dropColumn('process_instance_key');
    t.dropColumn('workflow_lease_until');
  });
}
