// Freezes a value for sharing between readers: a state kept in memory and handed to every
// request must not be changed by one of them (in strict code a write throws).

/** Freezes the value and everything it holds; the same value back. */
export function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  // bounded by the value's size: each object is frozen once and its children pushed once
  while (stack.length > 0) {
    const each = stack.pop();
    if (each === null || typeof each !== 'object' || Object.isFrozen(each)) continue;
    Object.freeze(each);
    for (const child of Object.values(each)) stack.push(child);
  }
  return value;
}
