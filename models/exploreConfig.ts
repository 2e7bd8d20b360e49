/**
 * The bounded configuration of `explore`, as a JSON file and command-line
 * flags give it: parsed, checked, and written back as the flags that
 * reproduce it.
 */
import { PROCESS_OUTCOMES, UPSTREAM_ANSWERS } from '../impl/contract.ts';
import { ENV_MODES } from '../machines/child.ts';
import { DEFAULT_EXPLORE_CONFIG, type ExploreConfig } from './explore.ts';
import { CHILD_ACTIONS, SERVER_ANSWERS, type ChildAction } from './exploreActions.ts';
import { LEVELS, SHAPE_SERVICES, shapeProblem, type LateChild, type Level } from './exploreSystem.ts';

/** The settings, each optional: what the file or the flags say. */
export interface ConfigInput {
  readonly clients?: number;
  readonly servers?: readonly string[];
  readonly sessions?: number;
  readonly quotaLevels?: number;
  readonly answers?: readonly string[];
  readonly responses?: readonly string[];
  readonly outOfTurn?: boolean;
  readonly upgrades?: boolean;
  readonly sigh?: boolean;
  readonly unrouted?: boolean;
  readonly childEvents?: readonly string[];
  /** The set-up of a child built late, by a step (none if unset). */
  readonly late?: string;
  /** How that child's process start ends (default ok). */
  readonly lateProcess?: string;
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly symmetry?: boolean;
}

export type ConfigResult = { readonly ok: true; readonly config: ExploreConfig } | { readonly ok: false; readonly problem: string };

const KEYS: readonly (keyof ConfigInput)[] = [
  'clients',
  'servers',
  'sessions',
  'quotaLevels',
  'answers',
  'responses',
  'outOfTurn',
  'upgrades',
  'sigh',
  'unrouted',
  'childEvents',
  'late',
  'lateProcess',
  'maxStates',
  'maxDepth',
  'symmetry',
];

class ConfigProblem extends Error {}

function oneOf<T extends string>(value: string, known: readonly T[], what: string): T {
  const found = known.find((each) => each === value);
  if (found === undefined) throw new ConfigProblem(`unknown ${what} '${value}': choose from ${known.join(', ')}`);
  return found;
}

function fromList<T extends string>(values: readonly string[], known: readonly T[], what: string): T[] {
  return values.map((value) => oneOf(value, known, what));
}

function count(value: number, what: string, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new ConfigProblem(`${what} must be an integer from 1 to ${max}, not ${value}`);
  return value;
}

/** The child built late that `input` asks for, if any. */
function lateChild(input: ConfigInput): LateChild | null {
  if (input.late === undefined) {
    if (input.lateProcess !== undefined) throw new ConfigProblem('lateProcess needs late, the set-up of the child built late');
    return null;
  }
  return {
    env: oneOf(input.late, ENV_MODES, 'set-up'),
    process: oneOf(input.lateProcess ?? 'ok', PROCESS_OUTCOMES, 'process outcome'),
  };
}

/** The configuration `input` describes, the defaults filling in what it leaves out. */
export function exploreConfig(input: ConfigInput): ConfigResult {
  try {
    return { ok: true, config: build(input) };
  } catch (error) {
    if (error instanceof ConfigProblem) return { ok: false, problem: error.message };
    throw error;
  }
}

