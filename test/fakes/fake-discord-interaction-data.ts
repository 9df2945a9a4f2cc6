import type { FakeCommandOption, FakeInteractionInput } from './fake-discord-inputs.js';
import type { FakeMessage } from './fake-discord-records.js';
import type { FakeApp } from './fake-discord-router.js';

/** Builds INTERACTION_CREATE `data` (and resolves a component's message) from a test's short description. */
export function createInteractionData(app: FakeApp) {
  const { state } = app;
  /** Unregistered commands still get one stable id per name, as if registered. */
  const commandIds = new Map<string, string>();

  function options(input: FakeInteractionInput): FakeCommandOption[] {
    if (Array.isArray(input.options)) return [...(input.options as readonly FakeCommandOption[])];
    return Object.entries(input.options ?? {}).map(([name, value]) => ({
      name,
      type: typeof value === 'string' ? 3 : typeof value === 'boolean' ? 5 : Number.isInteger(value) ? 4 : 10,
      value,
    }));
  }

  function command(input: FakeInteractionInput, guildId: string, channelId: string): Record<string, unknown> {
    const name = input.name ?? 'imagine';
    const type = input.commandType ?? 1;
    const sameName = (candidate: { name: string; type: number }) => candidate.name === name && candidate.type === type;
    const registered = state.commands.guilds.get(guildId)?.find(sameName) ?? state.commands.global.find(sameName);
    const id = registered?.id ?? commandIds.get(`${type}:${name}`) ?? app.snowflake();
    commandIds.set(`${type}:${name}`, id);
    const list = options(input);
    const resolved: Record<string, Record<string, unknown>> = {};
    for (const [optionName, file] of Object.entries(input.attachments ?? {})) {
      const attachment = { ...app.cdn.store(file, channelId), ephemeral: true };
      list.push({ name: optionName, type: 11, value: attachment.id });
      resolved['attachments'] = { ...resolved['attachments'], [attachment.id]: attachment };
    }
    const withFocus = list.map((option) => (option.name === input.focused ? { ...option, focused: true } : option));
    if (type === 3 && input.targetId !== undefined) {
      const target = state.message(input.targetId);
      if (!target) throw new Error(`fake Discord: no message ${input.targetId} to target`);
      resolved['messages'] = { [target.id]: target };
    }
    if (type === 2 && input.targetId !== undefined)
      resolved['users'] = { [input.targetId]: state.user(input.targetId) };
    return {
      id,
      name,
      type,
      ...(registered?.guild_id !== undefined && { guild_id: registered.guild_id }),
      ...(withFocus.length > 0 && { options: withFocus }),
      ...(Object.keys(resolved).length > 0 && { resolved }),
      ...(input.targetId !== undefined && { target_id: input.targetId }),
    };
  }

  return {
    data(input: FakeInteractionInput, type: number, guildId: string, channelId: string): Record<string, unknown> {
      if (type === 2 || type === 4) return command(input, guildId, channelId);
      const customId = input.customId ?? 'fake:button';
      if (type === 3) {
        const componentType = input.componentType ?? (input.values ? 3 : 2);
        return {
          custom_id: customId,
          component_type: componentType,
          ...(input.values && { values: [...input.values] }),
        };
      }
      const fields = Object.entries(input.fields ?? {}).map(([id, value]) => ({
        type: 1,
        components: [{ type: 4, custom_id: id, value }],
      }));
      return { custom_id: customId, components: input.components ? [...input.components] : fields };
    },

    /** By id from the store, or an object (stored if its channel exists, so a type 7 update can edit it). */
    message(message: FakeInteractionInput['message']): FakeMessage | undefined {
      if (message === undefined) return undefined;
      if (typeof message !== 'string') {
        if (!state.message(message.id) && state.channel(message.channel_id)) state.addMessage(message);
        return message;
      }
      const stored = state.message(message);
      if (!stored) throw new Error(`fake Discord: no message ${message} for the component`);
      return stored;
    },
  };
}
