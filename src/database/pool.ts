// The Nest injection token of the connection pool (database.ts opens it, core.module.ts provides it).
export const PG_POOL = Symbol('PG_POOL');
