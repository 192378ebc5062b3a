import { createClock } from '../domain/clock.ts';
import { ensureSigningKeys, rotateSigningKey } from '../receipts/signing-keys.ts';
import { CLI_ACTOR, openStoreFromEnv } from './open-store.ts';
import { type CliCommand, CliError } from './types.ts';

const USAGE = `Usage: credcheck receipts keys [--json]
       credcheck receipts rotate-key [--json]

  keys        list the receipt signing keys (public part), newest last
  rotate-key  start signing with a new Ed25519 key; older keys stay in /.well-known/jwks.json so
              every receipt already issued remains verifiable. Running API processes switch
              within one refresh interval (CREDCHECK_REFRESH_MS).`;

export const receiptsCommand: CliCommand = {
  summary: 'list or rotate the keys that sign decision receipts',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    const json = rest.includes('--json');
    const unknown = rest.filter((a) => a !== '--json');
    if ((sub !== 'keys' && sub !== 'rotate-key') || unknown.length > 0) {
      throw new CliError(
        `${sub === undefined ? 'Missing subcommand' : `Unknown arguments: ${[sub, ...unknown].join(' ')}`}\n${USAGE}`,
      );
    }
    const store = await openStoreFromEnv(io);
    try {
      const now = createClock(io.env.CREDCHECK_NOW || undefined).now();
      const keys =
        sub === 'rotate-key'
          ? await rotateSigningKey(store, now, CLI_ACTOR)
          : await ensureSigningKeys(store, now, CLI_ACTOR);
      const shown = keys.map((k) => ({
        kid: k.kid,
        createdAt: k.createdAt,
        retiredAt: k.retiredAt,
        publicJwk: k.publicJwk,
      }));
      if (json) io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      else {
        if (sub === 'rotate-key') io.stdout.write(`now signing with ${keys.at(-1)!.kid}\n`);
        for (const k of shown) {
          io.stdout.write(
            `${k.kid}  created ${k.createdAt}  ${k.retiredAt ? `retired ${k.retiredAt}` : 'active'}\n`,
          );
        }
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
