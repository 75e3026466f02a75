/**
 * The auditor's commands: export, import, verify, rebuild (docs/operations.md). Each reads the log
 * page by page, so a million events are never held in memory at once. One file a command.
 */
import type { Command } from 'commander';
import { exportCommand } from './audit/export.ts';
import { importCommand } from './audit/import.ts';
import { rebuildCommand } from './audit/rebuild.ts';
import { verifyCommand } from './audit/verify.ts';

export function auditCommands(): Command[] {
  return [exportCommand(), importCommand(), verifyCommand(), rebuildCommand()];
}
