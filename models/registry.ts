/**
 * The statecharts the checker knows, by the names the command line uses.
 */
import type { EventObject } from 'xstate';

import type { Binding } from './binding.ts';
import { childBinding } from './childModel.ts';
import { sessionBinding } from './sessionModel.ts';

export const MACHINE_NAMES = ['session', 'child'] as const;
export type MachineName = (typeof MACHINE_NAMES)[number];

export function isMachineName(name: string): name is MachineName {
  return MACHINE_NAMES.some((known) => known === name);
}

/** Hands the binding of the named machine to `use`, keeping its event type. */
export function withBinding<R>(name: MachineName, use: <TEvent extends EventObject>(binding: Binding<TEvent>) => R): R {
  switch (name) {
    case 'session':
      return use(sessionBinding);
    case 'child':
      return use(childBinding);
  }
}
