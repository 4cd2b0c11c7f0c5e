import type { Knex } from 'knex';

/** The latest confirmation code Okno queued for an e-mail or phone (read from its outbox, as a channel would). */
export async function codeSentTo(knex: Knex, destination: string): Promise<string> {
  const message = await knex('outbound_messages')
    .where({ destination, purpose: 'login-confirmation' })
    .orderBy('id', 'desc')
    .first('body');
  const code = message?.body.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no confirmation code was sent to ${destination}`);
  return code;
}
