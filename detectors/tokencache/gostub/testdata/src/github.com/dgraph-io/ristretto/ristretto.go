// Package ristretto is a stub of github.com/dgraph-io/ristretto (v0/v1).
package ristretto

import "time"

type Config struct {
	NumCounters int64
	MaxCost     int64
	BufferItems int64
}

type Cache struct{ cfg *Config }

func NewCache(config *Config) (*Cache, error) { return nil, nil }

func (c *Cache) Get(key interface{}) (interface{}, bool)                               { return nil, false }
func (c *Cache) Set(key, value interface{}, cost int64) bool                           { return false }
func (c *Cache) SetWithTTL(key, value interface{}, cost int64, ttl time.Duration) bool { return false }
func (c *Cache) Del(key interface{})                                                   {}
func (c *Cache) Wait()                                                                 {}
