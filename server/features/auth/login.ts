import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { emailSchema } from './auth.schemas.js';

/** A login as typed, reduced to one canonical form: what accounts are looked up by and lock-outs are counted on. */
export type NormalLogin =
  { kind: 'email'; value: string } | { kind: 'phone'; value: string } | { kind: 'other'; value: string };

/**
 * One person, one login, whatever the format: e-mails lower-cased; phone numbers in E.164 through
 * libphonenumber-js with the installation's country for national formats (`8 (900) 123-45-67`,
 * `+7 900 1234567` and `89001234567` are all `+79001234567` in Russia), so every spelling of a number
 * shares one lock-out counter; anything else lower-cased and trimmed.
 */
export function normaliseLogin(raw: string, country: CountryCode): NormalLogin {
  const text = raw.trim();
  const email = emailSchema.safeParse(text);
  if (email.success) return { kind: 'email', value: email.data };
  if (/^[\d\s()+\-.]{7,25}$/.test(text)) {
    const phone = parsePhoneNumberFromString(text, country);
    if (phone?.isPossible()) return { kind: 'phone', value: phone.number };
  }
  return { kind: 'other', value: text.toLowerCase() };
}

/** A phone number in E.164 for storage, or the input unchanged when libphonenumber-js cannot read it. */
export function normalisePhone(raw: string, country: CountryCode): string {
  const phone = parsePhoneNumberFromString(raw, country);
  return phone?.isPossible() ? phone.number : raw;
}
