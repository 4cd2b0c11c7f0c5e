import { DEFAULT_TENANT } from '../engine.js';
import type { RestRouter, RouteRequest } from './router.js';
import { bad, HttpError, optObject, optString, type Reply } from './user-tasks.js';
import { optInt, reqString, type EngineCommands, type QueryRunner } from './request.js';

/** Registers message publication and correlation. */
export function registerMessages(router: RestRouter, query: QueryRunner, engine: EngineCommands): void {
  const message =
    (publication: boolean) =>
    async ({ body }: RouteRequest): Promise<Reply> => {
      const tenantId = optString(body, 'tenantId') || DEFAULT_TENANT;
      const published = {
        name: reqString(body, 'name'),
        correlationKey: optString(body, 'correlationKey') ?? '',
        timeToLive: publication ? (optInt(body, 'timeToLive') ?? 0) : 0,
        messageId: publication ? (optString(body, 'messageId') ?? '') : '',
        variables: optObject(body, 'variables'),
        tenantId,
      };
      if (published.timeToLive < 0)
        throw bad(`Expected 'timeToLive' to be zero or positive, but was '${published.timeToLive}'`);
      const correlated: { processInstanceKey?: number } = {};
      const messageKey = await engine.publishMessage(published, publication ? undefined : correlated);
      if (publication) return { status: 200, body: { tenantId, messageKey } };
      if (correlated.processInstanceKey === undefined) {
        throw new HttpError(
          404,
          `Expected to find subscriptions for message with name '${published.name}' and correlation key '${published.correlationKey}', but none were found.`,
          'NOT_FOUND',
        );
      }
      return { status: 200, body: { tenantId, messageKey, processInstanceKey: String(correlated.processInstanceKey) } };
    };
  router.add('POST', '/v2/messages/publication', message(true));
  router.add('POST', '/v2/messages/correlation', message(false));
}
