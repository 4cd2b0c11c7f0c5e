import { z } from 'zod';

/** E-mail, lower-cased. */
export const emailSchema = z.string().trim().toLowerCase().pipe(z.email({ message: 'Enter a valid e-mail address' }));

/** Phone number normalised to +digits (10 to 15 digits). */
export const phoneSchema = z
  .string()
  .trim()
  .transform((v) => v.replace(/[\s()\-.]/g, ''))
  .pipe(z.string().regex(/^\+?\d{10,15}$/, 'Enter a phone number with 10 to 15 digits'))
  .transform((v) => (v.startsWith('+') ? v : `+${v}`));

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
    locale: z.enum(['ru', 'uk', 'en']).default('ru'),
  })
  .refine((v) => v.email || v.phone, { message: 'Enter an e-mail or a phone number', path: ['email'] });

export const updateMeSchema = z.object({
  locale: z.enum(['ru', 'uk', 'en']).optional(),
  fullName: z.string().trim().min(2).max(300).optional(),
});

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, 'Enter your current password'),
  newPassword: passwordSchema,
});

export type LoginInput = z.infer<typeof loginSchema>;
export type RegisterInput = z.infer<typeof registerSchema>;
