// A Stryker ignorer: leaves alone the text handed to the parent's
// diagnostics (`diagnostics.warning(...)`, `diagnostics.error(...)`) and the
// message of a `new UsageError(...)`. The contract lets a checker compare
// the level of what the parent reports, not its wording, and lets an
// implementation refuse misuse with any message (docs/implementing.md,
// "Misuse"), so a mutant that only changes the words is not a fault the
// checker could or should catch.
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

const REPORTING = new Set(['warning', 'error']);
const REFUSING = 'UsageError';

function reportsDiagnostic(path) {
  const call = path.findParent((parent) => parent.isCallExpression());
  if (!call) return false;
  const callee = call.node.callee;
  return callee.type === 'MemberExpression' && callee.property.type === 'Identifier' && REPORTING.has(callee.property.name);
}

function refusesMisuse(path) {
  const construction = path.findParent((parent) => parent.isNewExpression());
  if (!construction) return false;
  const callee = construction.node.callee;
  return callee.type === 'Identifier' && callee.name === REFUSING;
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'diagnostic-wording', {
    shouldIgnore(path) {
      if (!path.isStringLiteral() && !path.isTemplateLiteral()) return undefined;
      if (reportsDiagnostic(path)) {
        return 'the wording of a diagnostic is not part of the contract; its level is checked';
      }
      if (refusesMisuse(path)) {
        return 'the message of a refused misuse is not part of the contract; the refusal is checked';
      }
      return undefined;
    },
  }),
];
