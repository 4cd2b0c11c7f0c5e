import type { Knex } from 'knex';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { audit } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import { ConflictError, TooManyRequestsError, UnauthorizedError, ValidationError } from '../../platform/errors.js';
import type { Actor, SessionUser } from '../../platform/http/context.js';
import { hashToken, randomToken, type LoadedSession } from '../../platform/http/session.js';
import { User } from '../users/index.js';
import type { CountryCode } from 'libphonenumber-js';
import type { LoginInput, RegisterInput } from './auth.schemas.js';
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
}

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

  /** Registers a citizen account (staff accounts are created by administrators). */
  async register(input: RegisterInput, meta: { ip: string; requestId: string }): Promise<SessionUser> {
    const passwordHash = await hashPassword(input.password);
    if (input.phone) input = { ...input, phone: normalisePhone(input.phone, this.opts.country) };
    return this.knex.transaction(async (trx) => {
      await AuthService.assertLoginFree(trx, input);
      const [row] = await trx('users')
        .insert({
          fullName: input.fullName,
          email: input.email ?? null,
          phone: input.phone ?? null,
          passwordHash,
          roles: ['citizen'],
          locale: input.locale,
        })
        .returning(['id']);
      const id = row.id;
      await audit(
        trx,
        { userId: id, requestId: meta.requestId, ip: meta.ip },
        {
          action: 'register',
          entity: 'user',
          entityId: id,
          after: { fullName: input.fullName, email: input.email, phone: input.phone, roles: ['citizen'] },
        },
      );
      return (await this.sessionUser(id, trx))!;
    });
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
