import type { ProcessOutcome } from './contract.ts';
import type { Child } from './child.ts';

/** How the parent reports each way process construction can fail. */
const PROCESS_ERRORS: Readonly<Record<Exclude<ProcessOutcome, 'ok'>, string>> = {
  outOfRam: 'out of RAM while loading the ELF binary',
  outOfCaps: 'out of caps while loading the ELF binary',
  threadCreationFailed: 'could not create the initial thread',
  missingLinker: 'dynamic linker unavailable',
  invalidExecutable: 'invalid ELF executable',
  regionConflict: 'loading the ELF binary failed (region conflict)',
  invalidDataspace: 'loading the ELF binary failed (invalid dataspace)',
};

/**
 * Builds the initial thread and the process once the environment is
 * complete (`_try_construct_env_dependent_members`): PD, CPU, LOG and binary
 * have caps, and so has the linker if it was asked for and not denied by the
 * policy. Before that, every session of the child that is `AVAILABLE`
 * becomes `CAP_HANDED_OUT`, so that installing a session signal handler
 * later does not report them. The outcome is the child description's
 * `process`; a failure is reported as an error and leaves the child
 * inactive. Called again (by an environment session's ready callback), it
 * builds the process again, as Genode does.
 *
 * Limitation: how construction ends is configured, not computed: no ELF is
 * loaded, so a failure is whatever the description names, at no cost in
 * quota.
 */
export function startProcess(child: Child): void {
  const { pd, cpu, log, binary, linker } = child.env;
  if (!pd.cap || !cpu.cap || !log.cap || !binary.cap) {
    return;
  }
  if (linker !== null && !linker.cap) {
    return;
  }

  for (const [, session] of child.idSpace.ascending()) {
    if (session.phase === 'AVAILABLE') {
      session.enter('CAP_HANDED_OUT');
    }
  }

  const outcome = child.policy.processOutcome;
  if (outcome !== 'ok') {
    child.parent.diagnostics.error(`${child.name}: ${PROCESS_ERRORS[outcome]}`);
  }
  child.processStarted(outcome);
}
