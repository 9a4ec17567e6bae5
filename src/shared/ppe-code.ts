// A PPE (punkt poboru energii) code as the registry keeps it: DSOs print it with spaces and
// in either case (`PL 0037 9800 ...`), files and requests are matched on one spelling.
export function normalisePpeCode(code: string): string {
  return code.replace(/\s+/g, '').toUpperCase();
}
