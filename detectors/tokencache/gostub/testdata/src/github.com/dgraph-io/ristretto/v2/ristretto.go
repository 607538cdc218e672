// Package ristretto is a stub of github.com/dgraph-io/ristretto/v2.
package ristretto

import "time"

type Key interface {
	~uint64 | ~string | ~[]byte | ~byte | ~int | ~int32 | ~uint32 | ~int64
}

type Config[K Key, V any] struct {
	NumCounters int64
	MaxCost     int64
	BufferItems int64
}

type Cache[K Key, V any] struct{ cfg *Config[K, V] }

func NewCache[K Key, V any](config *Config[K, V]) (*Cache[K, V], error) { return nil, nil }

func (c *Cache[K, V]) Get(key K) (V, bool)                                           { var v V; return v, false }
func (c *Cache[K, V]) Set(key K, value V, cost int64) bool                           { return false }
func (c *Cache[K, V]) SetWithTTL(key K, value V, cost int64, ttl time.Duration) bool { return false }
func (c *Cache[K, V]) GetTTL(key K) (time.Duration, bool)                            { return 0, false }
func (c *Cache[K, V]) Del(key K)                                                     {}
func (c *Cache[K, V]) Wait()                                                         {}
