// The pure core of the cluster registry: the `cluster-{id}` stream's decider and the
// questions asked of its state. No Nest, no SQL, no I/O.
export * from './types.js';
export { clusterDecider, decide, DomainError, evolve, evolveInPlace, foldEvents, initialState, normalisePpeCode, streamIdOf, type FieldError } from './decider.js';
export { isValidNip, nipCheckDigit, normaliseNip } from './nip.js';
export { isValidDate, isValidMonth, warsawDateOf, warsawMidnight } from './calendar.js';
export { activeMeteringPoints, agreementForMonth, memberActiveOn, ownerAt, ownershipPeriods, type ActiveMeteringPoint, type OwnershipPeriod } from './queries.js';
export { complianceWarnings, type ComplianceWarning } from './compliance.js';
