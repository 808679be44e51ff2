/**
 * DuckDB's own settings that cut an instance off from everything outside it: no file or http
 * reads and writes (COPY, ATTACH of files, read_csv of a URL, EXPORT DATABASE), no extension
 * installs or loads, and then a locked configuration, so that no later SET, RESET or PRAGMA can
 * turn any of it back on. Every DuckDB-wasm instance of the app runs this right after it starts;
 * tables still arrive as Arrow (insertArrowFromIPCStream), which is not a file system access.
 */
export const LOCKDOWN_SQL = [
  'SET autoinstall_known_extensions = false',
  'SET autoload_known_extensions = false',
  'SET allow_community_extensions = false',
  'SET enable_external_access = false',
  // Last: it freezes the settings above.
  'SET lock_configuration = true'
].join(';\n');
