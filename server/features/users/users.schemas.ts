import { z } from 'zod';
import { ROLES } from '../../platform/http/context.js';
import { emailSchema, passwordSchema, phoneSchema } from '../auth/index.js';
import { booleanParam, idParam, listQuerySchema } from '../../platform/http/paging.js';

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
    locale: z.enum(['ru', 'uk', 'en']).default('ru'),
  })
  .refine((v) => v.email || v.phone, { message: 'Enter an e-mail or a phone number', path: ['email'] });

export const userPatchSchema = z.object({
  fullName: z.string().trim().min(2, 'Enter the full name').max(300).optional(),
  email: z.preprocess(nullIfEmpty, emailSchema.nullable().optional()),
  phone: z.preprocess(nullIfEmpty, phoneSchema.nullable().optional()),
  roles: roles.optional(),
  isActive: z.boolean().optional(),
  employeeId: idParam.nullable().optional(),
  locale: z.enum(['ru', 'uk', 'en']).optional(),
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
