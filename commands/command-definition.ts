/**
 * One neutral definition per command; converters turn it into Discord's application-command JSON and the Slack
 * app manifest, and the CLI help reads it too.
 */
export type OptionKind = 'string' | 'integer' | 'number' | 'boolean' | 'attachment';

export interface CommandOption {
  readonly name: string;
  readonly kind: OptionKind;
  readonly description: string;
  readonly required?: boolean;
  /** The inline flag that sets the same thing inside the prompt (`--ar`). */
  readonly flag?: string;
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
  /** Values come from the model catalogue (Discord autocomplete). */
  readonly autocomplete?: boolean;
}

export interface CommandDefinition {
  readonly name: string;
  readonly description: string;
  readonly options: readonly CommandOption[];
  /** Only members with Manage Server see it by default (Discord `default_member_permissions`). */
  readonly adminOnly?: boolean;
  /**
   * Also offered through a user install (Discord `integration_types: [0, 1]`, `contexts: [0, 1, 2]`): in DMs, group
   * DMs and servers the bot is not in, answered through the interaction webhook only.
   */
  readonly userInstall?: boolean;
}

/** A message context-menu command (right-click a message → Apps). */
export interface MessageCommandDefinition {
  readonly name: string;
  /** As {@link CommandDefinition.userInstall}. */
  readonly userInstall?: boolean;
}
