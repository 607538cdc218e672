// Package ttlcache is a stub of github.com/jellydator/ttlcache/v3.
package ttlcache

import "time"

const (
	NoTTL      time.Duration = -1
	DefaultTTL time.Duration = 0
)

type Item[K comparable, V any] struct {
	key   K
	value V
}

func (item *Item[K, V]) Value() V             { return item.value }
func (item *Item[K, V]) ExpiresAt() time.Time { return time.Time{} }
func (item *Item[K, V]) IsExpired() bool      { return false }

type Option[K comparable, V any] interface{ apply(*options[K, V]) }
type options[K comparable, V any] struct{ ttl time.Duration }
type optionFunc[K comparable, V any] func(*options[K, V])

func (fn optionFunc[K, V]) apply(opts *options[K, V]) { fn(opts) }

func WithTTL[K comparable, V any](ttl time.Duration) Option[K, V] { return nil }
func WithDisableTouchOnHit[K comparable, V any]() Option[K, V]    { return nil }
func WithCapacity[K comparable, V any](c uint64) Option[K, V]     { return nil }

type Cache[K comparable, V any] struct{ opts options[K, V] }

func New[K comparable, V any](opts ...Option[K, V]) *Cache[K, V] { return nil }

func (c *Cache[K, V]) Set(key K, value V, ttl time.Duration) *Item[K, V] { return nil }
func (c *Cache[K, V]) Get(key K, opts ...Option[K, V]) *Item[K, V]       { return nil }
func (c *Cache[K, V]) Delete(key K)                                      {}
func (c *Cache[K, V]) Start()                                            {}
func (c *Cache[K, V]) Stop()                                             {}
