import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Knex } from 'knex';

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

interface MigrationModule {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Reads migrations/*.ts in name order; works the same under tsx and vitest. */
class DirectoryMigrationSource implements Knex.MigrationSource<string> {
  async getMigrations(): Promise<string[]> {
    return fs
      .readdirSync(MIGRATIONS_DIR)
      .filter((f) => /^\d{14}_[\w-]+\.ts$/.test(f))
      .sort();
  }
  getMigrationName(migration: string): string {
    return migration.replace(/\.ts$/, '');
  }
  async getMigration(migration: string): Promise<MigrationModule> {
    return (await import(pathToFileURL(path.join(MIGRATIONS_DIR, migration)).href)) as MigrationModule;
  }
}

/** Applies every pending migration; returns the names applied. */
export async function migrateLatest(knex: Knex, schema?: string): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest({
    migrationSource: new DirectoryMigrationSource(),
    schemaName: schema && schema !== 'public' ? schema : undefined,
    tableName: 'knex_migrations',
  })) as [number, string[]];
  return applied;
}
