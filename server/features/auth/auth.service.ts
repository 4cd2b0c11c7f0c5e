import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { audit } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import {
  ConflictError,
  ForbiddenError,
  TooManyRequestsError,
  UnauthorizedError,
  ValidationError,
} from '../../platform/errors.js';
import type { Actor, SessionUser } from '../../platform/http/context.js';
import { hashToken, randomToken, type LoadedSession } from '../../platform/http/session.js';
import { User } from '../users/index.js';
import type { CountryCode } from 'libphonenumber-js';
import type { ConfirmRegistrationInput, LoginInput, RegisterInput, RegistrationAnswer } from './auth.schemas.js';
import { normaliseLogin, normalisePhone } from './login.js';
import { hashPassword, verifyDummy, verifyPassword } from './password.js';
import type { EmployeeRow } from '../org/index.js';
import type { UserRow } from '../users/index.js';

export interface AuthServiceOptions {
  sessionTtlHours: number;
  loginMaxAttempts: number;
  loginWindowMinutes: number;
  /** The country national phone formats are read in (`+7…` for RU). */
  country: CountryCode;
  /** Called with every message queued for a person (development shows confirmation codes in the log). */
  onMessage?: (message: { channel: string; destination: string; subject: string; body: string }) => void;
}

/** How long a registration code lives, and how many wrong tries kill it. */
export const CONFIRMATION_TTL_MINUTES = 15;
const CONFIRMATION_MAX_ATTEMPTS = 5;
/** Registrations per address and per login (e-mail or phone) within the sign-in window. */
const REGISTRATIONS_PER_IP = 10;
const REGISTRATIONS_PER_LOGIN = 3;

/** Sign-ins for logins that match no account, per IP and window, before that IP is refused (enumeration, spraying). */
const UNKNOWN_LOGINS_PER_IP_FACTOR = 3;

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: SessionUser;
  csrfToken: string;
}

/** What a session needs of its user: the account and the linked employee's unit. */
type SessionUserRow = Pick<UserRow, 'id' | 'fullName' | 'email' | 'phone' | 'roles' | 'locale' | 'employeeId'> & {
  unitId: EmployeeRow['unitId'] | null;
};

/** Sign-in, sign-out, citizen registration and session lookup. */
export class AuthService {
  private readonly limiter: RateLimiterMemory;
  private readonly unknownLogins: RateLimiterMemory;
  private readonly passwordChanges: RateLimiterMemory;
  private readonly registrationsPerIp: RateLimiterMemory;
  private readonly registrationsPerLogin: RateLimiterMemory;

  constructor(
    private readonly knex: Knex,
    private readonly clock: Clock,
    private readonly opts: AuthServiceOptions,
  ) {
    this.limiter = new RateLimiterMemory({
      points: opts.loginMaxAttempts,
      duration: Math.round(opts.loginWindowMinutes * 60),
    });
    this.unknownLogins = new RateLimiterMemory({
      points: opts.loginMaxAttempts * UNKNOWN_LOGINS_PER_IP_FACTOR,
      duration: Math.round(opts.loginWindowMinutes * 60),
    });
    this.passwordChanges = new RateLimiterMemory({
      points: opts.loginMaxAttempts,
      duration: Math.round(opts.loginWindowMinutes * 60),
    });
    this.registrationsPerIp = new RateLimiterMemory({
      points: REGISTRATIONS_PER_IP,
      duration: Math.round(opts.loginWindowMinutes * 60),
    });
    this.registrationsPerLogin = new RateLimiterMemory({
      points: REGISTRATIONS_PER_LOGIN,
      duration: Math.round(opts.loginWindowMinutes * 60),
    });
  }

  /** Finds a user by e-mail or phone (in E.164), whichever the normalised login is. */
  private findByLogin(login: ReturnType<typeof normaliseLogin>) {
    if (login.kind === 'email') return User.query(this.knex).whereRaw('lower(email) = ?', [login.value]).first();
    if (login.kind === 'phone') return User.query(this.knex).where('phone', login.value).first();
    return Promise.resolve(undefined);
  }

