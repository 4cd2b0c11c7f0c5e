import crypto from 'node:crypto';
import type { Knex } from 'knex';
import pg from 'pg';
import type { Logger } from 'pino';
import { rawRows } from '../state/sql.js';

const NOTIFY_CHANNEL = 'okno_engine_jobs';
/** How often an engine process counts the other engine processes listening on its schema. */
const PEER_CHECK_MS = 1_000;

/**
 * Job wake-ups between engine processes on one database (PostgreSQL LISTEN/NOTIFY): a commit that
 * makes jobs activatable notifies the others, whose waiting workers are then woken.
 */
export class PeerWakeup {
  private readonly instanceId = crypto.randomBytes(6).toString('hex');
  private schema = 'public';
  private listener?: pg.Client;
  /**
   * Whether another engine process listens on this database and schema: only then do commits that
   * make jobs activatable send NOTIFY (PostgreSQL serialises the commits of notifying transactions).
   * Checked every second; unknown counts as yes.
   */
  private peers = true;
  private peerCheck?: NodeJS.Timeout;

  constructor(
    private readonly knex: Knex,
    private readonly logger: Logger,
    /** Wakes this process's workers waiting for jobs of a type. */
    private readonly wake: (type: string) => void,
  ) {}

  /** Listens for other processes' wake-ups on the schema's channel and starts counting peers. */
  async start(schema: string): Promise<void> {
    this.schema = schema;
    const connection = (this.knex.client as { config?: { connection?: string | pg.ClientConfig } }).config?.connection;
    if (!connection) return;
    // The listening session is named after the schema, so engine processes can count each other.
    const appName = `okno-engine ${this.schema}`.slice(0, 63);
    const client = new pg.Client(
      typeof connection === 'string'
        ? { connectionString: connection, application_name: appName }
        : { ...connection, application_name: appName },
    );
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    } catch (err) {
      this.logger.warn({ err }, 'engine: LISTEN failed; other engine processes are noticed by polling only');
      await client.end().catch(() => undefined);
      return;
    }
    client.on('notification', (msg) => {
      const [schema, sender, type] = (msg.payload ?? '').split('\u0001');
      if (schema === this.schema && sender !== this.instanceId && type) this.wake(type);
    });
    client.on('error', (err) => this.logger.warn({ err }, 'engine: LISTEN connection lost; polling only'));
    this.listener = client;
    const countPeers = async () => {
      const r = await rawRows<{ n: number }>(
        this.knex,
        'select count(*)::int as n from pg_stat_activity where application_name = ? and datname = current_database()',
        [appName],
      ).catch(() => undefined);
      this.peers = r ? r[0].n > 1 : true;
    };
    await countPeers();
    this.peerCheck = setInterval(() => void countPeers(), PEER_CHECK_MS);
    this.peerCheck.unref();
  }

  /** What a commit sends so other engine processes learn of its new jobs (none without peers). */
  notify(): { channel: string; payload: (type: string) => string } | undefined {
    if (!this.peers) return undefined;
    return { channel: NOTIFY_CHANNEL, payload: (type) => [this.schema, this.instanceId, type].join('\u0001') };
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    clearInterval(this.peerCheck);
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
  }
}
