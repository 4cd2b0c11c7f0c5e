import type { EngineHealth } from '../engine.js';

/**
 * The engine's management endpoints, named after Camunda's (Spring Boot actuator on the management
 * port; here on the REST port): `GET /actuator/health` (JSON) and `GET /actuator/prometheus`
 * (Prometheus text format). They carry what the engine's own checks found; liveness of the gateway
 * itself is the Topology call.
 */
export function routeActuator(health: EngineHealth, path: string): { type: string; text: string } | undefined {
  const m = health.messageInconsistencies;
  if (path === '/actuator/health') {
    const correlation = { status: m.open > 0 ? 'INCONSISTENT' : 'UP', details: m };
    return {
      type: 'application/json',
      text: JSON.stringify({ status: 'UP', components: { messageCorrelation: correlation } }),
    };
  }
  if (path === '/actuator/prometheus') {
    const text = [
      '# HELP okno_engine_message_inconsistencies_total Buffered messages and open subscriptions found matching without having correlated (distinct pairs since start).',
      '# TYPE okno_engine_message_inconsistencies_total counter',
      `okno_engine_message_inconsistencies_total ${m.total}`,
      '# HELP okno_engine_message_inconsistencies Matching but uncorrelated (buffered message, open subscription) pairs at the last check.',
      '# TYPE okno_engine_message_inconsistencies gauge',
      `okno_engine_message_inconsistencies ${m.open}`,
      '',
    ].join('\n');
    return { type: 'text/plain; version=0.0.4; charset=utf-8', text };
  }
  return undefined;
}
