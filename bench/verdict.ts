/** Ends a benchmark that checks things: exit 1 with what failed, or say it passed. */
export function reportVerdict(failures: readonly string[]): void {
  if (failures.length) {
    console.error(`\nFAILED: ${failures.join('; ')}`);
    process.exit(1);
  }
  console.log('\nPASSED');
}
