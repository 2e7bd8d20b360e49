/**
 * Loaded by mocha before every test file (`.mocharc.json`): the CLI is
 * tested for the text it prints, so the commands the tests start print no
 * colour codes, whatever the environment says. picocolors turns colour on
 * whenever `CI` is set, even into a pipe; `NO_COLOR` wins over that, and
 * every process a test starts inherits it.
 */
process.env['NO_COLOR'] = '1';
