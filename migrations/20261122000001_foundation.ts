import type { Knex } from 'knex';

/** Users, sessions, organisation structure and the audit log. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('org_units', (t) => {
    t.increments('id');
    t.string('code', 64).notNullable().unique();
    t.string('name', 300).notNullable();
    t.string('short_name', 100);
    t.enu('kind', ['department', 'division', 'office'], { useNative: false, enumName: 'org_unit_kind' }).notNullable();
    t.integer('parent_id').references('id').inTable('org_units').onDelete('RESTRICT');
    t.string('address', 500);
    t.string('phone', 50);
    t.boolean('is_active').notNullable().defaultTo(true);
    t.timestamps(true, true);
    t.index(['parent_id']);
  });

  await knex.schema.createTable('employees', (t) => {
    t.increments('id');
    t.string('personnel_number', 32).unique();
    t.string('full_name', 300).notNullable();
    t.string('position', 300).notNullable();
    t.integer('unit_id').notNullable().references('id').inTable('org_units').onDelete('RESTRICT');
    t.decimal('salary', 12, 2).notNullable().defaultTo(0);
    t.decimal('max_bonus_salaries', 5, 2).notNullable().defaultTo(0);
    t.string('email', 254);
    t.string('phone', 50);
    t.date('hired_on');
    t.boolean('is_active').notNullable().defaultTo(true);
    t.timestamps(true, true);
    t.index(['unit_id']);
  });

  await knex.schema.createTable('users', (t) => {
    t.increments('id');
    t.string('email', 254);
    t.string('phone', 20);
    t.text('password_hash').notNullable();
    t.string('full_name', 300).notNullable();
    t.specificType('roles', 'text[]').notNullable().defaultTo('{}');
    t.string('locale', 5).notNullable().defaultTo('ru');
    t.integer('employee_id').unique().references('id').inTable('employees').onDelete('SET NULL');
    t.boolean('is_active').notNullable().defaultTo(true);
    t.timestamp('last_login_at', { useTz: true });
    t.timestamps(true, true);
  });
  await knex.raw('CREATE UNIQUE INDEX users_email_lower_uq ON users (lower(email)) WHERE email IS NOT NULL');
  await knex.raw('CREATE UNIQUE INDEX users_phone_uq ON users (phone) WHERE phone IS NOT NULL');
  await knex.raw('ALTER TABLE users ADD CONSTRAINT users_login_present CHECK (email IS NOT NULL OR phone IS NOT NULL)');

  await knex.schema.createTable('sessions', (t) => {
    t.string('id_hash', 64).primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('csrf_token', 64).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.string('ip', 64);
    t.string('user_agent', 500);
    t.index(['user_id']);
    t.index(['expires_at']);
  });

  await knex.schema.createTable('staff_groups', (t) => {
    t.increments('id');
    t.string('code', 64).notNullable().unique();
    t.string('name', 300).notNullable();
    t.text('description');
    t.integer('unit_id').references('id').inTable('org_units').onDelete('SET NULL');
    t.timestamps(true, true);
  });

  await knex.schema.createTable('staff_group_members', (t) => {
    t.integer('group_id').notNullable().references('id').inTable('staff_groups').onDelete('CASCADE');
    t.integer('employee_id').notNullable().references('id').inTable('employees').onDelete('CASCADE');
    t.primary(['group_id', 'employee_id']);
    t.index(['employee_id']);
  });

  await knex.schema.createTable('windows', (t) => {
    t.increments('id');
    t.integer('office_id').notNullable().references('id').inTable('org_units').onDelete('RESTRICT');
    t.string('number', 16).notNullable();
    t.string('name', 200);
    t.integer('employee_id').references('id').inTable('employees').onDelete('SET NULL');
    t.boolean('is_active').notNullable().defaultTo(true);
    t.timestamps(true, true);
    t.unique(['office_id', 'number']);
  });

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('actor_user_id').references('id').inTable('users').onDelete('SET NULL');
    t.string('action', 64).notNullable();
    t.string('entity', 64).notNullable();
    t.string('entity_id', 64);
    t.jsonb('before');
    t.jsonb('after');
    t.string('request_id', 64);
    t.string('ip', 64);
    t.index(['entity', 'entity_id']);
    t.index(['at']);
  });
}

/** Drops everything the up step created. */
export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'audit_log',
    'windows',
    'staff_group_members',
    'staff_groups',
    'sessions',
    'users',
    'employees',
    'org_units',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
