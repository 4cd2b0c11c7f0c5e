/** The contract of /api/auth: sign-in, registration, the session answer and the own profile. */
import { z } from 'zod';
import { endpoint, localeSchema, roleSchema } from './common.js';

/** E-mail, lower-cased. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Enter a valid e-mail address' }));

/**
 * A phone number: digits with an optional leading + (10 to 15 digits; spaces, brackets, dots and dashes
 * dropped). The server stores it in E.164 read with the installation's country (libphonenumber-js):
 * `8 900 123-45-67` is `+79001234567` in Russia.
 */
export const phoneSchema = z
  .string()
  .trim()
  .transform((v) => v.replace(/[\s()\-.]/g, ''))
  .pipe(z.string().regex(/^\+?\d{10,15}$/, 'Enter a phone number with 10 to 15 digits'));

export const passwordSchema = z
  .string()
  .min(8, 'Password must be at least 8 characters')
  .max(200, 'Password must be at most 200 characters');

export const loginSchema = z.object({
  login: z.string().trim().min(1, 'Enter your e-mail or phone').max(254),
  password: z.string().min(1, 'Enter your password').max(200),
});

export const registerSchema = z
  .object({
    fullName: z.string().trim().min(2, 'Enter your full name').max(300),
    email: emailSchema.optional(),
    phone: phoneSchema.optional(),
    password: passwordSchema,
    locale: localeSchema.default('ru'),
  })
  .refine((v) => v.email || v.phone, { message: 'Enter an e-mail or a phone number', path: ['email'] });

export const updateMeSchema = z.object({
  locale: localeSchema.optional(),
  fullName: z.string().trim().min(2).max(300).optional(),
});

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, 'Enter your current password'),
  newPassword: passwordSchema,
});

export type LoginInput = z.infer<typeof loginSchema>;
export type RegisterInput = z.infer<typeof registerSchema>;

/** The signed-in user as routes and services see it (and the client in the session answer). */
export const sessionUserSchema = z.strictObject({
  id: z.number().int(),
  fullName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  roles: z.array(roleSchema),
  locale: z.string(),
  employeeId: z.number().int().nullable(),
  /** Org unit the user's employee record belongs to (a manager's scope starts here). */
  unitId: z.number().int().nullable(),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

/** The server's time (ISO 8601) when it answered, and the users' time zone. */
export const serverClockSchema = z.strictObject({ now: z.string(), timeZone: z.string() });
export type ServerClock = z.infer<typeof serverClockSchema>;

/** What sign-in, registration and /me answer. */
export const sessionAnswerSchema = z.strictObject({
  user: sessionUserSchema,
  csrfToken: z.string(),
  clock: serverClockSchema,
});
export type SessionAnswer = z.infer<typeof sessionAnswerSchema>;

export const profileAnswerSchema = z.strictObject({ user: sessionUserSchema });
export type ProfileAnswer = z.infer<typeof profileAnswerSchema>;

export type RegisterRequest = z.input<typeof registerSchema>;
export type UpdateMeRequest = z.input<typeof updateMeSchema>;

/** The endpoints of /api/auth and what each answers on success. */
export const authEndpoints = [
  endpoint('POST', '/api/auth/login', sessionAnswerSchema),
  endpoint('POST', '/api/auth/register', sessionAnswerSchema),
  endpoint('POST', '/api/auth/logout', null),
  endpoint('GET', '/api/auth/me', sessionAnswerSchema),
  endpoint('PATCH', '/api/auth/me', profileAnswerSchema),
  endpoint('POST', '/api/auth/password', null),
];
