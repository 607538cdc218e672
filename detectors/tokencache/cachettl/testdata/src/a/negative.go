package a

import (
	"context"
	"sync"
	"time"

	"github.com/patrickmn/go-cache"
	"golang.org/x/oauth2"
)

// Entries carry their expiry and readers check it.
type entry struct {
	tok     string
	expires time.Time
}

var checked = map[string]*oauth2.Token{}

func Checked(ctx context.Context, k string) *oauth2.Token {
	if t, ok := checked[k]; ok && t.Valid() {
		return t
	}
	t, _ := cc.Token(ctx)
	checked[k] = t
	return t
}

var entries = map[string]entry{}

func Entries(ctx context.Context, k string) string {
	t, _ := cc.Token(ctx)
	entries[k] = entry{tok: t.AccessToken, expires: t.Expiry}
	return entries[k].tok
}

var smap sync.Map

func SyncChecked(ctx context.Context, k string) *oauth2.Token {
	if v, ok := smap.Load(k); ok {
		if t := v.(*oauth2.Token); t.Valid() {
			return t
		}
	}
	t, _ := cc.Token(ctx)
	smap.Store(k, t)
	return t
}

// TTL derived from the token.
var gcGood = cache.New(5*time.Minute, time.Minute)

func GoCacheGood(ctx context.Context) {
	t, _ := cc.Token(ctx)
	gcGood.Set("tok", t, time.Until(t.Expiry)-time.Minute)
	gcGood.SetDefault("tok", t)
}

// Not tokens.
var names = map[string]string{}
var counts = cache.New(cache.NoExpiration, 0)

func NotTokens(k string) {
	names[k] = "x"
	counts.Set(k, 1, cache.NoExpiration)
}

// A local map lives for one call.
func Local(ctx context.Context) {
	m := map[string]*oauth2.Token{}
	t, _ := cc.Token(ctx)
	m["a"] = t
	_ = m
}
