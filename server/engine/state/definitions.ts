import { parseBpmn } from '../bpmn/parse.js';
import { notFound } from '../errors.js';
import { dbOf, type CommandContext, type DbSource, type Definition, type DefinitionRow } from '../processor/context.js';
import { rawRows } from './sql.js';

/**
 * The engine_process_definitions table as the engine reads it: definitions parsed once and cached
 * by key, the latest version of a process id and the message-start definitions cached briefly (a
 * deploy in this process clears them; other engine processes' deploys are seen within a second).
 */
export class DefinitionCache {
  private readonly byKey = new Map<number, Definition>();
  private readonly latest = new Map<string, { key: number; at: number }>();
  /** Latest definitions with a message start event of a name, by tenant and name, cached like `latest`. */
  private readonly messageStarts = new Map<string, { rows: { key: number; bpmnProcessId: string }[]; at: number }>();

  /** Forgets the short-lived lookups (a deploy). */
  clear(): void {
    this.latest.clear();
    this.messageStarts.clear();
  }

  /** Caches a definition this process has just deployed. */
  remember(key: number, def: Definition): void {
    this.byKey.set(key, def);
  }

  /** A deployed process definition by key, parsed once and cached. */
  async definition(db: DbSource, key: number): Promise<Definition> {
    const cached = this.byKey.get(key);
    if (cached) return cached;
    const row = (await dbOf(db)('engineProcessDefinitions').where({ key }).first()) as
      (DefinitionRow & { resource: string }) | undefined;
    if (!row) throw notFound(`Expected to find process definition with key '${key}', but none found`);
    const models = await parseBpmn(row.resource);
    const model = models.find((m) => m.bpmnProcessId === row.bpmnProcessId)!;
    const def = {
      row: {
        key: row.key,
        bpmnProcessId: row.bpmnProcessId,
        version: row.version,
        versionTag: row.versionTag,
        resourceName: row.resourceName,
        deploymentKey: row.deploymentKey,
        tenantId: row.tenantId,
      },
      model,
    };
    this.byKey.set(key, def);
    return def;
  }

  /** The latest definitions with a message start event named `name` (cached briefly, like latestDefinition). */
  async messageStartDefinitions(
    ctx: CommandContext,
    name: string,
    tenantId: string,
  ): Promise<{ key: number; bpmnProcessId: string }[]> {
    const cacheKey = `${tenantId}\u0000${name}`;
    const cached = this.messageStarts.get(cacheKey);
    if (cached && performance.now() - cached.at < 1000) return cached.rows;
    const rows = await rawRows<{ key: number; bpmnProcessId: string }>(
      ctx.trx,
      `select d.key, d.bpmn_process_id from engine_process_definitions d
        where d.message_starts \\? ? and d.tenant_id = ?
          and d.version = (select max(version) from engine_process_definitions x where x.bpmn_process_id = d.bpmn_process_id and x.tenant_id = d.tenant_id)`,
      [name, tenantId],
    );
    if (this.messageStarts.size > 10_000) this.messageStarts.clear();
    this.messageStarts.set(cacheKey, { rows, at: performance.now() });
    return rows;
  }

  /** The latest version of a process id, cached briefly (a deploy in this process clears it; other engine processes' deploys are seen within a second). */
  async latestDefinition(db: DbSource, bpmnProcessId: string, tenantId: string): Promise<Definition | undefined> {
    const cacheKey = `${tenantId}\u0000${bpmnProcessId}`;
    const cached = this.latest.get(cacheKey);
    if (cached && performance.now() - cached.at < 1000) return this.definition(db, cached.key);
    const row = (await dbOf(db)('engineProcessDefinitions')
      .where({ bpmnProcessId, tenantId })
      .orderBy('version', 'desc')
      .first('key')) as { key: number } | undefined;
    if (!row) return undefined;
    this.latest.set(cacheKey, { key: row.key, at: performance.now() });
    return this.definition(db, row.key);
  }

  /** The latest definition of a process id with a version tag or from a deployment. */
  async boundDefinition(
    db: DbSource,
    bpmnProcessId: string,
    tenantId: string,
    binding: { versionTag?: string; deploymentKey?: number },
  ): Promise<Definition | undefined> {
    let q = dbOf(db)('engineProcessDefinitions').where({ bpmnProcessId, tenantId });
    if (binding.versionTag !== undefined) q = q.andWhere({ versionTag: binding.versionTag });
    if (binding.deploymentKey !== undefined) q = q.andWhere({ deploymentKey: binding.deploymentKey });
    const row = (await q.orderBy('version', 'desc').first('key')) as { key: number } | undefined;
    return row ? this.definition(db, row.key) : undefined;
  }
}