function build(input: ConfigInput): ExploreConfig {
  const base = DEFAULT_EXPLORE_CONFIG;
  const shape = {
    clients: input.clients === undefined ? base.shape.clients : count(input.clients, 'clients', 8),
    services: input.servers === undefined ? base.shape.services : fromList(input.servers, SHAPE_SERVICES, 'server kind'),
    sessionsPerClient: input.sessions === undefined ? base.shape.sessionsPerClient : count(input.sessions, 'sessions', 8),
    late: lateChild(input),
  };
  const problem = shapeProblem(shape);
  if (problem !== null) throw new ConfigProblem(problem);
  const levels: readonly Level[] =
    input.quotaLevels === undefined ? base.vocabulary.levels : LEVELS.slice(0, count(input.quotaLevels, 'quotaLevels', LEVELS.length));
  const vocabulary = {
    levels,
    answers: input.answers === undefined ? base.vocabulary.answers : fromList(input.answers, UPSTREAM_ANSWERS, 'answer'),
    responses: input.responses === undefined ? base.vocabulary.responses : fromList(input.responses, SERVER_ANSWERS, 'response'),
    outOfTurn: input.outOfTurn ?? base.vocabulary.outOfTurn,
    upgrades: input.upgrades ?? base.vocabulary.upgrades,
    sigh: input.sigh ?? base.vocabulary.sigh,
    unrouted: input.unrouted ?? base.vocabulary.unrouted,
    childActions:
      input.childEvents === undefined ? base.vocabulary.childActions : fromList<ChildAction>(input.childEvents, CHILD_ACTIONS, 'child event'),
  };
  if (vocabulary.answers.length === 0) throw new ConfigProblem('answers must name at least one answer');
  return {
    shape,
    vocabulary,
    maxStates: input.maxStates === undefined ? base.maxStates : count(input.maxStates, 'maxStates', Number.MAX_SAFE_INTEGER),
    maxDepth: input.maxDepth === undefined ? base.maxDepth : count(input.maxDepth, 'maxDepth', Number.MAX_SAFE_INTEGER),
    symmetry: input.symmetry ?? base.symmetry,
  };
}

/** Reads a configuration file's JSON: an object with only the known keys, of the right types. */
export function configFromJson(json: unknown): { readonly ok: true; readonly input: ConfigInput } | { readonly ok: false; readonly problem: string } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, problem: 'the configuration must be a JSON object' };
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const known = KEYS.find((each) => each === key);
    if (known === undefined) return { ok: false, problem: `unknown key '${key}': the keys are ${KEYS.join(', ')}` };
    const wanted = typeOf(known);
    const fits =
      wanted === 'list' ? Array.isArray(value) && value.every((item) => typeof item === 'string') : typeof value === wanted;
    if (!fits) return { ok: false, problem: `'${key}' must be ${wanted === 'list' ? 'a list of strings' : `a ${wanted}`}` };
    input[key] = value;
  }
  return { ok: true, input };
}

function typeOf(key: keyof ConfigInput): 'number' | 'boolean' | 'string' | 'list' {
  switch (key) {
    case 'clients':
    case 'sessions':
    case 'quotaLevels':
    case 'maxStates':
    case 'maxDepth':
      return 'number';
    case 'outOfTurn':
    case 'upgrades':
    case 'sigh':
    case 'unrouted':
    case 'symmetry':
      return 'boolean';
    case 'late':
    case 'lateProcess':
      return 'string';
    case 'servers':
    case 'answers':
    case 'responses':
    case 'childEvents':
      return 'list';
  }
}

/** The flags that give `config` on the command line. */
export function configFlags(config: ExploreConfig): string {
  const { shape, vocabulary } = config;
  const flags = [
    `--clients ${shape.clients}`,
    `--servers ${shape.services.join(',')}`,
    `--sessions ${shape.sessionsPerClient}`,
    `--quota-levels ${vocabulary.levels.length}`,
    `--answers ${vocabulary.answers.join(',')}`,
    `--responses ${vocabulary.responses.join(',')}`,
    ...(vocabulary.childActions.length > 0 ? [`--child-events ${vocabulary.childActions.join(',')}`] : ['--child-events none']),
    ...(vocabulary.outOfTurn ? ['--out-of-turn'] : []),
    ...(vocabulary.upgrades ? ['--upgrades'] : []),
    ...(vocabulary.sigh ? ['--sigh'] : []),
    ...(vocabulary.unrouted ? ['--unrouted'] : []),
    ...(shape.late === null ? [] : [`--late ${shape.late.env}`]),
    ...(shape.late === null || shape.late.process === 'ok' ? [] : [`--late-process ${shape.late.process}`]),
    ...(config.symmetry ? [] : ['--no-symmetry']),
    ...(config.maxStates === DEFAULT_EXPLORE_CONFIG.maxStates ? [] : [`--max-states ${config.maxStates}`]),
    ...(config.maxDepth === DEFAULT_EXPLORE_CONFIG.maxDepth ? [] : [`--max-depth ${config.maxDepth}`]),
  ];
  return flags.join(' ');
}