  /** Checks credentials (rate-limited per IP and login) and opens a session. */
  async login(input: LoginInput, meta: { ip: string; userAgent: string; requestId: string }): Promise<LoginResult> {
    const login = normaliseLogin(input.login, this.opts.country);
    const key = `${meta.ip}|${login.value}`;
    await refuseWhenSpent(this.limiter, key);
    await refuseWhenSpent(this.unknownLogins, meta.ip);
    const user = await this.findByLogin(login);
    const ok = user
      ? await verifyPassword(user.passwordHash, input.password)
      : (await verifyDummy(input.password), false);
    if (!user || !ok || !user.isActive) {
      await spend(this.limiter, key);
      if (!user) await spend(this.unknownLogins, meta.ip);
      throw new UnauthorizedError('Wrong e-mail/phone or password', 'invalid_credentials');
    }
    await this.limiter.delete(key);
    // Told only to someone who knows the password: the account exists but its login is not confirmed yet.
    if (!user.confirmedAt)
      throw new ForbiddenError('Confirm your e-mail or phone first: enter the code we sent', 'not_confirmed');
    return this.openSession(user.id, meta);
  }

  /** Opens a session for a user who has proved who they are. */
  private async openSession(
    userId: number,
    meta: { ip: string; userAgent: string; requestId: string },
  ): Promise<LoginResult> {
    const user = { id: userId };

    const token = randomToken();
    const csrfToken = randomToken(24);
    const expiresAt = new Date(this.clock.ms() + this.opts.sessionTtlHours * 3600_000);
    await this.knex.transaction(async (trx) => {
      await trx('sessions').insert({
        idHash: hashToken(token),
        userId: user.id,
        csrfToken,
        expiresAt,
        ip: meta.ip.slice(0, 64),
        userAgent: meta.userAgent.slice(0, 500),
      });
      await trx('users').where({ id: user.id }).update({ lastLoginAt: this.clock.now() });
      await audit(
        trx,
        { userId: user.id, requestId: meta.requestId, ip: meta.ip },
        { action: 'login', entity: 'user', entityId: user.id },
      );
    });
    const sessionUser = await this.sessionUser(user.id);
    return { token, expiresAt, user: sessionUser!, csrfToken };
  }

  /** Ends a session. */
  async logout(idHash: string, actor: Actor): Promise<void> {
    await this.knex.transaction(async (trx) => {
      await trx('sessions').where({ idHash }).delete();
      await audit(trx, actor, { action: 'logout', entity: 'user', entityId: actor.userId });
    });
  }

  /**
   * Registers a citizen account (staff accounts are created by administrators). The account cannot act
   * until the e-mail or phone is confirmed with the code sent to it. The answer is the same whether or
   * not the login already has an account (the owner of a confirmed one is told instead), so registration
   * reveals nothing; it is limited per address and per login.
   */
  async register(input: RegisterInput, meta: { ip: string; requestId: string }): Promise<RegistrationAnswer> {
    const tooMany = 'Too many registrations. Try again later.';
    await spend(this.registrationsPerIp, meta.ip, tooMany);
    const email = input.email ?? null;
    const phone = input.phone ? normalisePhone(input.phone, this.opts.country) : null;
    const channel = email ? ('email' as const) : ('phone' as const);
    const destination = (email ?? phone)!;
    await spend(this.registrationsPerLogin, destination, tooMany);
    const passwordHash = await hashPassword(input.password);
    const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
    const messages: OutboundMessage[] = [];
    await this.knex.transaction(async (trx) => {
      const existing = await trx('users')
        .where((w) => {
          if (email) w.orWhereRaw('lower(email) = ?', [email]);
          if (phone) w.orWhere('phone', phone);
        })
        .select('id', 'confirmedAt', 'email', 'phone');
      const confirmed = existing.find((u) => u.confirmedAt !== null);
      if (confirmed || existing.length > 1) {
        messages.push({
          channel,
          destination,
          purpose: 'registration-existing',
          subject: 'Регистрация в «Окне»',
          body: 'Кто-то пытался зарегистрироваться с вашим адресом. Если это были вы, войдите или восстановите пароль.',
        });
        await audit(
          trx,
          { userId: null, requestId: meta.requestId, ip: meta.ip },
          { action: 'register_existing', entity: 'user', entityId: confirmed?.id ?? existing[0].id },
        );
      } else {
        const fields = { fullName: input.fullName, email, phone, passwordHash, locale: input.locale };
        let id: number;
        if (existing.length) {
          // An unconfirmed registration of the same login: the latest one replaces it (it never acted).
          id = existing[0].id;
          await trx('users')
            .where({ id })
            .update({ ...fields, updatedAt: trx.fn.now() });
        } else {
          const [row] = await trx('users')
            .insert({ ...fields, roles: ['citizen'], confirmedAt: null })
            .returning(['id']);
          id = row.id;
        }
        await trx('login_confirmations').where({ userId: id }).delete();
        await trx('login_confirmations').insert({
          userId: id,
          channel,
          destination,
          codeHash: hashToken(code),
          expiresAt: new Date(this.clock.ms() + CONFIRMATION_TTL_MINUTES * 60_000),
        });
        messages.push({
          channel,
          destination,
          purpose: 'login-confirmation',
          subject: 'Код подтверждения «Окна»',
          body: `Ваш код подтверждения: ${code}. Он действует ${CONFIRMATION_TTL_MINUTES} минут.`,
        });
        await audit(
          trx,
          { userId: id, requestId: meta.requestId, ip: meta.ip },
          {
            action: 'register',
            entity: 'user',
            entityId: id,
            after: { fullName: input.fullName, email, phone, roles: ['citizen'] },
          },
        );
      }
      await trx('outbound_messages').insert(messages);
    });
    for (const m of messages) this.opts.onMessage?.(m);
    return {
      status: 'confirmationSent',
      channel,
      sentTo: maskLogin(destination),
      expiresInMinutes: CONFIRMATION_TTL_MINUTES,
    };
  }

