import { DomainError } from './errors.ts';

/**
 * Who is acting, and with which roles. Services authorise against this, so a rule holds the same
 * whether the call came from a page, the API or the CLI; nothing is trusted because a page hid
 * a button.
 */
export const staffRoles = ['platform_admin', 'dept_admin', 'clerk', 'reviewer', 'operator', 'auditor'] as const;
export type StaffRole = (typeof staffRoles)[number];

export interface Actor {
  /** Account id, `client:{id}` for an API client, `person:{id}` for a citizen or enterprise, or `system:{name}`. Recorded in the journal. */
  readonly actor: string;
  readonly kind: 'staff' | 'client' | 'system' | 'person';
  readonly department: string | null;
  readonly roles: readonly StaffRole[];
  readonly requestId: string | null;
}

export function systemActor(name: string, requestId: string | null = null): Actor {
  return { actor: `system:${name}`, kind: 'system', department: null, roles: ['platform_admin'], requestId };
}

export function hasRole(actor: Actor, ...roles: StaffRole[]): boolean {
  return actor.roles.some((r) => roles.includes(r));
}

/** Throws forbidden unless the actor has one of the roles. */
export function requireRole(actor: Actor, ...roles: StaffRole[]): void {
  if (!hasRole(actor, ...roles)) {
    throw new DomainError('forbidden', `this needs one of the roles: ${roles.join(', ')}`, { required: roles });
  }
}

/**
 * Platform administrators act for every department; the given roles act only for their own.
 */
export function requireDepartmentRole(actor: Actor, department: string, ...roles: StaffRole[]): void {
  if (hasRole(actor, 'platform_admin')) return;
  if (actor.department === department && hasRole(actor, ...roles)) return;
  throw new DomainError('forbidden', `this needs one of the roles ${roles.join(', ')} in department ${department}`, { required: roles, department });
}
