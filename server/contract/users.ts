/** The contract of /api/users: staff account administration. */
import { z } from 'zod';
import {
  booleanParam,
  idParam,
  instantSchema,
  listQuerySchema,
  localeSchema,
  pageSchema,
  ROLES,
  endpoint,
} from './common.js';
import { emailSchema, passwordSchema, phoneSchema } from './auth.js';

const roles = z
  .array(z.enum(ROLES))
  .min(1, 'Give the user at least one role')
  .transform((r) => [...new Set(r)]);
const nullIfEmpty = (v: unknown) => (v === '' ? null : v);

export const userCreateSchema = z
  .object({
    fullName: z.string().trim().min(2, 'Enter the full name').max(300),
    email: z.preprocess(nullIfEmpty, emailSchema.nullable().optional()),
    phone: z.preprocess(nullIfEmpty, phoneSchema.nullable().optional()),
    roles,
    employeeId: idParam.nullable().optional(),
    password: passwordSchema,
    locale: localeSchema.default('ru'),
  })
  .refine((v) => v.email || v.phone, { message: 'Enter an e-mail or a phone number', path: ['email'] });

export const userPatchSchema = z.object({
  fullName: z.string().trim().min(2, 'Enter the full name').max(300).optional(),
  email: z.preprocess(nullIfEmpty, emailSchema.nullable().optional()),
  phone: z.preprocess(nullIfEmpty, phoneSchema.nullable().optional()),
  roles: roles.optional(),
  isActive: z.boolean().optional(),
  employeeId: idParam.nullable().optional(),
  locale: localeSchema.optional(),
});

export const resetPasswordSchema = z.object({ password: passwordSchema });

export const USER_SORT = ['fullName', 'email', 'createdAt', 'lastLoginAt', 'id'] as const;
export const userListSchema = listQuerySchema(USER_SORT, 'fullName').extend({
  role: z.enum(ROLES).optional(),
  active: booleanParam.optional(),
});

export type UserCreate = z.infer<typeof userCreateSchema>;
export type UserPatch = z.infer<typeof userPatchSchema>;
export type UserListQuery = z.infer<typeof userListSchema>;

/** A user as the administration screens see it: public fields, the linked employee's name and org unit. */
export const userItemSchema = z.strictObject({
  id: z.number().int(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  fullName: z.string(),
  roles: z.array(z.enum(ROLES)),
  locale: z.string(),
  employeeId: z.number().int().nullable(),
  isActive: z.boolean(),
  lastLoginAt: instantSchema.nullable(),
  createdAt: instantSchema,
  employeeName: z.string().nullable(),
  /** The linked employee's org unit (a manager's scope starts there). */
  unitId: z.number().int().nullable(),
});
/** A user account as the client receives it (instants as ISO strings). */
export type UserAccount = z.input<typeof userItemSchema>;
/** A user account as the service returns it (instants as Dates). */
export type UserItem = z.output<typeof userItemSchema>;
export type UserCreateRequest = z.input<typeof userCreateSchema>;
export type UserPatchRequest = z.input<typeof userPatchSchema>;

/** The endpoints of /api/users and what each answers on success. */
export const usersEndpoints = [
  endpoint('GET', '/api/users', pageSchema(userItemSchema)),
  endpoint('GET', '/api/users/:id', userItemSchema),
  endpoint('POST', '/api/users', userItemSchema),
  endpoint('PATCH', '/api/users/:id', userItemSchema),
  endpoint('POST', '/api/users/:id/password', null),
];
