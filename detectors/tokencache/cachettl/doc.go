// Package cachettl defines an Analyzer that reports caches holding tokens
// longer than the tokens live.
//
// # Analyzer cachettl
//
// cachettl: report token caches with no expiry or a TTL past the token's
//
// A token or credential (see heldtoken) put into a long-lived cache - a
// package-level or struct-field map or sync.Map, github.com/patrickmn/go-cache,
// ristretto, jellydator/ttlcache or allegro/bigcache - must leave the cache
// before it expires. Reported:
//
//   - maps and sync.Maps of tokens that no reader checks for expiry;
//   - go-cache Set with cache.NoExpiration, or with the default expiration
//     of a cache created with no expiry;
//   - ristretto Set (no TTL at all) or SetWithTTL with a TTL of 0;
//   - ttlcache Set with ttlcache.NoTTL or with the default TTL of a cache
//     created without WithTTL, and ttlcache caches created without
//     WithDisableTouchOnHit (every Get extends a token's stay);
//   - any of these with a constant TTL longer than the credential's known
//     lifetime (STS credentials: DurationSeconds, default one hour) - the
//     cache then serves expired credentials for the difference.
//
// Fix: derive each entry's TTL from the token (time.Until(tok.Expiry) minus
// a safety window) or check the expiry on every read.
package cachettl
