import type { Knex } from 'knex';

/**
 * A citizen's account acts only once its e-mail or phone is confirmed with a one-time code
 * (`login_confirmations`, the code stored as a hash). Messages to people — the code today, case news
 * later — wait in `outbound_messages` until a channel (e-mail, SMS gateway) delivers them.
 */
export async function up(knex: Knex): Promise<void> {
  // Accounts made by an administrator or the seed are confirmed when made; a citizen's registration writes null.
  await knex.schema.alterTable('users', (t) => {
    t.timestamp('confirmed_at', { useTz: true }).defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('login_confirmations', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE').unique();
    t.string('channel', 10).notNullable();
    t.string('destination', 254).notNullable();
    t.string('code_hash', 64).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('outbound_messages', (t) => {
    t.bigIncrements('id');
    t.string('channel', 10).notNullable();
    t.string('destination', 254).notNullable();
    t.string('subject', 300).notNullable();
    t.text('body').notNullable();
    t.string('purpose', 40).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
    t.index(['sent_at', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('outbound_messages');
  await knex.schema.dropTable('login_confirmations');
  await knex.schema.alterTable('users', (t) => t.dropColumn('confirmed_at'));
}