  /** Confirms a registration with the code sent to its login and signs the citizen in. */
  async confirmRegistration(
    input: ConfirmRegistrationInput,
    meta: { ip: string; userAgent: string; requestId: string },
  ): Promise<LoginResult> {
    const wrong = () =>
      new ValidationError('The code is wrong or has expired', [
        { path: 'code', message: 'The code is wrong or has expired' },
      ]);
    const login = normaliseLogin(input.login, this.opts.country);
    await refuseWhenSpent(this.limiter, `${meta.ip}|${login.value}`);
    const user = await this.findByLogin(login);
    const pending = user ? await this.knex('login_confirmations').where({ userId: user.id }).first() : undefined;
    if (
      !user ||
      !pending ||
      pending.expiresAt.getTime() <= this.clock.ms() ||
      pending.attempts >= CONFIRMATION_MAX_ATTEMPTS
    ) {
      await spend(this.limiter, `${meta.ip}|${login.value}`);
      throw wrong();
    }
    const sent = Buffer.from(hashToken(input.code));
    if (!crypto.timingSafeEqual(sent, Buffer.from(pending.codeHash))) {
      await this.knex('login_confirmations').where({ id: pending.id }).increment('attempts', 1);
      await spend(this.limiter, `${meta.ip}|${login.value}`);
      throw wrong();
    }
    await this.knex.transaction(async (trx) => {
      await trx('users').where({ id: user.id }).update({ confirmedAt: this.clock.now(), updatedAt: trx.fn.now() });
      await trx('login_confirmations').where({ id: pending.id }).delete();
      await audit(
        trx,
        { userId: user.id, requestId: meta.requestId, ip: meta.ip },
        { action: 'confirm_login', entity: 'user', entityId: user.id },
      );
    });
    return this.openSession(user.id, meta);
  }

