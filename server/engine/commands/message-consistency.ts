import { rawRows } from '../state/sql.js';
import { type MessageConsistency } from '../api.js';
import type { Engine } from '../engine.js';

/** The message consistency check: buffered messages and open subscriptions that match but did not correlate. */
export class MessageConsistencyCheck {
  /** Pairs of (buffered message, open subscription) reported so far and still present, by "message/subscription" key. */
  private readonly reportedPairs = new Set<string>();
  private readonly found: MessageConsistency = { open: 0, total: 0, lastCheckedAt: null };

  constructor(private readonly engine: Pick<Engine, 'query' | 'clock' | 'logger'>) {}

  /** What the last check found. */
  last(): MessageConsistency {
    return { ...this.found };
  }

  /**
   * Looks for buffered messages (not expired) and open subscriptions with the same tenant, name and
   * correlation key whose process id the message has not correlated to. Publish and subscription
   * opening are serialised (docs/ARCHITECTURE.md), so every such pair is a bug: a waiting instance
   * that nothing will ever wake. Each new pair is logged at error level once and counted; `open` is
   * how many the last check saw. Returns that number.
   */
  async run(limit = 100): Promise<number> {
    const rows = await this.engine.query((db) =>
      rawRows<{
        messageKey: number;
        subscriptionKey: number;
        processInstanceKey: number;
        bpmnProcessId: string;
        elementId: string;
        name: string;
        correlationKey: string;
        tenantId: string;
      }>(
        db,
        `select m.key as message_key, s.key as subscription_key, s.process_instance_key, s.bpmn_process_id, s.target_element_id as element_id,
              m.name, m.correlation_key, m.tenant_id
         from engine_messages m
         join engine_message_subscriptions s on s.message_name = m.name and s.correlation_key = m.correlation_key and s.tenant_id = m.tenant_id
        where m.expires_at > ? and not (m.correlated_process_ids \\? s.bpmn_process_id)
        order by m.key, s.key limit ?`,
        [this.engine.clock.now(), limit],
      ),
    );
    const present = new Set<string>();
    for (const r of rows) {
      const pair = `${r.messageKey}/${r.subscriptionKey}`;
      present.add(pair);
      if (this.reportedPairs.has(pair)) continue;
      this.found.total++;
      this.engine.logger.error(
        {
          messageKey: String(r.messageKey),
          subscriptionKey: String(r.subscriptionKey),
          processInstanceKey: String(r.processInstanceKey),
          bpmnProcessId: r.bpmnProcessId,
          elementId: r.elementId,
          messageName: r.name,
          correlationKey: r.correlationKey,
          tenantId: r.tenantId,
        },
        'engine: inconsistent message correlation: a buffered message and an open subscription match but did not correlate (the instance waits for a message that is already there)',
      );
    }
    this.reportedPairs.clear();
    for (const p of present) this.reportedPairs.add(p);
    this.found.open = rows.length;
    this.found.lastCheckedAt = this.engine.clock.now().toISOString();
    return rows.length;
  }
}
