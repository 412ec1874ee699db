import { compile } from './validate';

interface LoginInput {
  email: string;
  password: string;
  next?: string;
}

const loginSchema = {
  $id: 'auth.login',
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password'],
  properties: {
    email: { type: 'string', title: 'Your e-mail address', maxLength: 254 },
    password: { type: 'string', title: 'Your password', maxLength: 1024 },
    next: { type: 'string', title: 'Next page', maxLength: 500 },
  },
} as const;
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

export const userCreateSchema = {
  $id: 'user.create',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'email', 'role', 'password'],
  properties: {
    ...userFields,
    password: { type: 'string', title: 'A password', maxLength: 1024 },
    password_confirmation: { type: 'string', title: 'The password again', maxLength: 1024 },
  },
} as const;
export const validateUserCreate = compile<UserCreateInput>(userCreateSchema);

export interface UserUpdateInput {
  name: string;
  email: string;
  role: 'director' | 'consultant';
  capacity?: number;
  topics?: string[];
}

export const userUpdateSchema = {
  $id: 'user.update',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'email', 'role'],
  properties: userFields,
} as const;
export const validateUserUpdate = compile<UserUpdateInput>(userUpdateSchema);

interface PasswordChangeInput {
  current_password: string;
  password: string;
  password_confirmation?: string;
}

export const passwordChangeSchema = {
  $id: 'user.password',
  type: 'object',
  additionalProperties: false,
  required: ['current_password', 'password'],
  properties: {
    current_password: { type: 'string', title: 'Your current password', maxLength: 1024 },
    password: { type: 'string', title: 'A new password', maxLength: 1024 },
    password_confirmation: { type: 'string', title: 'The new password again', maxLength: 1024 },
  },
} as const;
export const validatePasswordChange = compile<PasswordChangeInput>(passwordChangeSchema);
