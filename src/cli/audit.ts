import type { Command } from 'commander';

/** export, import, rebuild, verify: added with the auditor tooling. */
export function auditCommands(): Command[] {
  return [];
}
