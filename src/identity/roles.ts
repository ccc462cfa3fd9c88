// The roles and what a credential is once authenticated. `admin` covers every route;
// each other role covers the routes that name it.
export const ROLES = ['admin', 'operator', 'printer', 'dcrm', 'shop', 'gateway'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (s: unknown): s is Role => typeof s === 'string' && (ROLES as readonly string[]).includes(s);

/** who made a request: the ADMIN_TOKEN or one API key */
export interface Credential {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** the shop of a `shop` key; null otherwise */
  readonly shop: string | null;
}

/** the roles a route allows besides admin; an empty list: admin only */
export type RouteRoles = readonly Exclude<Role, 'admin'>[];

export const allows = (roles: RouteRoles, credential: Credential): boolean =>
  credential.role === 'admin' || (roles as readonly Role[]).includes(credential.role);
