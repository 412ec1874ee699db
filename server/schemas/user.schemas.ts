import { objectSchema } from './fragments';
import { compile } from './validate';

interface LoginInput {
  email: string;
  password: string;
  next?: string;
}

/** A password as typed (the policy is checked by the service, with its own messages). */
const password = (title: string) => ({ type: 'string', title, maxLength: 1024 }) as const;

const loginSchema = objectSchema('auth.login', ['email', 'password'], {
  email: { type: 'string', title: 'Your e-mail address', maxLength: 254 },
  password: password('Your password'),
  next: { type: 'string', title: 'Next page', maxLength: 500 },
});
export const validateLogin = compile<LoginInput>(loginSchema);

export interface UserCreateInput {
  name: string;
  email: string;
  role: 'director' | 'consultant';
  password: string;
  password_confirmation?: string;
  capacity?: number;
  topics?: string[];
}

const userFields = {
  name: { type: 'string', title: 'Full name', maxLength: 120, pattern: '\\S' },
  email: { type: 'string', title: 'E-mail address', maxLength: 254, format: 'email' },
  role: { type: 'string', title: 'Role', enum: ['director', 'consultant'] },
  capacity: { type: 'integer', title: 'Capacity (open cases)', minimum: 0, maximum: 100 },
  topics: {
    type: 'array',
    title: 'Expertise',
    maxItems: 50,
    uniqueItems: true,
    items: { type: 'string', maxLength: 64, pattern: '^[a-z0-9-]+$' },
  },
} as const;

export const userCreateSchema = objectSchema('user.create', ['name', 'email', 'role', 'password'], {
  ...userFields,
  password: password('A password'),
  password_confirmation: password('The password again'),
});
export const validateUserCreate = compile<UserCreateInput>(userCreateSchema);

export interface UserUpdateInput {
  name: string;
  email: string;
  role: 'director' | 'consultant';
  capacity?: number;
  topics?: string[];
}

export const userUpdateSchema = objectSchema('user.update', ['name', 'email', 'role'], userFields);
export const validateUserUpdate = compile<UserUpdateInput>(userUpdateSchema);

interface PasswordChangeInput {
  current_password: string;
  password: string;
  password_confirmation?: string;
}

export const passwordChangeSchema = objectSchema('user.password', ['current_password', 'password'], {
  current_password: password('Your current password'),
  password: password('A new password'),
  password_confirmation: password('The new password again'),
});
export const validatePasswordChange = compile<PasswordChangeInput>(passwordChangeSchema);
