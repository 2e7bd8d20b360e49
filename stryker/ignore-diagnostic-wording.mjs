// A Stryker ignorer: leaves alone the text handed to the parent's
// diagnostics (`diagnostics.warning(...)`, `diagnostics.error(...)`). The
// contract lets a checker compare the level of what the parent reports, not
// its wording, so a mutant that only changes the words is not a fault the
// checker could or should catch.
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

const REPORTING = new Set(['warning', 'error']);

function reportsDiagnostic(path) {
  const call = path.findParent((parent) => parent.isCallExpression());
  if (!call) return false;
  const callee = call.node.callee;
  return callee.type === 'MemberExpression' && callee.property.type === 'Identifier' && REPORTING.has(callee.property.name);
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'diagnostic-wording', {
    shouldIgnore(path) {
      if ((path.isStringLiteral() || path.isTemplateLiteral()) && reportsDiagnostic(path)) {
        return 'the wording of a diagnostic is not part of the contract; its level is checked';
      }
      return undefined;
    },
  }),
];
