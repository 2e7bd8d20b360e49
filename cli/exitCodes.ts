/** Exit codes of `child-spec`, the one place where outcomes become numbers. */
export const EXIT = {
  /** Everything checked held. */
  passed: 0,
  /** The check ran and found a failure, or had nothing to check. */
  failed: 1,
  /** The command line was wrong; nothing ran. */
  usage: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
