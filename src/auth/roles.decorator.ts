// Every route declares who may call it; the guard refuses routes that declare nothing.
import { SetMetadata } from '@nestjs/common';

export const ROLES = ['admin', 'coordinator', 'member', 'auditor', 'meter-data'] as const;
export type Role = (typeof ROLES)[number];

export const ROLES_KEY = 'klaster:roles';
export const PUBLIC_KEY = 'klaster:public';

export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Readers of a whole cluster. */
export const CLUSTER_READERS: Role[] = ['admin', 'coordinator', 'auditor'];

export interface Principal {
  tokenId: string;
  role: Role;
  clusterId: string | null;
  memberId: string | null;
  label: string;
}
