import type { Knex } from 'knex';

/** The embedded engine's state: definitions, instances, variables, jobs, timers, messages, incidents, event log. */
export async function up(knex: Knex): Promise<void> {
  // Keys are handed out in blocks of 100 (see server/engine/state/keys.ts); partition 1 starts at 2^51.
  await knex.raw('CREATE SEQUENCE engine_key_seq START WITH 2251799813685249 INCREMENT BY 100');

  await knex.schema.createTable('engine_deployments', (t) => {
    t.bigInteger('key').primary();
    t.string('tenant_id', 64).notNullable().defaultTo('<default>');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('engine_process_definitions', (t) => {
    t.bigInteger('key').primary();
    t.string('bpmn_process_id', 255).notNullable();
    t.integer('version').notNullable();
    t.string('version_tag', 255);
    t.string('resource_name', 500).notNullable();
    t.string('checksum', 64).notNullable();
    t.text('resource').notNullable();
    t.bigInteger('deployment_key').notNullable();
    t.string('tenant_id', 64).notNullable().defaultTo('<default>');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['bpmn_process_id', 'version', 'tenant_id']);
  });

  await knex.schema.createTable('engine_forms', (t) => {
    t.bigInteger('key').primary();
    t.string('form_id', 255).notNullable();
    t.integer('version').notNullable();
    t.string('version_tag', 255);
    t.string('resource_name', 500).notNullable();
    t.string('checksum', 64).notNullable();
    t.text('resource').notNullable();
    t.bigInteger('deployment_key').notNullable();
    t.string('tenant_id', 64).notNullable().defaultTo('<default>');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['form_id', 'version', 'tenant_id']);
  });

  await knex.schema.createTable('engine_process_instances', (t) => {
    t.bigInteger('key').primary();
    // Commands of a whole call hierarchy are serialised by locking the root instance's row.
    t.bigInteger('root_key').notNullable();
    t.bigInteger('process_definition_key').notNullable();
    t.string('bpmn_process_id', 255).notNullable();
    t.integer('version').notNullable();
    t.string('state', 16).notNullable();
    t.bigInteger('parent_process_instance_key');
    t.bigInteger('parent_element_instance_key');
    t.string('start_correlation_key', 500);
    t.string('tenant_id', 64).notNullable().defaultTo('<default>');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('ended_at', { useTz: true });
    t.index(['state', 'bpmn_process_id']);
  });

  // Active element instances only; finished ones live on in engine_events.
  await knex.schema.createTable('engine_element_instances', (t) => {
    t.bigInteger('key').primary();
    t.bigInteger('process_instance_key').notNullable();
    t.bigInteger('parent_key');
    t.string('element_id', 255).notNullable();
    t.string('element_type', 64).notNullable();
    t.string('state', 16).notNullable();
    t.jsonb('data').notNullable().defaultTo('{}');
    t.index(['process_instance_key']);
  });

  await knex.schema.createTable('engine_variables', (t) => {
    t.bigInteger('scope_key').notNullable();
    t.string('name', 255).notNullable();
    t.jsonb('value');
    t.bigInteger('process_instance_key').notNullable();
    t.primary(['scope_key', 'name']);
    t.index(['process_instance_key']);
  });

  await knex.schema.createTable('engine_jobs', (t) => {
    t.bigInteger('key').primary();
    t.string('type', 255).notNullable();
    // activatable | activated | backoff | failed (retries exhausted, incident)
    t.string('state', 16).notNullable();
    t.integer('retries').notNullable();
    // activated: lock deadline; backoff: when it becomes activatable again.
    t.timestamp('deadline', { useTz: true });
    t.string('worker', 255).notNullable().defaultTo('');
    t.text('error_message');
    t.bigInteger('process_instance_key').notNullable();
    t.bigInteger('root_key').notNullable();
    t.bigInteger('element_instance_key').notNullable();
    t.string('element_id', 255).notNullable();
    t.string('bpmn_process_id', 255).notNullable();
    t.bigInteger('process_definition_key').notNullable();
    t.integer('process_definition_version').notNullable();
    t.jsonb('custom_headers').notNullable().defaultTo('{}');
    // Scopes whose variables the job sees, nearest first.
    t.specificType('scope_path', 'bigint[]').notNullable();
    t.string('tenant_id', 64).notNullable().defaultTo('<default>');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['element_instance_key']);
    t.index(['process_instance_key']);
  });
  await knex.raw("CREATE INDEX engine_jobs_activatable ON engine_jobs (type, key) WHERE state = 'activatable'");
  await knex.raw("CREATE INDEX engine_jobs_due ON engine_jobs (deadline) WHERE state IN ('activated', 'backoff')");

  await knex.schema.createTable('engine_incidents', (t) => {
    t.bigInteger('key').primary();
    t.string('error_type', 64).notNullable();
    t.text('error_message').notNullable();
    t.bigInteger('process_instance_key').notNullable();
    t.bigInteger('root_key').notNullable();
    t.bigInteger('element_instance_key').notNullable();
    t.string('element_id', 255).notNullable();
    t.string('bpmn_process_id', 255).notNullable();
    t.bigInteger('process_definition_key').notNullable();
    t.bigInteger('job_key');
    t.string('state', 16).notNullable().defaultTo('ACTIVE');
    // What to retry on resolve: activate | complete | job.
    t.string('retry_phase', 16).notNullable();
    t.string('tenant_id', 64).notNullable().defaultTo('<default>');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['process_instance_key']);
    t.index(['element_instance_key']);
  });

  await knex.schema.createTable('engine_timers', (t) => {
    t.bigInteger('key').primary();
    t.timestamp('due_at', { useTz: true }).notNullable();
    // Instance timers (catch, boundary, event subprocess start): the element instance that waits.
    t.bigInteger('element_instance_key');
    t.bigInteger('process_instance_key');
    t.bigInteger('root_key');
    // Process definition timers (timer start events).
    t.bigInteger('process_definition_key');
    t.string('target_element_id', 255).notNullable();
    // Remaining repetitions of a cycle (-1 = unbounded, 1 = last) and the cycle itself.
    t.integer('repetitions').notNullable().defaultTo(1);
    t.text('cycle');
    t.index(['due_at']);
    t.index(['element_instance_key']);
  });

  await knex.schema.createTable('engine_message_subscriptions', (t) => {
    t.bigInteger('key').primary();
    t.string('message_name', 255).notNullable();
    t.string('correlation_key', 500).notNullable();
    t.bigInteger('element_instance_key').notNullable();
    t.bigInteger('process_instance_key').notNullable();
    t.bigInteger('root_key').notNullable();
    t.string('bpmn_process_id', 255).notNullable();
    t.string('target_element_id', 255).notNullable();
    t.boolean('interrupting').notNullable().defaultTo(true);
    t.string('tenant_id', 64).notNullable().defaultTo('<default>');
    t.index(['message_name', 'correlation_key']);
    t.index(['element_instance_key']);
  });

  await knex.schema.createTable('engine_messages', (t) => {
    t.bigInteger('key').primary();
    t.string('name', 255).notNullable();
    t.string('correlation_key', 500).notNullable();
    t.string('message_id', 500);
    t.jsonb('variables').notNullable().defaultTo('{}');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    // bpmn process ids this message has correlated to (a message correlates once per process id).
    t.jsonb('correlated_process_ids').notNullable().defaultTo('[]');
    t.string('tenant_id', 64).notNullable().defaultTo('<default>');
    t.index(['name', 'correlation_key']);
    t.index(['expires_at']);
  });

  await knex.schema.createTable('engine_signal_subscriptions', (t) => {
    t.bigInteger('key').primary();
    t.string('signal_name', 255).notNullable();
    t.bigInteger('element_instance_key');
    t.bigInteger('process_instance_key');
    t.bigInteger('root_key');
    t.bigInteger('process_definition_key');
    t.string('target_element_id', 255).notNullable();
    t.boolean('interrupting').notNullable().defaultTo(true);
    t.index(['signal_name']);
    t.index(['element_instance_key']);
  });

  // Append-only event log, read by monitoring and audit.
  await knex.schema.createTable('engine_events', (t) => {
    t.bigIncrements('position');
    t.bigInteger('key').notNullable();
    t.string('value_type', 32).notNullable();
    t.string('intent', 32).notNullable();
    t.bigInteger('process_instance_key');
    t.string('element_id', 255);
    t.string('element_type', 64);
    t.jsonb('payload');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['process_instance_key']);
  });
}

/** Drops the engine's tables. */
export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'engine_events',
    'engine_signal_subscriptions',
    'engine_messages',
    'engine_message_subscriptions',
    'engine_timers',
    'engine_incidents',
    'engine_jobs',
    'engine_variables',
    'engine_element_instances',
    'engine_process_instances',
    'engine_forms',
    'engine_process_definitions',
    'engine_deployments',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.raw('DROP SEQUENCE IF EXISTS engine_key_seq');
}
