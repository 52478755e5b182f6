/**
 * Snowflake ids for objects the stand-in creates (messages, commands, sessions).
 * discord.js derives `createdTimestamp` from an id, so ids carry the real creation time
 * in Discord's layout: milliseconds since the Discord epoch shifted left by 22 bits.
 */

const DISCORD_EPOCH_MS = 1_420_070_400_000n;

let increment = 0n;

export function nextSnowflake(now: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(now) - DISCORD_EPOCH_MS) << 22n) | increment).toString();
}