  /** Changes the signed-in user's own password after checking the current one; other sessions end. */
  async changePassword(
    userId: number,
    currentPassword: string,
    newPassword: string,
    actor: Actor,
    keepSessionHash?: string,
  ): Promise<void> {
    const key = String(userId);
    await refuseWhenSpent(this.passwordChanges, key, 'Too many wrong current passwords. Try again later.');
    const user = await User.query(this.knex).findById(userId);
    if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
      await spend(this.passwordChanges, key, 'Too many wrong current passwords. Try again later.');
      throw new ValidationError('Current password is wrong', [
        { path: 'currentPassword', message: 'Current password is wrong' },
      ]);
    }
    if (newPassword === currentPassword) {
      throw new ValidationError('The new password must differ from the current one', [
        { path: 'newPassword', message: 'The new password must differ from the current one' },
      ]);
    }
    await this.passwordChanges.delete(key);
    const passwordHash = await hashPassword(newPassword);
    await this.knex.transaction(async (trx) => {
      await trx('users').where({ id: userId }).update({ passwordHash, updatedAt: trx.fn.now() });
      await trx('sessions')
        .where({ userId })
        .whereNot('idHash', keepSessionHash ?? '')
        .delete();
      await audit(trx, actor, { action: 'change_password', entity: 'user', entityId: userId });
    });
  }

  /** Updates the signed-in user's own profile settings. */
  async updateMe(userId: number, patch: { locale?: string; fullName?: string }, actor: Actor): Promise<SessionUser> {
    return this.knex.transaction(async (trx) => {
      const before = await trx('users').where({ id: userId }).first('locale', 'fullName');
      if (!before) throw new UnauthorizedError();
      if (Object.keys(patch).length) {
        await trx('users')
          .where({ id: userId })
          .update({ ...patch, updatedAt: trx.fn.now() });
        await audit(trx, actor, { action: 'update_profile', entity: 'user', entityId: userId, before, after: patch });
      }
      return (await this.sessionUser(userId, trx))!;
    });
  }

  /** Loads the user behind a session cookie hash, if the session is valid and the user active. */
  async loadSession(idHash: string): Promise<LoadedSession | undefined> {
    const row = await this.knex('sessions')
      .where({ idHash })
      .andWhere('expiresAt', '>', this.clock.now())
      .first('userId', 'csrfToken');
    if (!row) return undefined;
    const user = await this.sessionUser(row.userId);
    return user ? { user, csrfToken: row.csrfToken } : undefined;
  }

  /** The user as a request sees it, or undefined when missing or deactivated. */
  async sessionUser(id: number, trx: Knex | Knex.Transaction = this.knex): Promise<SessionUser | undefined> {
    const row = await trx('users as u')
      .leftJoin('employees as e', 'e.id', 'u.employeeId')
      .where('u.id', id)
      .andWhere('u.isActive', true)
      .first<SessionUserRow | undefined>(
        'u.id',
        'u.fullName',
        'u.email',
        'u.phone',
        'u.roles',
        'u.locale',
        'u.employeeId',
        'e.unitId',
      );
    return row ?? undefined;
  }

  /** Deletes expired sessions; returns how many. */
  async purgeExpiredSessions(): Promise<number> {
    return this.knex('sessions').where('expiresAt', '<=', this.clock.now()).delete();
  }

  /** Throws a 409 if a login is already taken by another user. */
  static async assertLoginFree(
    trx: Knex | Knex.Transaction,
    login: { email?: string | null; phone?: string | null },
    exceptId?: number,
  ): Promise<void> {
    const fields: { path: string; message: string }[] = [];
    if (login.email) {
      const q = trx('users').whereRaw('lower(email) = ?', [login.email.toLowerCase()]);
      if (exceptId) q.whereNot('id', exceptId);
      if (await q.first('id')) fields.push({ path: 'email', message: 'This e-mail is already registered' });
    }
    if (login.phone) {
      const q = trx('users').where('phone', login.phone);
      if (exceptId) q.whereNot('id', exceptId);
      if (await q.first('id')) fields.push({ path: 'phone', message: 'This phone is already registered' });
    }
    if (fields.length) throw new ConflictError('An account with this login already exists', { fields });
  }
}

const TOO_MANY = 'Too many failed sign-in attempts. Try again later.';

/** 429 with Retry-After when the key has no attempts left in its window. */
async function refuseWhenSpent(limiter: RateLimiterMemory, key: string, message = TOO_MANY): Promise<void> {
  const state = await limiter.get(key);
  if (state && state.remainingPoints <= 0)
    throw new TooManyRequestsError(message, Math.ceil(state.msBeforeNext / 1000));
}

/** Counts one failed attempt; 429 when it was the last one allowed. */
async function spend(limiter: RateLimiterMemory, key: string, message = TOO_MANY): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (res) {
    if (res instanceof RateLimiterRes) throw new TooManyRequestsError(message, Math.ceil(res.msBeforeNext / 1000));
    throw res;
  }
}

interface OutboundMessage {
  channel: 'email' | 'phone';
  destination: string;
  subject: string;
  body: string;
  purpose: string;
}

/** An e-mail or phone shown back without revealing it whole: `iv***@example.org`, `+7******4567`. */
export function maskLogin(login: string): string {
  const at = login.indexOf('@');
  if (at > 0) return `${login.slice(0, Math.min(2, at))}***${login.slice(at)}`;
  return `${login.slice(0, 2)}${'*'.repeat(Math.max(0, login.length - 6))}${login.slice(-4)}`;
}
